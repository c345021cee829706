"""The whole published corpus as one W3C ``AnnotationCollection`` (``/annotations.jsonld``), its
``AnnotationPage``s read by keyset: every reader-visible quote in id order, then every mention.

A page's URL says where it starts (``?page=first``, ``?page=last``, ``?after=q123``,
``?before=m45``) and, for the keyset pages, the index of its first item (``&index=``) that its
neighbours' links carry, so no page counts the rows before it. A page costs three queries (its
quotes, their places, its mentions) whatever the size of the corpus; the collection's total is the
sum of the articles' kept counts, cached until a public change retires the lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.urls import reverse

from .. import pagecache
from ..models import Article
from . import w3c
from .query import Absolute

FIRST, LAST, AFTER, BEFORE = "first", "last", "after", "before"
NO_KEY = ("q", 0)


class PageError(ValueError):
    """A corpus page's query names no page; the message says which parameter and why."""


@dataclass(frozen=True)
class Cursor:
    where: str  # first | last | after | before
    key: tuple[str, int] = NO_KEY  # (q | m, id)
    index: int = 0


def _key(name: str, value: str) -> tuple[str, int]:
    match = w3c.KEY.match(value)
    if match is None:
        raise PageError(f"{name}: expected q<id> or m<id>, got {value[:40]!r}")
    return match[1], int(match[2])


def _index(query: Mapping[str, str]) -> int:
    value = query.get("index", "")
    if not value.isascii() or not value.isdigit() or int(value) > w3c.MAX_INDEX:
        raise PageError(f"index: expected a whole number from 0, got {value[:40]!r}")
    return int(value)


def parse(query: Mapping[str, str]) -> Cursor | None:
    """The page a query asks for; None for the collection itself (no query). Pure."""
    if "page" in query:
        if query["page"] not in (FIRST, LAST):
            raise PageError(f"page: expected first or last, got {query['page'][:40]!r}")
        return Cursor(query["page"])
    for where in (AFTER, BEFORE):
        if where in query:
            return Cursor(where, _key(where, query[where]), _index(query))
    return None


def _url(base: str, **params: str | int) -> str:
    return f"{base}?{urlencode(params)}"


def _key_of(item: w3c.Item) -> str:
    return ("m" if item.mention else "q") + item.iri.rstrip("/").rsplit("/", 1)[1]


def _forward(urls: w3c.Urls, key: tuple[str, int], n: int) -> list[w3c.Item]:
    """Up to ``n`` items after ``key``, in the corpus's order."""
    table, pk = key
    items: list[w3c.Item] = []
    if table == "q":
        quotes = w3c.public_quotes().filter(pk__gt=pk).order_by("pk")
        items = w3c.quote_items(urls, quotes, n)
        pk = 0
    if len(items) < n:
        mentions = w3c.public_mentions().filter(pk__gt=pk).order_by("pk")
        items += w3c.mention_items(urls, mentions, n - len(items))
    return items


def _backward(urls: w3c.Urls, key: tuple[str, int] | None, n: int) -> list[w3c.Item]:
    """Up to ``n`` items before ``key`` (None: the end), in the corpus's order."""
    items: list[w3c.Item] = []
    table = key[0] if key else "m"
    if table == "m":
        mentions = w3c.public_mentions().order_by("-pk")
        if key:
            mentions = mentions.filter(pk__lt=key[1])
        items = w3c.mention_items(urls, mentions, n)
    if len(items) < n:
        quotes = w3c.public_quotes().order_by("-pk")
        if key and table == "q":
            quotes = quotes.filter(pk__lt=key[1])
        items += w3c.quote_items(urls, quotes, n - len(items))
    return items[::-1]


def total() -> int:
    """Every reader-visible annotation: the published articles' kept counts, cached."""
    key = f"annotations-total:{pagecache.generation(pagecache.LISTS)}"

    def count() -> int:
        sums = Article.objects.published().aggregate(q=Sum("n_quotes"), m=Sum("n_mentions"))
        return (sums["q"] or 0) + (sums["m"] or 0)

    return int(cache.get_or_set(key, count, settings.FILTER_CHOICES_SECONDS) or 0)


LABEL = "Newsroom: every published quote, claim and place mention"


def collection(absolute: Absolute) -> dict:
    base = absolute(reverse("articles:corpus_annotations"))
    return w3c.collection(
        base,
        LABEL,
        total(),
        _url(base, page=FIRST),
        _url(base, page=LAST),
    )


def corpus_page(absolute: Absolute, cursor: Cursor) -> dict:
    """The page ``cursor`` names, with its neighbours' links."""
    size = w3c.PAGE_SIZE
    base = absolute(reverse("articles:corpus_annotations"))
    urls = w3c.Urls.of(absolute)
    if cursor.where in (FIRST, AFTER):
        items = _forward(urls, cursor.key, size + 1)
        more_after, more_before = len(items) > size, cursor.index > 0
        items = items[:size]
        start = cursor.index
    else:
        items = _backward(urls, cursor.key if cursor.where == BEFORE else None, size + 1)
        more_before, more_after = len(items) > size, cursor.where == BEFORE
        items = items[-size:] if len(items) > size else items
        end = cursor.index if cursor.where == BEFORE else total()
        start = max(0, end - len(items))
    iri = {
        FIRST: _url(base, page=FIRST),
        LAST: _url(base, page=LAST),
        AFTER: _url(base, after="".join(map(str, cursor.key)), index=cursor.index),
        BEFORE: _url(base, before="".join(map(str, cursor.key)), index=cursor.index),
    }[cursor.where]
    next_iri = prev_iri = None
    if items and more_after:
        next_iri = _url(base, after=_key_of(items[-1]), index=start + len(items))
    if items and more_before:
        prev_iri = _url(base, before=_key_of(items[0]), index=start)
    document = w3c.page(iri, base, items, start, urls.site, next_iri, prev_iri)
    return w3c.standalone(document)


def whole_pieces(absolute: Absolute) -> Iterator[str]:
    """The whole corpus as one document, for the data package: the collection with one page
    holding every annotation in the corpus's order, written a page of items at a time (the
    items are read by the same keyset as the served pages)."""
    base = absolute(reverse("articles:corpus_annotations"))
    urls = w3c.Urls.of(absolute)
    everything = base + "#all"
    first = w3c.page(everything, base, [], 0, urls.site)
    first["items"] = ITEMS_MARK
    text = w3c.dumps(w3c.collection(base, LABEL, total(), first, everything))
    if w3c.dumps(ITEMS_MARK) not in text:  # nothing published: a collection without pages
        yield text
        return
    head, tail = text.split(w3c.dumps(ITEMS_MARK))
    yield head + "["
    key, n = ("q", 0), 0
    while items := _forward(urls, key, w3c.PAGE_SIZE):
        annotations = ",".join(w3c.dumps(w3c.annotation(item, urls.site)) for item in items)
        yield ("," if n else "") + annotations
        n += len(items)
        last = _key_of(items[-1])
        key = (last[0], int(last[1:]))
    yield "]" + tail


ITEMS_MARK = "\u0000items\u0000"  # where the items go in the document's text; no value has it
