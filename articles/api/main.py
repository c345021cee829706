"""The NinjaAPI at ``/api/v1/``: routes, auth, the anonymous rate limit, ETags, problems.

Every successful GET carries a strong ETag, a digest of its body (cheap beside the queries that
made it), and answers ``If-None-Match`` with 304 and no body. Anonymous answers are public for
``PUBLIC_PAGE_MAX_AGE`` seconds (as the reader pages are, and the page cache keeps them alike);
a token's are private. Everything varies by ``Authorization``.

The OpenAPI schema (``/api/v1/openapi.json``) says that the token is optional, and that every
error is ``application/problem+json``; the interactive docs (``/api/v1/docs``) are django-ninja's
Swagger UI from our own static files, under the site's strict CSP.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from ninja import NinjaAPI, Swagger
from ninja.throttling import AnonRateThrottle

from newsroom.routers import public_read

from . import problems
from .auth import TokenAuth, viewer
from .routes import router


class AnonymousThrottle(AnonRateThrottle):
    """Ninja's anonymous throttle (a history of request times in the cache, per client) at
    ``settings.API_ANON_RATE``, read per request; the client's address as the login throttle
    finds it (django-axes' ipware settings), never from a header a client may forge."""

    def __init__(self) -> None:
        super().__init__(settings.API_ANON_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.API_ANON_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if viewer(request).token is not None:
            return None
        return f"api-throttle:{get_client_ip_address(request) or 'unknown'}"

    def wait(self) -> float:
        """Until the oldest request of the window leaves it: then one more is allowed."""
        oldest = self.history[-1] if self.history else self.now
        return max(1, math.ceil(self.duration - (self.now - oldest)))  # type: ignore[operator]


class NewsroomAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        if response.status_code != 200 or request.method not in ("GET", "HEAD"):
            return response
        response["ETag"] = '"' + hashlib.blake2b(response.content, digest_size=16).hexdigest() + '"'
        if viewer(request).token is None:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        else:
            patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Authorization"])
        return get_conditional_response(request, etag=response["ETag"], response=response) or (
            response
        )

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        return problem_media_types(schema)


def problem_media_types(schema: Any) -> Any:
    """Errors as ``application/problem+json``; the token optional; 304 described."""
    for operations in schema["paths"].values():
        for operation in operations.values():
            for code, answer in operation["responses"].items():
                if int(code) >= 400 and "content" in answer:
                    answer["content"] = {problems.PROBLEM_JSON: answer["content"].popitem()[1]}
                    answer["description"] = problems.TITLES.get(int(code), ("", "Error"))[1]
                elif int(code) == 304:
                    answer["description"] = "Not modified: the ETag given in If-None-Match."
            if "security" in operation:
                operation["security"] = [*operation["security"], {}]
    return schema


DESCRIPTION = """Newsroom's articles, with their quotes and claims, place mentions, speakers,
places and outlets: read-only. Without a token you see what readers see (published articles,
confirmed annotations); staff with a personal API token (created in the admin) also see drafts
and suggestions.

Lists are a page at a time (`limit`, at most 100) in a stable order; follow `next` for the
next page. Every answer has an ETag (send it back in `If-None-Match` for a 304). Anonymous
clients are rate-limited (429 with `Retry-After`). Errors are RFC 9457 problem documents."""

api = NewsroomAPI(
    title="Newsroom API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-1",
    auth=TokenAuth(),
    throttle=[AnonymousThrottle()],
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", router)
for exception, handler in problems.HANDLERS:
    api.add_exception_handler(exception, handler)


def _reader_view(view: Callable) -> Callable:
    """An API view as a reader page is: its reads may go to the replica (the token is looked up
    on the primary, ``auth``); a method it does not answer is a problem document too."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with public_read():
            response = view(request, *args, **kwargs)
        if response.status_code == 405:
            allowed = response.get("Allow", "GET")
            detail = f"The API is read-only: {request.method} is not allowed here (only {allowed})."
            return problems.problem(405, detail, headers={"Allow": allowed})
        return response

    return wrapped


def urls() -> tuple[list, str, str]:
    """``api.urls`` with every view a ``_reader_view``: what ``newsroom/urls.py`` mounts."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.callback is not None:
            pattern.callback = _reader_view(pattern.callback)
    return patterns, app_name, namespace
