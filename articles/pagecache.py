"""Whole reader pages for anonymous readers, served from the shared cache.

A page is stored when the request carried no session cookie and the response is what a CDN may
keep: status 200, ``Cache-Control: public`` (``views.public_page`` sets it for anonymous readers),
no cookie set. A hit skips sessions, authentication, the view, the database and the templates.

Invalidation is by what changed, not by time. Every page depends on a few tags, known from its
URL alone: an article's page on ``article:<slug>``, a speaker's on ``speaker:<slug>``, a place's
on ``place:<slug>``, everything else (lists, searches, quote panels) on ``lists``; and every page
on ``all``. Each tag has a generation token in the cache. A page is stored with the tokens that
were current when its request *began*, and counts only while they all still are. A committed
change replaces the tokens of the tags it touched (``retire``, from ``changes.Change.apply``,
after the commit), so a page read from the old data can only be stored under old tokens, which
no request accepts any more. A change readers cannot see (a draft, a suggestion) retires nothing.
The entry and its tokens are read in one round trip.

Pages are kept gzipped (compressed once, when stored) and sent that way to every client that
accepts gzip, as browsers and CDNs do; the others get them inflated. These pages hold no secret
(no session, no CSRF token), so compressing them beside reflected text gives BREACH nothing.

The tokens live in the cache, so the page cache is only correct where every process shares it
(Redis). ``settings.PUBLIC_PAGE_CACHE_SECONDS`` is therefore 0 (off) by default with the
per-process local-memory cache and on with Redis; the timeout only bounds memory and the
staleness a lagging read replica could cause.
"""

import gzip
import hashlib
import re
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers

from .negotiation import prefers_jsonld

HIT_HEADER = "X-Page-Cache"
DIRECTIVES = re.compile(r"\s*,\s*")  # between Cache-Control directives
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
NOT_KEPT = {HIT_HEADER.lower(), "content-length"}
ALL = "all"
LISTS = "lists"
# Reader views whose page depends on one named thing, by the URL argument that names it.
TAGGED_VIEWS = {
    "articles:article_detail": "article",
    "articles:speaker_detail": "speaker",
    "articles:place_detail": "place",
    "articles:article_annotations": "article",
    "articles:mention": "article",
}

Page = tuple[tuple[str, ...], int, list[tuple[str, str]], bytes]


def tag(kind: str, slug: str) -> str:
    return f"{kind}:{slug}"


def _generation_key(name: str) -> str:
    return "page-gen:" + hashlib.blake2b(name.encode(), digest_size=16).hexdigest()


def page_tags(path: str) -> list[str]:
    """What the page at ``path`` depends on, from its URL alone (no query)."""
    try:
        match = resolve(path)
    except Resolver404:
        return [ALL, LISTS]
    kind = TAGGED_VIEWS.get(match.view_name)
    if kind is None:
        return [ALL, LISTS]
    return [ALL, tag(kind, match.kwargs["slug"])]


def page_key(request: HttpRequest) -> str | None:
    """The cache key of this request's page, or None when it must not come from the cache.

    Everything the reader views read from a request is in it: scheme, host, path and query, the
    two htmx headers that choose between a fragment and the whole page, and whether ``Accept``
    chose JSON-LD over the page (``negotiation``).
    """
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    parts = "\n".join(
        [
            request.scheme or "",
            request.get_host(),
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
            "jsonld" if prefers_jsonld(request.headers.get("Accept", "")) else "",
        ]
    )
    return "page:" + hashlib.blake2b(parts.encode(), digest_size=20).hexdigest()


def storable(response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Content-Encoding"):
        return False
    cache_control = DIRECTIVES.split(response.get("Cache-Control", ""))
    directives = {d.strip().lower().split("=")[0] for d in cache_control}
    return "public" in directives and not directives & {"private", "no-store", "no-cache"}


def generations(names: list[str], found: dict | None = None) -> tuple[str, ...]:
    """The current token of each tag (``found``: what a get_many already read). A tag with no
    token (evicted, or never set) gets a new one, so nothing stored before counts."""
    keys = [_generation_key(n) for n in names]
    if found is None:
        found = cache.get_many(keys)
    missing = [k for k in keys if found.get(k) is None]
    for key in missing:
        cache.add(key, uuid.uuid4().hex, None)
    if missing:
        found = {**found, **cache.get_many(missing)}
    return tuple(found.get(k, "") for k in keys)


def generation(name: str) -> str:
    return generations([name])[0]


def fetch(key: str, tags: list[str]) -> tuple[tuple[str, ...], Page | None]:
    """(the tags' tokens now, the cached page or None): one round trip to the cache."""
    found = cache.get_many([key, *(_generation_key(t) for t in tags)])
    current = generations(tags, found)
    page = found.get(key)
    if page is None or page[0] != current:
        return current, None
    return current, page


GZIP_LEVEL = 3  # on the request's path: a large page (the heavy article's JSON-LD, 890 KB)
# compresses in a third of level 6's time (7 ms, not 18), 30% larger; small pages alike


def compressed(content: bytes) -> bytes:
    return gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)


def store(key: str, tokens: tuple[str, ...], response: HttpResponse) -> Page:
    patch_vary_headers(response, ["Accept-Encoding"])
    headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_KEPT]
    page = (tokens, response.status_code, headers, compressed(response.content))
    cache.set(key, page, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return page


def accepts_gzip(request: HttpRequest) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def rebuild(page: Page, request: HttpRequest, hit: bool) -> HttpResponse:
    """The response for ``request`` from a kept page: gzipped if the client takes it."""
    _, status, headers, compressed = page
    gzipped = accepts_gzip(request)
    response = HttpResponse(compressed if gzipped else gzip.decompress(compressed), status=status)
    for name, value in headers:
        response[name] = value
    if gzipped:
        response["Content-Encoding"] = "gzip"
        if (etag := response.get("ETag", "")).startswith('"'):
            response["ETag"] = "W/" + etag  # another encoding of the same page
    response["Content-Length"] = str(len(response.content))
    response[HIT_HEADER] = "hit" if hit else "miss"
    return response


def retire(tags: Iterable[str]) -> None:
    """The pages that depend on any of ``tags`` are stale: new tokens for those tags. Called
    once a change has committed (``changes.Change.apply``)."""
    cache.set_many({_generation_key(t): uuid.uuid4().hex for t in tags}, None)


def retire_everything() -> None:
    retire([ALL])


class PublicPageCacheMiddleware:
    """Answer anonymous GETs of public pages from the cache; keep what the views answered.

    It sits above the session, authentication and CSRF middleware, so a hit costs one cache
    round trip; headers added by the middleware above it (HSTS, CSP) are added to hits as well.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = page_key(request) if settings.PUBLIC_PAGE_CACHE_SECONDS > 0 else None
        if key is None:
            return self.get_response(request)
        tokens, page = fetch(key, page_tags(request.path_info))
        if page is not None:
            kept = rebuild(page, request, hit=True)
            conditional = get_conditional_response(request, etag=kept.get("ETag"), response=kept)
            return conditional or kept
        response = self.get_response(request)
        if not storable(response) or not isinstance(response, HttpResponse):
            return response
        page = store(key, tokens, response)
        if accepts_gzip(request):
            return rebuild(page, request, hit=False)
        response[HIT_HEADER] = "miss"
        return response
