"""The annotation interface: every model, with inline spans, a highlighted preview, an annotate
view, history of every change, and optimistic locking against lost updates."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Case, Count, F, FloatField, Q, When
from django.db.models.functions import Cast
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

from . import annotate, import_admin, operations, tasks, throttle, w3c_admin
from .changes import changing, current
from .exports import views as export_views
from .forms import VersionedForm
from .models import (
    Affiliation,
    Article,
    Author,
    Outlet,
    Place,
    PlaceMention,
    Quote,
    RuleTally,
    Speaker,
    StaleEdit,
)
from .presenters import body_html


class ThrottledLoginForm(AdminAuthenticationForm):
    """The admin login, saying so when django-axes refuses it (articles.throttle)."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                message = throttle.locked_message(self.request)
                raise ValidationError(message, code="throttled") from None
            raise


admin.site.login_form = ThrottledLoginForm


class NewsroomAdmin(SimpleHistoryAdmin):
    """History ("who changed what, when") on every page; a save lost to a race says so.

    History is for reading: reverting from it is off (SIMPLE_HISTORY_REVERT_DISABLED), and a
    POST to a historical record is refused, because django-simple-history's revert checks only
    the view permission and would restore fields (such as status) a user may not change.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("Reverting from the history is disabled.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def changeform_view(self, request, *args, **kwargs):
        """One operation per form: the object, its inlines and relations announce once."""
        try:
            with changing():
                return super().changeform_view(request, *args, **kwargs)
        except StaleEdit as error:
            # Saved by someone else between this request's check and its save: nothing was
            # written (the admin's transaction rolled back).
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        operations.save_object(obj)

    def delete_model(self, request, obj):
        operations.delete_object(obj)

    def delete_queryset(self, request, queryset):
        with changing():
            for obj in queryset:
                operations.delete_object(obj)


class SpanInline(admin.TabularInline):
    form = VersionedForm
    extra = 0
    show_change_link = True
    readonly_fields = ["anchored"]


class QuoteInline(SpanInline):
    model = Quote
    fields = [
        "exact",
        "start",
        "end",
        "speaker",
        "kind",
        "places",
        "status",
        "anchored",
        "loaded_version",
    ]
    autocomplete_fields = ["speaker", "places"]


class PlaceMentionInline(SpanInline):
    model = PlaceMention
    fields = ["exact", "start", "end", "place", "status", "anchored", "loaded_version"]
    autocomplete_fields = ["place"]


@admin.register(Article)
class ArticleAdmin(NewsroomAdmin):
    form = VersionedForm
    list_display = ["headline", "author", "outlet", "status", "published_on", "updated_at"]
    list_filter = ["status", "published_on", "outlet", "author"]
    list_select_related = ["author", "outlet"]
    search_fields = ["headline", "dek", "body", "slug", "source_url"]
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["author", "outlet"]
    date_hierarchy = "published_on"
    readonly_fields = ["preview", "source_file", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "headline",
                    "slug",
                    "dek",
                    "author",
                    "outlet",
                    "status",
                    "published_on",
                    "language",
                    "loaded_version",
                ]
            },
        ),
        ("Text", {"fields": ["body", "preview"]}),
        ("Source", {"fields": ["source_url", "source_file", "created_at", "updated_at"]}),
    ]
    inlines = [QuoteInline, PlaceMentionInline]
    actions = ["publish", "unpublish", "suggest_annotations"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    class Media:
        css = {"all": ["css/highlights.css"]}

    def save_model(self, request, obj, form, change):
        # An unchanged article (only its annotations were edited) is not saved again, so its
        # version and history stay as they are and nobody else's open form goes stale.
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        # The article's save just now may have re-anchored these spans, bumping their versions
        # after their forms were checked; those bumps are this request's own.
        edited = {
            f.instance.pk: f.instance for f in formset.forms if f.instance.pk and f.has_changed()
        }
        if edited:
            versions = formset.model._base_manager.filter(pk__in=edited).values_list(
                "pk", "version"
            )
            for pk, version in versions:
                edited[pk].version = version
        deleted = [f.instance.pk for f in formset.deleted_forms if f.instance.pk]
        operations.note_spans_before(formset.model, [*edited, *deleted])
        super().save_formset(request, form, formset, change)
        article = form.instance
        current().article(article, visible=article.is_published)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        views = [
            ("", annotate.page, "articles_article_annotate"),
            ("form/", annotate.annotation_form, "articles_article_annotate_form"),
            ("save/", annotate.save, "articles_article_annotate_save"),
            ("delete/", annotate.delete, "articles_article_annotate_delete"),
            ("review/", annotate.review, "articles_article_annotate_review"),
            ("names/", annotate.names, "articles_article_annotate_names"),
        ]
        job = path(
            "suggestions/<str:result_id>/",
            wrap(self.suggestion_job_view),
            name="articles_article_suggestion_job",
        )
        importing = [
            path(
                "import/",
                wrap(lambda request: import_admin.import_view(self, request)),
                name="articles_article_import",
            ),
            path(
                "import/<str:result_id>/",
                wrap(
                    lambda request, result_id: import_admin.import_job_view(
                        self, request, result_id
                    )
                ),
                name="articles_article_import_job",
            ),
            path(
                "import/<str:result_id>/import/",
                wrap(
                    lambda request, result_id: import_admin.import_previewed_view(
                        self, request, result_id
                    )
                ),
                name="articles_article_import_previewed",
            ),
        ]
        annotations = path(
            "<int:article_id>/import-annotations/",
            wrap(
                lambda request, article_id: w3c_admin.import_annotations_view(
                    self, request, article_id
                )
            ),
            name="articles_article_import_annotations",
        )
        dataset = path("dataset.zip", wrap(self.dataset_view), name="articles_article_dataset")
        return [
            path(f"<int:article_id>/annotate/{suffix}", wrap(view), name=name)
            for suffix, view, name in views
        ] + [job, annotations, *importing, dataset, *super().get_urls()]

    def dataset_view(self, request):
        """The published corpus as a data package (a ZIP), for whoever may see the articles."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return export_views.dataset_download(request)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields.append("status")
        return fields

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    @admin.action(permissions=["publish"], description="Publish the selected articles")
    def publish(self, request, queryset):
        changed = operations.publish(queryset)
        self.message_user(request, f"{changed} article(s) now published.", messages.SUCCESS)

    @admin.action(permissions=["publish"], description="Unpublish the selected articles (drafts)")
    def unpublish(self, request, queryset):
        changed = operations.unpublish(queryset)
        self.message_user(request, f"{changed} article(s) now draft.", messages.SUCCESS)

    def has_suggest_permission(self, request):
        user = request.user
        return user.has_perm("articles.add_quote") and user.has_perm("articles.add_placemention")

    @admin.action(permissions=["suggest"], description="Suggest annotations (for review)")
    def suggest_annotations(self, request, queryset):
        """One background job for the selection (articles.tasks): the suggester can take
        longer on a long article than a web request may."""
        article_ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        result = tasks.suggest_for_articles.enqueue(article_ids, request.user.pk)
        if result.is_finished:  # a backend that runs jobs at once (NEWSROOM_TASK_BACKEND)
            self.message_user(request, tasks.summary(tasks.as_job(result)), messages.SUCCESS)
            return
        url = reverse("admin:articles_article_suggestion_job", args=[result.id])
        self.message_user(
            request,
            format_html(
                "Suggestions are being prepared for {} article{}; reload the annotate view in a "
                'moment. <a href="{}">Job status</a>',
                len(article_ids),
                "" if len(article_ids) == 1 else "s",
                url,
            ),
            messages.SUCCESS,
        )

    def suggestion_job_view(self, request, result_id):
        """A suggestion job's state (queued, running, done, failed), counts and failures."""
        if not self.has_suggest_permission(request):
            raise PermissionDenied
        try:
            job = tasks.job(tasks.suggest_for_articles, result_id)
        except tasks.JobNotFound:
            raise Http404("No suggestion job has that id.") from None
        failures = job.result.get("failures", [])
        # The job's ids are JSON, not always numbers: only numbers are looked up.
        numbered = [f for f in failures if isinstance(f["article_id"], int)]
        existing = Article.objects.in_bulk([f["article_id"] for f in numbered])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Suggestion job: {job.state}",
            "job": job,
            "failures": [
                {**f, "article": existing.get(f["article_id"]) if f in numbered else None}
                for f in failures
            ],
            "task_admin_url": self._task_admin_url(request, job.id),
        }
        return TemplateResponse(request, "admin/articles/article/suggestion_job.html", context)

    def _task_admin_url(self, request, result_id):
        """django-tasks-db's own admin page for the job, for those who may view it."""
        if not isinstance(tasks.suggest_for_articles.get_backend(), DatabaseBackend):
            return None
        if not self.admin_site.is_registered(DBTaskResult):
            return None
        if not request.user.has_perm("django_tasks_database.view_dbtaskresult"):
            return None
        return reverse("admin:django_tasks_database_dbtaskresult_change", args=[result_id])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_annotate": annotate.can_annotate(request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Highlighted preview")
    def preview(self, article):
        if article.pk is None:
            return "Save the article to see its highlights."
        quotes = article.quotes.shown().select_related("speaker")
        mentions = article.place_mentions.shown().select_related("place")
        return format_html(
            '<div class="newsroom-preview article-body">{}</div>',
            body_html(article, quotes, mentions),
        )


