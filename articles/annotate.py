"""The annotate view: select text in an article's body to make it a quote or a place mention.

Served inside the admin (ArticleAdmin.get_urls wraps these in ``admin_view``). Each view renders a
partial of ``annotate.html`` for htmx and the whole page otherwise, so the page also works as
plain links and forms.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from . import operations, search
from .forms import AnnotationForm
from .htmx import page_or_fragment, wants_fragment
from .models import (
    Affiliation,
    Article,
    Place,
    PlaceMention,
    Quote,
    Span,
    Speaker,
    StaleEdit,
    locate,
)
from .offsets import from_utf16, trim
from .presenters import annotate_body_html, proposed_label

TEMPLATE = "admin/articles/article/annotate.html"
SPAN_MODELS = {"quote": Quote, "placemention": PlaceMention}


def can_annotate(user) -> bool:
    return user.has_perm("articles.view_article") and (
        user.has_perm("articles.add_quote") or user.has_perm("articles.add_placemention")
    )


def _article(request, article_id):
    if not can_annotate(request.user):
        raise PermissionDenied
    return get_object_or_404(Article.objects.select_related("author"), pk=article_id)


def _check_span_permission(user, span_or_type, action):
    model_name = span_or_type if isinstance(span_or_type, str) else span_or_type._meta.model_name
    model_name = {"place": "placemention"}.get(model_name, model_name)
    if not user.has_perm(f"articles.{action}_{model_name}"):
        raise PermissionDenied


def _workspace(article) -> dict:
    quotes = list(
        article.quotes.exclude(status=Span.Status.REJECTED)
        .select_related("speaker__affiliation")
        .prefetch_related("places")
    )
    mentions = list(
        article.place_mentions.exclude(status=Span.Status.REJECTED).select_related("place")
    )
    live_quotes = [q for q in quotes if q.anchored]
    live_mentions = [m for m in mentions if m.anchored]
    for span in quotes + mentions:
        span.label = proposed_label(span)
    live = live_quotes + live_mentions
    return {
        "article": article,
        "body": annotate_body_html(article, live_quotes, live_mentions),
        "annotations": sorted(
            [s for s in live if s.status != Span.Status.SUGGESTED], key=lambda s: (s.start, -s.end)
        ),
        # Most confident first, so "accept all above" takes the top of the list.
        "suggestions": sorted(
            [s for s in live if s.status == Span.Status.SUGGESTED],
            key=lambda s: (-(s.confidence if s.confidence is not None else -1), s.start, -s.end),
        ),
        "n_suggested": sum(s.status == Span.Status.SUGGESTED for s in quotes + mentions),
        "review_choices": [("accept", "Accept"), ("reject", "Reject")],
        "default_threshold": DEFAULT_THRESHOLD,
        "orphans": [s for s in quotes + mentions if not s.anchored],
        "speaker_names": sorted({q.speaker.name for q in quotes if q.speaker}),
        "affiliation_names": sorted(
            {q.speaker.affiliation.name for q in quotes if q.speaker and q.speaker.affiliation}
        ),
        "place_names": sorted({m.place.name for m in mentions if m.place}),
    }


# What each fragment of the annotate page shows beside the form: the body and the list need the
# whole workspace; the form alone needs none of it.
NEEDS_WORKSPACE = {"saved", "workspace"}


def _render(request, article, fragment, form=None, status=200, **extra):
    context = {"article": article, "form": form, "opts": Article._meta, **extra}
    if fragment in NEEDS_WORKSPACE or not wants_fragment(request):
        context.update(_workspace(article))

    def page() -> dict:
        return {
            **admin.site.each_context(request),
            "title": f"Annotate: {article.headline}",
        }

    return page_or_fragment(request, TEMPLATE, fragment, context, page, status=status)


def _span(article, value):
    model_name, _, pk = (value or "").partition("-")
    model = SPAN_MODELS.get(model_name)
    if model is None or not pk.isdigit():
        return None
    return model.objects.filter(article=article, pk=pk).first()


@require_GET
def page(request, article_id):
    """The whole workspace. Without a mouse or JavaScript: ``?find=text`` starts an annotation on
    that text, ``?edit=quote-12`` edits one; ``?reselect=quote-12`` asks for an orphan's new text.
    """
    article = _article(request, article_id)
    form, error = _form_from_query(article, request.GET)
    if error:
        messages.error(request, error)
    reselect = _span(article, request.GET.get("reselect"))
    return _render(request, article, "workspace", form=form, reselect=reselect)


def _form_from_query(article, query):
    """The form that ``find`` or ``edit`` in a query asks for, or an error."""
    if query.get("find"):
        try:
            start, end = locate(article.body, query["find"])
        except ValidationError as error:
            return None, " ".join(error.messages)
        return _new_form(article, start, end), None
    if query.get("edit"):
        span = _span(article, query["edit"])
        if span is None:
            return None, "This annotation no longer exists."
        return _new_form(article, span.start, span.end, AnnotationForm.initial_for(span)), None
    return None, None


def _new_form(article, start, end, initial=None):
    return AnnotationForm(
        article=article,
        initial={
            **(initial or {}),
            "article_version": article.version,
            "start": start,
            "end": end,
            "exact": article.body[start:end],
        },
    )


@require_GET
def annotation_form(request, article_id):
    """The form for a new selection (``start16``, ``end16``: the browser's UTF-16 offsets,
    ``text``: what it selected), for re-selecting an annotation's text (``span`` too), or for
    ``find`` and ``edit`` as on the page.
    """
    article = _article(request, article_id)
    if "start16" not in request.GET:
        form, error = _form_from_query(article, request.GET)
        return _render(request, article, "form", form=form, error=error)
    span = _span(article, request.GET.get("span"))
    if request.GET.get("span") and span is None:
        return _render(request, article, "form", error="This annotation no longer exists.")
    try:
        start = from_utf16(article.body, int(request.GET["start16"]))
        end = from_utf16(article.body, int(request.GET.get("end16", "")))
    except ValueError:
        return _render(request, article, "form", error="That selection is not in the article.")
    if request.GET.get("text") is not None and article.body[start:end] != request.GET["text"]:
        return _render(
            request,
            article,
            "form",
            error="The selection does not match the article as it is now: it may have been "
            "edited since this page was loaded. Reload the page and select the text again.",
        )
    start, end = trim(article.body, start, end)
    if start >= end:
        return _render(request, article, "form", error="Select some text first.")
    initial = AnnotationForm.initial_for(span) if span else {}
    return _render(request, article, "form", form=_new_form(article, start, end, initial))


@require_POST
def save(request, article_id):
    article = _article(request, article_id)
    form = AnnotationForm(request.POST, article=article)
    if form.is_valid():
        _check_span_permission(
            request.user,
            form.existing or form.cleaned_data["type"],
            "change" if form.existing else "add",
        )
        try:
            span = operations.save_annotation(form)
        except StaleEdit as error:
            form.add_error(None, str(error))
        else:
            verb = "Updated" if form.existing else "Added"
            return _done(request, article, f"{verb}: {span}")
    article.refresh_from_db()
    return _render(request, article, "saved" if request.htmx else "workspace", form=form)


def _done(request, article, message):
    """After a change: htmx gets the form area, body and list anew; a plain POST a redirect."""
    if not request.htmx:
        messages.success(request, message)
        return redirect("admin:articles_article_annotate", article.pk)
    return _render(request, article, "saved", saved=message)


@require_POST
def delete(request, article_id):
    article = _article(request, article_id)
    span = _span(article, request.POST.get("span"))
    if span is not None:
        _check_span_permission(request.user, span, "delete")
        label = str(span)
        operations.delete_span(span)
        message = f"Deleted: {label}"
    else:
        message = "That annotation was already deleted."
    return _done(request, article, message)


DEFAULT_THRESHOLD = 0.8


def threshold(value) -> float | None:
    """A confidence threshold from a form (0 to 1), or None when it is not one."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if 0.0 <= number <= 1.0 else None  # NaN and infinities fail too


