"""The rules that make place suggestions: one name each, and how often each is right.

Every ``PlaceSuggestion`` carries ``rule`` (a key of ``RULES``) and ``confidence`` (that rule's
value here). A confidence is the rule's measured precision on the tuned gold articles 01-09 and
the seed article (``bench/place_rules.py`` prints it: matched / suggested, by the matching rules
of ``bench/quality.py``), smoothed as (matched + 1) / (suggested + 2) so that a rule seldom seen
there is neither 0 nor 1: a rule with no suggestion there gets 0.5 (official names, regions and
facilities the gazetteer lacks, and bare repeats of them, appear only in articles 10-21, which
are not used for this, so that the held-out figures stay honest). Set on 2026-12-01 from
``bench/place_rules.py`` on 01-09 and the seed (140 suggestions, 139 right); re-run it and copy
its column here when rules change. The review counts kept per rule will replace these priors.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    confidence: float
    what: str


RULES: dict[str, Rule] = {
    "place.known": Rule(0.923, "a place the database has, by its name or an alias"),
    "place.gazetteer.country": Rule(0.968, "a country in the gazetteer, by name or other name"),
    "place.gazetteer.official-name": Rule(
        0.5, "a country under its long official name: 'Republic of Türkiye'"
    ),
    "place.gazetteer.city": Rule(0.97, "a city or town in the gazetteer"),
    "place.gazetteer.feature": Rule(
        0.889, "a region, river, sea or lake of the gazetteer's curated list"
    ),
    "place.region-of-city": Rule(
        0.875, "a region named after its capital: 'Kherson region', 'the region of Kherson'"
    ),
    "place.region-suffix": Rule(
        0.5, "a name the gazetteer lacks before a region word: 'South Kivu province'"
    ),
    "place.facility-of-city": Rule(
        0.667, "a facility named after a town: 'Kakhovka dam', 'Lashio airport'"
    ),
    "place.facility": Rule(
        0.5, "a facility the gazetteer lacks: 'Bab al-Hawa border crossing', 'X Airport'"
    ),
    "place.settlement": Rule(
        0.5, "a town or village the gazetteer lacks, named as one: 'the village of Kafr Latah'"
    ),
    "place.feature": Rule(0.75, "a river, lake or mountain the gazetteer lacks: 'Moei River'"),
    "place.repeat": Rule(0.5, "a later bare use of a name the article defined: 'South Kivu'"),
    "place.anaphora": Rule(
        0.95, "a generic noun for a place named before: 'the city', 'the province'"
    ),
    "place.anaphora.capital": Rule(0.75, "'the capital', 'the regional capital': its seat"),
}


def confidence(rule: str) -> float:
    """The confidence of ``rule``; an unknown rule name is a programming error."""
    return RULES[rule].confidence
