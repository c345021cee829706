"""The rows kept beside the spans so that entity pages read a few index rows, whatever the size of
the corpus: who is quoted in each article (``ArticleSpeaker``) and which places it mentions
(``ArticlePlace``), each quote about each place with its date (``PlaceQuote``), how often a
speaker speaks of a place (``SpeakerPlace``), who is quoted beside whom (``SpeakerPair``), each
published article's outlet (``ArticleOutlet``) and whom and where each outlet quotes and writes
about (``OutletSpeaker``, ``OutletPlace``); and, from the per-article rows, the counts the lists
show (``Speaker.n_quotes``, ``Place.n_mentions``, ``Place.n_quotes``, ``Outlet.n_articles``).

All of them follow ``Quote.objects.visible()``, the one rule for what readers see. ``Change.apply``
calls ``refresh`` with the articles an operation touched: their per-article rows are rebuilt, and
the totals across articles move by the difference between the old and the new rows (``Totals``:
the pairs and the outlets') or are counted again for the speakers and places concerned (the
topics), so the work is that of the articles changed, not of everything their speakers, places
and outlets appear in. Every statement is
``INSERT ... SELECT``, ``UPDATE ... FROM`` or ``DELETE``: the same handful of statements
whatever the number of rows, on both databases. Bulk loads call ``rebuild``.

An operation that deletes an article or a quote leaves its kept rows for ``refresh`` to read
(their foreign keys do nothing on delete, and are checked at commit): deleting them outside an
operation fails at commit, rather than leaving the totals silently wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import (
    Article,
    ArticleOutlet,
    ArticlePlace,
    ArticleSpeaker,
    Outlet,
    OutletPlace,
    OutletSpeaker,
    Place,
    PlaceMention,
    PlaceQuote,
    Quote,
    RuleTally,
    Speaker,
    SpeakerPair,
    SpeakerPlace,
)

Pair = tuple[int, int]


def _visible(model: type[Quote] | type[PlaceMention], article_ids: Collection[int] | None):
    """``model``'s spans readers see, in these articles (all when None)."""
    spans = model.objects.visible()
    return spans if article_ids is None else spans.filter(article__in=article_ids)


def _appearances_query(article_ids: Collection[int] | None = None) -> QuerySet:
    """(article, speaker, number of quotes) for these articles (all when None)."""
    return (
        _visible(Quote, article_ids)
        .filter(speaker__isnull=False)
        .order_by()
        .values_list("article", "speaker")
        .annotate(n=Count("pk"))
    )


def _article_places_query(article_ids: Collection[int] | None = None) -> QuerySet:
    """(article, place, date, number of mentions) for these articles (all when None)."""
    return (
        _visible(PlaceMention, article_ids)
        .filter(place__isnull=False)
        .order_by()
        .values_list("article", "place", "article_date")
        .annotate(n=Count("pk"))
    )


def _place_quotes_query(article_ids: Collection[int] | None = None) -> QuerySet:
    """(place, quote, speaker, article, date, start) of each visible quote about a place."""
    return (
        Quote.places.through.objects.filter(quote__in=_visible(Quote, article_ids))
        .order_by()
        .values_list(
            "place",
            "quote",
            "quote__speaker",
            "quote__article",
            "quote__article_date",
            "quote__start",
        )
    )


