"""The place suggester's entry point, a pipeline of small stages over one ``_Context``:

1. people's names are set aside ("Carla Lima", later "Lima"; "Georgia Smith");
2. named facilities the gazetteer cannot know are reserved ("Sanaa International Airport");
3. known places (the database's), longest name first;
4. countries under their long official names ("the Republic of Türkiye");
5. gazetteer places, chosen by the article's countries (``disambiguation``), shaped into the
   region or facility named after a city (``shapes``); a word of an organisation's or outlet's
   name is no place;
6. what the gazetteer lacks, by the words around it (``features``): regions, crossings, rivers,
   the reserved facilities; then later bare uses of the names so defined;
7. "the city", "the province", "the airport": a place named before (``anaphora``).

Each suggestion carries the rule that made it and that rule's confidence (``place_rules.RULES``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from .. import gazetteer as gazetteer_module
from .anaphora import _anaphora
from .disambiguation import (
    _DATELINE_RE,
    _SMALL,
    _choose,
    _context_countries,
    _distance_km,
    _far_from_focus,
    _in_longer_name,
    _locative_before,
    _strong_place_context,
)
from .features import (
    _DESCRIBING_RE,
    _Anchors,
    _compass_regions,
    _crossings,
    _listed_settlements,
    _located_settlements,
    _named_facilities,
    _named_roads,
    _named_sites,
    _often_located,
    _place_reserved,
    _region_suffixes,
    _repeats,
    _settlements,
    _unknown_features,
)
from .names import _person_names
from .place_rules import confidence
from .shapes import _REGION_AFTER_RE, _REGIONAL_ADJECTIVE_RE, _shape
from .targets import _Context, _Mention, _Target
from .types import DEFAULT, PlaceSuggestion
from .vocabulary import _STOP_CAPS, _key

if TYPE_CHECKING:
    from .types import KnownPlace

__all__ = ["_shape", "suggest_places"]


def _default_gazetteer() -> gazetteer_module.Gazetteer | None:
    try:
        return gazetteer_module.load()
    except FileNotFoundError:  # pragma: no cover - the fixture ships with the code
        return None


def suggest_places(
    body: str, places: Sequence[KnownPlace] = (), gazetteer=DEFAULT
) -> list[PlaceSuggestion]:
    """Place mentions in ``body``: known places and their aliases, then gazetteer places, then
    what the words around a name say is a place, then generic nouns for places named before."""
    if not body.strip():
        return []
    gaz = _default_gazetteer() if gazetteer is DEFAULT else gazetteer
    ctx = _Context(body, gaz)
    _note_known(ctx, places)
    _set_people_aside(ctx)
    if gaz is not None:
        masked = "".join(" " if t else c for c, t in zip(body, ctx.taken, strict=False))
        ctx.mentioned, ctx.nearby, ctx.focus = _context_countries(masked, gaz, ctx.known_targets)
        dateline = _DATELINE_RE.search(body[:1500])
        if dateline is not None and dateline.group(2):
            ctx.dateline_country = dateline.span(2)
    reserved = _named_facilities(ctx)
    _known_mentions(ctx, places)
    if gaz is not None:
        _dateline_region(ctx)
        _official_names(ctx)
        _gazetteer_mentions(ctx)
        _drop_far_namesakes(ctx)
    anchors = _Anchors(ctx)
    _place_reserved(ctx, anchors, reserved)
    _named_sites(ctx, anchors)
    _named_roads(ctx, anchors)
    if gaz is not None:
        _region_suffixes(ctx, anchors)
        _compass_regions(ctx, anchors)
        _crossings(ctx, anchors)
        _located_settlements(ctx, anchors)
        _settlements(ctx, anchors)
        _listed_settlements(ctx, anchors)
        _often_located(ctx, anchors)
    _unknown_features(ctx, anchors)
    _repeats(ctx)
    _anaphora(ctx)
    return [_suggestion(body, m) for m in sorted(ctx.mentions, key=lambda m: m.start)]


def _suggestion(body: str, mention: _Mention) -> PlaceSuggestion:
    t = mention.target
    return PlaceSuggestion(
        start=mention.start,
        end=mention.end,
        text=body[mention.start : mention.end],
        place=t.name,
        is_new=t.is_new,
        latitude=t.latitude,
        longitude=t.longitude,
        kind=t.kind,
        country_code=t.country_code,
        aliases=t.aliases,
        note=t.note,
        rule=mention.rule,
        confidence=confidence(mention.rule),
    )


def _note_known(ctx: _Context, places: Sequence[KnownPlace]) -> None:
    for place in places:
        target = _Target(
            place.name, place.latitude, place.longitude, place.kind, place.country_code, False
        )
        ctx.known_targets[place.name] = target
        for name in {place.name, *place.aliases}:
            ctx.known_by_key.setdefault(_key(name), target)


def _place_keys(body: str, gaz) -> set[str]:
    """Keys of capitalised words and word pairs of ``body`` that name a place somewhere."""
    if gaz is None:
        return set()
    keys = set()
    for run in re.findall(r"[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*", body):
        words = run.split()
        for n in (1, 2):
            for i in range(len(words) - n + 1):
                part = " ".join(words[i : i + n])
                common = part.casefold() in gazetteer_module.COMMON_WORDS and not part.isupper()
                if part in gaz and not common:
                    keys.add(_key(part))
    return keys


def _major_places(body: str, gaz, known_keys=()) -> set[str]:
    """Keys of names in ``body`` that are places whatever word follows them: countries, regions,
    rivers, multi-word place names, known places; and adjectives of nationality."""
    keys = set(known_keys)
    if gaz is None:
        return keys
    for m in re.finditer(r"[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}", body):
        words = m.group().split()
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                phrase = " ".join(words[i:j])
                entries = gaz.lookup(phrase) if phrase in gaz else ()
                if any(e.kind != "city" for e in entries) or (entries and j - i > 1):
                    keys.add(_key(phrase))
                if j - i == 1 and phrase.casefold() in gaz.demonyms:
                    keys.add(_key(phrase))
    return keys


def _set_people_aside(ctx: _Context) -> None:
    """People are not places: "Carla Lima", and "Lima" once she is named; "Georgia Smith" and
    "Chad Morley" are people (a town called Morley somewhere does not make the pair a place),
    but "South Kivu province" and "in Intan Jaya" are no people."""
    body, gaz = ctx.body, ctx.gaz
    people = _person_names(
        body,
        0,
        len(body),
        _major_places(body, gaz, ctx.known_by_key),
        set(ctx.known_by_key),
        gaz.demonyms if gaz is not None else frozenset(),
    )
    places = _names_before_place_words(body, ctx.named_runs)
    places |= {name for s, e, name, _role in people if _placed_by_context(body, s, e)}
    places |= {name for *_, name, _role in people if name[:1].islower()}  # "del Táchira"
    place_ends = {name.split()[-1] for name in places}  # "Later South Kivu" is no one either
    surnames, given = set(), set()
    for s, e, name, _role in people:
        first = name.split()[0].casefold()
        if name.split()[-1] in place_ends or first in _FEATURE_FIRST:
            continue
        if _FEATURE_LAST_RE.search(name):
            continue  # "National Road 2", "Kamaran Island": a road's or a site's name
        if _DESCRIBING_RE.search(first):
            continue  # "Pakistan-administered Kashmir": a place described, no person
        if _verb_before_place(ctx, name):
            continue  # "Losing Pokrovsk would ...": a verb opens the sentence, no given name
        ctx.mark(s, e)
        surnames.add(name.split()[-1])
        if len(name.split()) > 1:
            given.add(name.split()[0])
    _mark_surnames(body, surnames, ctx)
    _mark_given_names(body, given - surnames, ctx)


_GERUND_RE = re.compile(r"[A-Z][a-z]{2,}ing")


def _verb_before_place(ctx: _Context, name: str) -> bool:
    """A "name" of two words that is a gerund and a place the database or the gazetteer has:
    "Losing Pokrovsk", "Retaking Kherson" open a sentence; no one is called so."""
    words = name.split()
    if len(words) != 2 or not _GERUND_RE.fullmatch(words[0]):
        return False
    place = words[1]
    return _key(place) in ctx.known_by_key or (ctx.gaz is not None and place in ctx.gaz)


# a name that starts with one of these is a feature's, no person's: "Mount Sinjar" (else
# "Sinjar" would be taken for a surname everywhere), "Lake Chad", "Jabal al-Zawiya"
_FEATURE_FIRST = frozenset({"mount", "mt.", "lake", "jabal", "jebel", "cape", "gulf"})
# ... or ends with one of these: "National Road", "Virunga National Park", "Kamaran Island"
_FEATURE_LAST_RE = re.compile(
    r"\s(?:Road|Highway|Route|Nationale|Motorway|Expressway|Island|Peninsula|National Park)$"
)


_PLACE_WORD_AFTER_RE = re.compile(
    r"\s+(?i:province|state|region|oblast|district|regency|department|governorate|county|"
    r"border crossing|crossing|river|airport)\b"
)
_LOCATIVE_BEFORE_RE = re.compile(
    r"\b(?:in|near|around|outside|toward|towards|across|into|through|"
    r"(?:village|town|city|hamlet|settlement)s? of)\s+$"
)


_BEFORE_PLACE_WORD_RE = re.compile(
    r"([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})(?=" + _PLACE_WORD_AFTER_RE.pattern + ")"
)


def _names_before_place_words(body: str, runs: dict[int, int] | None = None) -> set[str]:
    """Every run of capitalised words (and its tails) that comes before a place word somewhere:
    "West Darfur" once the article wrote "Sudan's West Darfur state"; and into ``runs``, where
    each run starts and ends."""
    names: set[str] = set()
    for m in _BEFORE_PLACE_WORD_RE.finditer(body):
        words = m.group(1).split()
        names.update(" ".join(words[i:]) for i in range(len(words)))
        if runs is not None:
            runs[m.start(1)] = m.end(1)
    return names


def _placed_by_context(body: str, s: int, e: int) -> bool:
    """The words around a would-be person's name say it is a place."""
    return bool(
        _PLACE_WORD_AFTER_RE.match(body, e) or _LOCATIVE_BEFORE_RE.search(body[max(0, s - 20) : s])
    )


