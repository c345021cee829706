"""Whole reader pages for anonymous readers, served from the shared cache.

A page is stored when the request carried no session cookie and the response is what a CDN may
keep: status 200, ``Cache-Control: public`` (``views.public_page`` sets it for anonymous readers),
no cookie set. A hit skips sessions, authentication, the view, the database and the templates.

Invalidation is by generation, not by time: every entry holds the generation token current when
its request *began*, and any committed change to the app's data replaces that token
(``changed()``, from ``signals.py`` and ``models.touch_articles``). A change bumps the token only
after its transaction commits, so a page read from the old data can only be stored under the old
token, which no request accepts any more. One edit retires every cached page: editing is rare next
to reading, and lists, searches and speaker pages depend on any article. The entry and the token
are read in one round trip.

Pages are kept gzipped (compressed once, when stored) and sent that way to every client that
accepts gzip, as browsers and CDNs do; the others get them inflated. These pages hold no secret
(no session, no CSRF token), so compressing them beside reflected text gives BREACH nothing.

The generation lives in the cache, so the page cache is only correct where every process shares
it (Redis). ``settings.PUBLIC_PAGE_CACHE_SECONDS`` is therefore 0 (off) by default with the
per-process local-memory cache and on with Redis; the timeout only bounds memory and the
staleness a lagging read replica could cause.
"""

import gzip
import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, get_conditional_response, patch_vary_headers
from django.utils.text import compress_string

GENERATION_KEY = "page-generation"
HIT_HEADER = "X-Page-Cache"
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
NOT_KEPT = {HIT_HEADER.lower(), "content-length"}


def page_key(request) -> str | None:
    """The cache key of this request's page, or None when it must not come from the cache.

    Everything the reader views read from a request is in it: scheme, host, path and query, and
    the two htmx headers that choose between a fragment and the whole page.
    """
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    if "HTTP_AUTHORIZATION" in request.META:
        return None
    parts = "\n".join(
        [
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
        ]
    )
    return "page:" + hashlib.blake2b(parts.encode(), digest_size=20).hexdigest()


def storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Content-Encoding"):
        return False
    cache_control = cc_delim_re.split(response.get("Cache-Control", ""))
    directives = {d.strip().lower().split("=")[0] for d in cache_control}
    return "public" in directives and not directives & {"private", "no-store", "no-cache"}


def fetch(key: str):
    """(generation, cached page or None): one round trip to the cache."""
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        # Evicted, or never set: a new token, so nothing stored before counts.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        return cache.get(GENERATION_KEY, ""), None
    page = found.get(key)
    if page is None or page[0] != generation:
        return generation, None
    return generation, page


def store(key: str, generation: str, response) -> tuple:
    patch_vary_headers(response, ["Accept-Encoding"])
    headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_KEPT]
    page = (generation, response.status_code, headers, compress_string(response.content))
    cache.set(key, page, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return page


def accepts_gzip(request) -> bool:
    return bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))


def rebuild(page, request, hit: bool) -> HttpResponse:
    """The response for ``request`` from a kept page: gzipped if the client takes it."""
    _, status, headers, compressed = page
    gzipped = accepts_gzip(request)
    response = HttpResponse(compressed if gzipped else gzip.decompress(compressed), status=status)
    for name, value in headers:
        response[name] = value
    if gzipped:
        response["Content-Encoding"] = "gzip"
        if (tag := response.get("ETag", "")).startswith('"'):
            response["ETag"] = "W/" + tag  # another encoding of the same page
    response["Content-Length"] = str(len(response.content))
    response[HIT_HEADER] = "hit" if hit else "miss"
    return response


def _bump() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def changed(using=None) -> None:
    """What readers see has changed: retire every cached page once the transaction commits.

    Called for every saved or deleted row, so a transaction that writes many registers one
    callback, not one per row.
    """
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(entry[1] is _bump for entry in connection.run_on_commit):
        return
    transaction.on_commit(_bump, using=using)


class PublicPageCacheMiddleware:
    """Answer anonymous GETs of public pages from the cache; keep what the views answered.

    It sits above the session, authentication and CSRF middleware, so a hit costs one cache
    round trip; headers added by the middleware above it (HSTS, CSP) are added to hits as well.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = page_key(request) if settings.PUBLIC_PAGE_CACHE_SECONDS > 0 else None
        if key is None:
            return self.get_response(request)
        generation, page = fetch(key)
        if page is not None:
            response = rebuild(page, request, hit=True)
            return get_conditional_response(request, etag=response.get("ETag"), response=response)
        response = self.get_response(request)
        if not storable(response):
            return response
        page = store(key, generation, response)
        if accepts_gzip(request):
            return rebuild(page, request, hit=False)
        response[HIT_HEADER] = "miss"
        return response
