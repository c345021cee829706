"""Every API error as an RFC 9457 problem document (``application/problem+json``).

``type`` names the kind of problem by a URI under the API (``/api/v1/problems/<slug>``), which
is documented in the OpenAPI schema; ``title`` says it in a few words, ``detail`` says what went
wrong with this request and what to do, ``status`` repeats the HTTP status.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

PROBLEM_JSON = "application/problem+json"
BASE = "/api/v1/problems/"
log = logging.getLogger(__name__)

TITLES = {
    400: ("bad-request", "The request is not valid"),
    401: ("unauthorized", "The API token is missing or not valid"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    429: ("too-many-requests", "Too many requests"),
    500: ("server-error", "The server failed"),
}


def problem(
    status: int, detail: str, *, errors: list[dict] | None = None, headers: dict | None = None
) -> HttpResponse:
    slug, title = TITLES.get(status, ("error", "Error"))
    body: dict[str, Any] = {"type": BASE + slug, "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_JSON
    )
    for name, value in (headers or {}).items():
        response[name] = value
    response["Cache-Control"] = "no-store"
    return response


def field_errors(errors: Iterable[dict]) -> list[dict]:
    """Pydantic's errors as ``{"parameter", "message"}``: the query parameter and what is wrong."""
    out = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] in {"query", "path", "header"}:
            location = location[1:]
        out.append(
            {"parameter": ".".join(location) or "(request)", "message": error.get("msg", "")}
        )
    return out


def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = field_errors(exc.errors)
    named = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
    return problem(400, f"Invalid parameters: {named}.", errors=errors)


def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = getattr(exc, "detail", None) or "This API token is not valid."
    return problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="newsroom"'})


def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = max(1, math.ceil(exc.wait)) if exc.wait is not None else 60
    detail = (
        f"Anonymous clients may make a limited number of requests; try again in {wait} seconds, "
        "or use a personal API token."
    )
    return problem(429, detail, headers={"Retry-After": str(wait)})


def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, str(exc) or f"Nothing is at {request.path}.")


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, str(exc))


def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API error at %s", request.get_full_path(), exc_info=exc)
    return problem(500, "Something went wrong on our side; it has been logged.")


HANDLERS: list[tuple[type[Exception], Any]] = [
    (Exception, on_error),
    (HttpError, on_http_error),
    (Http404, on_not_found),
    (ValidationError, on_validation),
    (AuthenticationError, on_authentication),
    (Throttled, on_throttled),
]


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any path under the API that names no endpoint."""
    return problem(404, f"No API endpoint is at {request.path}; see /api/v1/docs.")
