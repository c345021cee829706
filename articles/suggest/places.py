"""The place suggester's entry point: known places, gazetteer places, unknown features."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import gazetteer as gazetteer_module
from .anaphora import _REGION_SUFFIX, _anaphora
from .disambiguation import (
    _FACILITY_SUFFIX,
    _choose,
    _context_countries,
    _distance_km,
    _strong_place_context,
)
from .names import _person_names
from .targets import _Mention, _Target
from .types import DEFAULT, PlaceSuggestion
from .vocabulary import _STOP_CAPS, _key

if TYPE_CHECKING:
    from .types import KnownPlace


_FEATURE_SUFFIX = r"(?:River|Dam|Bridge|Lake|Mountains|Valley|Strait|Bay|Gulf|Pass|Airport)"


_NOT_PLACE_NEXT = re.compile(r"^[’']s\s+(?:forces|army|military)\b")


def _default_gazetteer() -> gazetteer_module.Gazetteer | None:
    try:
        return gazetteer_module.load()
    except FileNotFoundError:  # pragma: no cover - the fixture ships with the code
        return None


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


def suggest_places(
    body: str, places: Sequence[KnownPlace] = (), gazetteer=DEFAULT
) -> list[PlaceSuggestion]:
    """Place mentions in ``body``: known places and their aliases, then gazetteer places."""
    if not body.strip():
        return []
    gaz = _default_gazetteer() if gazetteer is DEFAULT else gazetteer
    known_targets: dict[str, _Target] = {}
    known_by_key: dict[str, _Target] = {}
    for place in places:
        target = _Target(
            place.name,
            place.latitude,
            place.longitude,
            place.kind,
            place.country_code,
            False,
        )
        known_targets[place.name] = target
        for name in {place.name, *place.aliases}:
            known_by_key.setdefault(_key(name), target)

    mentions: list[_Mention] = []
    taken = [False] * (len(body) + 1)

    def free(s, e):
        return not any(taken[s:e])

    def take(s, e, target):
        for k in range(s, e):
            taken[k] = True
        mentions.append(_Mention(s, e, target))

    # people are not places: "Carla Lima", and "Lima" once she is named
    people = _person_names(
        body,
        0,
        len(body),
        _major_places(body, gaz, known_by_key),
        _place_keys(body, gaz) | set(known_by_key),
        gaz.demonyms if gaz is not None else frozenset(),
    )
    surnames = set()
    for s, e, name, _role in people:
        for k in range(s, e):
            taken[k] = True
        surnames.add(name.split()[-1])
    _mark_surnames(body, surnames, taken)

    # 1. known places, longest name first
    names = sorted(known_by_key, key=len, reverse=True)
    if names:
        alias_forms: dict[str, str] = {}
        for place in places:
            for name in {place.name, *place.aliases}:
                alias_forms.setdefault(_key(name), name)
        pattern = "|".join(re.escape(alias_forms[k]) for k in names)
        for m in re.finditer(rf"(?<![\w-])(?:{pattern})(?![\w-])", body, re.IGNORECASE):
            text = m.group()
            form = alias_forms[_key(text)]
            if form[:1].isupper() and not text[:1].isupper():
                continue
            if free(m.start(), m.end()):
                take(m.start(), m.end(), known_by_key[_key(text)])

    # 2. gazetteer places
    if gaz is not None:
        _gazetteer_mentions(body, gaz, known_by_key, known_targets, free, take, mentions)

    # 3. "the city", "the regional capital": the place named before
    _anaphora(body, mentions, free, take, gaz, known_targets)

    out = []
    for mention in sorted(mentions, key=lambda m: m.start):
        t = mention.target
        out.append(
            PlaceSuggestion(
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
            )
        )
    return out


def _mark_surnames(body: str, surnames: set[str], taken: list[bool]) -> None:
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
            if 0 < end <= longest and body[p : p + end] in surnames:
                for k in range(p, p + end):
                    taken[k] = True


def _gazetteer_mentions(body, gaz, known_by_key, known_targets, free, take, mentions):
    context = _context_countries(body, gaz, known_targets)
    tokens = list(re.finditer(r"(?:[A-Z]\.){2,}|[^\W\d_][\w'-]*", body))
    # joined[k]: only a space or a hyphen between tokens k and k + 1 (a name may run on)
    joined = [
        body[tokens[k].end() : tokens[k + 1].start()] in (" ", "-") for k in range(len(tokens) - 1)
    ]
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not tok.group()[:1].isupper():
            i += 1
            continue
        best = None
        run = 0  # how many tokens after tok are joined to it
        while run < gaz.max_words and i + run < len(joined) and joined[i + run]:
            run += 1
        for n in range(min(gaz.max_words + 1, len(tokens) - i, run + 1), 0, -1):
            last = tokens[i + n - 1]
            s, e = tok.start(), last.end()
            text = body[s:e]
            if text.endswith("'s"):
                text, e = text[:-2], e - 2
            if not text[-1:].isalpha() and not text.endswith("."):
                continue
            if text not in gaz:
                continue
            if n == 1 and text.casefold() in gazetteer_module.COMMON_WORDS and not text.isupper():
                continue
            if text.casefold() in gaz.demonyms:
                continue
            strong = _strong_place_context(body, s, e)
            entry = _choose(gaz, text, context, strong)
            if entry is None:
                continue
            best = (s, e, text, entry, n)
            break
        if best is None:
            i += 1
            continue
        s, e, text, entry, n = best
        i += n
        if not free(s, e):
            continue
        target, s, e = _shape(body, gaz, s, e, text, entry)
        if target is None or not free(s, e):
            continue
        # a gazetteer place the database already has under another name: use that one
        for name in (target.name, *target.aliases, text):
            known = known_by_key.get(_key(name))
            if known is None or known.kind != target.kind:
                continue
            if (
                _distance_km(known.latitude, known.longitude, target.latitude, target.longitude)
                < 50
            ):
                target = known
                break
        take(s, e, target)
    _unknown_features(body, gaz, free, take, mentions)


# what follows a city's name, matched in place (a slice to the body's end per name was quadratic)
_REGION_AFTER_RE = re.compile(rf"\s+({_REGION_SUFFIX})\b", re.IGNORECASE)


_FACILITY_AFTER_RE = re.compile(rf"\s+({_FACILITY_SUFFIX})\b", re.IGNORECASE)


_REGIONAL_AFTER_RE = re.compile(r"\s+Regional\b")


def _shape(body: str, gaz, s: int, e: int, text: str, entry):
    """The mention's extent and place: a city, or the region, dam, ... named after it."""
    before = body[max(0, s - 40) : s]
    if entry.kind == "city":
        m = _REGION_AFTER_RE.match(body, e)
        if m:
            suffix = m.group(1)
            region = gaz.region_of(entry)
            lat, lon = (region[0], region[1]) if region else (entry.latitude, entry.longitude)
            name = f"{text} {suffix.title()}"
            capital = _Target(
                entry.name, entry.latitude, entry.longitude, "city", entry.country_code, True
            )
            target = _Target(
                name, lat, lon, "region", entry.country_code, True, note="", capital=capital
            )
            return target, s, m.end()
        m = _FACILITY_AFTER_RE.match(body, e)
        if m:
            suffix = m.group(1)
            kind = "facility"
            name = f"{text} {suffix.title() if suffix.islower() else suffix}"
            target = _Target(
                name,
                entry.latitude,
                entry.longitude,
                kind,
                entry.country_code,
                True,
                note=f"coordinates of {entry.name}, the town it is named after",
            )
            return target, s, m.end()
        region_context = re.search(
            rf"\b{_REGION_SUFFIX}\s+of\s+$", before, re.IGNORECASE
        ) or _REGIONAL_AFTER_RE.match(body, e)
        if region_context:
            region = gaz.region_of(entry)
            lat, lon = (region[0], region[1]) if region else (entry.latitude, entry.longitude)
            word = "Region"
            m = re.search(rf"\b({_REGION_SUFFIX})\s+of\s+$", before, re.IGNORECASE)
            if m:
                word = m.group(1).title()
            capital = _Target(
                entry.name, entry.latitude, entry.longitude, "city", entry.country_code, True
            )
            return (
                _Target(
                    f"{text} {word}",
                    lat,
                    lon,
                    "region",
                    entry.country_code,
                    True,
                    (text,),
                    capital=capital,
                ),
                s,
                e,
            )
    aliases = (text,) if _key(text) != _key(entry.name) else ()
    return (
        _Target(
            entry.name,
            entry.latitude,
            entry.longitude,
            entry.kind,
            entry.country_code,
            True,
            aliases,
            population=entry.population,
        ),
        s,
        e,
    )