def _mark_surnames(body: str, surnames: set[str], ctx: _Context) -> None:
    """Mark every whole-word occurrence of a surname, as one regex per surname did, in one pass:
    a surname starts with a capital not preceded by [\\w’'] and ends before a character other
    than [\\w’'-] (so only at a full stop inside a run of name characters, or at its end)."""
    if not surnames:
        return
    longest = max(map(len, surnames))
    for m in re.finditer(r"(?<![\w’'])(?=[A-Z])", body):
        p = m.start()
        found = re.match(r"[\w’'.-]*", body[p : p + longest + 1])
        run = found.group() if found else ""
        for end in [i for i, ch in enumerate(run) if ch == "."] + [len(run)]:
            name = body[p : p + end]
            if 0 < end <= longest and name in surnames and not _surname_as_place(body, p, p + end):
                ctx.mark(p, p + end)


_SPEECH_AFTER = r"\s+(?:said|says|told|called|added|asked|denied|warned)\b"


def _mark_given_names(body: str, given: set[str], ctx: _Context) -> None:
    """A person's given name used alone as a speaker's: "Dessie called the account
    propaganda" after "Dessie Mekonnen", not the town of Dessie."""
    names = sorted((n for n in given if n[:1].isupper() and len(n) > 2), key=len, reverse=True)
    if not names:
        return
    alternatives = "|".join(map(re.escape, names))
    for m in re.finditer(rf"(?<![\w’'-])(?:{alternatives})(?={_SPEECH_AFTER})", body):
        ctx.mark(m.start(), m.end())


