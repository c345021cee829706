"""The endpoints: the reader pages' querysets and filters, a page at a time.

The public sees what readers see (``SpanQuerySet.visible()``, published articles, public names);
a staff token (``auth.Viewer.unpublished``) also sees drafts and suggestions, never rejected
spans or orphans. The list filters are the article list's own (``search.Filters.from_query`` on
the same query string), applied by the same functions as the list and its CSV exports. Each
endpoint runs a fixed number of queries whatever the size of the page or the corpus.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from .. import search, views
from ..exports import query as exports
from ..models import Article, Outlet, Place, PlaceMention, Quote, Span, Speaker
from . import schemas
from .auth import Viewer, viewer
from .pagination import (
    DATE,
    DEFAULT_LIMIT,
    MAX_LIMIT,
    TEXT,
    TIME,
    Key,
    Order,
    keyset_page,
    next_url,
    offset_page,
)

router = Router()
ERRORS = (400, 401, 404, 429)

ARTICLES = Order(
    "articles",
    [Key("published_on", True, True, **DATE), Key("created_at", True, **TIME), Key("pk", True)],
)
SPANS = Order("spans", [Key("pk", True)])  # newest annotation first: the primary key's index
# A speaker's quotes and a place's mentions: their newest article first, in the text's order, as
# on the speaker's and the place's pages, from the indexes those pages read
BY_ARTICLE = Order(
    "spans-by-article",
    [Key("article_date", True, **DATE), Key("article_id"), Key("start"), Key("pk")],
)
SPEAKERS = Order("speakers", [Key("n_quotes", True), Key("name", **TEXT), Key("pk")])
PLACES = Order("places", [Key("n_mentions", True), Key("name", **TEXT), Key("pk")])
OUTLETS = Order("outlets", [Key("n_articles", True), Key("name", **TEXT), Key("pk")])


class Filters(Schema):
    """The article list's query parameters, with their meaning there (``search.Filters``): any
    value is taken, and one that names nothing selects nothing."""

    q: str = Field("", description="Search words (PostgreSQL websearch syntax).")
    speaker: str = Field("", description="A speaker's slug: articles quoting them.")
    place: str = Field("", description="A place's slug: articles mentioning it or about it.")
    kind: str = Field("", description="direct, indirect or claim (with speaker: the same quote).")
    author: str = Field("", description="An author's slug.")
    year: str = Field("", description="A year of publication, e.g. 2024.")
    outlet: str = Field("", description="An outlet's slug or domain.")


class Page(Schema):
    cursor: str = Field("", description="From the previous page's next link.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")


# --- What a viewer may see ----------------------------------------------------------------------

SEEN_BY_STAFF = [Span.Status.CONFIRMED, Span.Status.SUGGESTED]
# A quote's places, as a list on it (``place_list``): no queryset made per quote to read them
PLACE_REFS = Prefetch("places", Place.objects.only("slug", "name"), to_attr="place_list")


def articles(who: Viewer, body: bool = False) -> QuerySet[Article]:
    """What ``who`` may read; with the ``body`` only where it is shown (not a list's rows)."""
    rows = Article.objects.select_related("author", "outlet").defer(
        "search_vector", *([] if body else ["body"])
    )
    return rows if who.unpublished else rows.published()


def spans(model: type[Quote] | type[PlaceMention], who: Viewer) -> QuerySet:
    """Confirmed spans of published articles; for staff, also suggestions and drafts'. Never
    rejected spans, never orphans."""
    if who.unpublished:
        return model.objects.filter(status__in=SEEN_BY_STAFF, anchored=True)
    return model.objects.visible()


def speakers(who: Viewer) -> QuerySet[Speaker]:
    chosen = Speaker.objects.all() if who.unpublished else search.public_speakers()
    return chosen.select_related("affiliation")


def places(who: Viewer) -> QuerySet[Place]:
    return Place.objects.all() if who.unpublished else search.public_places()


def outlets(who: Viewer) -> QuerySet[Outlet]:
    return Outlet.objects.all() if who.unpublished else views.public_outlets()


# --- Rows as the schemas have them --------------------------------------------------------------


class Urls:
    """Absolute URLs of the reader pages and API endpoints, one ``reverse`` per kind."""

    def __init__(self, request: HttpRequest) -> None:
        absolute = request.build_absolute_uri
        self.article = exports.url_maker(absolute, "articles:article_detail", "slug")
        self.api_article = exports.url_maker(absolute, "api-1:article", "slug")
        self.made: dict[str, Any] = {}
        self._absolute = absolute

    def of(self, name: str, slug: str) -> str:
        if name not in self.made:
            self.made[name] = exports.url_maker(self._absolute, name, "slug")
        return self.made[name](slug=slug)


def article_ref(article: Article, urls: Urls) -> dict:
    return {
        "slug": article.slug,
        "headline": article.headline,
        "published_on": article.published_on,
        "url": urls.article(slug=article.slug),
        "api_url": urls.api_article(slug=article.slug),
    }


def article_summary(article: Article, urls: Urls) -> dict:
    author, outlet = article.author, article.outlet
    return {
        **article_ref(article, urls),
        "dek": article.dek,
        "status": article.status,
        "language": article.language,
        "source_url": article.source_url,
        "author": {"slug": author.slug, "name": author.name} if author else None,
        "outlet": (
            {"slug": outlet.slug, "name": outlet.name, "domain": outlet.domain} if outlet else None
        ),
        "n_quotes": article.n_quotes,
        "n_mentions": article.n_mentions,
    }


def _span(span: Span) -> dict:
    return {
        "id": span.pk,
        "start": span.start,
        "end": span.end,
        "text": span.exact,
        "prefix": span.prefix,
        "suffix": span.suffix,
        "status": span.status,
    }


def _ref(entity: Speaker | Place | None) -> dict | None:
    return {"slug": entity.slug, "name": entity.name} if entity else None


def quote_item(quote: Quote) -> dict:
    """A quote of an article, its places prefetched (``PLACE_REFS``)."""
    return {
        **_span(quote),
        "kind": quote.kind,
        "speaker": _ref(quote.speaker),
        "places": [_ref(p) for p in getattr(quote, "place_list", [])],
    }


def mention_item(mention: PlaceMention) -> dict:
    return {**_span(mention), "place": _ref(mention.place)}


def speaker_item(speaker: Speaker, urls: Urls) -> dict:
    fields = ("slug", "name", "kind", "category", "role", "description", "wikidata_id")
    affiliation = speaker.affiliation
    return {
        **{f: getattr(speaker, f) for f in fields},
        "affiliation": affiliation.name if affiliation else "",
        "affiliation_country": affiliation.country if affiliation else "",
        "affiliation_side": affiliation.side if affiliation else "",
        "aliases": list(speaker.aliases),
        "n_quotes": speaker.n_quotes,
        "url": urls.of("articles:speaker_detail", speaker.slug),
        "api_url": urls.of("api-1:speaker", speaker.slug),
    }


def place_item(place: Place, urls: Urls) -> dict:
    fields = ("slug", "name", "kind", "latitude", "longitude", "country_code", "geonames_id")
    return {
        **{f: getattr(place, f) for f in fields},
        "aliases": list(place.aliases),
        "n_mentions": place.n_mentions,
        "n_quotes": place.n_quotes,
        "url": urls.of("articles:place_detail", place.slug),
        "api_url": urls.of("api-1:place", place.slug),
    }


def outlet_item(outlet: Outlet, urls: Urls) -> dict:
    fields = ("slug", "name", "domain", "country", "homepage", "n_articles")
    return {
        **{f: getattr(outlet, f) for f in fields},
        "url": urls.of("articles:outlet_detail", outlet.slug),
        "api_url": urls.of("api-1:outlet", outlet.slug),
    }


def _listed(request: HttpRequest, page, item) -> dict:
    return {"items": [item(row) for row in page.items], "next": next_url(request, page.next_cursor)}


# A list's spans are read as values (no model instances: a page of 100 is mostly that cost)
SPAN_VALUES = (
    "pk",
    "start",
    "end",
    "exact",
    "prefix",
    "suffix",
    "status",
    "article_date",
    "article_id",
)
ARTICLE_VALUES = ("article__slug", "article__headline", "article__published_on")
QUOTE_VALUES = (*SPAN_VALUES, *ARTICLE_VALUES, "kind", "speaker__slug", "speaker__name")
MENTION_VALUES = (*SPAN_VALUES, *ARTICLE_VALUES, "place__slug", "place__name")


def _named(slug: str | None, name: str | None) -> dict | None:
    return {"slug": slug, "name": name} if slug is not None else None


def span_row(row: dict, urls: Urls) -> dict:
    """A span of a list, from its values, with its article."""
    slug = row["article__slug"]
    return {
        "id": row["pk"],
        **{f: row[f] for f in ("start", "end", "prefix", "suffix", "status")},
        "text": row["exact"],
        "article": {
            "slug": slug,
            "headline": row["article__headline"],
            "published_on": row["article__published_on"],
            "url": urls.article(slug=slug),
            "api_url": urls.api_article(slug=slug),
        },
    }


def _id_of(model: type[Speaker] | type[Place], slug: str) -> int | None:
    """The key of the speaker or place a filter names: filtering by it (not by a join on the
    slug) lets PostgreSQL read their newest spans from their index, as their pages do."""
    return model.objects.filter(slug=slug).values_list("pk", flat=True).first()


def _of_speaker_and_kind(quotes: QuerySet, chosen: search.Filters) -> QuerySet:
    if chosen.speaker:
        speaker_id = _id_of(Speaker, chosen.speaker)
        quotes = quotes.none() if speaker_id is None else quotes.filter(speaker_id=speaker_id)
    return quotes.filter(kind=chosen.kind) if chosen.kind else quotes


def places_of(quote_ids: list[int]) -> dict[int, list[dict]]:
    """The places each quote is about (by name, as on the article), in one query."""
    through = Quote.places.through.objects.filter(quote_id__in=quote_ids)
    rows = through.order_by("place__name", "place_id").values_list(
        "quote_id", "place__slug", "place__name"
    )
    found: dict[int, list[dict]] = {}
    for quote_id, slug, name in rows:
        found.setdefault(quote_id, []).append({"slug": slug, "name": name})
    return found


# --- Endpoints ----------------------------------------------------------------------------------


def responses(ok: Any) -> dict:
    return {200: ok, 304: None, **dict.fromkeys(ERRORS, schemas.Problem)}


@router.get("/articles", response=responses(schemas.ArticlePage), url_name="articles")
def list_articles(request, filters: Query[Filters], paging: Query[Page]):
    """Articles, newest first (undated last), with the article list's search and filters: a
    search here selects every matching article (see /search for the ranked page)."""
    who, chosen = viewer(request), search.Filters.from_query(request.GET)
    rows = search.matching(
        search.filter_articles(articles(who), chosen, drafts=who.unpublished), chosen.q
    )
    page = keyset_page(rows, ARTICLES, paging.cursor, paging.limit)
    urls = Urls(request)
    return _listed(request, page, lambda a: article_summary(a, urls))


@router.get("/articles/{slug}", response=responses(schemas.ArticleDetail), url_name="article")
def article(request, slug: str):
    """An article with its body and every quote and place mention readers see in it."""
    who = viewer(request)
    found = articles(who, body=True).filter(slug=slug).first()
    if found is None:
        raise Http404(f"No article is at {slug!r}.")
    quotes = (
        spans(Quote, who)
        .filter(article=found)
        .select_related("speaker")
        .prefetch_related(PLACE_REFS)
    )
    mentions = spans(PlaceMention, who).filter(article=found).select_related("place")
    return {
        **article_summary(found, Urls(request)),
        "body": found.body,
        "revision": found.revision,
        "quotes": [quote_item(q) for q in quotes.order_by("start", "-end", "pk")],
        "place_mentions": [mention_item(m) for m in mentions.order_by("start", "-end", "pk")],
    }


@router.get("/quotes", response=responses(schemas.QuotePage), url_name="quotes")
def list_quotes(request, filters: Query[Filters], paging: Query[Page]):
    """Quotes and claims in the articles the list shows for the filters; a speaker, a kind and a
    place also choose the quotes, as the CSV export does. Newest annotation first; a speaker's
    newest article first, as on their page."""
    who, chosen = viewer(request), search.Filters.from_query(request.GET)
    # The speaker and kind choose the quotes; that their article has such a quote (the list's
    # rule) is then true of every quote shown, so it is not asked again of every article.
    rows = exports.quotes_for(
        replace(chosen, speaker="", kind=""),
        _of_speaker_and_kind(spans(Quote, who), chosen),
        articles(who),
        who.unpublished,
    )
    order = BY_ARTICLE if chosen.speaker else SPANS
    page = keyset_page(rows.values(*QUOTE_VALUES), order, paging.cursor, paging.limit)
    places, urls = places_of([q["pk"] for q in page.items]), Urls(request)

    def item(q: dict) -> dict:
        return {
            **span_row(q, urls),
            "kind": q["kind"],
            "speaker": _named(q["speaker__slug"], q["speaker__name"]),
            "places": places.get(q["pk"], []),
        }

    return _listed(request, page, item)


@router.get("/place-mentions", response=responses(schemas.MentionPage), url_name="mentions")
def list_mentions(request, filters: Query[Filters], paging: Query[Page]):
    """Place mentions in the articles the list shows for the filters; a place also chooses the
    mentions. Newest annotation first; a place's newest article first, as on its page."""
    who, chosen = viewer(request), search.Filters.from_query(request.GET)
    mentions = spans(PlaceMention, who).filter(place__isnull=False)
    if chosen.place:  # (and mentions_for's own test of the slug, then true of them all)
        place_id = _id_of(Place, chosen.place)
        mentions = mentions.none() if place_id is None else mentions.filter(place_id=place_id)
    rows = exports.mentions_for(chosen, mentions, articles(who), who.unpublished)
    order = BY_ARTICLE if chosen.place else SPANS
    page = keyset_page(rows.values(*MENTION_VALUES), order, paging.cursor, paging.limit)
    urls = Urls(request)

    def item(m: dict) -> dict:
        return {**span_row(m, urls), "place": _named(m["place__slug"], m["place__name"])}

    return _listed(request, page, item)


def _one(rows: QuerySet, slug: str, kind: str):
    found = rows.filter(slug=slug).first()
    if found is None:
        raise Http404(f"No {kind} is at {slug!r}.")
    return found


@router.get("/speakers", response=responses(schemas.SpeakerPage), url_name="speakers")
def list_speakers(request, paging: Query[Page]):
    """Speakers readers see quoted, most quoted first."""
    page = keyset_page(speakers(viewer(request)), SPEAKERS, paging.cursor, paging.limit)
    urls = Urls(request)
    return _listed(request, page, lambda s: speaker_item(s, urls))


@router.get("/speakers/{slug}", response=responses(schemas.Speaker), url_name="speaker")
def speaker(request, slug: str):
    """A speaker (their quotes: /quotes?speaker=<slug>)."""
    return speaker_item(_one(speakers(viewer(request)), slug, "speaker"), Urls(request))


@router.get("/places", response=responses(schemas.PlacePage), url_name="places")
def list_places(request, paging: Query[Page]):
    """Places readers see mentioned or spoken of, most mentioned first."""
    page = keyset_page(places(viewer(request)), PLACES, paging.cursor, paging.limit)
    urls = Urls(request)
    return _listed(request, page, lambda p: place_item(p, urls))


@router.get("/places/{slug}", response=responses(schemas.Place), url_name="place")
def place(request, slug: str):
    """A place (its mentions: /place-mentions?place=<slug>)."""
    return place_item(_one(places(viewer(request)), slug, "place"), Urls(request))


@router.get("/outlets", response=responses(schemas.OutletPage), url_name="outlets")
def list_outlets(request, paging: Query[Page]):
    """Outlets with a published article, most articles first."""
    page = keyset_page(outlets(viewer(request)), OUTLETS, paging.cursor, paging.limit)
    urls = Urls(request)
    return _listed(request, page, lambda o: outlet_item(o, urls))


@router.get("/outlets/{slug}", response=responses(schemas.Outlet), url_name="outlet")
def outlet(request, slug: str):
    """An outlet (its articles: /articles?outlet=<slug>)."""
    return outlet_item(_one(outlets(viewer(request)), slug, "outlet"), Urls(request))


class SearchQuery(Filters):
    q: str = Field(..., description="Search words (PostgreSQL websearch syntax).")


@router.get("/search", response=responses(schemas.SearchPage), url_name="search")
def search_articles(request, filters: Query[SearchQuery], paging: Query[Page]):
    """The article list's search, as its page ranks it: the best of the newest matching
    published articles, with snippets, and the speakers and places whose names match."""
    chosen = search.Filters.from_query(request.GET)
    if not chosen.q:
        return {"items": [], "next": None, "speakers": [], "places": [], "more": False}
    results = search.search(articles(Viewer(), body=True), chosen)  # snippets read the body
    page = offset_page(results.articles, paging.cursor, paging.limit)
    urls = Urls(request)
    hits = [
        {
            **article_summary(a, urls),
            "snippet_html": str(search.snippet_for(a, results, chosen.q)),
        }
        for a in page.items
    ]
    return {
        "items": hits,
        "next": next_url(request, page.next_cursor),
        "speakers": [_ref(s) for s in results.speakers],
        "places": [_ref(p) for p in results.places],
        "more": results.more,
    }