def _unknown_features(body, gaz, free, take, mentions):
    """ "the Moei River", "Lake Kivu": a named feature the gazetteer lacks, placed near what its
    sentence names."""
    anchors = _Anchors(body, mentions)
    for m in re.finditer(r"\b(Lake|Mount|Mt\.|River|Gulf of|Bay of)\s+([A-Z][\w-]+)\b", body):
        _unknown_feature(m, m.group(1).split()[0], free, take, anchors)
    for m in re.finditer(rf"\b([A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)\s+({_FEATURE_SUFFIX})\b", body):
        _unknown_feature(m, m.group(2), free, take, anchors)


class _Anchors:
    """The city and facility mentions by position, and where the body has ". " and line breaks,
    so the mention nearest a feature in its sentence is found by bisection, not by a look at
    every mention and a search back through the body for the sentence's start."""

    def __init__(self, body: str, mentions: list[_Mention]):
        self.body, self.mentions = body, mentions
        self.stops = [m.start() for m in re.finditer(r"\. ", body)]
        self.breaks = [m.start() for m in re.finditer(r"\n", body)]
        # (start, order found, mention): the order breaks a tie between two as near
        self.by_start = sorted(
            (x.start, i, x) for i, x in enumerate(mentions) if x.target.kind in {"city", "facility"}
        )

    def sentence(self, s: int, e: int) -> tuple[int, int]:
        """``(max(body.rfind(". ", 0, s), body.rfind("\\n", 0, s), 0)``, the first ". " or line
        break from ``e`` or the body's end)."""
        stop = bisect.bisect_right(self.stops, s - 2) - 1
        line = bisect.bisect_right(self.breaks, s - 1) - 1
        lo = max(self.stops[stop] if stop >= 0 else -1, self.breaks[line] if line >= 0 else -1, 0)
        after = [
            xs[k] for xs in (self.stops, self.breaks) if (k := bisect.bisect_left(xs, e)) < len(xs)
        ]
        return lo, min(after) if after else len(self.body)

    def nearest(self, s: int, e: int) -> _Target | None:
        """The target of the city or facility mention in s:e's sentence that starts nearest s
        (the one found first when two are as near)."""
        lo, hi = self.sentence(s, e)
        k = bisect.bisect_left(self.by_start, (s,))
        near = [x for x in self.by_start[max(0, k - 1) : k + 1] if lo <= x[0] < hi]
        if not near:
            return None
        return min(near, key=lambda x: (abs(x[0] - s), x[1]))[2].target

    def taken(self) -> None:
        """Take in the mention just added to ``mentions``."""
        x = self.mentions[-1]
        if x.target.kind in {"city", "facility"}:
            bisect.insort(self.by_start, (x.start, len(self.mentions) - 1, x))


_FEATURE_KINDS = {
    "river": "river",
    "dam": "facility",
    "bridge": "facility",
    "lake": "lake",
    "mount": "mountain",
    "mt.": "mountain",
    "gulf": "sea",
    "bay": "sea",
}


def _unknown_feature(m, feature, free, take, anchors: _Anchors):
    s, e = m.start(), m.end()
    if not free(s, e) or m.group(1).casefold() in gazetteer_module.COMMON_WORDS:
        return
    if m.group(1).split()[0].casefold() in _STOP_CAPS:
        return
    anchor = anchors.nearest(s, e)
    if anchor is None:
        return
    kind = _FEATURE_KINDS.get(feature.casefold(), "feature")
    note = f"approximate: placed at {anchor.name}, named in the same sentence"
    take(s, e, _Target(m.group(), anchor.latitude, anchor.longitude, kind, "", True, note=note))
    anchors.taken()