# before a surname that is used as a place's name: "in Goma", "towards Goma", "the road to
# Goma", "40 km south of Djibo", "between Goma and Rutshuru" (not "according to Goma")
_SURNAME_PLACE_BEFORE_RE = re.compile(
    r"(?:\b(?:in|near|around|outside|toward|towards|across|into|through|between|besieged)"
    r"|(?<!according)\s+to|\b(?:left|leave|leaving|fled|headed|heading|bound)\s+for|\b(?:north|south|east|west)(?:-?(?:east|west))?\s+of"
    r"|\b(?:town|city|village|outskirts|centre|center|streets)\s+of)\s+$",
    re.IGNORECASE,
)
# after it: "Djibo, the capital of Soum province", "Goma, a city of two million", "Djibo airstrip"
_SURNAME_PLACE_AFTER_RE = re.compile(
    r",\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,2}?(?:capital|town|city|village|hub|port|seat)\b"
    r"|\s+(?:airstrip|airport|district|province|region|territory|town hall)\b"
)


def _surname_as_place(body: str, s: int, e: int) -> bool:
    """A bare surname that the words around it make a place of: the town Djibo, not the man
    Amadou Djibo ("in Djibo", "Djibo, the capital of Soum"); "Goma said" stays the person."""
    return bool(
        _SURNAME_PLACE_BEFORE_RE.search(body, max(0, s - 30), s)
        or _SURNAME_PLACE_AFTER_RE.match(body, e)
    )


