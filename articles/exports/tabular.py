"""CSV exports: quotes, place mentions, speakers and places, one row each, UTF-8 with a header,
written a chunk of rows at a time so that memory stays flat whatever the number of rows. A text
cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) is escaped with a leading apostrophe; numbers are written as numbers."""

from __future__ import annotations

import csv
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .. import search
from ..models import PlaceMention, Quote
from .query import CHUNK, Absolute, chunks, created_by, iso_date, iso_time, place_names, url_maker

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column of a span export: its header, the field it reads and how it is written.

    ``kind`` is ``text`` (a spreadsheet formula escaped, empty text written as nothing),
    ``number``, ``date`` (ISO 8601), ``time`` (ISO 8601 in UTC, to the second) or ``url`` (an
    absolute URL of the view ``view``, whose arguments ``args`` name the fields that give them).
    The same columns drive both writers: Python's ``csv`` and PostgreSQL's ``COPY``.
    """

    header: str
    field: str = ""
    kind: str = "text"
    view: str = ""
    args: tuple[tuple[str, str], ...] = ()

    def fields(self) -> tuple[str, ...]:
        return tuple(f for _, f in self.args) if self.kind == "url" else (self.field,)


@dataclass(frozen=True)
class SpanTable:
    """A span export: its columns, and the order its rows come in (fields of the span)."""

    columns: tuple[Column, ...]
    order: tuple[str, ...] = ("article_date", "article_id", "start", "pk")

    @property
    def header(self) -> list[str]:
        return [c.header for c in self.columns]

    def fields(self) -> list[str]:
        """Every field a column reads, once each, in the columns' order."""
        return list(dict.fromkeys(f for c in self.columns for f in c.fields()))


def _text(header: str, field: str) -> Column:
    return Column(header, field)


QUOTES = SpanTable(
    (
        Column("quote_id", "pk", "number"),
        Column(
            "quote_url",
            kind="url",
            view="articles:quote_panel",
            args=(("slug", "article__slug"), ("quote_id", "pk")),
        ),
        _text("article", "article__slug"),
        Column(
            "article_url",
            kind="url",
            view="articles:article_detail",
            args=(("slug", "article__slug"),),
        ),
        _text("headline", "article__headline"),
        Column("date", "article__published_on", "date"),
        _text("outlet", "article__outlet__name"),
        _text("speaker", "speaker__name"),
        _text("speaker_role", "speaker__role"),
        _text("speaker_affiliation", "speaker__affiliation__name"),
        _text("speaker_category", "speaker__category"),
        _text("kind", "kind"),
        _text("text", "exact"),
        Column("start", "start", "number"),
        Column("end", "end", "number"),
        _text("places", "place_names"),
        _text("status", "status"),
        _text("annotated_by", "annotator"),
        Column("annotated_at", "created_at", "time"),
    )
)
MENTIONS = SpanTable(
    (
        Column("mention_id", "pk", "number"),
        _text("article", "article__slug"),
        Column(
            "article_url",
            kind="url",
            view="articles:article_detail",
            args=(("slug", "article__slug"),),
        ),
        _text("headline", "article__headline"),
        Column("date", "article__published_on", "date"),
        _text("outlet", "article__outlet__name"),
        _text("text", "exact"),
        Column("start", "start", "number"),
        Column("end", "end", "number"),
        _text("place", "place__name"),
        _text("place_kind", "place__kind"),
        Column("latitude", "place__latitude", "number"),
        Column("longitude", "place__longitude", "number"),
        _text("country_code", "place__country_code"),
        Column("geonames_id", "place__geonames_id", "number"),
        _text("status", "status"),
        _text("annotated_by", "annotator"),
        Column("annotated_at", "created_at", "time"),
    )
)
QUOTE_HEADER = QUOTES.header
MENTION_HEADER = MENTIONS.header
SPEAKER_HEADER = [
    "speaker",
    "url",
    "name",
    "kind",
    "category",
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
    the whole at once). Lines end in ``\n``, as PostgreSQL's ``COPY`` writes them; a cell with
    a line break of either kind in it is quoted."""
    lines = _Lines()
    # "\r\n" so that the writer quotes a cell holding either character; _Lines ends each row "\n".
    writer = csv.writer(lines, lineterminator="\r\n")
    writer.writerow(header)
    for chunk in chunks(rows):
        writer.writerows([safe_row(row) for row in chunk])
        yield lines.take()
    if rest := lines.take():  # the header, when there were no rows
        yield rest


class _Lines:
    """Where the CSV writer writes, a row at a time: kept with the row's "\r\n" made "\n"."""

    def __init__(self) -> None:
        self.rows: list[str] = []

    def write(self, row: str) -> None:
        self.rows.append(row[:-2] + "\n")

    def take(self) -> str:
        text = "".join(self.rows)
        self.rows.clear()
        return text


def quote_source(quotes: QuerySet[Quote]) -> QuerySet[Quote]:
    """The quotes with what a row lists beside the quote: its places and who annotated it."""
    return quotes.annotate(place_names=place_names(), annotator=created_by(Quote))


def mention_source(mentions: QuerySet[PlaceMention]) -> QuerySet[PlaceMention]:
    """The mentions with who annotated each."""
    return mentions.annotate(annotator=created_by(PlaceMention))


def span_pieces(
    absolute: Absolute, table: SpanTable, spans: QuerySet, whole: bool = False
) -> Iterator[bytes]:
    """``table``'s CSV of ``spans`` as UTF-8: written by PostgreSQL where it can (the same bytes,
    much faster: ``exports.copy``), by Python's ``csv`` elsewhere."""
    from . import copy

    if copy.available():
        return copy.copy_pieces(absolute, table, spans, whole)
    return (p.encode() for p in csv_pieces(span_rows(absolute, table, spans), table.header))


def span_rows(absolute: Absolute, table: SpanTable, spans: QuerySet) -> Iterator[tuple]:
    """One query, read a chunk at a time: a row of ``table``'s cells per span, in its order."""
    fields = table.fields()
    at = {f: i for i, f in enumerate(fields)}
    cells = [_cell(absolute, column, at) for column in table.columns]
    rows = spans.order_by(*table.order).values_list(*fields).iterator(chunk_size=CHUNK)
    for row in rows:
        yield tuple(cell(row) for cell in cells)


def _cell(absolute: Absolute, column: Column, at: dict[str, int]) -> Callable[[tuple], Any]:
    """How a row of the fields gives the column's cell."""
    if column.kind == "url":
        url = url_maker(absolute, column.view, *(arg for arg, _ in column.args))
        places = [(arg, at[field]) for arg, field in column.args]
        return lambda row: url(**{arg: row[i] for arg, i in places})
    i = at[column.field]
    if column.kind == "date":
        return lambda row: iso_date(row[i])
    if column.kind == "time":
        return lambda row: iso_time(row[i])
    return operator.itemgetter(i)


def speaker_rows(absolute: Absolute) -> Iterator[tuple]:
    url = url_maker(absolute, "articles:speaker_detail", "slug")
    speakers = (
        search.public_speakers()
        .order_by("-n_quotes", "name", "pk")
        .values_list(
            "slug",
            "name",
            "kind",
            "category",
            "role",
            "affiliation__name",
            "aliases",
            "wikidata_id",
            "n_quotes",
        )
    )
    for slug, name, kind, category, role, affiliation, aliases, wikidata, n in speakers.iterator(
        CHUNK
    ):
        joined = "; ".join(aliases)
        yield (slug, url(slug=slug), name, kind, category, role, affiliation, joined, wikidata, n)


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
