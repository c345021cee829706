"""Choosing among places of one name by what the article says: the country it is about (its
dateline, the country it names most), the other countries it names and their neighbours,
population and the kind of feature; and telling a place from a word of a longer proper name."""

from __future__ import annotations

import math
import re
from collections import Counter

from .. import gazetteer as gazetteer_module
from .anaphora import _REGION_SUFFIX
from .vocabulary import _wordset

_FACILITY_SUFFIX = (
    r"(?:nuclear power plant|nuclear power station|power plant|power station|nuclear plant|dam|"
    r"airport|air base|airbase|bridge|refinery)"
)

# A capitalised word after a place's name that makes the two part of a longer proper name: an
# organisation ("Kosovo Police", "Mobile Brigade", "Orontes Civil Defence Network") or an outlet
# ("Salween Post", "Andes Wire"). Not "Regional", which names the region ("Kharkiv Regional").
_NAME_TAIL = _wordset(
    """
    army police brigade brigades battalion regiment division network front forces force council
    party movement group union liberation post wire times news herald tribune journal daily
    gazette chronicle radio television tv press agency civil popular bank university college
    company corporation airlines airways club institute foundation federation league alliance
    coalition commission committee fund trust society association observer monitor telegraph
    express standard mirror star courier review desk defence defense guard guards militia
    initiative relief project
    """
)

# the date some wire services put in a dateline: "Jan 21", "Sept. 28", "March 12"
_DATELINE_DATE = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?!\d)"
)
# "LASHIO, Myanmar (Salween Post) –", "BEIRUT (Cedar Wire) -", and with a date: "HERAT,
# Afghanistan, Jan 21 (Khorasan Wire) —", "OUAGADOUGOU, Nov 20 (Volta Wire) -"
# a capital letter, accented too ("CULIACÁN", "BOGOTÁ")
_UPPER = "A-ZÀ-ÖØ-Þ"
_DATELINE_RE = re.compile(
    rf"^([{_UPPER}][{_UPPER}'’.\-]+(?:[ -][{_UPPER}][{_UPPER}'’.\-]+)*)"
    rf"(?:,\s*(?!{_DATELINE_DATE})([A-Z][\w.' -]*?))?(?:,?\s*{_DATELINE_DATE})?"
    r"\s*(?:\(|—|–|-\s)",
    re.MULTILINE,
)


def _distance_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(min(1, math.sqrt(a)))


def _in_longer_name(body: str, s: int, e: int) -> bool:
    """``body[s:e]`` is a word of a longer proper name: an organisation's or an outlet's
    ("the Herat Relief Committee"), or an institution's of the place ("the Diocese of Tibú")."""
    if _INSTITUTION_OF_RE.search(body, max(0, s - 16), s):
        return True
    m = _FOLLOWING_NAME_RE.match(body, e)
    if m is None or m.group(1).split()[0] == "Regional":
        return False  # "Kherson Regional Council": the region's
    return any(w.casefold() in _NAME_TAIL for w in m.group(1).split())


# an institution named after the place it serves: "the Diocese of Tibú", "the University of Juba"
_INSTITUTION_OF_RE = re.compile(r"\b(?:Diocese|Archdiocese|University|Bank) of $")
# up to three capitalised words right after a name: "Darfur Protection Forces"
_FOLLOWING_NAME_RE = re.compile(r"[ ]((?:[A-Z][\w’'-]*)(?: [A-Z][\w’'-]*){0,2})")


def _dateline_country(body: str, gaz) -> tuple[str, bool]:
    """The country of the article's dateline, or "", and whether the dateline names it
    ("MITROVICA, Kosovo (...)") rather than only a city ("BEIRUT (...)")."""
    m = _DATELINE_RE.search(body[:1500])
    if m is None:
        return "", False
    cities = [e for e in gaz.lookup(m.group(1).title()) if e.kind == "city"]
    if m.group(2):
        # "Ukraine"; or "Kosovo", no country of the gazetteer's but where one namesake lies
        said = {e.country_code for e in gaz.lookup(m.group(2).strip())}
        countries = [e for e in gaz.lookup(m.group(2).strip()) if e.kind == "country"]
        if countries:
            return countries[0].country_code, True
        cities_there = [e for e in cities if e.country_code in said]
        if cities_there:
            return max(cities_there, key=lambda e: e.population).country_code, True
    return (max(cities, key=lambda e: e.population).country_code, False) if cities else ("", False)