def _known_mentions(ctx: _Context, places: Sequence[KnownPlace]) -> None:
    """Known places by name or alias, longest first, whole words; a capitalised name only
    where the text capitalises it, and not as a word of an organisation's or outlet's name."""
    names = sorted(ctx.known_by_key, key=len, reverse=True)
    if not names:
        return
    forms: dict[str, str] = {}
    for place in places:
        for name in {place.name, *place.aliases}:
            forms.setdefault(_key(name), name)
    pattern = "|".join(re.escape(forms[k]) for k in names)
    for m in re.finditer(rf"(?<![\w-])(?:{pattern})(?![\w-])", ctx.body, re.IGNORECASE):
        text = m.group()
        if forms[_key(text)][:1].isupper() and not text[:1].isupper():
            continue
        if _in_longer_name(ctx.body, m.start(), m.end()):
            continue  # "the Herat Relief Committee": an organisation's name, not Herat
        if ctx.free(m.start(), m.end()):
            target = ctx.known_by_key[_key(text)]
            city = target.kind == "city"
            region = _REGION_AFTER_RE.match(ctx.body, m.end()) if city else None
            regional = _REGIONAL_ADJECTIVE_RE.match(ctx.body, m.end()) if city else None
            if region is not None:  # "the Kharkiv region": not the known city, its region
                ctx.take(
                    m.start(),
                    region.end(),
                    _known_region(ctx, target, text, region.group(1).title()),
                    "place.region-of-city",
                )
            elif regional is not None:  # "the Sumy regional administration": the region's
                noun = _REGIONAL_NOUN[regional.group(1)]
                region_target = _known_region(ctx, target, text, noun)
                ctx.take(m.start(), m.end(), region_target, "place.region-of-city")
            else:
                ctx.take(m.start(), m.end(), target, "place.known")


# "the Sumy regional military administration", "the Cabinda provincial government": a body of
# the region named after the city (lower case: "Kherson Regional Council" is a name)
_REGIONAL_NOUN = {"regional": "Region", "provincial": "Province"}


def _known_region(ctx: _Context, city: _Target, text: str, noun: str) -> _Target:
    """The region a known city names ("Kharkiv region"), centred where the gazetteer's city of
    that name and country has its region, else at the city."""
    lat, lon = city.latitude, city.longitude
    if ctx.gaz is not None:
        same = [
            e
            for e in ctx.gaz.lookup(text)
            if e.kind == "city" and e.country_code == city.country_code
        ]
        region = ctx.gaz.region_of(same[0]) if same else None
        if region is not None:
            lat, lon = region[0], region[1]
    name = f"{text} {noun}"
    return _Target(name, lat, lon, "region", city.country_code, True, capital=city)


