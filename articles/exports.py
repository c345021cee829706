"""Exports of what readers see, as CSV and GeoJSON: quotes and place mentions for any list a
reader can reach (the same search and filters as the article list, which is also how a
speaker's, a place's and an outlet's export is asked for), the speaker and place lists, and the
places and mentions as GeoJSON (RFC 7946: WGS 84, longitude first).

Every export is streamed: the rows come from one query (what a row lists, a quote's places and
who annotated it, are subqueries of it) read a chunk at a time (a server-side cursor on
PostgreSQL) and written a chunk at a time, so memory stays flat whatever the number of rows.
Only reader-visible spans (``visible()``) and public names are exported, to everyone: drafts and
suggestions never leave through an export. A text cell that a spreadsheet would read as a
formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is escaped with a
leading apostrophe; numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from . import search
from .models import Article, Place, PlaceMention, Quote

CHUNK = 2_000  # rows read from the database at a time
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

QUOTE_HEADER = [
    "quote_id",
    "quote_url",
    "article",
    "article_url",
    "headline",
    "date",
    "outlet",
    "speaker",
    "speaker_role",
    "speaker_affiliation",
    "kind",
    "text",
    "start",
    "end",
    "places",
    "status",
    "annotated_by",
    "annotated_at",
]
MENTION_HEADER = [
    "mention_id",
    "article",
    "article_url",
    "headline",
    "date",
    "outlet",
    "text",
    "start",
    "end",
    "place",
    "place_kind",
    "latitude",
    "longitude",
    "country_code",
    "geonames_id",
    "status",
    "annotated_by",
    "annotated_at",
]
SPEAKER_HEADER = [
    "speaker",
    "url",
    "name",
    "kind",
    "role",
    "affiliation",
    "aliases",
    "wikidata_id",
    "quotes",
]
PLACE_HEADER = [
    "place",
    "url",
    "name",
    "kind",
    "latitude",
    "longitude",
    "country_code",
    "geonames_id",
    "aliases",
    "mentions",
    "quotes_about",
]


def safe_row(row: Sequence[Any]) -> list[Any]:
    """A row's cells as a spreadsheet may open them: text it would run as a formula gets a
    leading apostrophe; numbers, dates and empty values (``None``, written as nothing) pass."""
    return ["'" + v if v.__class__ is str and v.startswith(FORMULA_STARTS) else v for v in row]


def csv_pieces(rows: Iterable[Sequence[Any]], header: list[str]) -> Iterator[str]:
    """The rows as CSV text, the header first, a piece per chunk of rows (never per row, never
    the whole at once)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for chunk in _chunks(rows):
        writer.writerows([safe_row(row) for row in chunk])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if rest := buffer.getvalue():  # the header, when there were no rows
        yield rest


