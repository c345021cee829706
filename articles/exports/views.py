"""The export views: each list's CSV and GeoJSON, streamed as a download."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import StreamingHttpResponse
from django.views.decorators.http import require_safe

from .. import search
from . import geo, package, tabular
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
    quotes = tabular.quote_source(quotes_for(search.Filters.from_query(request.GET)))
    pieces = tabular.span_pieces(request.build_absolute_uri, tabular.QUOTES, quotes)
    return download(pieces, CSV, "quotes.csv")


@require_safe
def export_mentions(request):
    """``/export/mentions.csv?<the article list's query>``: one row per place mention."""
    mentions = tabular.mention_source(mentions_for(search.Filters.from_query(request.GET)))
    pieces = tabular.span_pieces(request.build_absolute_uri, tabular.MENTIONS, mentions)
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