def _pending(article, **conditions) -> list[Span]:
    """The article's suggestions still to review (``conditions`` narrow them)."""
    open_ = {"status": Span.Status.SUGGESTED, "anchored": True, **conditions}
    return [*article.quotes.filter(**open_), *article.place_mentions.filter(**open_)]


def _chosen(request, article) -> tuple[list[Span], str | None]:
    """The suggestions a review form names: one (``span``), all (``all``) or those at least as
    confident as ``above``; or an error saying why none."""
    decision = request.POST.get("decision")
    if decision not in {"accept", "reject"}:
        return [], "Choose accept or reject."
    if "above" in request.POST:
        minimum = threshold(request.POST["above"])
        if decision != "accept" or minimum is None:
            return [], "Give a confidence between 0 and 1 to accept the suggestions above it."
        return _pending(article, confidence__gte=minimum), None
    if request.POST.get("all"):
        return _pending(article), None
    span = _span(article, request.POST.get("span"))
    return ([span] if span is not None and span.status == Span.Status.SUGGESTED else []), None


@require_POST
def review(request, article_id):
    """Accept or reject one suggestion (``span``) or all of the article's (``all``), or accept
    every one whose confidence is at least ``above``: one operation either way."""
    article = _article(request, article_id)
    spans, error = _chosen(request, article)
    if error:
        return _render(request, article, "saved", saved=error)
    for span in spans:
        _check_span_permission(request.user, span, "change")
    accept = request.POST["decision"] == "accept"
    try:
        if accept:
            operations.accept_suggestions(spans)
        else:
            operations.reject_suggestions(spans)
    except StaleEdit as error:
        message = str(error)
    else:
        verb = "Accepted" if accept else "Rejected"
        message = f"{verb} {len(spans)} suggestion{'s' if len(spans) != 1 else ''}"
        if "above" in request.POST:
            message += f" with a confidence of {threshold(request.POST['above']):.2f} or more"
        message += "."
    return _done(request, article, message)


@require_GET
def names(request, article_id):
    """``<option>``s of speakers (``?speaker=``), places (``?place=``) or affiliations
    (``?speaker_affiliation=``, as the form's field sends itself) whose names match."""
    _article(request, article_id)
    model: type[Place] | type[Speaker] | type[Affiliation]
    if "place" in request.GET:
        model, name = Place, "place"
    elif "speaker_affiliation" in request.GET:
        model, name = Affiliation, "speaker_affiliation"
    else:
        model, name = Speaker, "speaker"
    query = search.text_param(request.GET, name).strip()  # no NUL: PostgreSQL refuses it
    matches = list(model.objects.filter(name__icontains=query)[:20]) if query else []
    return render(request, f"{TEMPLATE}#options", {"options": matches})


def annotate_url(article) -> str:
    return reverse("admin:articles_article_annotate", args=[article.pk])
