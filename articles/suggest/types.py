"""The suggester's interface: what it is told (known speakers and places) and what it suggests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownSpeaker:
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "person"  # person | organisation
    role: str = ""


@dataclass(frozen=True)
class KnownPlace:
    name: str
    latitude: float
    longitude: float
    aliases: tuple[str, ...] = ()
    kind: str = "city"
    country_code: str = ""


@dataclass(frozen=True)
class QuoteSuggestion:
    start: int
    end: int
    text: str
    kind: str  # direct | indirect | claim
    speaker: str | None  # canonical name: an existing speaker's name, or the proposed new name
    speaker_is_new: bool
    speaker_kind: str = "person"
    speaker_role: str = ""
    cue: str = ""  # what gave it away: "quotation marks", "said", "according to", ...
    rule: str = ""  # the rule that made it, e.g. "quote.marks"; review counts are kept per rule
    confidence: float = 0.0  # 0..1: how often this rule's suggestions are right


@dataclass(frozen=True)
class PlaceSuggestion:
    start: int
    end: int
    text: str
    place: str  # canonical name: an existing place's name, or the proposed new name
    is_new: bool
    latitude: float
    longitude: float
    kind: str = "city"
    country_code: str = ""
    aliases: tuple[str, ...] = ()  # for a new place: other names the text used for it
    note: str = ""  # e.g. why the coordinates are only approximate
    rule: str = ""  # the rule that made it, e.g. "place.known"; review counts are kept per rule
    confidence: float = 0.0  # 0..1: how often this rule's suggestions are right


class _Default:
    def __repr__(self):
        return "DEFAULT"


DEFAULT = _Default()  # the bundled gazetteer (fixtures/gazetteer.json)
