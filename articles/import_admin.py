"""The admin's "Import articles" page: uploaded files (text or HTML), URLs and a feed, imported
by a background job (``tasks.import_articles``) whose page shows its progress and then what
was imported and what failed, with each failure's reason.

"Preview" runs the same job without writing: its page shows each article as it would be
(headline, metadata, the body with its suggestions highlighted) and a button that imports the
same sources (uploads included: they are in the preview job's arguments).

For those who may add articles; publishing on import needs the publish permission too. The
form is an ordinary POST (CSRF-checked by the admin); the job page reloads itself while the job
runs, so it all works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import SafeString

from . import highlight, tasks
from .importer import MAX_BYTES, PAGE_MAX_BYTES
from .imports import is_url, looks_like_html
from .models import Article, JobProgress

MAX_FILES = 50
# All files together (a 5 MB page fits): they travel in the job's arguments.
MAX_UPLOAD_BYTES = 10 * MAX_BYTES
MAX_URLS = 500


def upload_limit(upload: UploadedFile) -> tuple[int, str]:
    """(the most bytes, what) for an uploaded file: a web page's limit for a page (by its name or
    how it begins), an article's for the text format."""
    head = upload.read(4096)
    upload.seek(0)
    if looks_like_html(upload.name or "", head):
        return PAGE_MAX_BYTES, "a web page"
    return MAX_BYTES, "an article"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.html,.htm"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    uploads = MultipleFileField(
        required=False,
        label="Files",
        help_text="Plain-text articles in the seed's format or saved web pages (.html, .htm).",
    )
    urls = forms.CharField(
        required=False,
        label="URLs",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80, "spellcheck": "false"}),
        help_text=f"One http(s) address a line, at most {MAX_URLS}.",
    )
    feed = forms.URLField(
        required=False,
        label="Feed",
        assume_scheme="https",
        help_text="An RSS or Atom feed: the page of each entry not imported before.",
    )
    publish = forms.BooleanField(required=False, label="Publish them (otherwise they are drafts)")
    suggest = forms.BooleanField(
        required=False, label="Suggest quotes and places for review", initial=True
    )

    def __init__(self, *args: Any, may_publish: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_publish:
            del self.fields["publish"]

    def clean_uploads(self) -> list[UploadedFile]:
        files = self.cleaned_data["uploads"]
        if len(files) > MAX_FILES:
            raise ValidationError(f"At most {MAX_FILES} files at a time ({len(files)} given).")
        for upload in files:
            limit, what = upload_limit(upload)
            if upload.size and upload.size > limit:
                raise ValidationError(
                    f"{upload.name}: {upload.size:,} bytes; {what} may be at most {limit:,} bytes."
                )
        total = sum(upload.size or 0 for upload in files)
        if total > MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"The files come to {total:,} bytes; import at most {MAX_UPLOAD_BYTES:,} bytes "
                "at a time (or give their URLs)."
            )
        return files

    def clean_urls(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["urls"].splitlines()]
        urls = [line for line in lines if line]
        if len(urls) > MAX_URLS:
            raise ValidationError(f"At most {MAX_URLS} URLs at a time ({len(urls)} given).")
        bad = [f"{url!r}" for url in urls if not is_url(url) or not url.startswith("http")]
        if bad:
            raise ValidationError(f"Not http(s) URLs: {', '.join(bad[:5])}.")
        return list(dict.fromkeys(urls))  # each once, in order

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("uploads") or data.get("urls") or data.get("feed")):
            raise ValidationError("Give files, URLs or a feed to import.")
        return data

    def sources(self) -> list[dict]:
        data = self.cleaned_data
        sources = [tasks.file_source(f.name or "upload", f.read()) for f in data["uploads"]]
        sources += [tasks.url_source(url) for url in data["urls"]]
        if data.get("feed"):
            sources.append(tasks.feed_source(data["feed"]))
        return sources