def refresh(article_ids: Collection[int]) -> None:
    """The kept rows after a change to these articles: a couple of dozen statements, whatever
    the articles hold, each working on the touched articles' rows (and, for the totals, on the
    rows of the speakers, places and outlets they name); no row passes through Python."""
    if not article_ids:
        return
    ids = sorted(article_ids)
    spans = _rows_of(ids)
    old_outlets = list(
        ArticleOutlet.objects.filter(article__in=ids).values_list("outlet", flat=True).distinct()
    )
    if spans:
        old_speakers = list(
            ArticleSpeaker.objects.filter(article__in=ids)
            .values_list("speaker", flat=True)
            .distinct()
        )
        old_places = list(
            ArticlePlace.objects.filter(article__in=ids).values_list("place", flat=True).distinct()
        )
        old_topics = set(
            PlaceQuote.objects.filter(article__in=ids, speaker__isnull=False)
            .values_list("speaker", "place")
            .distinct()
        )
        if old_speakers:
            PAIR_TOTALS.take_out(ids)
        if old_outlets:
            for totals in OUTLET_TOTALS:
                totals.take_out(ids)
        _move_counts(ids, "-")
    if old_outlets:
        _move_outlet_articles(ids, "-")
        ArticleOutlet.objects.filter(article__in=ids).delete()
    _insert(ArticleOutlet, ARTICLE_OUTLET_COLUMNS, _article_outlets_query(ids))
    _move_outlet_articles(ids, "+")
    if not spans:
        return  # no spans and no kept rows (new articles, a bulk import's): nothing more moves
    ArticleSpeaker.objects.filter(article__in=ids).delete()
    _insert(ArticleSpeaker, APPEARANCE_COLUMNS, _appearances_query(ids))
    ArticlePlace.objects.filter(article__in=ids).delete()
    _insert(ArticlePlace, ARTICLE_PLACE_COLUMNS, _article_places_query(ids))
    for totals in TOTALS:
        totals.put_back(ids)
    if old_speakers:
        SpeakerPair.objects.filter(speaker__in=old_speakers, n_articles=0).delete()
    if old_outlets and old_speakers:
        OutletSpeaker.objects.filter(
            outlet__in=old_outlets, speaker__in=old_speakers, n_articles=0
        ).delete()
    if old_outlets and old_places:
        OutletPlace.objects.filter(
            outlet__in=old_outlets, place__in=old_places, n_articles=0
        ).delete()
    PlaceQuote.objects.filter(article__in=ids).delete()
    _insert(PlaceQuote, PLACE_QUOTE_COLUMNS, _place_quotes_query(ids))
    _move_counts(ids, "+")
    new_topics = set(
        PlaceQuote.objects.filter(article__in=ids, speaker__isnull=False)
        .values_list("speaker", "place")
        .distinct()
    )
    _recount_topics(old_topics | new_topics)


