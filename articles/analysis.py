"""Aggregates behind the views across articles: who said what about where (a matrix of speakers,
or their affiliations, by places) and claims side by side (what each side said about a place or
a search, newest first).

Only reader-visible quotes count, read from the rows the operations keep: unfiltered, the
matrix is the kept ``SpeakerPlace`` counts (one row per speaker and place, whatever the number
of quotes); filtered, the kept ``PlaceQuote`` rows (one per visible quote about a place) of the
articles the filters choose, counted by indexed queries. Either way what was counted is kept in
the cache under the lists' generation, which every change readers can see retires.

Building and ordering the matrix is pure (``build_matrix``, ``ordered``): plain keys and
counts in, plain keys out.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber

from . import pagecache, search
from .exports.query import quotes_for, url_maker
from .models import UNDATED, Article, Place, PlaceQuote, Quote, SpeakerPlace

SPEAKER, AFFILIATION = "speaker", "affiliation"
GROUPS = (SPEAKER, AFFILIATION)
NO_AFFILIATION = "No affiliation"
UNATTRIBUTED = "Unattributed"
TOP = 15  # rows and columns of the matrix, unless all are asked for
CLAIM_COLUMNS = 12  # columns side by side, unless all are asked for (they wrap in rows)
CLAIMS_PER_COLUMN = 5  # the newest quotes in each column
CLAIMS_PER_COLUMN_ALL = 50  # ... when all are asked for
READ_ALL_BELOW = 3_000  # claims: as few quotes as this are read at once, not walked per column
BY_TOTAL, BY_NAME = "", "name"
# claims: newest first (the order of the kept rows' index), a quote's place in its article last
NEWEST_FIRST = (F("article_date").desc(), F("article_id").asc(), F("start").asc())

Key = Hashable  # a row's key: a speaker's id, or an affiliation's name
# claims: (column key, quotes) of each column, and the (quote id, column key) rows read newest
# first to count them, when they were (``claim_counts``)
ClaimCounts = tuple[list[tuple[Key, int]], list[tuple[int, Key]] | None]


# --- Pure: the matrix from counted rows ---------------------------------------------------------


@dataclass(frozen=True)
class Matrix:
    """Counts of quotes by row (speaker or affiliation) and place, the largest rows and columns
    first; ``n_rows``/``n_cols`` say how many there are in all."""

    rows: tuple[Key, ...]
    cols: tuple[int, ...]
    cells: Mapping[tuple[Key, int], int]
    row_totals: Mapping[Key, int]
    col_totals: Mapping[int, int]
    n_rows: int
    n_cols: int
    total: int = 0

    def cell(self, row: Key, col: int) -> int:
        return self.cells.get((row, col), 0)


def _largest(totals: Mapping[Any, int], limit: int | None) -> tuple:
    ranked = sorted(totals, key=lambda k: (-totals[k], str(k)))
    return tuple(ranked if limit is None else ranked[:limit])


def build_matrix(counted: Iterable[tuple[Key, int, int]], limit: int | None) -> Matrix:
    """The matrix of ``counted`` (row key, place id, number of quotes) rows, a key pair at most
    once: the ``limit`` rows and columns with most quotes (all when None). Totals count every
    column and row, shown or not."""
    cells: dict[tuple[Key, int], int] = {}
    row_totals: dict[Key, int] = {}
    col_totals: dict[int, int] = {}
    for row, col, n in counted:
        if not n:
            continue
        cells[row, col] = cells.get((row, col), 0) + n
        row_totals[row] = row_totals.get(row, 0) + n
        col_totals[col] = col_totals.get(col, 0) + n
    rows, cols = _largest(row_totals, limit), _largest(col_totals, limit)
    shown_rows, shown_cols = set(rows), set(cols)
    shown = {(r, c): n for (r, c), n in cells.items() if r in shown_rows and c in shown_cols}
    return Matrix(
        rows,
        cols,
        shown,
        {r: row_totals[r] for r in rows},
        {c: col_totals[c] for c in cols},
        len(row_totals),
        len(col_totals),
        sum(row_totals.values()),
    )


def ordered(
    keys: Iterable[Any],
    totals: Mapping[Any, int],
    labels: Mapping[Any, str],
    by: str = BY_TOTAL,
    against: Mapping[Any, int] | None = None,
) -> list[Any]:
    """``keys`` in the order a reader asked for: by label (``BY_NAME``), by their cells against
    one key of the other axis (``against``: key -> count), or by total; most first, then by
    label, so every order is total."""

    def label(k: Key) -> tuple[str, str]:
        return (labels.get(k, "").casefold(), str(k))

    if by == BY_NAME:
        return sorted(keys, key=label)
    counts = against if against is not None else totals
    return sorted(keys, key=lambda k: (-counts.get(k, 0), *label(k)))


def sorted_matrix(matrix: Matrix, rows: list[Key], cols: list[int]) -> Matrix:
    return replace(matrix, rows=tuple(rows), cols=tuple(cols))


# --- What the filters choose ---------------------------------------------------------------------


def articles_filtered(filters: search.Filters) -> bool:
    """Whether the filters choose articles (the query, an author, an outlet), beyond what the
    kept rows carry themselves (speaker, place, dates)."""
    return bool(filters.q or filters.author or filters.outlet)


def place_quotes(filters: search.Filters) -> QuerySet[PlaceQuote]:
    """The kept rows (a visible quote about a place) of the quotes ``quotes_for(filters)``
    exports, restricted to the filtered place: the matrix's quotes."""
    rows = PlaceQuote.objects.all()
    if filters.speaker:
        rows = rows.filter(speaker__slug=filters.speaker)
    if filters.place:
        rows = rows.filter(place__slug=filters.place)
    if filters.kind:
        rows = rows.filter(quote__kind=filters.kind)
    if filters.year:
        rows = rows.filter(article_date__year=filters.year)
    if filters.date_from or filters.date_to:
        rows = rows.filter(article_date__gt=UNDATED)  # undated articles have no date to compare
    if filters.date_from:
        rows = rows.filter(article_date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(article_date__lte=filters.date_to)
    if articles_filtered(filters):
        articles = search.filter_articles(Article.objects.published(), filters)
        rows = rows.filter(article__in=search.matching(articles, filters.q).values("pk"))
    return rows


def cached(name: str, parts: tuple, compute):
    """``compute()``, kept until a change readers can see retires the lists."""
    generation = pagecache.generation(pagecache.LISTS)
    key = f"{name}:" + hashlib.blake2b(repr((generation, parts)).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, settings.FILTER_CHOICES_SECONDS)
    return found


def counted(filters: search.Filters, group: str) -> list[tuple[Key, int, int]]:
    """(row key, place id, quotes) for every speaker (or affiliation) and place the filters
    leave, unattributed quotes left out: one query, on the kept counts when nothing is
    filtered."""

    def compute() -> list[tuple[Key, int, int]]:
        rows: QuerySet[Any]
        if not filters.active:
            kept, row = keyed(SpeakerPlace.objects.all(), group)
            rows = kept.values_list(row, "place_id").annotate(n=Sum("n_quotes"))
        else:
            kept, row = keyed(place_quotes(filters).filter(speaker__isnull=False), group)
            rows = kept.values_list(row, "place_id").annotate(n=Count("*"))  # the dated index
        return [tuple(r) for r in rows.order_by()]

    return cached("compare-matrix", (filters, group), compute)


def matrix_for(filters: search.Filters, group: str, limit: int | None) -> Matrix:
    return build_matrix(counted(filters, group), limit)


# --- Claims side by side -------------------------------------------------------------------------


@dataclass
class Column:
    """One side: a speaker (key: id), an affiliation (key: its name, "" for none), or nobody
    (key: None)."""

    key: Key
    n_quotes: int
    quotes: list = field(default_factory=list)


def subject_place(subject: str) -> Place | None:
    """The public place whose slug ``subject`` is, if any: claims about a place, else a search."""
    return search.public_places().filter(slug=subject).first()


def search_window(filters: search.Filters) -> tuple[list[int], bool]:
    """The keys of the articles the search lists (the newest ``SEARCH_WINDOW`` that match, the
    ones its page and its timeline show, found once and kept by ``search.search``), and
    whether more articles match."""
    results = search.search(Article.objects, filters)
    return results.articles.ids, results.more


def claim_rows(
    filters: search.Filters, place: Place | None, focus: tuple[str, str] | None
) -> tuple[QuerySet, str, bool]:
    """The rows of the quotes the filters choose, and of one affiliation when ``focus`` is
    (AFFILIATION, its name, "" for none); with the field naming the quote, and whether the
    rows are those of a search's window of articles when more articles match.

    About a place: its kept ``PlaceQuote`` rows (no join to check what readers may see), every
    one the filters choose (what the quotes CSV holds for them). For a search: the
    reader-visible quotes of the articles the search lists (``search_window``), as the search's
    own timeline counts them, so that a search matching a tenth of the corpus costs what its
    page costs, not a count of every quote in those articles."""
    rows: QuerySet
    more = False
    if place is not None:
        rows, field = place_quotes(replace(filters, place="")).filter(place=place), "quote_id"
    elif filters.q:
        window, more = search_window(filters)
        listed = Quote.objects.shown().filter(article_id__in=window)  # published, all of them
        rows, field = quotes_for(replace(filters, q=""), listed), "pk"
    else:
        rows, field = quotes_for(filters), "pk"
    if focus is not None and focus[0] == AFFILIATION:
        rows = rows.filter(speaker__isnull=False)
        if focus[1]:
            rows = rows.filter(speaker__affiliation__name=focus[1])
        else:
            rows = rows.filter(speaker__affiliation__isnull=True)
    return rows, field, more


AFFILIATION_KEY = "affiliation_key"


def keyed(rows: QuerySet, group: str) -> tuple[QuerySet, str]:
    """``rows`` (with a ``speaker``) and the name of their row or column key: the speaker's id,
    or their affiliation's name ("" for none; None for no speaker at all)."""
    if group == SPEAKER:
        return rows, "speaker_id"
    name = Coalesce(F("speaker__affiliation__name"), Value(""))
    key = Case(When(speaker__isnull=True, then=Value(None)), default=name, output_field=CharField())
    return rows.annotate(**{AFFILIATION_KEY: key}), AFFILIATION_KEY


def kept_claim_counts(
    filters: search.Filters, place: Place | None, focus: tuple[str, str] | None, group: str
) -> list[tuple[Key, int]] | None:
    """(column key, quotes) about ``place`` from the kept counts (``SpeakerPlace``, and the
    place's own count for the unattributed), when nothing but the place chooses the quotes:
    one query, whatever the number of quotes about it. None when other filters choose."""
    if place is None or focus is not None or replace(filters, place="").active:
        return None
    kept, key = keyed(SpeakerPlace.objects.filter(place=place), group)
    counts = [tuple(row) for row in kept.values_list(key).annotate(n=Sum("n_quotes")).order_by()]
    unattributed = place.n_quotes - sum(n for _, n in counts)
    return counts + ([(None, unattributed)] if unattributed > 0 else [])


def claim_counts(
    rows: QuerySet,
    filters: search.Filters,
    place: Place | None,
    focus: tuple[str, str] | None,
    group: str,
) -> ClaimCounts:
    """(column key, quotes) for every column of the claims the filters choose (``rows``, from
    ``claim_rows``): from the kept counts when nothing but a place chooses
    (``kept_claim_counts``), else counted over ``rows`` (a row a quote) and kept in the cache
    under the lists' generation, as the matrix is, since a search's quotes are many.

    A search's window (a few hundred articles) is counted by reading its rows newest first, at
    most ``READ_ALL_BELOW`` of them, in one query: those (quote id, column key) rows come back
    too, and each column's newest are picked from them (``claim_columns``) with no second
    query. None when the count was kept, or done by the database (more rows than that)."""
    kept = kept_claim_counts(filters, place, focus, group)
    if kept is not None:
        return kept, None
    read: list[tuple[int, Key]] = []

    def compute() -> list[tuple[Key, int]]:
        keyed_rows, key = keyed(rows, group)
        if place is None and filters.q:
            newest = keyed_rows.order_by(*NEWEST_FIRST).values_list("pk", key)
            read.extend(newest[: READ_ALL_BELOW + 1])
            if len(read) <= READ_ALL_BELOW:
                return list(Counter(side for _, side in read).items())
            read.clear()
        counted = keyed_rows.order_by().values_list(key).annotate(n=Count("*"))
        return [tuple(r) for r in counted]

    counts = cached("claim-counts", (filters, place and place.pk, focus, group), compute)
    return counts, read or None


def claim_columns(
    rows: QuerySet,
    quote_field: str,
    group: str,
    show_all: bool,
    counts: ClaimCounts,
) -> tuple[list[Column], int, int]:
    """The columns with most quotes (all, with ``show_all``), each with its newest quotes, how
    many columns and quotes there are in all (``counts``: the columns' sizes and the rows read
    to count them, from ``claim_counts``): two queries, whatever the number of quotes; one
    when the count read the rows."""
    sizes, read = counts
    rows, key = keyed(rows, group)
    sizes = sorted(sizes, key=lambda row: (-row[1], row[0] is None, str(row[0])))
    chosen = sizes if show_all else sizes[:CLAIM_COLUMNS]
    columns = {k: Column(k, n) for k, n in chosen}
    total = sum(n for _, n in sizes)
    if not columns:
        return [], 0, 0
    per = CLAIMS_PER_COLUMN_ALL if show_all else CLAIMS_PER_COLUMN
    if read is not None:
        newest = newest_of_each(((pk, side) for pk, side in read if side in columns), per)
    else:
        keys = [k for k in columns if k is not None]
        within = Q(**{f"{key}__in": keys}) if keys else Q(pk__in=[])
        if None in columns:
            within |= Q(**{f"{key}__isnull": True})
        newest = _newest(rows.filter(within), quote_field, key, list(columns), per, total)
    quotes = (
        Quote.objects.select_related("article__outlet", "speaker")
        .defer("article__body", "article__search_vector", "speaker__description")
        .in_bulk([pk for pk, _ in newest])
    )
    panel = url_maker(str, "articles:quote_panel", "slug", "quote_id")
    article = url_maker(str, "articles:article_detail", "slug")
    for pk, side in newest:
        quote = quotes[pk]  # its links made without a reverse() each
        quote.panel_url = panel(slug=quote.article.slug, quote_id=pk)  # type: ignore[attr-defined]
        quote.article_url = article(slug=quote.article.slug)  # type: ignore[attr-defined]
        columns[side].quotes.append(quote)
    return list(columns.values()), len(sizes), total


def _newest(
    rows: QuerySet, quote_field: str, key: str, keys: list, per: int, total: int
) -> list[tuple]:
    """(quote id, column key) of the ``per`` newest of ``rows`` in each column, newest first.

    When the rows are few (``total``, their number, at most ``READ_ALL_BELOW``: a search's
    window of articles, a place seldom quoted about), one read of them in that order, the
    newest of each column picked as they come, is cheaper than a walk per column.

    On PostgreSQL each column is a LATERAL walk of the rows newest first (the place's kept rows
    are an index in that order), stopping at ``per``: the columns are the sides quoted most, so
    each walk stops early, whatever the number of quotes; a search's walk is its speaker's
    quotes newest first (their index), those of the matching articles. The key is matched by
    "=", which the planner pushes into the walk as an index condition (IS NOT DISTINCT FROM
    made it read every column's rows for each column). Elsewhere, a window over the rows."""
    if total <= READ_ALL_BELOW:
        return newest_of_each(rows.order_by(*NEWEST_FIRST).values_list(quote_field, key), per)
    if connection.vendor != "postgresql":
        order = list(NEWEST_FIRST)
        ranked = rows.annotate(nth=Window(RowNumber(), partition_by=[F(key)], order_by=order))
        newest = ranked.filter(nth__lte=per).order_by(*order).values_list(quote_field, key)
        return list(newest)
    inner = rows.order_by().values_list(
        quote_field, key, "article_date", "article_id", "start", named=False
    )
    sql, params = inner.query.sql_with_params()
    kind = "bigint" if key == "speaker_id" else "text"
    walk = (
        f"SELECT * FROM ({sql}) AS i(c0, c1, c2, c3, c4) WHERE {{match}}"
        " ORDER BY i.c2 DESC, i.c3, i.c4 LIMIT %s"
    )
    # a column's key is matched by "=" (an index condition), the unattributed by IS NULL
    parts = [
        f"SELECT r.c0, s.k, r.c2, r.c3, r.c4 FROM unnest(%s::{kind}[]) AS s(k)"
        f" CROSS JOIN LATERAL ({walk.format(match='i.c1 = s.k')}) AS r"
    ]
    args = [[k for k in keys if k is not None], *params, per]
    if None in keys:
        parts.append(
            f"SELECT r.c0, NULL::{kind}, r.c2, r.c3, r.c4"
            f" FROM ({walk.format(match='i.c1 IS NULL')}) AS r"
        )
        args += [*params, per]
    query = " UNION ALL ".join(f"({part})" for part in parts) + " ORDER BY 3 DESC, 4, 5"
    with connection.cursor() as cursor:
        cursor.execute(query, args)
        return [(row[0], row[1]) for row in cursor.fetchall()]


def newest_of_each(rows: Iterable[tuple[int, Key]], per: int) -> list[tuple[int, Key]]:
    """The first ``per`` of each key's (quote id, key) ``rows``, in their order (newest first)."""
    taken: Counter = Counter()
    newest = []
    for pk, side in rows:
        if taken[side] < per:
            taken[side] += 1
            newest.append((pk, side))
    return newest