def download(pieces: Iterable[str], content_type: str, filename: str) -> StreamingHttpResponse:
    """The pieces as a streamed download."""
    response = StreamingHttpResponse(pieces, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


CSV = "text/csv; charset=utf-8"
GEOJSON = "application/geo+json; charset=utf-8"


def _chunks(rows: Iterable[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


URL_MARKS = {"slug": "zz0slug0zz", "quote_id": "987654321"}


Absolute = Callable[[str], str]  # a path made an absolute URL (``request.build_absolute_uri``)


def url_maker(absolute: Absolute, name: str, *fields: str) -> Callable[..., str]:
    """Absolute URLs of the view ``name`` by its arguments ``fields``, one per row without a
    ``reverse()`` each: the URL is reversed once with marks where the arguments go."""
    url = absolute(reverse(name, kwargs={f: URL_MARKS[f] for f in fields}))
    for f in fields:
        url = url.replace(URL_MARKS[f], "{" + f + "}")
    return url.format


def _annotator(model: type[Quote] | type[PlaceMention]) -> Subquery:
    """Who created the span, from its history (nobody for spans loaded in bulk): a subquery."""
    created = model.history.filter(id=OuterRef("pk"), history_type="+", history_user__isnull=False)
    return Subquery(created.order_by("history_date").values("history_user__username")[:1])


def _place_names() -> RawSQL:
    """The names of the places a quote is about, in order, joined by "; ": a subquery."""
    through = Quote.places.through._meta.db_table
    names = (
        f"SELECT p.name AS name FROM {through} t JOIN {Place._meta.db_table} p"
        f" ON p.id = t.place_id WHERE t.quote_id = {Quote._meta.db_table}.id"
    )
    if connection.vendor == "postgresql":
        return RawSQL(f"(SELECT string_agg(name, '; ' ORDER BY name) FROM ({names}) n)", [])
    return RawSQL(f"(SELECT group_concat(name, '; ') FROM ({names} ORDER BY name) n)", [])


def _date(value) -> str:
    return "" if value is None else value.isoformat()


def _when(value) -> str:
    """A time as ISO 8601 in UTC, as the database keeps it."""
    return "" if value is None else value.isoformat(timespec="seconds")


# --- What a list holds ---------------------------------------------------------------------------


def quotes_for(
    filters: search.Filters, quotes: QuerySet[Quote] | None = None, articles: QuerySet | None = None
) -> QuerySet[Quote]:
    """The reader-visible quotes of the articles the list shows for ``filters``; a speaker, a
    kind and a place also choose the quotes (the speaker's, of that kind, about that place), as
    they do on the speaker's and the place's pages. (The API passes other ``quotes`` and
    ``articles`` for staff, who also see suggestions and drafts.)"""
    quotes = Quote.objects.visible() if quotes is None else quotes
    if filters.speaker:
        quotes = quotes.filter(speaker__slug=filters.speaker)
    if filters.kind:
        quotes = quotes.filter(kind=filters.kind)
    if filters.place:
        quotes = quotes.filter(places__slug=filters.place)
    return quotes.filter(_in_articles(filters, articles))


def mentions_for(
    filters: search.Filters,
    mentions: QuerySet[PlaceMention] | None = None,
    articles: QuerySet | None = None,
) -> QuerySet[PlaceMention]:
    """The reader-visible place mentions of the articles the list shows for ``filters``; a
    place also chooses the mentions (of that place)."""
    if mentions is None:
        mentions = PlaceMention.objects.visible().filter(place__isnull=False)
    if filters.place:
        mentions = mentions.filter(place__slug=filters.place)
    return mentions.filter(_in_articles(filters, articles))


def _in_articles(filters: search.Filters, articles: QuerySet | None = None) -> Q:
    """The articles' part of the filters (the list's own rules), when there is one to apply."""
    if not (filters.q or filters.author or filters.year or filters.outlet or filters.speaker):
        return Q()  # the spans' own conditions say it all: no subquery of every article
    articles = Article.objects.published() if articles is None else articles
    matches = search.matching(search.filter_articles(articles, filters), filters.q)
    return Q(article__in=matches.values("pk"))


def quote_rows(absolute: Absolute, quotes: QuerySet[Quote]) -> Iterator[tuple]:
    """One query, read a chunk at a time: each quote with its article, speaker, places and
    annotator."""
    article_url = url_maker(absolute, "articles:article_detail", "slug")
    quote_url = url_maker(absolute, "articles:quote_panel", "slug", "quote_id")
    rows = (
        quotes.annotate(place_names=_place_names(), annotator=_annotator(Quote))
        .order_by("article_date", "article_id", "start", "pk")
        .values_list(
            "pk",
            "article__slug",
            "article__headline",
            "article__published_on",
            "article__outlet__name",
            "speaker__name",
            "speaker__role",
            "speaker__affiliation",
            "kind",
            "exact",
            "start",
            "end",
            "place_names",
            "status",
            "annotator",
            "created_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for pk, slug, headline, date, outlet, speaker, role, affiliation, *rest in rows:
        kind, text, start, end, places, status, annotator, created = rest
        yield (
            pk,
            quote_url(slug=slug, quote_id=pk),
            slug,
            article_url(slug=slug),
            headline,
            _date(date),
            outlet,
            speaker,
            role,
            affiliation,
            kind,
            text,
            start,
            end,
            places,
            status,
            annotator,
            _when(created),
        )


def mention_rows(absolute: Absolute, mentions: QuerySet[PlaceMention]) -> Iterator[tuple]:
    """One query, read a chunk at a time: each mention with its article, place and annotator."""
    article_url = url_maker(absolute, "articles:article_detail", "slug")
    rows = (
        mentions.annotate(annotator=_annotator(PlaceMention))
        .order_by("article_date", "article_id", "start", "pk")
        .values_list(
            "pk",
            "article__slug",
            "article__headline",
            "article__published_on",
            "article__outlet__name",
            "exact",
            "start",
            "end",
            "place__name",
            "place__kind",
            "place__latitude",
            "place__longitude",
            "place__country_code",
            "place__geonames_id",
            "status",
            "annotator",
            "created_at",
        )
        .iterator(chunk_size=CHUNK)
    )
    for pk, slug, headline, date, outlet, *rest in rows:
        text, start, end, place, kind, lat, lon, country, geonames, status, *who = rest
        annotator, created = who
        yield (
            pk,
            slug,
            article_url(slug=slug),
            headline,
            _date(date),
            outlet,
            text,
            start,
            end,
            place,
            kind,
            lat,
            lon,
            country,
            geonames,
            status,
            annotator,
            _when(created),
        )


def speaker_rows(absolute: Absolute) -> Iterator[tuple]:
    url = url_maker(absolute, "articles:speaker_detail", "slug")
    speakers = (
        search.public_speakers()
        .order_by("-n_quotes", "name", "pk")
        .values_list(
            "slug", "name", "kind", "role", "affiliation", "aliases", "wikidata_id", "n_quotes"
        )
    )
    for slug, name, kind, role, affiliation, aliases, wikidata, n in speakers.iterator(CHUNK):
        yield (slug, url(slug=slug), name, kind, role, affiliation, "; ".join(aliases), wikidata, n)


def place_rows(absolute: Absolute) -> Iterator[tuple]:
    url = url_maker(absolute, "articles:place_detail", "slug")
    places = (
        search.public_places()
        .order_by("-n_mentions", "name", "pk")
        .values_list(
            "slug",
            "name",
            "kind",
            "latitude",
            "longitude",
            "country_code",
            "geonames_id",
            "aliases",
            "n_mentions",
            "n_quotes",
        )
    )
    for slug, name, kind, lat, lon, country, geonames, aliases, n, about in places.iterator(CHUNK):
        yield (
            slug,
            url(slug=slug),
            name,
            kind,
            lat,
            lon,
            country,
            geonames,
            "; ".join(aliases),
            n,
            about,
        )


# --- GeoJSON ------------------------------------------------------------------------------------


def geojson_pieces(features: Iterable[dict]) -> Iterator[str]:
    """A ``FeatureCollection`` of ``features`` as text, a feature at a time."""
    yield '{"type": "FeatureCollection", "features": ['
    for n, feature in enumerate(features):
        yield ("," if n else "") + json.dumps(feature, ensure_ascii=False)
    yield "]}"


def _point(longitude: float, latitude: float) -> dict:
    return {"type": "Point", "coordinates": [longitude, latitude]}


def place_features(absolute: Absolute, filters: search.Filters) -> Iterator[dict]:
    """Each public place as a feature with its counts: of the whole corpus (the kept counts),
    or, for a search or filter, of the mentions and quotes that list holds."""
    url = url_maker(absolute, "articles:place_detail", "slug")
    places = search.public_places().order_by("-n_mentions", "name", "pk")
    counts: dict[int, tuple[int, int]] | None = None
    if filters.active:
        mentions = dict(
            mentions_for(filters)
            .order_by()
            .values("place")
            .annotate(n=Count("pk"))
            .values_list("place", "n")
        )
        quotes = dict(
            quotes_for(filters)
            .filter(places__isnull=False)
            .order_by()
            .values("places")
            .annotate(n=Count("pk"))
            .values_list("places", "n")
        )
        counts = {pk: (mentions.get(pk, 0), quotes.get(pk, 0)) for pk in {*mentions, *quotes}}
        places = places.filter(pk__in=counts)
    for place in places.iterator(CHUNK):
        n_mentions, n_quotes = (
            counts[place.pk] if counts is not None else (place.n_mentions, place.n_quotes)
        )
        yield {
            "type": "Feature",
            "id": url(slug=place.slug),
            "geometry": _point(place.longitude, place.latitude),
            "properties": {
                "name": place.name,
                "slug": place.slug,
                "url": url(slug=place.slug),
                "kind": place.kind,
                "country_code": place.country_code,
                "geonames_id": place.geonames_id,
                "mentions": n_mentions,
                "quotes_about": n_quotes,
            },
        }


def mention_features(absolute: Absolute, mentions: QuerySet[PlaceMention]) -> Iterator[dict]:
    """Each reader-visible mention as a feature at its place, with its article and text."""
    article_url = url_maker(absolute, "articles:article_detail", "slug")
    place_url = url_maker(absolute, "articles:place_detail", "slug")
    rows = (
        mentions.order_by("article_date", "article_id", "start", "pk")
        .values_list(
            "pk",
            "exact",
            "start",
            "end",
            "article__slug",
            "article__headline",
            "article__published_on",
            "place__slug",
            "place__name",
            "place__longitude",
            "place__latitude",
        )
        .iterator(chunk_size=CHUNK)
    )
    for pk, text, start, end, slug, headline, date, place, name, lon, lat in rows:
        yield {
            "type": "Feature",
            "id": pk,
            "geometry": _point(lon, lat),
            "properties": {
                "text": text,
                "start": start,
                "end": end,
                "article": slug,
                "article_url": article_url(slug=slug),
                "headline": headline,
                "date": _date(date),
                "place": name,
                "place_url": place_url(slug=place),
            },
        }


# --- Views ---------------------------------------------------------------------------------------


@require_safe
def export_quotes(request):
    """``/export/quotes.csv?<the article list's query>``: one row per quote."""
    quotes = quotes_for(search.Filters.from_query(request.GET))
    rows = quote_rows(request.build_absolute_uri, quotes)
    return download(csv_pieces(rows, QUOTE_HEADER), CSV, "quotes.csv")


@require_safe
def export_mentions(request):
    """``/export/mentions.csv?<the article list's query>``: one row per place mention."""
    mentions = mentions_for(search.Filters.from_query(request.GET))
    rows = mention_rows(request.build_absolute_uri, mentions)
    return download(csv_pieces(rows, MENTION_HEADER), CSV, "mentions.csv")


@require_safe
def export_speakers(request):
    """``/export/speakers.csv``: the speaker list, most quoted first."""
    rows = speaker_rows(request.build_absolute_uri)
    return download(csv_pieces(rows, SPEAKER_HEADER), CSV, "speakers.csv")


@require_safe
def export_places(request):
    """``/export/places.csv``: the place list, most mentioned first."""
    rows = place_rows(request.build_absolute_uri)
    return download(csv_pieces(rows, PLACE_HEADER), CSV, "places.csv")


@require_safe
def export_places_geojson(request):
    """``/export/places.geojson?<the article list's query>``: the places with their counts."""
    features = place_features(request.build_absolute_uri, search.Filters.from_query(request.GET))
    return download(geojson_pieces(features), GEOJSON, "places.geojson")


@require_safe
def export_mentions_geojson(request):
    """``/export/mentions.geojson?<the article list's query>``: one feature per mention."""
    mentions = mentions_for(search.Filters.from_query(request.GET))
    features = mention_features(request.build_absolute_uri, mentions)
    return download(geojson_pieces(features), GEOJSON, "mentions.geojson")