_OFFICIAL_RE = re.compile(
    r"(?:(?:People[’']s|Islamic|Democratic|Federal|Arab|Socialist|United|Plurinational)\s+)*"
    r"(?:Republic|Kingdom|Federation|Sultanate|Emirate|Principality|Commonwealth)"
    r"\s+of\s+(?:the\s+)?([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,2})"
)


def _official_names(ctx: _Context) -> None:
    """ "the Republic of Türkiye", "People's Republic of China": the country, the whole name
    (so that "Republic of China" inside the second is not Taiwan)."""
    for m in _OFFICIAL_RE.finditer(ctx.body):
        if not ctx.free(m.start(), m.end()):
            continue
        entry = _country(ctx.gaz, m.group()) or _country(ctx.gaz, m.group(1))
        if entry is not None:
            target = _Target(
                entry.name,
                entry.latitude,
                entry.longitude,
                "country",
                entry.country_code,
                True,
                (m.group(),),
            )
            ctx.take(m.start(), m.end(), target, "place.gazetteer.official-name")


# countries whose first-level divisions are called states: "the state" is one of them
_STATE_COUNTRIES = frozenset(
    {"AU", "BR", "DE", "IN", "MM", "MX", "MY", "NG", "SD", "SS", "US", "VE", "AT", "SO"}
)


def _dateline_region(ctx: _Context) -> None:
    """ "CULIACÁN, Sinaloa, Nov. 18 (...)": a dateline's second name that is no country is the
    first-level region its city lies in, centred where the gazetteer has that region; its later
    bare uses ("killed in Sinaloa") are that region too."""
    m = _DATELINE_RE.search(ctx.body[:1500])
    if m is None or not m.group(2):
        return
    name = m.group(2).strip()
    s, e = m.start(2), m.start(2) + len(name)
    if _country(ctx.gaz, name) is not None or _OFFICIAL_RE.search(name) or not ctx.free(s, e):
        return  # a country, by its name or its long official name
    target = _dateline_region_target(ctx.gaz, m.group(1).title(), name, ctx.focus)
    if target is not None:
        ctx.take(s, e, target, "place.dateline-region")
        ctx.learned.setdefault(name, (target, "place.repeat"))


def _dateline_region_target(gaz, city: str, name: str, focus: str) -> _Target | None:
    """The region ``name`` that the city ``city`` lies in: the gazetteer's region of that name in
    the city's country, else one at the centre of the city's first-level division."""
    cities = [e for e in gaz.lookup(city) if e.kind == "city" and e.country_code == focus]
    if not cities or focus not in gaz.countries:
        return None  # "MITROVICA, Kosovo": the name is the country the gazetteer lacks
    entry = max(cities, key=lambda c: c.population)
    aliases = (f"{name} state",) if focus in _STATE_COUNTRIES else ()
    regions = [r for r in gaz.lookup(name) if r.kind == "region" and r.country_code == focus]
    if regions:
        lat, lon = regions[0].latitude, regions[0].longitude
    elif (centre := gaz.region_of(entry)) is not None:
        lat, lon = centre[0], centre[1]
    else:
        return None
    return _Target(name, lat, lon, "region", focus, True, aliases)


def _country(gaz, name: str):
    forms = [name, name.replace(" of the ", " of "), name.replace(" of ", " of the ", 1)]
    for text in [*forms, *map(_plain, forms)]:
        for entry in gaz.lookup(text):
            if entry.kind == "country":
                return entry
    return None