def _context_countries(body: str, gaz, known_targets) -> tuple[set[str], set[str], str]:
    """The countries ``body`` names (or a large city of which names), their neighbours, and the
    country the article is about: its dateline's, else the one it names most often."""
    counts: Counter[str] = Counter(t.country_code for t in known_targets.values() if t.country_code)
    for m in re.finditer(r"(?:[A-Z]\.){2,}|[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}", body):
        words = m.group().split()
        for n in range(len(words), 0, -1):
            for i in range(len(words) - n + 1):
                counts.update(_codes_named(gaz, " ".join(words[i : i + n])))
    for word in re.findall(r"\b[A-Z][a-z]+\b", body):
        code = gaz.demonym_codes.get(word.casefold())
        if code:
            counts[code] += 1
    codes = set(counts)
    nearby = {n for code in codes for n in gaz.neighbours.get(code, ())}
    dateline, named = _dateline_country(body, gaz)
    if named:
        return codes | {dateline}, nearby | set(gaz.neighbours.get(dateline, ())), dateline
    if dateline:
        counts[dateline] += _DATELINE_WEIGHT
    return codes, nearby, counts.most_common(1)[0][0] if counts else ""


# a dateline of a city alone counts as this many mentions of its country: "BEIRUT" heads
# stories about Syria as well; a dateline that names its country decides
_DATELINE_WEIGHT = 3


def _codes_named(gaz, phrase: str) -> list[str]:
    entries = gaz.lookup(phrase)
    codes = [entry.country_code for entry in entries if entry.kind == "country"]
    # a large city that no other place shares its name with: "Bamako" says Mali
    if (
        len(entries) == 1
        and entries[0].kind == "city"
        and entries[0].population >= 100_000
        and gaz.is_primary(entries[0], phrase)
        and phrase.casefold() not in gazetteer_module.COMMON_WORDS
    ):
        codes.append(entries[0].country_code)
    return codes


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


_RANK = {"country": 3, "region": 2, "river": 2, "sea": 2, "lake": 2}


# a city this far from the article's country, in a country it does not name, listed with one of
# that country's places, is a namesake: "outside Palma and Mueda" in Cabo Delgado is not
# Palma de Mallorca (while "talks in Geneva" in a story on Libya is Geneva)
_FAR_KM = 2500


def _far_from_focus(gaz, entry, focus: str) -> bool:
    country = gaz.countries.get(focus) if focus else None
    if country is None:
        return False
    distance = _distance_km(entry.latitude, entry.longitude, country.latitude, country.longitude)
    return distance > _FAR_KM


# places smaller than this (the bundled gazetteer has none; a bigger one has many, and their
# names are often words or surnames) need a locative before them: "in X", "near X"
_SMALL = 15_000

_LOCATIVE_RE = re.compile(
    r"(?:\b(?:in|near|at|from|to|outside|around|toward|towards|into|through|across|between|"
    r"and|of|villages?|towns?)\s+)$"
)
_DATELINE_START_RE = re.compile(r"(?:^|\n)$")


def _locative_before(body: str, s: int) -> bool:
    """A preposition comes right before; or it is a dateline's place, in capitals at a line's
    start ("LYPTSI, Ukraine")."""
    before = body[max(0, s - 12) : s]
    if _LOCATIVE_RE.search(before):
        return True
    return bool(_DATELINE_START_RE.search(before)) and body[s : s + 2].isupper()


def _choose(
    gaz,
    text: str,
    context: tuple[set[str], set[str]],
    strong: bool = False,
    focus: str = "",
    locative: bool = True,
):
    """The entry ``text`` most likely names here, or None when it is more likely no place.

    ``context`` holds the countries the article mentions, and their neighbours; ``focus`` the
    country it is about. A namesake next door loses to the one in the country of the article."""
    entries = gaz.lookup(text)
    if not entries:
        return None
    mentioned, nearby = context

    def score(entry):
        code = entry.country_code
        primary = gaz.is_primary(entry, text)
        rank = _RANK.get(entry.kind, 1)
        in_focus = bool(focus) and code == focus
        # a big city by its own name, in a country the article names, is the one meant, not a
        # village of the article's country: "deported from Mashhad" (Iran's, not an Afghan
        # hamlet), "urged Islamabad" (not India's Anantnag, also called Islamabad)
        big = entry.kind == "city" and primary and entry.population >= 100_000
        return (
            not code or code in mentioned,
            big,
            in_focus,
            code in nearby,
            primary,
            rank,
            entry.population,
        )

    entry = max(entries, key=score)
    code = entry.country_code
    if entry.kind != "city":
        # a first-level region of a country the article has nothing to do with: a namesake
        unrelated = bool(code and focus) and code not in mentioned | nearby | {focus}
        return None if entry.kind == "region" and unrelated and not strong else entry
    primary = gaz.is_primary(entry, text)
    # by another of its names, a town abroad is a namesake ("Ariha" is also Jericho's)
    elsewhere = entry.country_code not in mentioned or (focus and entry.country_code != focus)
    if not primary and entry.population < 100_000 and elsewhere:
        return None
    if strong:
        return entry
    if entry.population < _SMALL and not locative:
        return None  # a village's name: only where the words around it say it is a place
    if entry.country_code in mentioned or entry.country_code in nearby:
        return entry
    # a city in a country the article does not mention: only a well-known one, by its own name
    if primary and entry.population >= 100_000:
        return entry
    if entry.population >= 1_000_000:
        return entry
    return None
