"""What a change did, announced once: the one place where revisions, search vectors, the counts
the lists show and the cached pages follow a change.

Every write is an operation (``articles.operations``), and every operation runs inside
``changing()``: one transaction, with a ``Change`` that the operation fills in as it goes
(which articles, speakers, places and authors it touched, and whether readers could see it).
When the operation's work is done, still inside its transaction, ``Change.apply`` moves the
revisions of the touched articles (their ETags and per-revision renderings), refreshes their
search vectors and the reader-visible counts of the speakers and places concerned, once for the
whole operation however many rows it wrote. Once the transaction commits, the cached public pages
that showed any of it are retired (``pagecache.retire``), and only if readers could see the change.

Operations nest: an operation called inside another joins the outer one's change, so an import
that edits a body and stores suggestions announces once.

What a public change retires: the pages of the touched articles, the lists and searches, and the
pages of every speaker and place the touched articles show (before and after the change; the
operations add the ones a change removes from an article). A speaker's or place's page shows
names from other articles (who is quoted beside them), so renaming a speaker touches every
article that shows it, and through them the pages of everyone quoted there.
"""

from __future__ import annotations

import contextvars
import copy
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from . import pagecache

if TYPE_CHECKING:
    from .models import Article, Author, Outlet, Place, Speaker

_current: contextvars.ContextVar[Change | None] = contextvars.ContextVar("change", default=None)


@dataclass
class Change:
    """What one operation changed. ``public``: whether anything readers can see changed."""

    articles: set[int] = field(default_factory=set)
    speakers: set[int] = field(default_factory=set)
    places: set[int] = field(default_factory=set)
    authors: set[int] = field(default_factory=set)
    outlets: set[int] = field(default_factory=set)
    public: bool = False
    # Page tags that must go whatever the rows say now (a slug that was renamed or deleted).
    tags: set[str] = field(default_factory=set)
    everything: bool = False  # a bulk change: retire every page, recount every name
    derived: bool = True  # for ``everything``: refresh every search vector and span date too

    def article(self, article: Article, visible: bool) -> None:
        """``article`` changed (or what its pages show did); ``visible``: readers could see it."""
        self.articles.add(article.pk)
        if visible:
            self.public = True
            self.tags.add(pagecache.tag("article", article.slug))

    def articles_showing(self, ids: Iterable[int], visible: bool) -> None:
        self.articles.update(ids)
        self.public = self.public or visible

    def speaker(self, speaker: Speaker, visible: bool) -> None:
        self.speakers.add(speaker.pk)
        if visible:
            self.public = True
            self.tags.add(pagecache.tag("speaker", speaker.slug))

    def place(self, place: Place, visible: bool) -> None:
        self.places.add(place.pk)
        if visible:
            self.public = True
            self.tags.add(pagecache.tag("place", place.slug))

    def author(self, author: Author, visible: bool) -> None:
        self.authors.add(author.pk)
        self.public = self.public or visible

    def outlet(self, outlet: Outlet, visible: bool) -> None:
        """An outlet's page is a list: a public change retires it with the lists."""
        self.outlets.add(outlet.pk)
        self.public = self.public or visible

    def all(self, derived: bool = True) -> None:
        """Everything may have changed (bulk loads, generated corpora); ``derived``: whether the
        search vectors and span dates need refreshing too (not when the load made its own)."""
        self.everything = self.public = True
        self.derived = self.derived and derived

    def apply(self) -> None:
        """Inside the operation's transaction: revisions, search vectors and counts, then (on
        commit) the cached pages. A handful of queries, whatever the number of rows."""
        from . import kept
        from .models import Article, Place, PlaceMention, Quote, Speaker
        from .search import refresh_vectors

        if self.everything:
            Article.objects.update(revision=F("revision") + 1, **span_counts())
            if self.derived:
                refresh_vectors()
                date_spans(Article.objects.all())
            recount(Speaker.objects.all(), Place.objects.all())
            kept.rebuild()
            transaction.on_commit(pagecache.retire_everything)
            return
        articles = Article.objects.filter(pk__in=self.articles)
        if self.articles:
            articles.update(revision=F("revision") + 1, **span_counts())
            refresh_vectors(self.articles)
            date_spans(articles)
        if not self.public:
            return
        # One subquery per relation: an OR across joins multiplies each place's mentions by its
        # quotes (55 million rows estimated for one article at 10,000 articles).
        quoted = Quote.objects.filter(article__in=self.articles)
        mentioned = PlaceMention.objects.filter(article__in=self.articles)
        speakers: list[tuple[int, str]] = list(
            Speaker.objects.filter(
                Q(pk__in=self.speakers) | Q(pk__in=quoted.values("speaker_id"))
            ).values_list("pk", "slug")
        )
        places: list[tuple[int, str]] = list(
            Place.objects.filter(
                Q(pk__in=self.places)
                | Q(pk__in=mentioned.values("place_id"))
                | Q(pk__in=Quote.places.through.objects.filter(quote__in=quoted).values("place_id"))
            ).values_list("pk", "slug")
        )
        kept.refresh(self.articles)  # the counts too, by the difference the change made
        tags = set(self.tags) | {pagecache.LISTS}
        tags |= {pagecache.tag("article", slug) for slug in articles.values_list("slug", flat=True)}
        tags |= {pagecache.tag("speaker", slug) for _, slug in speakers}
        tags |= {pagecache.tag("place", slug) for _, slug in places}
        transaction.on_commit(lambda: pagecache.retire(tags))


