"""The rows kept beside the spans so that entity pages read a few index rows, whatever the size of
the corpus: who is quoted in each article (``ArticleSpeaker``) and which places it mentions
(``ArticlePlace``), each quote about each place with its date (``PlaceQuote``), how often a
speaker speaks of a place (``SpeakerPlace``) and who is quoted beside whom (``SpeakerPair``);
and, from the per-article rows, the counts the lists show (``Speaker.n_quotes``,
``Place.n_mentions``, ``Place.n_quotes``).

All of them follow ``Quote.objects.visible()``, the one rule for what readers see. ``Change.apply``
calls ``refresh`` with the articles an operation touched: their per-article rows are rebuilt, and
the totals across articles move by the difference between the old and the new rows (the pairs)
or are counted again for the speakers and places concerned (the topics), so the work is that of
the articles changed, not of everything their speakers and places appear in. Every statement is
``INSERT ... SELECT``, ``UPDATE ... FROM`` or ``DELETE``: the same handful of statements
whatever the number of rows, on both databases. Bulk loads call ``rebuild``.

An operation that deletes an article or a quote leaves its kept rows for ``refresh`` to read
(their foreign keys do nothing on delete, and are checked at commit): deleting them outside an
operation fails at commit, rather than leaving the totals silently wrong.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from django.db import connection
from django.db.models import Count, QuerySet

from .models import (
    ArticlePlace,
    ArticleSpeaker,
    Place,
    PlaceMention,
    PlaceQuote,
    Quote,
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
    """(article, place, number of mentions) for these articles (all when None)."""
    return (
        _visible(PlaceMention, article_ids)
        .filter(place__isnull=False)
        .order_by()
        .values_list("article", "place")
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
    """The kept rows after a change to these articles: about a dozen statements, whatever the
    articles hold, each working on the touched articles' rows (and, for the totals, on the rows
    of the speakers and places they name); no row passes through Python."""
    if not article_ids:
        return
    ids = sorted(article_ids)
    if not _rows_of(ids):
        return  # no spans and no kept rows (new articles, a bulk import's): nothing to move
    old_speakers = list(
        ArticleSpeaker.objects.filter(article__in=ids).values_list("speaker", flat=True).distinct()
    )
    old_topics = set(
        PlaceQuote.objects.filter(article__in=ids, speaker__isnull=False)
        .values_list("speaker", "place")
        .distinct()
    )
    _execute(f"UPDATE {PAIRS} SET {_SUBTRACT} FROM ({_pairs_of(ids)}) d {_SAME_PAIR}", ids)
    _move_counts(ids, "-")
    ArticleSpeaker.objects.filter(article__in=ids).delete()
    _insert(ArticleSpeaker, APPEARANCE_COLUMNS, _appearances_query(ids))
    _execute(f"INSERT INTO {PAIRS} ({PAIR_COLUMNS}) {_pairs_of(ids)} {_ADD_ON_CONFLICT}", ids)
    if old_speakers:
        SpeakerPair.objects.filter(speaker__in=old_speakers, n_articles=0).delete()
    ArticlePlace.objects.filter(article__in=ids).delete()
    _insert(ArticlePlace, ARTICLE_PLACE_COLUMNS, _article_places_query(ids))
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
    """Whether these articles have spans, or kept rows from spans they had: a few index
    lookups, which spare the dozen statements of a refresh that would change nothing."""
    return any(
        model._base_manager.filter(article__in=article_ids).exists()
        for model in (Quote, PlaceMention, ArticleSpeaker, ArticlePlace, PlaceQuote)
    )


def _move_counts(article_ids: list[int], sign: str) -> None:
    """Take out (``-``) or put back (``+``) these articles' share of the counts the lists show
    (``Speaker.n_quotes``, ``Place.n_mentions``, ``Place.n_quotes``), from their kept rows: the
    work of these articles, where counting again took every quote and mention of each name."""
    keys = ", ".join(["%s"] * len(article_ids))
    for table, column, source, key, amount in (
        (Speaker, "n_quotes", ArticleSpeaker, "speaker_id", "SUM(n_quotes)"),
        (Place, "n_mentions", ArticlePlace, "place_id", "SUM(n_mentions)"),
        (Place, "n_quotes", PlaceQuote, "place_id", "COUNT(*)"),
    ):
        name = table._meta.db_table
        _execute(
            f"UPDATE {name} SET {column} = {name}.{column} {sign} d.n"
            f" FROM (SELECT {key} AS id, {amount} AS n FROM {source._meta.db_table}"
            f" WHERE article_id IN ({keys}) AND {key} IS NOT NULL GROUP BY {key}) d"
            f" WHERE {name}.id = d.id",
            article_ids,
        )


APPEARANCE_COLUMNS = ["article_id", "speaker_id", "n_quotes"]
ARTICLE_PLACE_COLUMNS = ["article_id", "place_id", "n_mentions"]
PLACE_QUOTE_COLUMNS = ["place_id", "quote_id", "speaker_id", "article_id", "article_date", "start"]
PAIRS = SpeakerPair._meta.db_table
PAIR_COLUMNS = "speaker_id, other_id, n_articles, n_quotes"
_SUBTRACT = (
    f"n_articles = {PAIRS}.n_articles - d.n_articles, n_quotes = {PAIRS}.n_quotes - d.n_quotes"
)
_SAME_PAIR = f"WHERE {PAIRS}.speaker_id = d.speaker_id AND {PAIRS}.other_id = d.other_id"
_ADD_ON_CONFLICT = (
    "ON CONFLICT (speaker_id, other_id) DO UPDATE SET"
    f" n_articles = {PAIRS}.n_articles + excluded.n_articles,"
    f" n_quotes = {PAIRS}.n_quotes + excluded.n_quotes"
)


def _pairs_of(article_ids: Collection[int] | None) -> str:
    """SQL: for each ordered pair of speakers quoted in one of these articles (all when None):
    the articles they share and the other's quotes in them, from ``ArticleSpeaker``. Its
    parameters are the article keys."""
    table = ArticleSpeaker._meta.db_table
    where = (
        "WHERE true"
        if article_ids is None
        else f"WHERE a.article_id IN ({', '.join(['%s'] * len(article_ids))})"
    )
    return (
        "SELECT a.speaker_id AS speaker_id, b.speaker_id AS other_id,"
        " COUNT(*) AS n_articles, SUM(b.n_quotes) AS n_quotes"
        f" FROM {table} a JOIN {table} b"
        " ON a.article_id = b.article_id AND a.speaker_id <> b.speaker_id"
        f" {where} GROUP BY a.speaker_id, b.speaker_id"
    )


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
    for model in (SpeakerPair, SpeakerPlace, PlaceQuote, ArticlePlace, ArticleSpeaker):
        model.objects.all().delete()
    _insert(ArticleSpeaker, APPEARANCE_COLUMNS, _appearances_query())
    _insert(ArticlePlace, ARTICLE_PLACE_COLUMNS, _article_places_query())
    _insert(PlaceQuote, PLACE_QUOTE_COLUMNS, _place_quotes_query())
    _insert(SpeakerPlace, TOPIC_COLUMNS, _topics_query())
    _execute(f"INSERT INTO {PAIRS} ({PAIR_COLUMNS}) {_pairs_of(None)}", [])


def _execute(sql: str, params: Sequence[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert(model, columns: list[str], query: QuerySet) -> None:
    """``INSERT INTO model (columns) <query>``: the rows never pass through Python."""
    sql, params = query.query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) {sql}", params)