def _plain(text: str) -> str:
    """Without diacritics: "Türkiye" -> "Turkiye"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_TOKEN_RE = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w'-]*")


def _gazetteer_mentions(ctx: _Context) -> None:
    """Capitalised runs of words looked up in the gazetteer, longest first."""
    body, gaz = ctx.body, ctx.gaz
    tokens = list(_TOKEN_RE.finditer(body))
    # joined[k]: only a space or a hyphen between tokens k and k + 1 (a name may run on)
    joined = [
        body[tokens[k].end() : tokens[k + 1].start()] in (" ", "-") for k in range(len(tokens) - 1)
    ]
    i = 0
    while i < len(tokens):
        if not tokens[i].group()[:1].isupper():
            i += 1
            continue
        run = 0  # how many tokens after this one are joined to it
        while run < gaz.max_words and i + run < len(joined) and joined[i + run]:
            run += 1
        best = _longest_match(ctx, tokens, i, run)
        if best is None:
            i += 1
            continue
        s, e, text, entry, n = best
        i += n
        _take_match(ctx, s, e, text, entry)


def _longest_match(ctx: _Context, tokens, i: int, run: int):
    """The longest run of tokens from ``i`` that names a place here: (s, e, text, entry, n)."""
    body, gaz = ctx.body, ctx.gaz
    for n in range(min(gaz.max_words + 1, len(tokens) - i, run + 1), 0, -1):
        s, e = tokens[i].start(), tokens[i + n - 1].end()
        text = body[s:e]
        if text.endswith("'s"):
            text, e = text[:-2], e - 2
        if not text[-1:].isalpha() and not text.endswith("."):
            continue
        if text not in gaz or text.casefold() in gaz.demonyms:
            joined = _joined_spelling(ctx, text) if n == 1 else None
            if joined is not None:  # "Elwak" for the gazetteer's "El Wak"
                return s, e, text, joined, n
            continue
        if n == 1 and text.casefold() in gazetteer_module.COMMON_WORDS and not text.isupper():
            continue
        if n == 1 and _acronym(body, s, text, gaz):
            continue
        strong = _strong_place_context(body, s, e)
        # "in Lyptsi", or a list of places: "Numbi, Minova"
        listed = s >= 3 and body[s - 2 : s] == ", " and bool(ctx.taken[s - 3])
        locative = listed or _locative_before(body, s) or _area_of(body, s, e)
        entry = _choose(gaz, text, ctx.context, strong, ctx.focus, locative)
        if entry is not None and entry.kind == "city" and ctx.admin1_seen:
            entry = _in_the_articles_region(ctx, text, entry)
        if entry is not None and entry.kind == "country":
            short = (text, entry.country_code)
            if short not in ctx.short_names:
                ctx.short_names[short] = _longer_namesake(ctx, text, entry)
            entry = ctx.short_names[short]
        if entry is not None:
            return s, e, text, entry, n
    return None


def _joined_spelling(ctx: _Context, text: str):
    """The town of the article's own country whose name of two words is ``text`` written as
    one ("Elwak" for "El Wak"), if exactly one; a town elsewhere is no safe guess."""
    if not ctx.focus or not text[:1].isupper() or len(text) < 5:
        return None
    towns = [e for e in ctx.gaz.joined(text) if e.kind == "city" and e.country_code == ctx.focus]
    return towns[0] if len({(e.latitude, e.longitude) for e in towns}) == 1 else None


def _acronym(body: str, s: int, text: str, gaz) -> bool:
    """ "UN", "AU": a short word in capitals that no place of that name is spelled as (the town
    Un is not the UN); not a dateline's town ("GAO, Mali" opens its line)."""
    if not (text.isupper() and len(text) <= 3) or s == 0 or body[s - 1] == "\n":
        return False
    return not any(text in (e.name, *e.aliases) for e in gaz.lookup(text))


@lru_cache(maxsize=4096)
def _full_names(names: tuple[str, ...], text: str) -> tuple[re.Pattern, ...]:
    """Of a country's ``names``, those longer than ``text`` that hold it as a word, each as a
    pattern with an optional "the" (remembered: every country is asked for each short name)."""
    word = re.compile(rf"\b{re.escape(text)}\b")
    return tuple(
        re.compile(r"\b" + re.escape(n).replace(r"the\ ", r"(?:the\ )?") + r"\b")
        for n in sorted(set(names) - {text}, key=len, reverse=True)
        if len(n) > len(text) and word.search(n)
    )


_NAME_BEFORE_RE = re.compile(r"[A-Z][\w’'-]*\s$")  # "People's Republic of China"