def span_counts() -> dict:
    """For an UPDATE of articles: the spans a reader of each sees (``Article.n_quotes``,
    ``Article.n_mentions``), counted again from its own spans (a few index rows each)."""
    from .models import PlaceMention, Quote, count_of

    return {
        "n_quotes": count_of(Quote.objects.shown(), "article"),
        "n_mentions": count_of(PlaceMention.objects.shown(), "article"),
    }


def date_spans(articles: QuerySet[Article]) -> None:
    """Each span of these articles carries its article's publication date (``article_date``).
    Only the spans whose date differs are written: a quote added to an article rewrites no other
    span (an article's every span rewritten at each change leaves a dead row version of each
    until vacuum, which the next queries of a long transaction wade through)."""
    from .models import UNDATED, Article, PlaceMention, Quote

    dated = Article.objects.filter(pk=OuterRef("article_id")).values("published_on")[:1]
    for model in (Quote, PlaceMention):
        model.objects.filter(article__in=articles).exclude(
            article_date=Coalesce(F("article__published_on"), Value(UNDATED))
        ).update(article_date=Coalesce(Subquery(dated), Value(UNDATED)))


def recount(speakers: QuerySet[Speaker], places: QuerySet[Place]) -> None:
    """The reader-visible counts the lists and pages show, recomputed for these rows."""
    from .models import PlaceMention, Quote, count_of

    speakers.update(n_quotes=count_of(Quote.objects.visible(), "speaker"))
    places.update(
        n_mentions=count_of(PlaceMention.objects.visible(), "place"),
        n_quotes=count_of(Quote.objects.visible(), "places"),
    )


def current() -> Change:
    """The change of the operation under way; operations call this inside ``changing()``."""
    change = _current.get()
    if change is None:
        raise RuntimeError("a change outside an operation: wrap it in changes.changing()")
    return change


@contextmanager
def changing() -> Iterator[Change]:
    """One operation: a transaction and its change, applied once at the end. Nested calls join
    the outermost operation."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    change = Change()
    token = _current.set(change)
    try:
        with transaction.atomic():
            yield change
            change.apply()
    finally:
        _current.reset(token)


@contextmanager
def attempt() -> Iterator[None]:
    """A part of the operation under way that may fail alone (one file of a batch): a savepoint.
    When it raises, its writes are rolled back and the change forgets what it noted, so the
    rest of the operation goes on, and announces only what stayed."""
    change = current()
    noted = copy.deepcopy(change)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for name in fields(Change):
            setattr(change, name.name, getattr(noted, name.name))
        raise
