"""One way to answer a page or its htmx fragment.

A URL works as a plain link, a bookmark and without JavaScript: htmx asks for a fragment with
``HX-Request`` (and for the whole page again, when it restores history, with both headers); every
other request gets the whole page. Only the context a response needs is built: the page's own
part of the context is a function, called only for whole pages.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

HTMX_HEADERS = ["HX-Request", "HX-History-Restore-Request"]


def wants_fragment(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def page_or_fragment(
    request: HttpRequest,
    template: str,
    fragment: str,
    context: Mapping[str, Any],
    page: Callable[[], Mapping[str, Any]] = dict,
    status: int = 200,
) -> HttpResponse:
    """``template#fragment`` with ``context`` for htmx; otherwise the whole ``template`` with
    ``context`` and ``page()``. Either way the response says it varies by the htmx headers."""
    if wants_fragment(request):
        response = render(request, f"{template}#{fragment}", dict(context), status=status)
    else:
        response = render(request, template, {**context, **page()}, status=status)
    patch_vary_headers(response, HTMX_HEADERS)
    return response
