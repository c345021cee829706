"""Content negotiation between an HTML page and its JSON-LD (W3C Web Annotation). Pure.

A URL that has both answers JSON-LD only when ``Accept`` names ``application/ld+json`` with a
quality above the one it gives HTML (``text/html``, ``application/xhtml+xml``, ``text/*`` or
``*/*``): a browser's ``*/*`` and a tie get the page. The page cache keys on this choice, so the
cached HTML never answers a JSON-LD request, nor the other way round.
"""

JSONLD = "application/ld+json"
HTML_RANGES = {"text/html", "application/xhtml+xml", "text/*", "*/*"}


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def prefers_jsonld(accept: str) -> bool:
    """Whether a request with this ``Accept`` header wants JSON-LD rather than HTML."""
    jsonld = html = 0.0
    for media_range in accept[:2000].split(","):
        kind, *params = media_range.split(";")
        kind = kind.strip().lower()
        q = _quality(params)
        if kind == JSONLD:
            jsonld = max(jsonld, q)
        elif kind in HTML_RANGES:
            html = max(html, q)
    return jsonld > html
