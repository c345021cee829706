"""CSV exports: quotes, place mentions, speakers and places, one row each, UTF-8 with a header,
written a chunk of rows at a time so that memory stays flat whatever the number of rows. A text
cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is escaped with a leading apostrophe; numbers are written as numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

from .. import search
from ..models import PlaceMention, Quote
from .query import CHUNK, Absolute, chunks, created_by, iso_date, iso_time, place_names, url_maker

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
    for chunk in chunks(rows):
        writer.writerows([safe_row(row) for row in chunk])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if rest := buffer.getvalue():  # the header, when there were no rows
        yield rest


def quote_rows(absolute: Absolute, quotes: QuerySet[Quote]) -> Iterator[tuple]:
    """One query, read a chunk at a time: each quote with its article, speaker, places and
    annotator."""
    article_url = url_maker(absolute, "articles:article_detail", "slug")
    quote_url = url_maker(absolute, "articles:quote_panel", "slug", "quote_id")
    rows = (
        quotes.annotate(place_names=place_names(), annotator=created_by(Quote))
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
            iso_date(date),
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
            iso_time(created),
        )


def mention_rows(absolute: Absolute, mentions: QuerySet[PlaceMention]) -> Iterator[tuple]:
    """One query, read a chunk at a time: each mention with its article, place and annotator."""
    article_url = url_maker(absolute, "articles:article_detail", "slug")
    rows = (
        mentions.annotate(annotator=created_by(PlaceMention))
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
            iso_date(date),
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
            iso_time(created),
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
