"""The rules that make place suggestions: one name each, and how often each is right (the
quote side has its own table).

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
    description: str
    confidence: float  # (right + 1) / (made + 2) on 01-09 and the seed, see the docstring


RULES: dict[str, Rule] = {
    "place.known": Rule("a place the database has, by its name or an alias", 0.923),
    "place.gazetteer.country": Rule("a country in the gazetteer, by name or other name", 0.968),
    "place.gazetteer.official-name": Rule(
        "a country under its long official name: 'Republic of Türkiye'", 0.5
    ),
    "place.gazetteer.city": Rule("a city or town in the gazetteer", 0.97),
    "place.gazetteer.joined-spelling": Rule(
        "a town of the article's country spelled as one word: 'Elwak' for 'El Wak'", 0.5
    ),
    "place.gazetteer.feature": Rule(
        "a region, river, sea or lake of the gazetteer's curated list", 0.889
    ),
    "place.region-of-city": Rule(
        "a region named after its capital: 'Kherson region', 'the region of Kherson'", 0.875
    ),
    "place.dateline-region": Rule(
        "a dateline's region after its city: 'CULIACÁN, Sinaloa, Nov. 18'", 0.5
    ),
    "place.region-suffix": Rule(
        "a name the gazetteer lacks before a region word: 'South Kivu province'", 0.5
    ),
    "place.region.compass-part": Rule(
        "a compass part of a region, the whole name unknown: 'in North Waziristan'", 0.5
    ),
    "place.facility-of-city": Rule(
        "a facility named after a town: 'Kakhovka dam', 'Lashio airport'", 0.667
    ),
    "place.facility": Rule(
        "a facility the gazetteer lacks: 'Bab al-Hawa border crossing', 'X Airport'", 0.5
    ),
    "place.site": Rule(
        "a camp, terminal, airstrip, park or island the gazetteer lacks: 'Abu Shouk camp'", 0.5
    ),
    "place.road": Rule("a road by its number: 'National Road 2', 'Route Nationale 1'", 0.5),
    "place.settlement.located": Rule(
        "a name the gazetteer lacks, put after 'in', 'near', 'west of' three times", 0.5
    ),
    "place.settlement": Rule(
        "a town or village the gazetteer lacks, named as one: 'the village of Kafr Latah'", 0.5
    ),
    "place.feature": Rule("a river, lake or mountain the gazetteer lacks: 'Moei River'", 0.75),
    "place.repeat": Rule("a later bare use of a name the article defined: 'South Kivu'", 0.5),
    "place.anaphora": Rule(
        "a generic noun for a place named before: 'the city', 'the province'", 0.95
    ),
    "place.anaphora.capital": Rule("'the capital', 'the regional capital': its seat", 0.75),
}


def confidence(rule: str) -> float:
    """The confidence of ``rule``; an unknown rule name is a programming error."""
    return RULES[rule].confidence
