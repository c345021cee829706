"""The admin's "Import annotations" page for an article: a W3C Web Annotation file (JSON-LD, as
Newsroom, Hypothesis or Recogito export it) anchored into the article by the same code as
``manage.py import_annotations``, then a list of what was anchored and of the orphans kept for
repair (each a link to re-select its text in the annotate page). An ordinary CSRF-checked POST:
it works without JavaScript. For those who may annotate and add quotes and place mentions.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from .annotate import can_annotate
from .exports import w3c_store
from .exports.w3c_import import AnnotationFileError, read
from .models import Article

MAX_BYTES = 16 * 1024 * 1024


class AnnotationFileForm(forms.Form):
    file = forms.FileField(
        label="Annotations",
        help_text="W3C Web Annotations (JSON-LD), as Newsroom, Hypothesis or Recogito export "
        "them. Each is placed by its quoted text; what the text does not hold is kept as an "
        "orphan for you to place.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.jsonld"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"{upload.name}: larger than {MAX_BYTES // 2**20} MB.")
        try:
            self.annotations = read(upload.read(), upload.name)
        except AnnotationFileError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


def _may_import(user) -> bool:
    perms = ("articles.add_quote", "articles.add_placemention")
    return can_annotate(user) and all(user.has_perm(p) for p in perms)


def import_annotations_view(model_admin, request: HttpRequest, article_id: int) -> HttpResponse:
    if not _may_import(request.user):
        raise PermissionDenied
    article = get_object_or_404(Article, pk=article_id)
    form = AnnotationFileForm()
    report = None
    if request.method == "POST":
        form = AnnotationFileForm(request.POST, request.FILES)
        if form.is_valid():
            report = w3c_store.store(article, form.annotations)
            form = AnnotationFileForm()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": f"Import annotations: {article.headline}",
        "article": article,
        "form": form,
        "report": report,
        "anchored": report.of(w3c_store.ANCHORED) if report else [],
        "orphans": report.of(w3c_store.ORPHAN) if report else [],
        "suggested": report.of(w3c_store.SUGGESTED) if report else [],
        "already": report.of(w3c_store.ALREADY) if report else [],
    }
    return TemplateResponse(request, "admin/articles/article/import_annotations.html", context)