def _longer_namesake(ctx: _Context, text: str, entry):
    """A short name two countries share ("Congo"), which the gazetteer gives one of: the other
    when the article names that one in full ("the Democratic Republic of the Congo", "DR
    Congo") and never the first, each full name counted only where it is not part of a longer
    one of the other ("Republic of the Congo" in "Democratic Republic of the Congo", "Republic
    of China" in "People's Republic of China", which a capitalised word before also rules out)."""

    def spans(country) -> list[tuple[int, int]]:
        names = (country.name, *country.aliases)
        return [
            m.span() for pattern in _full_names(names, text) for m in pattern.finditer(ctx.body)
        ]

    own = spans(entry)
    for code, other in ctx.gaz.countries.items():
        if code == entry.country_code:
            continue
        if text not in other.name and not any(text in a for a in other.aliases):
            continue
        if not _full_names((other.name, *other.aliases), text):
            continue
        theirs = spans(other)
        if not theirs:
            continue
        inside = lambda a, b: b[0] <= a[0] and a[1] <= b[1] and a != b  # noqa: E731
        theirs_alone = [
            t
            for t in theirs
            if not any(inside(t, o) for o in own)
            and not _NAME_BEFORE_RE.search(ctx.body, max(0, t[0] - 30), t[0])
        ]
        own_alone = [o for o in own if not any(inside(o, t) for t in theirs)]
        if theirs_alone and not own_alone:
            return other
    return entry


_AREA_BEFORE_RE = re.compile(r"\b(?:in|near|around|into|toward|towards|across) the $")
_AREA_AFTER_RE = re.compile(r" (?:sector|area|direction|axis|front)\b")


def _area_of(body: str, s: int, e: int) -> bool:
    """ "in the Uri sector", "toward the Pokrovsk direction": a place's name, as after "in"."""
    return bool(_AREA_AFTER_RE.match(body, e)) and bool(
        _AREA_BEFORE_RE.search(body, max(0, s - 12), s)
    )


def _take_match(ctx: _Context, s: int, e: int, text: str, entry) -> None:
    if not ctx.free(s, e) or _in_longer_name(ctx.body, s, e):
        return
    gaz = ctx.gaz
    if _COMPASS_BEFORE_RE.search(ctx.body, max(0, s - 9), s):
        return  # the "Darfur" of "West Darfur", the "Kivu" of "South Kivu": another place
    if ctx.body.endswith("-administered ", max(0, s - 14), s):
        return  # "Pakistan-administered Kashmir": a part of the region, not the whole
    if entry.kind == "city" and _after_another_name(ctx.body, s):
        return  # the "Delgado" of "Cabo Delgado", the "Bolívar" of "Ciudad Bolívar"
    if entry.kind == "city" and ctx.named_runs.get(s, e) > e and ctx.body[e : e + 1] == " ":
        return  # the "Kaman" of "the Kaman Aman Setu crossing": a longer name's first word
    if entry.kind == "city" and _RIVER_AFTER_RE.match(ctx.body, e):
        return  # "the Jhelum River", "Arli National Park": not the town named after it
    if entry.kind == "city" and entry.population < _SMALL and _NEXT_NAME_RE.match(ctx.body, e):
        return  # a village's name as the first word of a longer one: "Lake Kivu", "Intan Jaya"
    if entry.kind == "city" and (s, e) == ctx.dateline_country:
        return  # "MITROVICA, Kosovo": a country the gazetteer lacks, not its namesake town
    if _PERSON_APPOSITIVE_RE.match(ctx.body, e) and not _locative_before(ctx.body, s):
        return  # "Hassan, a fisherman who gave only his first name": a person, not the city
    code = entry.country_code
    primary = gaz.is_primary(entry, text)
    near = code in ctx.mentioned or code in ctx.nearby
    big = entry.population >= 100_000
    trusted = code == ctx.focus or ((primary or big) and (not ctx.focus or near))
    target, s, e, rule = _shape(ctx.body, gaz, s, e, text, entry, trusted)
    if rule == "place.gazetteer.city" and text not in gaz:
        rule = "place.gazetteer.joined-spelling"
    if target is None or not ctx.free(s, e):
        return
    known = _known_same(ctx, target, text)
    if known is not None:
        target, rule = known, "place.known"
    elif getattr(entry, "admin1", ""):
        ctx.admin1_seen[entry.admin1] = ctx.admin1_seen.get(entry.admin1, 0) + 1
    ctx.take(s, e, target, rule)


