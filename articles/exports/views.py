"""The export views: each list's CSV and GeoJSON, streamed as a download; the W3C Web
Annotation JSON-LD of an article, of a mention and of the corpus."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.views.decorators.http import require_safe

from .. import search
from ..models import Article
from ..negotiation import prefers_jsonld
from ..views import etag, public_page
from . import geo, package, tabular, w3c, w3c_corpus
from .query import mentions_for, quotes_for


def download(
    pieces: Iterable[str] | Iterable[bytes], content_type: str, filename: str
) -> StreamingHttpResponse:
    """The pieces as a streamed download."""
    response = StreamingHttpResponse(pieces, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


CSV = "text/csv; charset=utf-8"
GEOJSON = "application/geo+json; charset=utf-8"


@require_safe
def export_quotes(request):
    """``/export/quotes.csv?<the article list's query>``: one row per quote."""
    filters = search.Filters.from_query(request.GET)
    quotes = tabular.quote_source(quotes_for(filters))
    pieces = tabular.span_pieces(
        request.build_absolute_uri, tabular.QUOTES, quotes, whole=not filters.active
    )
    return download(pieces, CSV, "quotes.csv")


@require_safe
def export_mentions(request):
    """``/export/mentions.csv?<the article list's query>``: one row per place mention."""
    filters = search.Filters.from_query(request.GET)
    mentions = tabular.mention_source(mentions_for(filters))
    pieces = tabular.span_pieces(
        request.build_absolute_uri, tabular.MENTIONS, mentions, whole=not filters.active
    )
    return download(pieces, CSV, "mentions.csv")


@require_safe
def export_speakers(request):
    """``/export/speakers.csv``: the speaker list, most quoted first."""
    rows = tabular.speaker_rows(request.build_absolute_uri)
    return download(tabular.csv_pieces(rows, tabular.SPEAKER_HEADER), CSV, "speakers.csv")


@require_safe
def export_places(request):
    """``/export/places.csv``: the place list, most mentioned first."""
    rows = tabular.place_rows(request.build_absolute_uri)
    return download(tabular.csv_pieces(rows, tabular.PLACE_HEADER), CSV, "places.csv")


@require_safe
def export_places_geojson(request):
    """``/export/places.geojson?<the article list's query>``: the places with their counts."""
    features = geo.place_features(
        request.build_absolute_uri, search.Filters.from_query(request.GET)
    )
    return download(geo.geojson_pieces(features), GEOJSON, "places.geojson")


@require_safe
def export_mentions_geojson(request):
    """``/export/mentions.geojson?<the article list's query>``: one feature per mention."""
    mentions = mentions_for(search.Filters.from_query(request.GET))
    features = geo.mention_features(request.build_absolute_uri, mentions)
    return download(geo.geojson_pieces(features), GEOJSON, "mentions.geojson")


def dataset_download(request):
    """The published corpus as the data package of ``manage.py export_dataset``, one ZIP,
    streamed: the editors' link to it (the admin checks who may follow it). Only what readers
    see is in it, as in every export."""
    base = request.build_absolute_uri("/")
    pieces = package.zip_pieces(base, "Newsroom corpus", package.DEFAULT_LICENSE)
    return download(pieces, "application/zip", "newsroom-corpus.zip")


# W3C Web Annotation (JSON-LD)


def jsonld(document: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(w3c.dumps(document), content_type=w3c.CONTENT_TYPE, status=status)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def jsonld_etag(article: Article) -> str:
    """The JSON-LD's ETag: the article page's, for the other representation."""
    return etag(article)[:-1] + '.jsonld"'


def article_jsonld_text(request: HttpRequest, article: Article, page: str | None) -> str:
    """The article's JSON-LD (``page``: ``"1"`` for its one page alone), built once per revision
    of the article and per site address, as the page's rendering is: the revision moves with
    every change to the article, its annotations and the names they show."""
    site = hashlib.blake2b(request.build_absolute_uri("/").encode(), digest_size=8).hexdigest()
    stamp = f"{article.pk}:{article.revision}:{article.updated_at.timestamp()}"
    key = f"w3c-article:{stamp}:{site}:{page or ''}"
    text = cache.get(key)
    if text is None:
        with w3c.collector_paused():
            document = w3c.article_collection(request.build_absolute_uri, article)
            if page is not None:
                if page != "1" or "first" not in document:
                    raise Http404("This collection has one page: ?page=1.")
                document = w3c.standalone(document["first"])
            text = w3c.dumps(document)
            del document
        cache.set(key, text, settings.RENDER_CACHE_SECONDS)
    return text


def article_jsonld(request: HttpRequest, article: Article) -> HttpResponse:
    """A published article's annotations (``?page=1``: its one page alone), conditional."""
    tag = jsonld_etag(article)
    if not_modified := get_conditional_response(request, etag=tag):
        return not_modified
    text = article_jsonld_text(request, article, request.GET.get("page"))
    response = HttpResponse(text, content_type=w3c.CONTENT_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = tag
    response["Content-Location"] = request.build_absolute_uri(
        reverse("articles:article_annotations", args=[article.slug])
    )
    return response


@require_safe
@public_page
def article_annotations(request, slug):
    """``/articles/<slug>/annotations.jsonld``: the article's W3C annotations (published only,
    for everyone: JSON-LD shows no drafts)."""
    return article_jsonld(request, get_object_or_404(Article.objects.published(), slug=slug))


@require_safe
@public_page
def corpus_annotations(request):
    """``/annotations.jsonld``: every published annotation as one collection, paged."""
    try:
        cursor = w3c_corpus.parse(request.GET)
    except w3c_corpus.PageError as error:
        return jsonld({"error": str(error)}, status=400)
    if cursor is None:
        return jsonld(w3c_corpus.collection(request.build_absolute_uri))
    return jsonld(w3c_corpus.corpus_page(request.build_absolute_uri, cursor))


@require_safe
@public_page
def mention(request, slug, mention_id):
    """A place mention's IRI: its ``Annotation`` for a JSON-LD client, its place's page for a
    reader."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    document = w3c.one_annotation(request.build_absolute_uri, "mention", article, mention_id)
    if document is None:
        raise Http404("No such place mention.")
    if prefers_jsonld(request.headers.get("Accept", "")):
        response: HttpResponse = jsonld(document)
    else:
        place_url = document["body"][0]["source"]["url"]
        response = HttpResponseRedirect(place_url)
    patch_vary_headers(response, ["Accept"])
    return response
