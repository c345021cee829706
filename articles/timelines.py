"""The counts behind the timelines: reader-visible quotes and place mentions per publication
date, for a speaker, a place, an outlet or a search's articles.

Read from what the operations keep beside the spans, which follows ``Quote.objects.visible()``
(so drafts, suggestions, rejected spans and orphans never count), grouped by the article's date
in the database: a speaker's from its ``ArticleSpeaker`` rows, a place's from its ``PlaceQuote``
and ``ArticlePlace`` rows (``articles.kept``, which carry the date), an outlet's and a search's
from the counts each published article keeps (``Article.n_quotes``, ``n_mentions``). One or
two indexed queries per timeline, whose result is a row per date, whatever the number of
quotes. The figures are kept in the cache under the generation of the page cache's tag for what
they depend on (``pagecache``): a change readers can see retires the tag, and with it the
figures, in the same step as the pages.
Undated articles are left out (the chart says so).
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet, Sum

from . import charts, pagecache
from .models import UNDATED, Article, ArticlePlace, ArticleSpeaker, PlaceQuote

QUOTES, MENTIONS = "quotes", "mentions"
Counts = dict[datetime.date, int]


def _by_date(rows: QuerySet, date: str, amount) -> Counts:
    """``{date: amount}`` over ``rows``, grouped by ``date`` in the database."""
    grouped = (
        rows.exclude(**{f"{date}__isnull": True})
        .order_by()
        .values_list(date)
        .annotate(n=amount)
        .values_list(date, "n")
    )
    return {day: int(n) for day, n in grouped if day != UNDATED}


def _article_quotes(rows: QuerySet) -> Counts:
    return _by_date(rows, "article__published_on", Sum("n_quotes"))


def speaker_counts(speaker_id: int) -> dict[str, Counts]:
    return {QUOTES: _article_quotes(ArticleSpeaker.objects.filter(speaker=speaker_id))}


def place_counts(place_id: int) -> dict[str, Counts]:
    return {
        QUOTES: _by_date(PlaceQuote.objects.filter(place=place_id), "article_date", Count("pk")),
        MENTIONS: _by_date(
            ArticlePlace.objects.filter(place=place_id), "article_date", Sum("n_mentions")
        ),
    }


def outlet_counts(outlet_id: int) -> dict[str, Counts]:
    return articles_counts(Article.objects.filter(outlet=outlet_id))


def articles_counts(articles: QuerySet) -> dict[str, Counts]:
    """The reader-visible quotes and mentions of the published ones of ``articles``, from the
    counts each article keeps (``Article.n_quotes``, ``n_mentions``): one query over a covering
    index of published articles by date (migration 0024), one row per article, no span read."""
    rows = (
        articles.filter(status=Article.Status.PUBLISHED)
        .exclude(published_on=None)
        .order_by()
        .values_list("published_on")
        .annotate(quotes=Sum("n_quotes"), mentions=Sum("n_mentions"))
        .values_list("published_on", "quotes", "mentions")
    )
    quotes: Counts = {}
    mentions: Counts = {}
    for day, n_quotes, n_mentions in rows:
        quotes[day], mentions[day] = int(n_quotes), int(n_mentions)
    return {QUOTES: quotes, MENTIONS: mentions}


LABELS = {QUOTES: "quotes", MENTIONS: "mentions"}


def chart(counts: dict[str, Counts]) -> charts.Timeline:
    return charts.layout([charts.Series(k, LABELS[k], v) for k, v in counts.items()])


def _kept(tag: str, what: str, compute) -> charts.Timeline:
    """``compute()`` charted, kept under the current generation of ``tag`` (and of ``all``)."""
    tokens = pagecache.generations([pagecache.ALL, tag])
    key = "timeline:" + hashlib.blake2b(repr((tokens, what)).encode()).hexdigest()
    timeline = cache.get(key)
    if timeline is None:
        timeline = chart(compute())
        cache.set(key, timeline, settings.FILTER_CHOICES_SECONDS)
    return timeline


def for_speaker(speaker) -> charts.Timeline:
    return _kept(
        pagecache.tag("speaker", speaker.slug),
        f"speaker:{speaker.pk}",
        lambda: speaker_counts(speaker.pk),
    )


def for_place(place) -> charts.Timeline:
    return _kept(
        pagecache.tag("place", place.slug), f"place:{place.pk}", lambda: place_counts(place.pk)
    )


def for_outlet(outlet) -> charts.Timeline:
    return _kept(pagecache.LISTS, f"outlet:{outlet.pk}", lambda: outlet_counts(outlet.pk))


def for_search(results, filters) -> charts.Timeline | None:
    """The timeline of a search's articles: those of its window when there is a query (the
    newest SEARCH_WINDOW matches, already found), else every article the filters select; none
    for the unfiltered list."""
    if not filters.active:
        return None
    ids = getattr(results.articles, "ids", None)
    what = f"search:{ids}" if ids is not None else f"filters:{filters!r}"
    return _kept(pagecache.LISTS, what, lambda: search_counts(results))


def search_counts(results) -> dict[str, Counts]:
    """A search's articles: its window's when it has a query, else all its filters select."""
    ids = getattr(results.articles, "ids", None)
    return articles_counts(
        Article.objects.filter(pk__in=ids) if ids is not None else results.articles
    )
