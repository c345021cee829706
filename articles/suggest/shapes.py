"""A gazetteer match's extent and place: the city itself, or the region or facility named after
it ("Kharkiv region", "the region of Kherson", "Kakhovka dam", "Lashio airport")."""

from __future__ import annotations

import re

from .anaphora import _REGION_SUFFIX
from .disambiguation import _FACILITY_SUFFIX, _SMALL
from .targets import _Target
from .vocabulary import _key

# what follows a city's name, matched in place (a slice to the body's end per name was quadratic)
_REGION_AFTER_RE = re.compile(rf"\s+({_REGION_SUFFIX})\b", re.IGNORECASE)
_FACILITY_AFTER_RE = re.compile(rf"\s+({_FACILITY_SUFFIX})\b", re.IGNORECASE)
_REGIONAL_AFTER_RE = re.compile(r"\s+Regional\b")
# lower case: a body of the region named after the city ("Kherson Regional Council" is a name)
_REGIONAL_ADJECTIVE_RE = re.compile(r"\s+(regional|provincial)\b")
_REGION_WORD_AFTER_RE = re.compile(rf"\s+({_REGION_SUFFIX})s?\b", re.IGNORECASE)
_REGION_OF_BEFORE_RE = re.compile(rf"\b({_REGION_SUFFIX})s?\s+of\s+$", re.IGNORECASE)

_Shape = tuple[_Target | None, int, int, str]


def _shape(body: str, gaz, s: int, e: int, text: str, entry, trusted: bool = True) -> _Shape:
    """The mention's extent, place and rule. ``trusted``: the city is surely the one meant (by
    its own name, or in a country the article names); only then is a region or facility named
    after it, else "Shan State" would be a region of China's Shancheng."""
    if entry.kind == "city":
        # a region is named after a town of some size: "Kurram district" is no village's
        for shaper in (_region_after, _facility_after, _region_around):
            shaped = shaper(body, gaz, s, e, text, entry)
            if shaped is None:
                continue
            village_region = entry.population < _SMALL and shaped[3] == "place.region-of-city"
            return shaped if trusted and not village_region else (None, s, e, "")
    aliases = (text,) if _key(text) != _key(entry.name) else ()
    word = _REGION_WORD_AFTER_RE.match(body, e) if entry.kind == "region" else None
    if word is not None:  # "the North-West and South-West regions": "South-West region" too
        aliases = (*aliases, f"{text} {word.group(1).casefold()}")
    target = _Target(
        entry.name,
        entry.latitude,
        entry.longitude,
        entry.kind,
        entry.country_code,
        True,
        aliases,
        population=entry.population,
    )
    rule = {"city": "place.gazetteer.city", "country": "place.gazetteer.country"}
    return target, s, e, rule.get(entry.kind, "place.gazetteer.feature")


def _capital(entry) -> _Target:
    return _Target(entry.name, entry.latitude, entry.longitude, "city", entry.country_code, True)


def _region_target(gaz, entry, name: str, aliases: tuple[str, ...] = ()) -> _Target:
    region = gaz.region_of(entry)
    lat, lon = (region[0], region[1]) if region else (entry.latitude, entry.longitude)
    return _Target(
        name, lat, lon, "region", entry.country_code, True, aliases, capital=_capital(entry)
    )


def _region_after(body: str, gaz, s: int, e: int, text: str, entry) -> _Shape | None:
    """ "Kharkiv region", "Zaporizhzhia oblast": the region, the whole phrase; "the Sumy
    regional administration": the region, by the city's name alone."""
    m = _REGION_AFTER_RE.match(body, e)
    if not m:
        adjective = _REGIONAL_ADJECTIVE_RE.match(body, e)
        if adjective is None:
            return None
        noun = "Region" if adjective.group(1) == "regional" else "Province"
        return _region_target(gaz, entry, f"{text} {noun}"), s, e, "place.region-of-city"
    target = _region_target(gaz, entry, f"{text} {m.group(1).title()}")
    return target, s, m.end(), "place.region-of-city"


def _facility_after(body: str, gaz, s: int, e: int, text: str, entry) -> _Shape | None:
    """ "Kakhovka dam", "Lashio airport": a facility at the town's coordinates."""
    m = _FACILITY_AFTER_RE.match(body, e)
    if not m:
        return None
    suffix = m.group(1)
    target = _Target(
        f"{text} {suffix.title() if suffix.islower() else suffix}",
        entry.latitude,
        entry.longitude,
        "facility",
        entry.country_code,
        True,
        note=f"coordinates of {entry.name}, the town it is named after",
    )
    return target, s, m.end(), "place.facility-of-city"


def _region_around(body: str, gaz, s: int, e: int, text: str, entry) -> _Shape | None:
    """ "the region of Kherson", "Kharkiv Regional ...": the region, the name only."""
    before = _REGION_OF_BEFORE_RE.search(body[max(0, s - 40) : s])
    if not before and not _REGIONAL_AFTER_RE.match(body, e):
        return None
    word = before.group(1).title() if before else "Region"
    return _region_target(gaz, entry, f"{text} {word}", (text,)), s, e, "place.region-of-city"
