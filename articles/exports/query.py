"""What an export holds: the reader-visible quotes and place mentions of the articles a list
shows (the same search and filters as the article list), read a chunk at a time, and the URLs
its rows link to, made without a ``reverse()`` per row. Only reader-visible spans
(``visible()``) and public names are exported, to everyone: drafts and suggestions never leave
through an export."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import CharField, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.urls import reverse

from .. import search
from ..models import Article, Place, PlaceMention, Quote

CHUNK = 2_000  # rows read from the database at a time


def chunks(rows: Iterable[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


URL_MARKS = {"slug": "zz0slug0zz", "quote_id": "987654321", "mention_id": "987654322"}


Absolute = Callable[[str], str]  # a path made an absolute URL (``request.build_absolute_uri``)


def url_maker(absolute: Absolute, name: str, *fields: str) -> Callable[..., str]:
    """Absolute URLs of the view ``name`` by its arguments ``fields``, one per row without a
    ``reverse()`` each: the URL is reversed once with marks where the arguments go."""
    url = absolute(reverse(name, kwargs={f: URL_MARKS[f] for f in fields}))
    for f in fields:
        url = url.replace(URL_MARKS[f], "{" + f + "}")
    return url.format


def created_by(model: type[Quote] | type[PlaceMention]) -> Subquery:
    """Who created the span, from its history (nobody for spans loaded in bulk): a subquery."""
    created = model.history.filter(id=OuterRef("pk"), history_type="+", history_user__isnull=False)
    return Subquery(created.order_by("history_date").values("history_user__username")[:1])


class IsoSeconds(Func):
    """A time as ISO 8601 text to the second in UTC, ``2024-03-01T12:00:00Z``, written by the
    database (no datetime made per row): PostgreSQL's ``to_char``; SQLite keeps the time as
    UTC text already, ``2024-03-01 12:00:00.123456``, whose first 19 characters it is."""

    output_field = CharField()
    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

    def as_sqlite(self, compiler, connection, **extra):
        template = "substr(replace(%(expressions)s, ' ', 'T'), 1, 19) || 'Z'"
        return self.as_sql(compiler, connection, template=template, **extra)


def place_names() -> RawSQL:
    """The names of the places a quote is about, in order, joined by "; ": a subquery."""
    through = Quote.places.through._meta.db_table
    names = (
        f"SELECT p.name AS name FROM {through} t JOIN {Place._meta.db_table} p"
        f" ON p.id = t.place_id WHERE t.quote_id = {Quote._meta.db_table}.id"
    )
    if connection.vendor == "postgresql":
        return RawSQL(f"(SELECT string_agg(name, '; ' ORDER BY name) FROM ({names}) n)", [])
    return RawSQL(f"(SELECT group_concat(name, '; ') FROM ({names} ORDER BY name) n)", [])


def iso_date(value) -> str:
    return "" if value is None else value.isoformat()


def iso_time(value) -> str:
    """A time as ISO 8601 in UTC, as the database keeps it."""
    return "" if value is None else value.isoformat(timespec="seconds")


# --- What a list holds ---------------------------------------------------------------------------


def quotes_for(
    filters: search.Filters,
    quotes: QuerySet[Quote] | None = None,
    articles: QuerySet | None = None,
    drafts: bool = False,
) -> QuerySet[Quote]:
    """The reader-visible quotes of the articles the list shows for ``filters``; a speaker, a
    kind and a place also choose the quotes (the speaker's, of that kind, about that place), as
    they do on the speaker's and the place's pages. (The API passes other ``quotes`` and
    ``articles`` for staff, who also see suggestions and ``drafts``.)"""
    chosen = _in_articles(filters, articles, drafts)
    if quotes is None:  # in the published articles the filters choose, shown is visible
        quotes = Quote.objects.shown() if chosen else Quote.objects.visible()
    if filters.speaker:
        quotes = quotes.filter(speaker__slug=filters.speaker)
    if filters.kind:
        quotes = quotes.filter(kind=filters.kind)
    if filters.place:
        quotes = quotes.filter(places__slug=filters.place)
    return quotes.filter(chosen)


def mentions_for(
    filters: search.Filters,
    mentions: QuerySet[PlaceMention] | None = None,
    articles: QuerySet | None = None,
    drafts: bool = False,
) -> QuerySet[PlaceMention]:
    """The reader-visible place mentions of the articles the list shows for ``filters``; a
    place also chooses the mentions (of that place). (``articles`` and ``drafts`` as for
    ``quotes_for``.)"""
    chosen = _in_articles(filters, articles, drafts)
    if mentions is None:  # (as for quotes)
        shown = PlaceMention.objects.shown() if chosen else PlaceMention.objects.visible()
        mentions = shown.filter(place__isnull=False)
    if filters.place:
        mentions = mentions.filter(place__slug=filters.place)
    return mentions.filter(chosen)


def _in_articles(
    filters: search.Filters, articles: QuerySet | None = None, drafts: bool = False
) -> Q:
    """The articles' part of the filters (the list's own rules), when there is one to apply:
    published ones, unless the caller gives other ``articles``; ``Q()`` when there is none."""
    if not (
        filters.q
        or filters.kind
        or filters.author
        or filters.year
        or filters.outlet
        or filters.speaker
        or filters.date_from
        or filters.date_to
    ):
        return Q()  # the spans' own conditions say it all: no subquery of every article
    articles = Article.objects.published() if articles is None else articles
    matches = search.matching(search.filter_articles(articles, filters, drafts=drafts), filters.q)
    return Q(article__in=matches.values("pk"))
