"""W3C Web Annotations in, as other tools export them (Newsroom itself, Hypothesis, Recogito):
read and anchored here (pure), stored by ``w3c_store``.

A file holds one ``Annotation``, a list of them, an ``AnnotationPage`` (``items``) or an
``AnnotationCollection`` whose embedded pages hold them; Hypothesis's own export (``rows``, each
with ``target``, ``text`` and ``tags``) is read the same way. Each annotation is placed by its
``TextQuoteSelector`` (exact, prefix, suffix), its ``TextPositionSelector`` only a hint: another
tool counts positions in its page's text, not the article's.

``locate`` takes, in turn: the occurrence of the exact text whose context fits on both sides,
else on one side, the nearest the hint; a lone occurrence when the selector gives no context
that contradicts it; the text with its whitespace changed (a paragraph break the other tool saw
as a space); a fuzzy match by the text and its context (``anchoring.find_fuzzy``). Otherwise the
annotation is an orphan: kept, with its text, for a person to place, never put on other words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import anchoring
from ..models import CONTEXT_CHARS, Quote

KINDS = {value for value, _ in Quote.Kind.choices}
WIKIDATA = re.compile(r"wikidata\.org/(?:entity|wiki)/(Q[0-9]+)$")
GEONAMES = re.compile(r"geonames\.org/([0-9]+)(?:/.*)?$")
SPACE = re.compile(r"\s+")
MAX_ANNOTATIONS = 100_000
MAX_PAGES = 10_000


class AnnotationFileError(ValueError):
    """The file is not W3C annotations we can read; the message names the file and why."""


@dataclass(frozen=True)
class Named:
    """A speaker or place a body names: its IRI and what the body says of it."""

    iri: str
    name: str = ""
    kind: str = ""
    role: str = ""
    affiliation: str = ""
    wikidata_id: str = ""
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    country_code: str = ""


@dataclass(frozen=True)
class Parsed:
    """One annotation of the file, as plain values."""

    number: int  # its place in the file, from 1
    iri: str
    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    mention: bool = False
    kind: str = ""
    speaker: Named | None = None
    places: tuple[Named, ...] = ()
    note: str = ""
    warnings: tuple[str, ...] = field(default=())


# --- Reading ---------------------------------------------------------------------------------


def _list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(obj: dict) -> set[str]:
    return {str(t).rsplit(":", 1)[-1] for t in _list(obj.get("type", obj.get("@type")))}


def annotations_in(document: Any) -> Iterator[dict]:
    """The annotation objects a document holds, in order."""
    pages = 0
    stack = list(reversed(_list(document)))
    while stack:
        obj = stack.pop()
        if not isinstance(obj, dict):
            continue
        types = _types(obj)
        if "Annotation" in types or ("target" in obj and "AnnotationPage" not in types):
            yield obj
        elif "rows" in obj:  # Hypothesis's API and export
            stack.extend(reversed(_list(obj["rows"])))
        else:
            pages += 1
            if pages > MAX_PAGES:
                raise AnnotationFileError(f"more than {MAX_PAGES} pages")
            following = [p for p in (obj.get("next"), obj.get("first")) if isinstance(p, dict)]
            stack.extend(reversed(following))
            stack.extend(reversed(_list(obj.get("items"))))


def read(data: bytes, name: str) -> list[Parsed]:
    """The annotations of a file's bytes; AnnotationFileError names ``name`` and why."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise AnnotationFileError(f"{name}: not UTF-8 text ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise AnnotationFileError(
            f"{name}: not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    try:
        found = []
        for number, obj in enumerate(annotations_in(document), 1):
            if number > MAX_ANNOTATIONS:
                raise AnnotationFileError(f"more than {MAX_ANNOTATIONS} annotations")
            found.append(parse(obj, number))
    except AnnotationFileError as error:
        raise AnnotationFileError(f"{name}: {error}") from None
    if not found:
        raise AnnotationFileError(f"{name}: holds no W3C annotation")
    return found


