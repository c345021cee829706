"""Reader pages. Each runs a fixed number of queries, whatever the number of annotations.

Every reader view is a ``public_page``: its reads may go to a replica, and what anonymous
readers get is public, cacheable by a CDN, and carries no cookie. The article page also answers
conditional requests (ETag from the article's revision) and caches the rendering of its body,
highlights and index per revision.
"""

import hashlib
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Sum
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from newsroom.routers import public_read

from . import balance, pagecache, search, timelines
from .exports import geo
from .htmx import HTMX_HEADERS, page_or_fragment
from .models import (
    Article,
    Author,
    FormerSlug,
    Outlet,
    OutletPlace,
    OutletSpeaker,
    Place,
    PlaceMention,
    PlaceQuote,
    Quote,
    Speaker,
    SpeakerPair,
    SpeakerPlace,
)
from .negotiation import prefers_jsonld
from .presenters import article_colours, body_html, speaker_colour

ARTICLES_PER_PAGE = 20
ENTITY_ITEMS_PER_PAGE = 25  # quotes, mentions, places or co-speakers on an entity page
ENTITIES_PER_PAGE = 50  # speakers or places on their lists
# Newest first; undated articles last on every database.
# Newest article first (undated last), then in the text's order: the span tables' own indexes.
SPANS_NEWEST_FIRST = ("-article_date", "article_id", "start")