class MergeAdmin(NewsroomAdmin):
    """The admin action "Merge the selected ...": a page to choose the one to keep, then the
    operation (quotes, mentions and links move to it, names join its aliases, old URLs 301)."""

    merge_operation: staticmethod
    actions = ["merge"]

    def has_merge_permission(self, request):
        """Whoever may change them: a merge moves and redirects, it loses nothing."""
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")

    @admin.action(permissions=["merge"], description="Merge the selected into one")
    def merge(self, request, queryset):
        chosen = list(queryset.order_by("name", "pk"))
        noun = self.model._meta.verbose_name_plural
        if len(chosen) < 2:
            self.message_user(request, f"Select two or more {noun} to merge.", messages.WARNING)
            return None
        keep_pk = request.POST.get("keep", "")
        keep = next((c for c in chosen if str(c.pk) == keep_pk), None)
        if "apply" in request.POST and keep is not None:
            merged = type(self).merge_operation(keep, [c for c in chosen if c.pk != keep.pk])
            self.message_user(
                request, f"Merged {merged} {noun} into {keep.name}.", messages.SUCCESS
            )
            return None
        return TemplateResponse(
            request,
            "admin/articles/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Merge {noun}",
                "opts": self.model._meta,
                "chosen": chosen,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(Author)
class AuthorAdmin(NewsroomAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "bio"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Outlet)
class OutletAdmin(NewsroomAdmin):
    list_display = ["name", "domain", "country", "article_count"]
    list_filter = ["country"]
    search_fields = ["name", "domain", "homepage"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_all_articles=Count("articles"))

    @admin.display(description="Articles", ordering="n_all_articles")
    def article_count(self, outlet):
        return outlet.n_all_articles


@admin.register(Affiliation)
class AffiliationAdmin(NewsroomAdmin):
    """Whom speakers speak for; the speakers' forms and the annotate view choose from these."""

    list_display = ["name", "side", "country", "speaker_count"]
    ordering = ["name"]  # counted (GROUP BY): the model's ordering would not apply
    list_filter = ["side", "country"]
    search_fields = ["name", "side", "country", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_speakers=Count("speakers"))

    @admin.display(description="Speakers", ordering="n_speakers")
    def speaker_count(self, affiliation):
        return affiliation.n_speakers


@admin.register(Speaker)
class SpeakerAdmin(MergeAdmin):
    merge_operation = staticmethod(operations.merge_speakers)
    list_display = ["name", "kind", "category", "role", "affiliation", "quote_count"]
    list_filter = ["kind", "category", "affiliation__side"]
    list_select_related = ["affiliation"]
    search_fields = ["name", "role", "affiliation__name", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["affiliation"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_all_quotes=Count("quotes"))

    @admin.display(description="Quotes", ordering="n_all_quotes")
    def quote_count(self, speaker):
        return speaker.n_all_quotes


@admin.register(Place)
class PlaceAdmin(MergeAdmin):
    merge_operation = staticmethod(operations.merge_places)
    list_display = ["name", "kind", "country_code", "latitude", "longitude", "mention_count"]
    list_filter = ["kind", "country_code"]
    search_fields = ["name", "aliases", "country_code"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_all_mentions=Count("mentions"))

    @admin.display(description="Mentions", ordering="n_all_mentions")
    def mention_count(self, place):
        return place.n_all_mentions


class SpanAdmin(NewsroomAdmin):
    form = VersionedForm
    list_filter = ["status", "anchored"]
    list_select_related = ["article"]
    readonly_fields = ["prefix", "suffix", "anchored", "created_at", "updated_at"]
    autocomplete_fields = ["article"]

    @admin.display(description="Re-select")
    def reselect(self, span):
        if span.anchored:
            return ""
        url = annotate.annotate_url(span.article) + f"?reselect={span.key}"
        return format_html('<a href="{}">Re-select its text</a>', url)


@admin.register(Quote)
class QuoteAdmin(SpanAdmin):
    list_display = ["exact", "speaker", "kind", "article", "status", "anchored", "reselect"]
    list_filter = ["kind", *SpanAdmin.list_filter, "speaker"]
    list_select_related = ["article", "speaker"]
    search_fields = ["exact", "speaker__name", "article__headline", "note"]
    autocomplete_fields = ["article", "speaker", "places"]


@admin.register(PlaceMention)
class PlaceMentionAdmin(SpanAdmin):
    list_display = ["exact", "place", "article", "status", "anchored", "reselect"]
    list_filter = [*SpanAdmin.list_filter, "place"]
    list_select_related = ["article", "place"]
    search_fields = ["exact", "place__name", "article__headline"]
    autocomplete_fields = ["article", "place"]


@admin.register(RuleTally)
class RuleTallyAdmin(admin.ModelAdmin):
    """Which suggester rules annotators reject: every rule's suggestions, acceptances and
    rejections (kept by the suggestion operations), the weakest first. For reading: whoever may
    annotate sees it, nobody edits it."""

    list_display = ["rule", "kind", "suggested", "accepted", "rejected", "acceptance"]
    list_display_links = None
    list_filter = ["kind"]
    search_fields = ["rule"]

    def get_ordering(self, request):
        # The weakest first: the lowest share accepted, the most rejected; unreviewed ones last.
        return [F("acceptance_rate").asc(nulls_last=True), "-rejected", "kind", "rule"]

    def get_queryset(self, request):
        reviewed = F("accepted") + F("rejected")
        rate = Cast("accepted", FloatField()) / Cast(reviewed, FloatField())
        return (
            super()
            .get_queryset(request)
            .annotate(acceptance_rate=Case(When(Q(accepted__gt=0) | Q(rejected__gt=0), then=rate)))
        )

    @admin.display(description="Accepted of reviewed", ordering="acceptance_rate")
    def acceptance(self, tally):
        if tally.acceptance_rate is None:
            return "not reviewed yet"
        return f"{tally.acceptance_rate:.0%} ({tally.accepted} of {tally.reviewed})"

    def has_view_permission(self, request, obj=None):
        return (
            request.user.is_active and request.user.is_staff and annotate.can_annotate(request.user)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The API tokens (articles.api.admin) register themselves here.
from .api import admin as api_admin  # noqa: E402, F401
