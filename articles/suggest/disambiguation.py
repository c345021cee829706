"""Choosing among places of one name by what the article says: its countries, distance,
population."""

from __future__ import annotations

import math
import re

from .. import gazetteer as gazetteer_module
from .anaphora import _REGION_SUFFIX

_FACILITY_SUFFIX = (
    r"(?:nuclear power plant|nuclear power station|power plant|power station|nuclear plant|dam|"
    r"airport|air base|airbase|bridge|refinery)"
)


def _distance_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(min(1, math.sqrt(a)))


def _context_countries(body: str, gaz, known_targets) -> tuple[set[str], set[str]]:
    codes = {t.country_code for t in known_targets.values() if t.country_code}
    for m in re.finditer(r"(?:[A-Z]\.){2,}|[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}", body):
        words = m.group().split()
        for n in range(len(words), 0, -1):
            for i in range(len(words) - n + 1):
                phrase = " ".join(words[i : i + n])
                entries = gaz.lookup(phrase)
                for entry in entries:
                    if entry.kind == "country":
                        codes.add(entry.country_code)
                # a large city that no other place shares its name with: "Bamako" says Mali
                if (
                    len(entries) == 1
                    and entries[0].kind == "city"
                    and entries[0].population >= 100_000
                    and gaz.is_primary(entries[0], phrase)
                    and phrase.casefold() not in gazetteer_module.COMMON_WORDS
                ):
                    codes.add(entries[0].country_code)
    for word in set(re.findall(r"\b[A-Z][a-z]+\b", body)):
        code = gaz.demonym_codes.get(word.casefold())
        if code:
            codes.add(code)
    nearby = {n for code in codes for n in gaz.neighbours.get(code, ())}
    return codes, nearby


_STRONG_BEFORE_RE = re.compile(
    rf"\b(?:{_REGION_SUFFIX}|city|town|village|port|capital|outskirts|suburbs?) of\s+$",
    re.IGNORECASE,
)


_STRONG_AFTER_RE = re.compile(
    rf"\s+(?:{_REGION_SUFFIX}|{_FACILITY_SUFFIX}|Regional)\b|,\s+(?:a|the)\s+(?:city|town|port)",
    re.IGNORECASE,
)


def _strong_place_context(body: str, s: int, e: int) -> bool:
    """The text says it is a place: "the region of X", "the town of X", "X oblast", "X dam"."""
    return bool(
        _STRONG_BEFORE_RE.search(body[max(0, s - 40) : s]) or _STRONG_AFTER_RE.match(body, e)
    )


def _choose(gaz, text: str, context: tuple[set[str], set[str]], strong: bool = False):
    """The entry ``text`` most likely names here, or None when it is more likely no place.

    ``context`` holds the countries the article mentions, and their neighbours."""
    entries = gaz.lookup(text)
    if not entries:
        return None
    mentioned, nearby = context

    def score(entry):
        code = entry.country_code
        primary = gaz.is_primary(entry, text)
        rank = {"country": 3, "region": 2, "river": 2, "sea": 2, "lake": 2}.get(entry.kind, 1)
        return (not code or code in mentioned, code in nearby, primary, rank, entry.population)

    entry = max(entries, key=score)
    if entry.kind != "city" or strong:
        return entry
    if entry.country_code in mentioned or entry.country_code in nearby:
        return entry
    # a city in a country the article does not mention: only a well-known one, by its own name
    if gaz.is_primary(entry, text) and entry.population >= 100_000:
        return entry
    if entry.population >= 1_000_000:
        return entry
    return None