def import_view(model_admin: Any, request: HttpRequest) -> HttpResponse:
    """The form; a valid POST enqueues the job and goes to its page."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    may_publish = model_admin.has_publish_permission(request)
    form = ImportForm(may_publish=may_publish)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, may_publish=may_publish)
        if form.is_valid():
            result = tasks.import_articles.enqueue(
                form.sources(),
                bool(form.cleaned_data.get("publish")),
                bool(form.cleaned_data.get("suggest")),
                request.user.pk,
                dry_run="preview" in request.POST,
            )
            if result.is_finished:  # a backend that runs jobs at once (NEWSROOM_TASK_BACKEND)
                return job_page(model_admin, request, tasks.as_job(result))
            url = reverse("admin:articles_article_import_job", args=[result.id])
            return HttpResponseRedirect(url)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Import articles",
        "form": form,
    }
    return TemplateResponse(request, "admin/articles/article/import.html", context)


def import_job_view(model_admin: Any, request: HttpRequest, result_id: str) -> HttpResponse:
    """An import job: its state and progress, then the articles imported and the failures."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    try:
        job = tasks.job(tasks.import_articles, result_id)
    except tasks.JobNotFound:
        raise Http404("No import job has that id.") from None
    return job_page(model_admin, request, job)


def job_page(model_admin: Any, request: HttpRequest, job: tasks.Job) -> HttpResponse:
    progress = JobProgress.objects.filter(job_id=job.id).first()
    items = list(job.result.get("items") or (progress.items if progress else []))
    slugs = [i["slug"] for i in items if isinstance(i, dict) and isinstance(i.get("slug"), str)]
    articles = {a.slug: a for a in Article.objects.filter(slug__in=slugs).only("pk", "slug")}
    for item in items:
        item["article"] = articles.get(item.get("slug"))
    done = progress.done if progress else 0
    total = progress.total if progress else 0
    if job.state == "done":
        done = total = len(items)
    previews = [i for i in items if "preview" in i]
    for item in previews:
        item["body_html"] = preview_html(item["preview"])
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"{'Preview' if job.result.get('dry_run') else 'Import'} job: {job.state}",
        "dry_run": bool(job.result.get("dry_run")),
        "previews": previews,
        "may_publish": model_admin.has_publish_permission(request),
        "job": job,
        "done": done,
        "total": total,
        "percent": 100 if job.state == "done" else (done * 100 // total if total else 0),
        "imported": [i for i in items if "slug" in i],
        "skipped": [i for i in items if "skipped" in i],
        "failures": [i for i in items if "error" in i],
    }
    return TemplateResponse(request, "admin/articles/article/import_job.html", context)


def preview_html(preview: dict) -> SafeString:
    """A previewed body with its suggested quotes and places highlighted (escaped text)."""
    body = str(preview.get("body", ""))
    specs = []
    for quote in preview.get("quotes", []):
        who = quote.get("speaker") or "Unattributed"
        specs.append(
            highlight.Highlight(
                start=int(quote["start"]),
                end=int(quote["end"]),
                attrs=(
                    ("class", f"quote quote--{quote.get('kind', 'direct')} speaker-none"),
                    ("title", f"{who} (suggested {quote.get('kind', '')})"),
                ),
            )
        )
    for place in preview.get("places", []):
        specs.append(
            highlight.Highlight(
                start=int(place["start"]),
                end=int(place["end"]),
                attrs=(("class", "place-mention"), ("title", f"{place.get('place')} (suggested)")),
            )
        )
    return highlight.render(body, specs)


def import_previewed_view(model_admin: Any, request: HttpRequest, result_id: str) -> HttpResponse:
    """Import the sources of a finished preview job: a new job, whose page it goes to."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    try:
        job = tasks.job(tasks.import_articles, result_id)
        result = tasks.import_articles.get_result(result_id)
    except tasks.JobNotFound:
        raise Http404("No import job has that id.") from None
    if job.state != "done" or not job.result.get("dry_run"):
        raise Http404("That job is not a finished preview.")
    sources = result.args[0]
    publish = model_admin.has_publish_permission(request) and "publish" in request.POST
    new = tasks.import_articles.enqueue(
        sources, publish, "suggest" in request.POST, request.user.pk
    )
    if new.is_finished:
        return job_page(model_admin, request, tasks.as_job(new))
    return HttpResponseRedirect(reverse("admin:articles_article_import_job", args=[new.id]))