def _rows_of(article_ids: list[int]) -> bool:
    """Whether these articles have spans, or kept rows from spans they had: one query of index
    lookups, which spares the statements of a refresh that would change nothing. Counted, not
    ``EXISTS``: PostgreSQL plans an ``EXISTS`` of many keys as a scan stopped at the first row,
    and new articles have none, so it would read whole tables."""
    keys = ", ".join(["%s"] * len(article_ids))
    counts = [
        f"(SELECT COUNT(*) FROM {model._meta.db_table} WHERE article_id IN ({keys}))"
        for model in (Quote, PlaceMention, ArticleSpeaker, ArticlePlace, PlaceQuote)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {' + '.join(counts)}", list(article_ids) * len(counts))
        return bool(cursor.fetchone()[0])


def _move_counts(article_ids: list[int], sign: str) -> None:
    """Take out (``-``) or put back (``+``) these articles' share of the counts the lists show
    (``Speaker.n_quotes``, ``Place.n_mentions``, ``Place.n_quotes``), from their kept rows: the
    work of these articles, where counting again took every quote and mention of each name."""
    _move(Speaker, "n_quotes", ArticleSpeaker, "speaker_id", "SUM(n_quotes)", article_ids, sign)
    _move(Place, "n_mentions", ArticlePlace, "place_id", "SUM(n_mentions)", article_ids, sign)
    _move(Place, "n_quotes", PlaceQuote, "place_id", "COUNT(*)", article_ids, sign)


def _move_outlet_articles(article_ids: list[int], sign: str) -> None:
    """Take out (``-``) or put back (``+``) these articles from their outlets' counts."""
    _move(Outlet, "n_articles", ArticleOutlet, "outlet_id", "COUNT(*)", article_ids, sign)


def _move(
    table: type[Model],
    column: str,
    source: type[Model],
    key: str,
    amount: str,
    article_ids: list[int],
    sign: str,
) -> None:
    """``table.column`` moved by ``sign`` ``amount`` of these articles' ``source`` rows, for the
    rows of ``table`` they name by ``key``: one ``UPDATE ... FROM``."""
    name = table._meta.db_table
    _execute(
        f"UPDATE {name} SET {column} = {name}.{column} {sign} d.n"
        f" FROM (SELECT {key} AS id, {amount} AS n FROM {source._meta.db_table}"
        f" WHERE article_id IN ({', '.join(['%s'] * len(article_ids))}) AND {key} IS NOT NULL"
        f" GROUP BY {key}) d WHERE {name}.id = d.id",
        article_ids,
    )


APPEARANCE_COLUMNS = ["article_id", "speaker_id", "n_quotes"]
ARTICLE_PLACE_COLUMNS = ["article_id", "place_id", "article_date", "n_mentions"]
PLACE_QUOTE_COLUMNS = ["place_id", "quote_id", "speaker_id", "article_id", "article_date", "start"]
ARTICLE_OUTLET_COLUMNS = ["article_id", "outlet_id"]


def _article_outlets_query(article_ids: Collection[int] | None = None) -> QuerySet:
    """(article, outlet) of these articles (all when None) that readers see and have an outlet."""
    articles = Article.objects.published().filter(outlet__isnull=False)
    if article_ids is not None:
        articles = articles.filter(pk__in=article_ids)
    return articles.order_by().values_list("pk", "outlet")


@dataclass(frozen=True)
class Totals:
    """A table of totals across articles, keyed by ``keys`` and summing ``amounts``, that moves
    by what the touched articles contributed: ``source(where)`` is SQL for their rows (every
    article's when ``where`` is empty), grouped by the keys, with the amounts as columns."""

    model: type[Model]
    keys: tuple[str, ...]
    amounts: tuple[str, ...]
    source: Callable[[str], str]

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def take_out(self, article_ids: list[int]) -> None:
        t = self.table
        _execute(
            f"UPDATE {t} SET {', '.join(f'{a} = {t}.{a} - d.{a}' for a in self.amounts)}"
            f" FROM ({self.source(_among(article_ids))}) d"
            f" WHERE {' AND '.join(f'{t}.{k} = d.{k}' for k in self.keys)}",
            article_ids,
        )

    def put_back(self, article_ids: list[int]) -> None:
        t = self.table
        _execute(
            f"INSERT INTO {t} ({', '.join(self.keys + self.amounts)})"
            f" {self.source(_among(article_ids))}"
            f" ON CONFLICT ({', '.join(self.keys)}) DO UPDATE SET"
            f" {', '.join(f'{a} = {t}.{a} + excluded.{a}' for a in self.amounts)}",
            article_ids,
        )

    def rebuild(self) -> None:
        _execute(
            f"INSERT INTO {self.table} ({', '.join(self.keys + self.amounts)}) {self.source('')}",
            [],
        )


def _among(article_ids: list[int]) -> str:
    """SQL: ``a``'s article is one of these (their keys are the parameters)."""
    return f"WHERE a.article_id IN ({', '.join(['%s'] * len(article_ids))})"


def _pairs_of(where: str) -> str:
    """For each ordered pair of speakers quoted in the same article: the articles they share
    and the other's quotes in them, from ``ArticleSpeaker``."""
    table = ArticleSpeaker._meta.db_table
    return (
        "SELECT a.speaker_id AS speaker_id, b.speaker_id AS other_id,"
        " COUNT(*) AS n_articles, SUM(b.n_quotes) AS n_quotes"
        f" FROM {table} a JOIN {table} b"
        " ON a.article_id = b.article_id AND a.speaker_id <> b.speaker_id"
        f" {where} GROUP BY a.speaker_id, b.speaker_id"
    )


def _by_outlet(per_article: type[Model], key: str, amount: str) -> Callable[[str], str]:
    """For each (outlet, ``key``) of the articles' ``per_article`` rows: the sum of ``amount``
    and the number of articles."""

    def source(where: str) -> str:
        return (
            f"SELECT o.outlet_id AS outlet_id, a.{key} AS {key},"
            f" SUM(a.{amount}) AS {amount}, COUNT(*) AS n_articles"
            f" FROM {per_article._meta.db_table} a"
            f" JOIN {ArticleOutlet._meta.db_table} o ON o.article_id = a.article_id"
            f" {where} GROUP BY o.outlet_id, a.{key}"
        )

    return source


PAIR_TOTALS = Totals(SpeakerPair, ("speaker_id", "other_id"), ("n_articles", "n_quotes"), _pairs_of)
OUTLET_TOTALS = (
    Totals(
        OutletSpeaker,
        ("outlet_id", "speaker_id"),
        ("n_quotes", "n_articles"),
        _by_outlet(ArticleSpeaker, "speaker_id", "n_quotes"),
    ),
    Totals(
        OutletPlace,
        ("outlet_id", "place_id"),
        ("n_mentions", "n_articles"),
        _by_outlet(ArticlePlace, "place_id", "n_mentions"),
    ),
)
TOTALS = (PAIR_TOTALS, *OUTLET_TOTALS)


def _recount_topics(topics: set[Pair]) -> None:
    """``SpeakerPlace`` for these (speaker, place) pairs, counted again from ``PlaceQuote``
    (by its index on speaker and place: the quotes of these speakers about these places)."""
    if not topics:
        return
    speakers, places = {s for s, _ in topics}, {p for _, p in topics}
    SpeakerPlace.objects.filter(speaker__in=speakers, place__in=places).delete()
    _insert(
        SpeakerPlace,
        TOPIC_COLUMNS,
        _topics_query().filter(speaker__in=speakers, place__in=places),
    )


TOPIC_COLUMNS = ["speaker_id", "place_id", "n_quotes"]


def _topics_query() -> QuerySet:
    return (
        PlaceQuote.objects.filter(speaker__isnull=False)
        .order_by()
        .values_list("speaker", "place")
        .annotate(n=Count("pk"))
    )


def rebuild() -> None:
    """Every kept row from scratch, in the database (bulk loads; ``Change.all``)."""
    models: list[type[Model]] = [totals.model for totals in TOTALS]
    models += [SpeakerPlace, PlaceQuote, ArticlePlace, ArticleSpeaker, ArticleOutlet]
    for model in models:
        model._default_manager.all().delete()
    _insert(ArticleSpeaker, APPEARANCE_COLUMNS, _appearances_query())
    _insert(ArticlePlace, ARTICLE_PLACE_COLUMNS, _article_places_query())
    _insert(ArticleOutlet, ARTICLE_OUTLET_COLUMNS, _article_outlets_query())
    _insert(PlaceQuote, PLACE_QUOTE_COLUMNS, _place_quotes_query())
    _insert(SpeakerPlace, TOPIC_COLUMNS, _topics_query())
    # The totals are built from the rows just loaded: with the statistics of the tables as they
    # were (often empty), PostgreSQL joins ArticleSpeaker to itself by a nested loop, hours at
    # 100,000 articles instead of seconds.
    _analyze(ArticleSpeaker, ArticlePlace, ArticleOutlet, PlaceQuote, SpeakerPlace)
    for totals in TOTALS:
        totals.rebuild()
    _analyze(*(totals.model for totals in TOTALS))
    Outlet.objects.update(
        n_articles=Coalesce(
            Subquery(
                ArticleOutlet.objects.filter(outlet=OuterRef("pk"))
                .order_by()
                .values("outlet")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        )
    )


def _analyze(*models: type[Model]) -> None:
    """Fresh planner statistics of tables a bulk load filled (PostgreSQL)."""
    if connection.vendor == "postgresql":
        for model in models:
            _execute(f"ANALYZE {model._meta.db_table}", [])


def _execute(sql: str, params: Sequence[int | str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert(model, columns: list[str], query: QuerySet) -> None:
    """``INSERT INTO model (columns) <query>``: the rows never pass through Python."""
    sql, params = query.query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) {sql}", params)


TALLIED = ("suggested", "accepted", "rejected")


def tally_rules(counts: Mapping[tuple[str, str], int], column: str) -> None:
    """Add ``counts`` ((kind, rule) -> how many) to the rules' ``RuleTally.<column>``: one
    ``INSERT ... ON CONFLICT DO UPDATE`` for them all (a rule seen the first time gets its row),
    whatever their number; spans with no rule (made by hand, or before rules) are not counted.
    Call inside the operation's transaction."""
    if column not in TALLIED:
        raise ValueError(f"no tally column {column!r}")
    rows = sorted((kind, rule, n) for (kind, rule), n in counts.items() if rule and n)
    if not rows:
        return
    table = RuleTally._meta.db_table
    row = "(%s, %s, " + ", ".join("%s" if c == column else "0" for c in TALLIED) + ")"
    moved = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in TALLIED)
    _execute(
        f"INSERT INTO {table} (kind, rule, {', '.join(TALLIED)}) "
        f"VALUES {', '.join([row] * len(rows))} "
        f"ON CONFLICT (kind, rule) DO UPDATE SET {moved}",
        [value for kind, rule, n in rows for value in (kind, rule, n)],
    )
