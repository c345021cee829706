"""The places a search or filters leave, with their counts, for the places list, its map and the
places GeoJSON alike: what ``mentions_for`` and ``quotes_for`` hold, counted per place.

Read from the rows the operations keep beside the spans, which follow ``visible()`` (drafts,
suggestions, rejected spans and orphans never count): mentions from ``ArticlePlace`` (an
article's visible mentions of a place), summed over the articles the filters choose (a date
range and a year through the published articles' date index); quotes about a place from
``PlaceQuote``, filtered as the comparison view does (``analysis.place_quotes``). Two grouped
queries whose result is a row per place, kept in the cache under the lists' generation, which
every change readers can see retires. Unfiltered, the lists read ``Place``'s own kept counts
instead, and nothing here runs.
"""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Count, QuerySet, Sum

from . import analysis, search
from .models import Article, ArticlePlace

Ranked = list[tuple[int, int, int]]  # (place id, mentions, quotes about), most mentioned first


def articles_chosen(filters: search.Filters) -> bool:
    """Whether the filters choose articles beyond a place (which the kept rows carry)."""
    return filters.active and bool(replace(filters, place="").active)


def mention_rows(filters: search.Filters) -> QuerySet[ArticlePlace]:
    """The kept (article, place, mentions) rows of what ``mentions_for(filters)`` holds: a
    place chooses its own rows; anything else the articles the list shows."""
    rows = ArticlePlace.objects.all()
    if filters.place:
        rows = rows.filter(place__slug=filters.place)
    if articles_chosen(filters):
        # Of a place's mentions, those of the articles the other filters choose: an article
        # with a mention of the place is one the place filter chooses anyway.
        others = replace(filters, place="")
        articles = search.filter_articles(Article.objects.published(), others)
        rows = rows.filter(article__in=search.matching(articles, filters.q).values("pk"))
    return rows


def ranked(filters: search.Filters) -> Ranked:
    """Every place with a mention or a quote about it that ``filters`` leave, with both counts,
    most mentioned first, then by name: two queries, or none while they are in the cache."""

    def compute() -> Ranked:
        names: dict[int, str] = {}
        mentions: dict[int, int] = {}
        grouped = mention_rows(filters).order_by().values_list("place", "place__name")
        for pk, name, n in grouped.annotate(n=Sum("n_mentions")):
            names[pk], mentions[pk] = name, int(n)
        quotes: dict[int, int] = {}
        about = analysis.place_quotes(filters).order_by().values_list("place", "place__name")
        for pk, name, n in about.annotate(n=Count("*")):
            names[pk], quotes[pk] = name, int(n)
        return rank(names, mentions, quotes)

    return analysis.cached("place-counts", (filters,), compute)


def rank(names: dict[int, str], mentions: dict[int, int], quotes: dict[int, int]) -> Ranked:
    """Pure: the places of ``names`` with their counts, most mentioned first, then by name and
    key (the order of the unfiltered list)."""
    order = sorted(names, key=lambda pk: (-mentions.get(pk, 0), names[pk], pk))
    return [(pk, mentions.get(pk, 0), quotes.get(pk, 0)) for pk in order]