@require_safe
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def public_page(view):
    """A reader page: replica reads; public caching for anonymous readers, private otherwise."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        anonymous = not request.user.is_authenticated  # the session, read on the primary
        with public_read():
            response = view(request, *args, **kwargs)
        if anonymous:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        else:
            patch_cache_control(response, private=True)
        # htmx asks for a fragment with HX-Request, and for the whole page again with both.
        patch_vary_headers(response, HTMX_HEADERS)
        return response

    return wrapped


@require_safe
@public_page
def article_list(request):
    """Published articles; search and filters combine, and the URL always holds the state."""
    filters = search.Filters.from_query(request.GET)
    results = search.search(
        Article.objects.select_related("author", "outlet").defer("search_vector"),
        filters,
    )
    page = _paginate(results.articles, filters).get_page(request.GET.get("page"))
    if filters.q:
        for article in page:
            article.snippet = search.snippet_for(article, results, filters.q)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "results": results,
        "query": query.urlencode(),
        "timeline": timelines.for_search(results, filters),
    }
    return page_or_fragment(
        request,
        "articles/article_list.html",
        "results",
        context,
        lambda: {"filter_fields": _filter_fields(filters)},
    )


def _paginate(articles: Any, filters: search.Filters) -> Paginator:
    """The list's paginator. A search's matches are counted already (``Ranked``); the COUNT of
    every published article a filter selects is kept until a public change retires the lists
    (it took 460 ms at 100,000 articles)."""
    if isinstance(articles, search.Ranked):
        return Paginator(articles, ARTICLES_PER_PAGE)  # type: ignore[arg-type]  # len and slices
    generation = pagecache.generation(pagecache.LISTS)
    key = "article-count:" + hashlib.blake2b(repr((generation, filters)).encode()).hexdigest()
    count = int(cache.get_or_set(key, articles.count, settings.FILTER_CHOICES_SECONDS) or 0)
    return CountedPaginator(articles, ARTICLES_PER_PAGE, count)


def _filter_fields(filters) -> str:
    """The filter menus, rendered once per selection while the choices are cached: hundreds of
    speakers and places made them the costliest part of the page."""
    selected = (
        filters.speaker,
        filters.place,
        filters.kind,
        filters.author,
        filters.year,
        filters.outlet,
    )
    generation = pagecache.generation(pagecache.LISTS)
    key = (
        "filter-fields:"
        + hashlib.blake2b(repr((generation, selected, filters.active)).encode()).hexdigest()
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "articles/article_list.html#filter-fields",
            {"choices": _filter_choices(), "filters": filters},
        )
        cache.set(key, html, settings.FILTER_CHOICES_SECONDS)
    return html


def _filter_choices():
    """What the filters offer: only what published articles have. Cached until a change readers
    can see retires the lists (their generation is in the key)."""
    key = f"filter-choices:{pagecache.generation(pagecache.LISTS)}"
    choices = cache.get(key)
    if choices is None:
        published = Article.objects.published()
        choices = {
            "speakers": list(search.public_speakers()),
            "places": list(search.public_places()),
            "kinds": Quote.Kind.choices,
            "authors": list(Author.objects.filter(Exists(published.filter(author=OuterRef("pk"))))),
            "outlets": list(public_outlets()),
            "years": [d.year for d in published.dates("published_on", "year", "DESC")],
        }
        cache.set(key, choices, settings.FILTER_CHOICES_SECONDS)
    return choices


def can_preview_drafts(user) -> bool:
    """Who may read drafts, and the names only drafts use, on the reader pages: whoever may view
    articles in the admin (Annotators and Editors), not every staff account."""
    return user.has_perm("articles.view_article")


def _article_for(request, slug):
    """A published article; those who may preview drafts also get drafts."""
    articles = Article.objects.select_related("author", "outlet").defer("search_vector")
    if not can_preview_drafts(request.user):
        articles = articles.published()
    return get_object_or_404(articles, slug=slug)


def source_balance(counted) -> balance.Balance:
    """The balance of these ``balance.Counted`` rows, kinds of source labelled as the admin
    labels them."""
    return balance.balance(counted, dict(Speaker.Category.choices))


def article_balance(quotes) -> balance.Balance:
    """Who is quoted in an article, by affiliation and kind of source: from the quotes its
    page shows (their speakers and affiliations already joined), no query."""
    return source_balance(
        balance.Counted(
            a.name if (a := q.speaker.affiliation) else None,
            a.side if a else "",
            a.country if a else "",
            q.speaker.category,
            1,
        )
        for q in quotes
        if q.speaker is not None
    )


def outlet_balance(outlet) -> balance.Balance:
    """Whom an outlet quotes, by affiliation and kind of source: one query, summing the kept
    ``OutletSpeaker`` rows of the outlet (its index's range) by their speakers' affiliation and
    kind, never its quotes."""
    rows = (
        OutletSpeaker.objects.filter(outlet=outlet)
        .order_by()
        .values_list(
            "speaker__affiliation__name",
            "speaker__affiliation__side",
            "speaker__affiliation__country",
            "speaker__category",
        )
        .annotate(n=Sum("n_quotes"))
    )
    return source_balance(
        balance.Counted(name, side or "", country or "", category, n)
        for name, side, country, category, n in rows
    )


def _article_context(article):
    quotes = list(article.quotes.shown().select_related("speaker__affiliation"))
    mentions = list(article.place_mentions.shown().select_related("place"))
    colours = article_colours(q.speaker_id for q in quotes)
    speakers = {}
    for quote in quotes:
        key = quote.speaker_id
        if key not in speakers:
            speakers[key] = {"speaker": quote.speaker, "colour": colours[key], "count": 0}
        speakers[key]["count"] += 1
        quote.colour = colours[key]
    return {
        "article": article,
        "body": body_html(article, quotes, mentions),
        "quotes": quotes,
        "speakers": sorted(speakers.values(), key=lambda s: -s["count"]),
        "kinds": [
            {"value": value, "label": label, "count": n}
            for value, label in Quote.Kind.choices
            if (n := sum(q.kind == value for q in quotes))
        ],
        "n_places": len({m.place_id for m in mentions}),
        "balance": article_balance(quotes),
        "n_unattributed": sum(q.speaker_id is None for q in quotes),
    }


def _panel_context(article, quote_id):
    quote = get_object_or_404(
        article.quotes.shown().select_related("speaker__affiliation"), pk=quote_id
    )
    quote.article = article
    other_quotes = []
    if quote.speaker_id:
        other_quotes = list(
            Quote.objects.visible()
            .filter(speaker_id=quote.speaker_id)
            .exclude(pk=quote.pk)
            .select_related("article")
            .order_by(*SPANS_NEWEST_FIRST)[:20]
        )
    colours = article_colours(article.quotes.shown().values_list("speaker_id", flat=True))
    return {
        "article": article,
        "quote": quote,
        "colour": colours[quote.speaker_id],
        "quote_places": list(quote.places.all()),
        "other_quotes": other_quotes,
    }


def reader_sections(article) -> dict:
    """The article, its highlights and its index, rendered once per revision and cached."""
    key = f"reader-sections:{article.pk}:{article.revision}:{article.updated_at.timestamp()}"
    sections = cache.get(key)
    if sections is None:
        context = _article_context(article)
        sections = {
            name: render_to_string(f"articles/article_detail.html#{name}", context)
            for name in ("article", "highlights", "index")
        }
        cache.set(key, sections, settings.RENDER_CACHE_SECONDS)
    return sections


def etag(article) -> str:
    return f'"{article.pk}.{article.revision}.{int(article.updated_at.timestamp() * 1e6)}"'


@require_safe
@public_page
def article_detail(request, slug):
    article = _article_for(request, slug)
    if prefers_jsonld(request.headers.get("Accept", "")):
        response = _article_jsonld(request, article)
        patch_vary_headers(response, ["Accept"])
        return response
    tag = None if request.user.is_authenticated else etag(article)
    if tag and (not_modified := get_conditional_response(request, etag=tag)):
        return not_modified
    context = {"article": article, "sections": reader_sections(article)}
    response = render(request, "articles/article_detail.html", context)
    if tag:
        response["ETag"] = tag
    patch_vary_headers(response, ["Accept"])  # the same URL answers JSON-LD too
    return response


def _quote_jsonld(request, article, quote_id):
    """A published, reader-visible quote's ``Annotation``, asked for on its URL."""
    from .exports.views import jsonld
    from .exports.w3c import one_annotation

    document = None
    if article.is_published:
        document = one_annotation(request.build_absolute_uri, "quote", article, quote_id)
    if document is None:
        raise Http404("No such quote.")
    response = jsonld(document)
    patch_vary_headers(response, ["Accept"])
    return response


def _article_jsonld(request, article):
    """The article's W3C annotations, asked for on its URL (``Accept``): published only."""
    from .exports.views import article_jsonld

    if not article.is_published:
        raise Http404("No published article here.")
    return article_jsonld(request, article)


@require_safe
@public_page
def quote_panel(request, slug, quote_id):
    """The side panel for one quote: the fragment for htmx, the whole article page otherwise;
    the quote's W3C ``Annotation`` (this URL is its IRI) for a JSON-LD client."""
    article = _article_for(request, slug)
    if prefers_jsonld(request.headers.get("Accept", "")):
        return _quote_jsonld(request, article, quote_id)
    response = page_or_fragment(
        request,
        "articles/article_detail.html",
        "panel",
        _panel_context(article, quote_id),
        lambda: {"sections": reader_sections(article)},
    )
    patch_vary_headers(response, ["Accept"])
    return response


@require_safe
@public_page
def speaker_list(request):
    """Every speaker with a reader-visible quote, most quoted first, a page at a time: two
    indexed queries on the counts the operations keep, whatever the size of the corpus."""
    speakers = (
        Speaker.objects.filter(n_quotes__gt=0)
        .select_related("affiliation")
        .order_by("-n_quotes", "name", "pk")
    )
    page = Paginator(speakers, ENTITIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "articles/speaker_list.html", {"speakers": page, "page": page})


@require_safe
@public_page
def speaker_detail(request, slug):
    """A speaker's quotes, the places they speak about and who is quoted beside them, each a
    page at a time (``page``, ``places_page``, ``beside_page``).

    A constant number of queries, each reading the first rows of an index whatever the size of
    the corpus: the speaker, a page of their quotes (their number is the one the operations
    keep), and a page and a count of each of the kept ``SpeakerPlace`` and ``SpeakerPair`` rows.
    """
    # A name that only drafts or suggestions use is not public.
    speakers = (
        Speaker.objects.all() if can_preview_drafts(request.user) else search.public_speakers()
    )
    speaker = speakers.select_related("affiliation").filter(slug=slug).first()
    if speaker is None:
        return _former_slug(FormerSlug.Kind.SPEAKER, slug)
    quotes = (
        Quote.objects.visible()
        .filter(speaker=speaker)
        .select_related("article")
        .order_by(*SPANS_NEWEST_FIRST)
    )
    places = (
        SpeakerPlace.objects.filter(speaker=speaker)
        .select_related("place")
        .order_by("-n_quotes", "place__name", "place_id")
    )
    beside = (
        SpeakerPair.objects.filter(speaker=speaker)
        .select_related("other")
        .order_by("-n_articles", "-n_quotes", "other__name", "other_id")
    )
    return render(
        request,
        "articles/speaker_detail.html",
        {
            "speaker": speaker,
            "quotes": CountedPaginator(quotes, ENTITY_ITEMS_PER_PAGE, speaker.n_quotes).get_page(
                request.GET.get("page")
            ),
            "places": Paginator(places, ENTITY_ITEMS_PER_PAGE).get_page(
                request.GET.get("places_page")
            ),
            "beside": Paginator(beside, ENTITY_ITEMS_PER_PAGE).get_page(
                request.GET.get("beside_page")
            ),
            "colour": speaker_colour(speaker.pk),
            "timeline": timelines.for_speaker(speaker),
        },
    )


@require_safe
@public_page
def place_detail(request, slug):
    """A place: its marker, its mentions in context, the quotes about it, each a page at a time
    (``mentions_page``, ``quotes_page``). Three queries, whatever the number of mentions (their
    numbers are the ones the operations keep)."""
    # A name that only drafts or suggestions use is not public.
    places = Place.objects.all() if can_preview_drafts(request.user) else search.public_places()
    place = places.filter(slug=slug).first()
    if place is None:
        return _former_slug(FormerSlug.Kind.PLACE, slug)
    mentions = CountedPaginator(
        PlaceMention.objects.visible()
        .filter(place=place)
        .select_related("article")
        .order_by(*SPANS_NEWEST_FIRST),
        ENTITY_ITEMS_PER_PAGE,
        place.n_mentions,
    ).get_page(request.GET.get("mentions_page"))
    # the kept rows of its quotes, newest first: an index's first rows, not a sort of them all
    quotes = CountedPaginator(
        PlaceQuote.objects.filter(place=place)
        .select_related("quote__article", "quote__speaker")
        .order_by(*SPANS_NEWEST_FIRST),
        ENTITY_ITEMS_PER_PAGE,
        place.n_quotes,
    ).get_page(request.GET.get("quotes_page"))
    quotes.object_list = [row.quote for row in quotes]
    # The map reads the same GeoJSON feature as the places export has for this place.
    feature = geo.place_feature(
        place.get_absolute_url(), place, mentions.paginator.count, place.n_quotes
    )
    map_data = {"type": "FeatureCollection", "features": [feature]}
    return render(
        request,
        "articles/place_detail.html",
        {
            "place": place,
            "mentions": mentions,
            "quotes": quotes,
            "map_data": map_data,
            "timeline": timelines.for_place(place),
        },
    )


def public_outlets():
    """Outlets with a published article: the only ones readers see."""
    return Outlet.objects.filter(n_articles__gt=0)


@require_safe
@public_page
def outlet_list(request):
    """Every outlet with a published article, most articles first: one query, on kept counts."""
    outlets = public_outlets().order_by("-n_articles", "name", "pk")
    page = Paginator(outlets, ENTITIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "articles/outlet_list.html", {"outlets": page, "page": page})


OUTLET_TOP = 20  # speakers and places on an outlet's page


@require_safe
@public_page
def outlet_detail(request, slug):
    """An outlet: its published articles (a page at a time), the speakers it quotes most and the
    places it writes about most, and its source balance (quotes by affiliation and kind of
    source), from the rows the operations keep: five queries, each reading a page or a range of
    an index, whatever the number of its articles and quotes."""
    outlets = Outlet.objects.all() if can_preview_drafts(request.user) else public_outlets()
    outlet = get_object_or_404(outlets, slug=slug)
    published = Article.objects.published().filter(outlet=outlet)
    articles = CountedPaginator(
        published.select_related("author").defer("search_vector").order_by(*search.NEWEST_FIRST),
        ARTICLES_PER_PAGE,
        count=outlet.n_articles,
    ).get_page(request.GET.get("page"))
    speakers = (
        OutletSpeaker.objects.filter(outlet=outlet)
        .select_related("speaker")
        .order_by("-n_quotes", "-n_articles", "speaker")[:OUTLET_TOP]
    )
    places = (
        OutletPlace.objects.filter(outlet=outlet)
        .select_related("place")
        .order_by("-n_mentions", "-n_articles", "place")[:OUTLET_TOP]
    )
    return render(
        request,
        "articles/outlet_detail.html",
        {
            "outlet": outlet,
            "articles": articles,
            "speakers": speakers,
            "places": places,
            "balance": outlet_balance(outlet),
            "timeline": timelines.for_outlet(outlet),
        },
    )


class CountedPaginator(Paginator):
    """A paginator told how many items there are (a count the operations keep), so a page costs
    one query, not a COUNT of every match besides."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


def _former_slug(kind: str, slug: str) -> HttpResponse:
    """The page a merged speaker's or place's old URL now lives at (301), or 404."""
    former = FormerSlug.objects.filter(kind=kind, slug=slug).select_related(kind).first()
    if former is None:
        raise Http404(f"No {kind} is called {slug!r}.")
    return HttpResponsePermanentRedirect(getattr(former, kind).get_absolute_url())