def _selectors(target: Any) -> Iterator[dict]:
    for t in _list(target):
        if not isinstance(t, dict):
            continue
        stack = list(_list(t.get("selector")))
        while stack:
            selector = stack.pop(0)
            if isinstance(selector, dict):
                yield selector
                stack.extend(_list(selector.get("refinedBy")))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _position(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _named(body: Any) -> tuple[str, Named] | None:
    """("speaker" | "place", what it names) for a body naming a speaker or place."""
    source = body.get("source", body) if isinstance(body, dict) else body
    if isinstance(source, str):
        source = {"id": source}
    if not isinstance(source, dict):
        return None
    iri = _text(source.get("id", source.get("@id")))
    types = _types(source)
    wikidata, geonames = WIKIDATA.search(iri), GEONAMES.search(iri)
    url = _text(source.get("url"))
    name = _text(source.get("name")).strip()
    if types & {"Person", "Organization"} or wikidata or "/speakers/" in url + iri:
        return "speaker", Named(
            iri,
            name,
            kind="organisation" if "Organization" in types else "person",
            role=_text(source.get("jobTitle")).strip(),
            affiliation=_text(source.get("affiliation")).strip(),
            wikidata_id=wikidata[1] if wikidata else "",
        )
    if "Place" in types or geonames or "/places/" in url + iri:
        lat, lon = _number(source.get("latitude")), _number(source.get("longitude"))
        return "place", Named(
            iri,
            name,
            kind=_text(source.get("additionalType")),
            geonames_id=int(geonames[1]) if geonames else None,
            latitude=lat if lon is not None else None,
            longitude=lon if lat is not None else None,
            country_code=_text(source.get("addressCountry"))[:2].upper(),
        )
    return None


@dataclass
class _Bodies:
    kind: str = ""
    speaker: Named | None = None
    places: list[Named] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    identifying: bool = False  # a place body with purpose identifying (Recogito's place tags)

    def tag(self, value: str) -> None:
        if value.strip().lower() in KINDS and not self.kind:
            self.kind = value.strip().lower()
        elif value.strip():
            self.warnings.append(f"tag {value[:60]!r} is not a kind (direct, indirect, claim)")

    def add(self, body: Any) -> None:
        if isinstance(body, dict) and ("value" in body or "TextualBody" in _types(body)):
            purposes = {str(p) for p in _list(body.get("purpose"))}
            value = _text(body.get("value"))
            if "tagging" in purposes:
                self.tag(value)
            elif value.strip():
                self.notes.append(value)
            return
        named = _named(body)
        if named is None:
            self.warnings.append("a body that names no speaker or place was left out")
        elif named[0] == "speaker" and self.speaker is None:
            self.speaker = named[1]
        elif named[0] == "place":
            self.places.append(named[1])
            purpose = _list(body.get("purpose")) if isinstance(body, dict) else []
            self.identifying = self.identifying or "identifying" in purpose


def parse(obj: dict, number: int) -> Parsed:
    """One annotation object as plain values (pure)."""
    quote = position = None
    for selector in _selectors(obj.get("target")):
        types = _types(selector)
        if "TextQuoteSelector" in types and quote is None and _text(selector.get("exact")):
            quote = selector
        if "TextPositionSelector" in types and position is None:
            position = selector
    bodies = _Bodies()
    for body in _list(obj.get("body")):
        bodies.add(body)
    for value in (obj.get("bodyValue"), obj.get("text")):  # bodyValue; Hypothesis's text
        if _text(value).strip():
            bodies.notes.append(_text(value))
    for tag in _list(obj.get("tags")):  # Hypothesis's tags
        bodies.tag(_text(tag))
    start = _position(position.get("start")) if position else None
    end = _position(position.get("end")) if position else None
    if start is not None and (end is None or end <= start):
        start = end = None
    motivations = {str(m).rsplit(":", 1)[-1] for m in _list(obj.get("motivation"))}
    identifying = "identifying" in motivations or bodies.identifying
    mention = identifying and bodies.places and not bodies.speaker
    return Parsed(
        number=number,
        iri=_text(obj.get("id", obj.get("@id"))),
        exact=_text(quote.get("exact")) if quote else "",
        prefix=_text(quote.get("prefix")) if quote else "",
        suffix=_text(quote.get("suffix")) if quote else "",
        start=start,
        end=end,
        mention=bool(mention and not bodies.kind),
        kind=bodies.kind,
        speaker=bodies.speaker,
        places=tuple(bodies.places),
        note="\n\n".join(bodies.notes),
        warnings=tuple(bodies.warnings),
    )


# --- Anchoring (pure) ------------------------------------------------------------------------


def _squeeze(text: str) -> str:
    return SPACE.sub(" ", text)


def _fits(body: str, start: int, end: int, prefix: str, suffix: str) -> int:
    """How many sides of ``body[start:end]`` the selector's context fits (0, 1 or 2): the same
    text, whitespace aside; the body's own start and end fit any context (what the other tool
    saw beyond them is its page's, not the article's)."""
    before = _squeeze(body[max(0, start - 2 * len(prefix) - 8) : start])
    after = _squeeze(body[end : end + 2 * len(suffix) + 8])
    fits_before = start == 0 or before.endswith(_squeeze(prefix))
    fits_after = end == len(body) or after.startswith(_squeeze(suffix))
    return int(fits_before) + int(fits_after)


def _occurrences(body: str, exact: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    position = body.find(exact)
    while position != -1 and len(found) <= anchoring.MAX_OCCURRENCES * 4:
        found.append((position, position + len(exact)))
        position = body.find(exact, position + 1)
    if found:
        return found
    words = [re.escape(w) for w in exact.split()]
    if not words:
        return []
    pattern = re.compile(r"\s+".join(words))
    return [(m.start(), m.end()) for m in pattern.finditer(body)][: anchoring.MAX_OCCURRENCES]


def locate(body: str, parsed: Parsed) -> anchoring.Placement:
    """Where the annotation's quote stands in ``body`` (see the module's docstring)."""
    exact = parsed.exact
    hint = parsed.start if parsed.start is not None else 0
    if not exact and parsed.start is not None and parsed.end is not None:
        exact = body[parsed.start : parsed.end]  # a position alone: taken as it is
        if exact and parsed.end <= len(body):
            return anchoring.Placement(parsed.start, parsed.end, exact, True, "position")
    if not exact:
        return anchoring.Placement(0, 1, exact, False, "orphan")
    spans = _occurrences(body, exact)
    scored = sorted(
        spans,
        key=lambda s: (-_fits(body, s[0], s[1], parsed.prefix, parsed.suffix), abs(s[0] - hint)),
    )
    for need in (2, 1):
        for start, end in scored:
            if _fits(body, start, end, parsed.prefix, parsed.suffix) >= need:
                return anchoring.Placement(start, end, body[start:end], True, "quote")
    if len(spans) == 1 and not (parsed.prefix or parsed.suffix):
        start, end = spans[0]
        return anchoring.Placement(start, end, body[start:end], True, "quote")
    if not spans:
        anchor = anchoring.Anchor(
            hint, hint + len(exact), exact, parsed.prefix[-CONTEXT_CHARS:], parsed.suffix[:32]
        )
        fuzzy = anchoring.find_fuzzy(body, anchor, hint)
        if fuzzy is not None:
            return fuzzy
    start = min(hint, max(0, len(body) - 1))
    return anchoring.Placement(start, start + max(1, len(exact)), exact, False, "orphan")