def _in_the_articles_region(ctx: _Context, text: str, entry):
    """Of two cities of one name in one country, the one in the first-level division the
    article has named more places in ("Lázaro Cárdenas" of the state the story is in)."""
    seen = ctx.admin1_seen
    same = [
        other
        for other in ctx.gaz.lookup(text)
        if other.kind == "city" and other.country_code == entry.country_code and other.admin1
    ]
    if len(same) < 2:
        return entry
    best = max(same, key=lambda other: seen.get(other.admin1, 0))
    return best if seen.get(best.admin1, 0) > seen.get(entry.admin1, 0) else entry


_NEXT_NAME_RE = re.compile(r" [A-Z][\w’'-]*")
# after a name, what describes a person: "Hassan, a fisherman who ...", "Amina, 34, ..."
_PERSON_APPOSITIVE_RE = re.compile(r",\s+(?:(?:a|an)\s+(?:[\w-]+\s+){1,3}who\b|\d{1,2},)")
_RIVER_AFTER_RE = re.compile(r" (?:River|National Park)\b")
_COMPASS_BEFORE_RE = re.compile(r"(?<![\w-])(?:North|South|East|West|Central|Upper|Lower) $")
_PREVIOUS_WORD_RE = re.compile(r"([A-Z][\w’'-]*)(?: (?:de|del|da|do|dos|la))? $")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;\n\"“‘'(—–-]\s*)$")


def _after_another_name(body: str, s: int) -> bool:
    """A capitalised word that is no place, nor the first of a sentence, comes right before."""
    m = _PREVIOUS_WORD_RE.search(body, max(0, s - 30), s)
    if m is None:
        return False
    word = m.group(1).casefold()
    if word.endswith(("'s", "’s")):
        return False  # "Syria's Idlib"
    if word in _STOP_CAPS or word in gazetteer_module.COMMON_WORDS or m.group(1).isupper():
        return False
    if _SENTENCE_START_RE.search(body, max(0, m.start() - 3), m.start()):
        return False
    return m.group(1) not in _ROLE_OR_PLACE_TITLES


# words of rank or address that a city's name may follow without being part of a longer name
_ROLE_OR_PLACE_TITLES = frozenset({"Greater", "Old", "Downtown", "Central"})


_LIST_GAP_RE = re.compile(r"(?:,\s*|\s+(?:and|or)\s+|,\s+and\s+)")


def _drop_far_namesakes(ctx: _Context) -> None:
    """A far-away city of a country the article does not name, listed with a city of the
    article's country, is a namesake the gazetteer lacks: all its mentions go (one name, one
    place per article)."""
    cities = [m for m in ctx.mentions if m.target.kind == "city"]
    far = {
        m.target.name
        for m in cities
        if m.rule == "place.gazetteer.city"
        and m.target.country_code not in ctx.mentioned | ctx.nearby
        and _far_from_focus(ctx.gaz, m.target, ctx.focus)
    }
    if not far:
        return
    listed = set()
    for a, b in zip(cities, cities[1:], strict=False):
        if not _LIST_GAP_RE.fullmatch(ctx.body, a.end, b.start):
            continue
        for one, other in ((a, b), (b, a)):
            if one.target.name in far and other.target.country_code == ctx.focus:
                listed.add(one.target.name)
    for m in [m for m in ctx.mentions if m.target.name in listed and m.target.kind == "city"]:
        ctx.mentions.remove(m)
        ctx.taken[m.start : m.end] = bytes(m.end - m.start)


def _known_same(ctx: _Context, target: _Target, text: str) -> _Target | None:
    """A gazetteer place the database already has under another name: that one."""
    for name in (target.name, *target.aliases, text):
        known = ctx.known_by_key.get(_key(name))
        if known is None or known.kind != target.kind:
            continue
        if _distance_km(known.latitude, known.longitude, target.latitude, target.longitude) < 50:
            return known
    return None
