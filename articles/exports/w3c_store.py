"""Storing W3C annotations read by ``w3c_import`` as an article's quotes and place mentions:
one operation (one transaction, one announcement), every span through ``operations``.

An annotation the article's text holds becomes a confirmed span there; one it does not hold is
kept as an orphan (``anchored=False``, with its text and context) for a person to place, and is
listed, never dropped. Speakers and places are found by their Wikidata or GeoNames id, then by
name, and otherwise created from what the annotation says of them (a GeoNames id alone is
enough when the gazetteer has it). A mention whose place cannot be known is kept as a
suggestion that proposes it. An annotation already in the article (the same kind of span at the
same offsets) is not made twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import operations
from ..changes import changing
from ..models import (
    CONTEXT_CHARS,
    Article,
    GazetteerEntry,
    Place,
    PlaceMention,
    Quote,
    Span,
    Speaker,
    find_by_name,
    unique_slug,
)
from .w3c_import import KINDS, Named, Parsed, locate

ANCHORED, ORPHAN, ALREADY, SUGGESTED = "anchored", "orphan", "already there", "suggested"


@dataclass
class Outcome:
    number: int
    exact: str
    status: str  # anchored | orphan | already there | suggested
    span: str = ""  # quote-12, placemention-3
    how: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class Report:
    outcomes: list[Outcome]

    def of(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]


class _Names:
    """Speakers and places found or created during one import, each looked up once."""

    def __init__(self) -> None:
        self.speakers: dict[str, Speaker | None] = {}
        self.places: dict[str, Place | None] = {}

    def speaker(self, named: Named) -> Speaker | None:
        key = named.wikidata_id or named.name.casefold() or named.iri
        if key not in self.speakers:
            self.speakers[key] = self._speaker(named)
        return self.speakers[key]

    def _speaker(self, named: Named) -> Speaker | None:
        found = None
        if named.wikidata_id:
            found = Speaker.objects.filter(wikidata_id=named.wikidata_id).first()
        if found is None and named.name:
            found = find_by_name(Speaker, named.name[:200])
        if found is not None or not named.name:
            return found
        speaker = Speaker(
            name=named.name[:200],
            slug=unique_slug(Speaker, named.name),
            kind=named.kind if named.kind in Speaker.Kind.values else Speaker.Kind.PERSON,
            role=named.role[:200],
            affiliation=operations.affiliation_named(named.affiliation),
            wikidata_id=named.wikidata_id[:20],
        )
        operations.save_name(speaker)
        return speaker

    def place(self, named: Named) -> Place | None:
        key = str(named.geonames_id or "") or named.name.casefold() or named.iri
        if key not in self.places:
            self.places[key] = self._place(named)
        return self.places[key]

    def _place(self, named: Named) -> Place | None:
        found = None
        if named.geonames_id:
            found = Place.objects.filter(geonames_id=named.geonames_id).first()
        if found is None and named.name:
            found = find_by_name(Place, named.name[:200])
        if found is not None:
            return found
        name, lat, lon, country = named.name, named.latitude, named.longitude, named.country_code
        entry = None
        if named.geonames_id:
            entry = GazetteerEntry.objects.filter(pk=named.geonames_id).first()
        if entry is not None and (lat is None or not name):
            name, lat, lon = name or entry.name, entry.latitude, entry.longitude
            country = country or entry.country_code
        if not name or lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        place = Place(
            name=name[:200],
            slug=unique_slug(Place, name),
            kind=named.kind if named.kind in Place.Kind.values else Place.Kind.OTHER,
            latitude=lat,
            longitude=lon,
            country_code=country[:2],
            geonames_id=named.geonames_id,
        )
        operations.save_name(place)
        return place


def _already(model: type[Quote] | type[PlaceMention], article: Article, span: Span) -> bool:
    same = model._base_manager.filter(article=article, anchored=span.anchored)
    if span.anchored:
        return same.filter(start=span.start, end=span.end).exists()
    return same.filter(exact=span.exact).exists()


def _fill(span: Span, article: Article, parsed: Parsed) -> Outcome:
    placement = locate(article.body, parsed)
    span.article = article
    span.start, span.end, span.exact = placement.start, placement.end, placement.exact
    span.anchored = placement.anchored
    if not placement.anchored:  # an anchored span's save takes its context from the body
        span.prefix = parsed.prefix[-CONTEXT_CHARS:]
        span.suffix = parsed.suffix[:CONTEXT_CHARS]
    status = ANCHORED if placement.anchored else ORPHAN
    return Outcome(parsed.number, span.exact, status, how=placement.how)


def _quote(article: Article, parsed: Parsed, names: _Names) -> Outcome:
    quote = Quote(kind=parsed.kind if parsed.kind in KINDS else Quote.Kind.DIRECT, note=parsed.note)
    outcome = _fill(quote, article, parsed)
    if _already(Quote, article, quote):
        outcome.status = ALREADY
        return outcome
    if parsed.speaker is not None:
        quote.speaker = names.speaker(parsed.speaker)
        if quote.speaker is None:
            outcome.warnings.append("its speaker names no one we know: left unattributed")
    places = [names.place(p) for p in parsed.places]
    if None in places:
        outcome.warnings.append("a place it names is unknown here (no name and coordinates)")
    operations.save_span(quote)
    if any(places):
        operations.set_quote_places(quote, [p for p in places if p is not None])
    outcome.span = quote.key
    return outcome


def _mention(article: Article, parsed: Parsed, names: _Names) -> Outcome:
    mention = PlaceMention()
    outcome = _fill(mention, article, parsed)
    if _already(PlaceMention, article, mention):
        outcome.status = ALREADY
        return outcome
    named = parsed.places[0]
    mention.place = names.place(named)
    if mention.place is None:
        mention.status = Span.Status.SUGGESTED
        # not a "place" proposal: it has no coordinates to create one from
        mention.proposal = {"unknown_place": {"name": named.name, "iri": named.iri}}
        outcome.status = SUGGESTED if mention.anchored else ORPHAN
        outcome.warnings.append("its place is unknown here: kept as a suggestion to complete")
    operations.save_span(mention)
    outcome.span = mention.key
    return outcome


def store(article: Article, annotations: list[Parsed]) -> Report:
    """Add ``annotations`` to ``article``: one operation; nothing is written if any fails."""
    names = _Names()
    outcomes = []
    with changing():
        for parsed in annotations:
            make = _mention if parsed.mention else _quote
            outcome = make(article, parsed, names)
            outcome.warnings[:0] = list(parsed.warnings)
            outcomes.append(outcome)
    return Report(outcomes)
