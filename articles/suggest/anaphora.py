""" "The city", "the province": generic nouns that refer back to a place the article named."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .targets import _Target
from .vocabulary import _key

if TYPE_CHECKING:
    from .targets import _Mention


_REGION_SUFFIX = r"(?:region|oblast|province|governorate|district|state|county|prefecture)"


_ANAPHORA_RE = re.compile(
    r"\b[Tt]he\s+((?:(?:regional|provincial|commercial|economic|administrative)\s+)?capital|"
    r"city|town|village|region|province|oblast|territory|river)\b(?!\s+of\b)(?![\w-])"
)


# "the city" looks among the places of these kinds; "town" and "village" only small ones
_ANAPHOR_POOL = {
    "city": "city",
    "town": "town",
    "village": "town",
    "region": "region",
    "province": "region",
    "oblast": "region",
    "territory": "region",
    "river": "river",
}


_COMMA_GAP_RE = re.compile(r",\s*")


def _pools(target: _Target) -> tuple[str, ...]:
    """The anaphor pools (``_ANAPHOR_POOL``'s values) a mention of ``target`` belongs to."""
    if target.kind == "city":
        return ("city", "town") if target.population < 200_000 else ("city",)
    return (target.kind,) if target.kind in {"region", "river"} else ()


class _Earlier:
    """The place mentions that end before a position, summed up as the position moves forward,
    so an anaphor is answered in O(1) instead of by a look through every earlier mention.

    "Last" means last in ``mentions``' order (the order they were found), as before. Kept: the
    mention ending last; the last of each kind; for each pool, per place name, how often it was
    mentioned and its last mention, and the name that wins (most mentions, then the latest last
    mention). A name's (count, start) only grows when it is mentioned, so the winner is kept by
    one comparison per mention.
    """

    def __init__(self, mentions: list[_Mention]):
        self.mentions = mentions
        self._pending = sorted(range(len(mentions)), key=lambda i: mentions[i].end)
        self._next = 0
        self.prev: _Mention | None = None
        self._prev_key = (-1, 0)
        self._last: dict[str, tuple[int, _Mention]] = {}
        self._groups: dict[str, dict[str, list]] = {}
        self._best: dict[str, list] = {}
        self._first: dict[tuple[str, str], _Target] = {}
        for mention in mentions:
            self._note_first(mention)

    def _note_first(self, mention: _Mention) -> None:
        target = mention.target
        self._first.setdefault((_key(target.name), target.kind), target)

    def advance(self, position: int) -> None:
        """Take in every mention found before the anaphora that ends by ``position``."""
        while self._next < len(self._pending):
            index = self._pending[self._next]
            if self.mentions[index].end > position:
                break
            self._add(index)
            self._next += 1

    def appended(self) -> None:
        """Take in the mention just appended (an anaphor's: it ends before the next one)."""
        self._note_first(self.mentions[-1])
        self._add(len(self.mentions) - 1)

    def _add(self, index: int) -> None:
        mention = self.mentions[index]
        target = mention.target
        if (mention.end, -index) > self._prev_key:
            self.prev, self._prev_key = mention, (mention.end, -index)
        if index > self._last.get(target.kind, (-1, None))[0]:
            self._last[target.kind] = (index, mention)
        for pool in _pools(target):
            group = self._groups.setdefault(pool, {}).setdefault(_key(target.name), [0, -1, None])
            group[0] += 1
            if index > group[1]:
                group[1], group[2] = index, mention
            best = self._best.get(pool)
            if best is None or (group[0], group[2].start) > (best[0], best[2].start):
                self._best[pool] = group

    def last(self, kind: str) -> _Target | None:
        """The target of the last mention of ``kind`` so far."""
        found = self._last.get(kind)
        return found[1].target if found else None

    def most_mentioned(self, pool: str) -> _Target | None:
        best = self._best.get(pool)
        return best[2].target if best else None

    def first(self, key: str, kind: str) -> _Target | None:
        """The target of the first mention (of all, in ``mentions``' order) of ``key``, ``kind``."""
        return self._first.get((key, kind))

    def same(self, target: _Target) -> _Target:
        """The first mention's target with ``target``'s name and kind, else ``target``."""
        return self.first(_key(target.name), target.kind) or target


def _anaphora(body, mentions, free, take, gaz, known_targets):
    earlier = _Earlier(mentions)
    known_cities: dict[str, _Target] = {}
    for target in known_targets.values():
        if target.kind == "city":
            known_cities.setdefault(_key(target.name), target)
    for m in _ANAPHORA_RE.finditer(body):
        s, e = m.start(1), m.end(1)
        if not free(s, e):
            continue
        earlier.advance(m.start())
        prev = earlier.prev
        if prev is None:
            continue
        target = _antecedent(body, m, prev, earlier, gaz, known_cities)
        if target is not None:
            take(s, e, target)
            earlier.appended()


def _antecedent(body, m, prev: _Mention, earlier: _Earlier, gaz, known_cities) -> _Target | None:
    """What the anaphor ``m`` ("the city", "the regional capital") refers to, if anything."""
    noun = m.group(1).casefold()
    # "Yangon, the commercial capital,": an appositive names the place itself
    if _COMMA_GAP_RE.fullmatch(body, prev.end, m.start()) and prev.target.kind == "city":
        return prev.target
    if noun in {"regional capital", "provincial capital"}:
        region = earlier.last("region")
        if region is None:
            return None
        capital = region.capital or _capital_of_known(region, earlier, known_cities)
        return earlier.same(capital) if capital is not None else None
    if "capital" in noun:
        country = earlier.last("country") if noun == "capital" else None
        if country is None or gaz is None:
            return None
        entry = gaz.capital_of(country.country_code)
        if entry is None:
            return None
        return earlier.same(
            _Target(entry.name, entry.latitude, entry.longitude, "city", entry.country_code, True)
        )
    return earlier.most_mentioned(_ANAPHOR_POOL[noun])


def _capital_of_known(region: _Target, earlier: _Earlier, known_cities) -> _Target | None:
    stem = _key(re.sub(rf"\s+{_REGION_SUFFIX}$", "", region.name, flags=re.IGNORECASE))
    return earlier.first(stem, "city") or known_cities.get(stem)
