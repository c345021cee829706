"""Turn an article body and its spans into safe HTML. Pure: no database, no templates.

The body is split into paragraphs (``<p>``) at blank lines; the text is cut at every span
boundary; every piece is escaped and wrapped in the elements of the spans that cover it, outer
spans outside inner ones. Spans that cross each other (or a paragraph break) are closed and
reopened, so the HTML is always well-formed. The text content of the output is exactly the body:
the paragraph separators are kept, verbatim, between the paragraphs.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# Only inert elements, and no event handlers or inline styles, whatever a caller passes.
ALLOWED_TAGS = frozenset({"mark", "a", "span"})
_ATTRIBUTE_NAME = re.compile(r"(?!on)(?!style$)[a-z][a-z0-9-]*")
_SAFE_URL = re.compile(r"(/(?!/)|#|https?://)", re.IGNORECASE)


@dataclass(frozen=True)
class Highlight:
    """One span to wrap: ``body[start:end]`` in ``<tag attrs>``.

    ``first_attrs`` go on the first element only (an ``id`` for deep links), when a crossing
    span or a paragraph break makes the span render as several elements.
    """

    start: int
    end: int
    tag: str = "mark"
    attrs: tuple[tuple[str, str], ...] = ()
    first_attrs: tuple[tuple[str, str], ...] = field(default=(), compare=False)


def paragraphs(body: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty paragraph of ``body``."""
    result: list[tuple[int, int]] = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(body):
        if match.start() > position:
            result.append((position, match.start()))
        position = match.end()
    if position < len(body):
        result.append((position, len(body)))
    return result


def _open_tag(highlight: Highlight, first: bool) -> str:
    attrs = highlight.attrs + (highlight.first_attrs if first else ())
    parts = [highlight.tag]
    for name, value in attrs:
        if not _ATTRIBUTE_NAME.fullmatch(name):
            raise ValueError(f"unsafe attribute name {name!r}")
        if name == "href" and not _SAFE_URL.match(value):
            raise ValueError(f"unsafe link {value!r}: only paths, fragments and http(s) URLs")
        parts.append(f'{name}="{escape(value)}"')
    return "<" + " ".join(parts) + ">"


def render(body: str, highlights: Iterable[Highlight]) -> SafeString:
    """``body`` as paragraphs of escaped text with every highlight wrapped around its text."""
    spans: list[Highlight] = []
    for h in highlights:
        if not (0 <= h.start < h.end <= len(body)):
            raise ValueError(f"span {h.start}-{h.end} is outside a body of {len(body)} characters")
        if h.tag not in ALLOWED_TAGS:
            raise ValueError(f"unsafe tag {h.tag!r}")
        spans.append(h)
    # Outer spans first: earlier start, then longer; the input order breaks remaining ties.
    order = {id(h): i for i, h in enumerate(spans)}
    spans.sort(key=lambda h: (h.start, -h.end, order[id(h)]))

    out: list[str] = []
    opened_once: set[int] = set()
    previous_end = 0
    for p_start, p_end in paragraphs(body):
        out.append(escape(body[previous_end:p_start]))
        out.append("<p>")
        local = [i for i, h in enumerate(spans) if h.start < p_end and h.end > p_start]
        cuts = {p_start, p_end}
        for i in local:
            cuts.add(max(spans[i].start, p_start))
            cuts.add(min(spans[i].end, p_end))
        stack: list[int] = []  # indexes into spans of the open elements, outermost first
        bounds = sorted(cuts)
        for a, b in zip(bounds, bounds[1:], strict=False):
            covering = [i for i in local if spans[i].start <= a and spans[i].end >= b]
            keep = 0
            while keep < len(stack) and keep < len(covering) and stack[keep] == covering[keep]:
                keep += 1
            for i in reversed(stack[keep:]):
                out.append(f"</{spans[i].tag}>")
            for i in covering[keep:]:
                out.append(_open_tag(spans[i], first=i not in opened_once))
                opened_once.add(i)
            stack = covering
            out.append(escape(body[a:b]))
        for i in reversed(stack):
            out.append(f"</{spans[i].tag}>")
        out.append("</p>")
        previous_end = p_end
    out.append(escape(body[previous_end:]))
    return mark_safe("".join(out))
