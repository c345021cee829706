""" "The city", "the province": generic nouns that refer back to a place the article named."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from .targets import _Target
from .vocabulary import _key, _wordset

if TYPE_CHECKING:
    from .targets import _Context, _Mention


_REGION_SUFFIX = (
    r"(?:region|oblast|province|governorate|district|state|county|prefecture|territory)"
)


# "the district hospital", "the city council": the noun describes another, it names no place
_ATTRIBUTIVE = "|".join(
    _wordset(
        """
    hospital administrator administration town council hall centre center authorities governor
    police court commander chief official officials office headquarters government level mayor
    municipality prison market
    """
    )
)


_ANAPHORA_RE = re.compile(
    r"\b[Tt]he\s+((?:(?:regional|provincial|state|district|commercial|economic|administrative)"
    r"\s+)?capital|"
    r"city|town|village|region|province|oblast|territory|district|regency|department|prefecture|"
    rf"governorate|state|county|river|lake|mountain|airport|crossing|corridor)\b(?!\s+of\b)(?![\w-])(?!\s+(?:{_ATTRIBUTIVE})\b)"
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
    "district": "region",
    "regency": "region",
    "department": "region",
    "prefecture": "region",
    "governorate": "region",
    "state": "region",
    "county": "region",
    "river": "river",
    "lake": "lake",
    "mountain": "mountain",
    "airport": "airport",
    "crossing": "crossing",
    "corridor": "corridor",
}

# a place of the pool mentioned this near before "the town" is the one meant, even if another
# was mentioned more often (the dateline's city); farther back, the most mentioned one
_RECENT_CHARS = 250
_FRAME_RE = re.compile(r"(?:^|\n)In\s+$")


_COMMA_GAP_RE = re.compile(r",\s*")
# "troops sent from Baghdad": where people came from to the story's place (not "a woman from
# El Geneina ... left the city", whose city is that one)
_ORIGIN_BEFORE_RE = re.compile(
    r"\b(?:sent|deployed|dispatched|flown|brought|moved|transferred|redeployed|drafted)\s+"
    r"(?:in\s+)?from\s+$"
)
# the last of two or more places listed: "Kabul and Kandahar", "Goma, Bukavu or Uvira"
_LISTED_AFTER_RE = re.compile(r"[A-Z][\w’'-]*(?:,| and| or) $")


def _pools(target: _Target) -> tuple[str, ...]:
    """The anaphor pools (``_ANAPHOR_POOL``'s values) a mention of ``target`` belongs to."""
    if target.kind == "city":
        return ("city", "town") if target.population < 200_000 else ("city",)
    if target.kind == "facility":
        return (target.feature,) if target.feature in {"airport", "crossing", "corridor"} else ()
    if target.kind == "region" and target.feature == "part":
        return ()  # "North Waziristan": of what kind the text does not say, so no "province"
    if target.kind == "region":  # "Kurram district" is also in the pool of "the district"
        words = {n.split()[-1].casefold() for n in (target.name, *target.aliases) if n.strip()}
        return ("region", *sorted(f"region:{w}" for w in words & _REGION_NOUNS))
    return (target.kind,) if target.kind in {"river", "lake", "mountain"} else ()


_REGION_NOUNS = frozenset(
    {
        "region",
        "province",
        "oblast",
        "district",
        "regency",
        "department",
        "governorate",
        "state",
        "county",
        "territory",
        "prefecture",
    }
)


class _Earlier:
    """The place mentions that end before a position, summed up as the position moves forward,
    so an anaphor is answered in O(1) instead of by a look through every earlier mention.

    "Last" means last in ``mentions``' order (the order they were found), as before. Kept: the
    mention ending last; the last of each kind; for each pool, per place name, how often it was
    mentioned and its last mention, and the name that wins (most mentions, then the latest last
    mention). A name's (count, start) only grows when it is mentioned, so the winner is kept by
    one comparison per mention.
    """

    def __init__(self, mentions: list[_Mention], body: str):
        self.mentions, self.body = mentions, body
        self.in_text: dict[str, int] = {}  # name -> mentions by name outside the dateline
        # name -> mentions by name in the whole text: of two places named as often so far, one
        # the article names only once is named in passing ("Hodeidah", not "Riyadh" once)
        self.total = _named_counts(mentions, body)
        # where the first government department is named ("the health department"), searched
        # once rather than back from each "the department"
        office = _OFFICE_DEPARTMENT_RE.search(body)
        self.office_at = office.start() if office is not None else len(body) + 1
        self._pending = sorted(range(len(mentions)), key=lambda i: mentions[i].end)
        self._next = 0
        self.prev: _Mention | None = None
        self._prev_key = (-1, 0)
        self._last: dict[str, tuple[int, _Mention]] = {}
        self._groups: dict[str, dict[str, list]] = {}
        self._best: dict[str, list] = {}
        self._recent: dict[str, _Mention] = {}
        self._openers: dict[tuple[str, int], _Mention] = {}  # (pool, paragraph) -> its first word
        self._breaks = [m.end() for m in re.finditer(r"\n", body)]  # where paragraphs start
        self._first: dict[tuple[str, str], _Target] = {}
        self.capitals: dict[str, _Target] = {}  # "state capital" -> the city an appositive named
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
        if mention.rule != "place.anaphora" and not _is_dateline(self.body, mention):
            self.in_text[_key(target.name)] = self.in_text.get(_key(target.name), 0) + 1
        if (mention.end, -index) > self._prev_key:
            self.prev, self._prev_key = mention, (mention.end, -index)
        if index > self._last.get(target.kind, (-1, None))[0]:
            self._last[target.kind] = (index, mention)
        for pool in _pools(target):
            recent = self._recent.get(pool)
            if recent is None or mention.end > recent.end:
                self._recent[pool] = mention
            if _opens_paragraph(self.body, mention):
                self._openers.setdefault((pool, mention.start), mention)
            group = self._groups.setdefault(pool, {}).setdefault(_key(target.name), [0, -1, None])
            group[0] += 1
            if index > group[1]:
                group[1], group[2] = index, mention
            best = self._best.get(pool)
            if best is None or self._rank(group) > self._rank(best):
                self._best[pool] = group

    def _rank(self, group: list) -> tuple[int, bool, int]:
        """How a place of a pool ranks: mentions so far, then not named in passing (once in the
        whole text), then the latest."""
        return group[0], self.total.get(_key(group[2].target.name), 0) > 1, group[2].start

    def last(self, kind: str) -> _Target | None:
        """The target of the last mention of ``kind`` so far."""
        found = self._last.get(kind)
        return found[1].target if found else None

    def city_in_paragraph(self, position: int) -> _Target | None:
        """The city named last before ``position``, if in its paragraph."""
        found = self._recent.get("city")
        if found is None or self._paragraph_start(position) > found.start:
            return None
        return found.target

    def _paragraph_start(self, position: int) -> int:
        k = bisect.bisect_right(self._breaks, position) - 1
        return self._breaks[k] if k >= 0 else 0

    def recent(self, pool: str, position: int, body: str) -> _Target | None:
        """The place of ``pool`` mentioned last, if in the same paragraph and within
        ``_RECENT_CHARS`` of ``position``, and not the frame a paragraph opens with ("In
        Kinshasa, the spokeswoman said ... around the city": the city is the one of the story)."""
        found = self._recent.get(pool)
        if found is None or position - found.end > _RECENT_CHARS:
            return None
        if "\n" in body[found.end : position]:
            return None
        if _is_frame(body, found) and not _described_here(body, found.end, position):
            return None
        if _LISTED_AFTER_RE.search(body, max(0, found.start - 30), found.start):
            return None  # "flights to Kabul and Kandahar ..., agents in the city said": which?
        if _ORIGIN_BEFORE_RE.search(body, max(0, found.start - 30), found.start):
            # "police sent from Baghdad took up positions at the entrances to the city": where
            # they came from; the city is the story's, unless that is the only one
            best = self.most_mentioned(pool)
            return found.target if best is None or best is found.target else None
        if pool == "city" and found.target.note.startswith("approximate"):
            # "In Gusau, people who fled villages around Dansadau ... the edge of the city": a
            # settlement the gazetteer lacks is no city; the paragraph's opening city is
            frame = self._frame_city(self._paragraph_start(position), found.start, body)
            if frame is not None:
                return frame
        return self._paragraphs_own(pool, position, found) or found.target

    def _frame_city(self, start: int, end: int, body: str) -> _Target | None:
        """The city of the gazetteer or database a paragraph opens with as its frame ("In
        Gusau, ..."), named between ``start`` and ``end``."""
        for mention in self.mentions:
            inside = start <= mention.start < end and mention.target.kind == "city"
            if inside and not mention.target.note and _is_frame(body, mention):
                return mention.target
        return None

    def _paragraphs_own(self, pool: str, position: int, found: _Mention) -> _Target | None:
        """ "Hodeidah, Yemen's fourth-largest city ... an agreement signed in Stockholm was
        meant to demilitarise the city": the place the paragraph opens with, named again
        elsewhere, rather than one the whole text names only once, in passing."""
        opener = self._openers.get((pool, self._paragraph_start(position)))
        if opener is None or opener is found or self.total.get(_key(found.target.name), 0) > 1:
            return None
        return opener.target if self.total.get(_key(opener.target.name), 0) > 1 else None

    def most_mentioned(self, pool: str, but: _Target | None = None) -> _Target | None:
        """The place of ``pool`` mentioned most so far (the latest on a tie), other than ``but``."""
        best = self._best.get(pool)
        if best is not None and but is not None and _key(best[2].target.name) == _key(but.name):
            others = [g for name, g in self._groups.get(pool, {}).items() if name != _key(but.name)]
            best = max(others, key=self._rank, default=None)
        return best[2].target if best else None

    def first(self, key: str, kind: str) -> _Target | None:
        """The target of the first mention (of all, in ``mentions``' order) of ``key``, ``kind``."""
        return self._first.get((key, kind))

    def same(self, target: _Target) -> _Target:
        """The first mention's target with ``target``'s name and kind, else ``target``."""
        return self.first(_key(target.name), target.kind) or target


def _named_counts(mentions: list[_Mention], body: str) -> dict[str, int]:
    """How often each place is named (not by a generic noun, nor in the dateline) in the text."""
    counts: dict[str, int] = {}
    for mention in mentions:
        if mention.rule != "place.anaphora" and not _is_dateline(body, mention):
            name = _key(mention.target.name)
            counts[name] = counts.get(name, 0) + 1
    return counts


def _opens_paragraph(body: str, mention: _Mention) -> bool:
    """A place named by the first word of a paragraph, not a dateline's."""
    starts = mention.start == 0 or body[mention.start - 1] == "\n"
    return starts and mention.rule != "place.anaphora" and not _is_dateline(body, mention)


def _is_dateline(body: str, mention: _Mention) -> bool:
    """ "AIZAWL, India -": a place in capitals at a line's start, where the reporter files from."""
    at_line_start = mention.start == 0 or body[mention.start - 1] == "\n"
    return at_line_start and body[mention.start : mention.end].isupper()


def _described_here(body: str, end: int, position: int) -> bool:
    """ "In Orikhiv, where fewer than 1,000 of the town's residents remain": the frame's own
    relative clause, in the same sentence, describes the frame's place."""
    return body.startswith(", where ", end) and ". " not in body[end:position]


def _is_frame(body: str, mention: _Mention) -> bool:
    """ "In Kinshasa, ...": the place a paragraph opens with, set off by a comma."""
    before = body[max(0, mention.start - 4) : mention.start]
    return body[mention.end : mention.end + 1] == "," and bool(_FRAME_RE.search(before))


def _anaphora(ctx: _Context) -> None:
    """Generic nouns that stand for a place named before; never one alone."""
    earlier = _Earlier(ctx.mentions, ctx.body)
    known_cities: dict[str, _Target] = {}
    for target in ctx.known_targets.values():
        if target.kind == "city":
            known_cities.setdefault(_key(target.name), target)
    for m in _ANAPHORA_RE.finditer(ctx.body):
        s, e = m.start(1), m.end(1)
        if not ctx.free(s, e):
            continue
        earlier.advance(m.start())
        prev = earlier.prev
        if prev is None:
            continue
        found = _antecedent(ctx.body, m, prev, earlier, ctx.gaz, known_cities)
        if found is not None:
            ctx.take(s, e, found[0], found[1])
            earlier.appended()


def _antecedent(
    body, m, prev: _Mention, earlier: _Earlier, gaz, known_cities
) -> tuple[_Target, str] | None:
    """What the anaphor ``m`` ("the city", "the regional capital") refers to, and the rule."""
    noun = m.group(1).casefold()
    # "Yangon, the commercial capital,": an appositive names the place itself
    # ("Parachinar, the district's main town": the district is another place)
    appositive = _COMMA_GAP_RE.fullmatch(body, prev.end, m.start()) is not None
    if appositive and prev.target.kind == "city" and not body.startswith(("'s", "’s"), m.end()):
        if "capital" in noun:
            earlier.capitals.setdefault(noun, prev.target)
        return prev.target, "place.anaphora"
    if "capital" in noun:
        # "Myitkyina, the state capital, ... the state capital": the city so named before
        target = earlier.capitals.get(noun) or _capital(noun, earlier, gaz, known_cities, m.start())
        return (target, "place.anaphora.capital") if target is not None else None
    capital = prev.target.capital if prev.target.kind == "region" else None
    if noun == "city" and capital is not None and "." not in body[prev.end : m.start()]:
        # "no family in Herat province and stay on in the city": the region's seat
        return earlier.same(capital), "place.anaphora"
    if noun == "department" and earlier.office_at < m.start():
        return None  # "the state home department ... an official of the department": an office
    target = _in_pool(body, m, noun, prev, earlier, gaz)
    return (target, "place.anaphora") if target is not None else None


def _in_pool(body: str, m, noun: str, prev: _Mention, earlier: _Earlier, gaz) -> _Target | None:
    """The place of the noun's pool that "the town", "the province" at ``m`` refers to."""
    pool = _ANAPHOR_POOL[noun]
    # "the district": a region the article called a district, before any other region
    named = f"region:{noun}"
    if noun in _NAMED_ONLY:
        # "the state" and "the county" only for a region the article called so, and "the
        # state" only where it is a place, not the government
        if noun == "state" and not _state_as_place(body, m.start(), m.end()):
            return None
        return earlier.recent(named, m.start(), body) or earlier.most_mentioned(named)
    target = earlier.recent(named, m.start(), body) or earlier.most_mentioned(named)
    if _LOCATED_BY_RE.fullmatch(body, prev.end, m.start()):
        # "Bara, about 60 km north of the city": the place just named is the one located, the
        # city is the one the story is about
        return target or earlier.most_mentioned(pool, but=prev.target)
    if target is None:
        target = earlier.recent(pool, m.start(), body) or earlier.most_mentioned(pool)
        if (
            noun in {"town", "village"}
            and target is not None
            and not earlier.in_text.get(_key(target.name))
        ):
            # "AIZAWL, India - Jets bombed Falam ... in the town": a town named only in the
            # dateline is where the reporter is; the story's town is one the gazetteer lacks
            target = None
    if noun in _DIVISION_NOUNS:
        # "curfew in Kirkuk ... troops across the province": no region named, or only one
        # across the border ("into Apure, in Venezuela"): the division of the story's city
        city = earlier.most_mentioned("city")
        if target is None or (city is not None and target.country_code != city.country_code):
            target = _division_of(city, noun, gaz) or target
    return target


# a government's department named before "the department": the office, no place
_OFFICE_DEPARTMENT_RE = re.compile(
    r"\b(?:home|health|education|interior|police|fire|justice|defen[cs]e|foreign|finance|"
    r"agriculture|water|transport|forestry|revenue|information|planning|relief) department\b",
    re.IGNORECASE,
)

# nouns for a first-level division, which the story's city lies in when the text names none
_DIVISION_NOUNS = frozenset({"province", "governorate", "oblast", "department", "prefecture"})


def _division_of(city: _Target | None, noun: str, gaz) -> _Target | None:
    """The first-level division ``city`` lies in, called after it ("Kirkuk Governorate") and
    centred where the gazetteer has it; None when the gazetteer does not place the city in one."""
    if city is None or gaz is None:
        return None
    same = [
        e for e in gaz.lookup(city.name) if e.kind == "city" and e.country_code == city.country_code
    ]
    region = gaz.region_of(same[0]) if same else None
    if region is None:
        return None
    name = f"{city.name} {noun.title()}"
    return _Target(name, region[0], region[1], "region", city.country_code, True, capital=city)


# nouns that also name a government or an office ("the state will not give up", "county
# officials"): they refer back only to a region the article named with that very word
_NAMED_ONLY = frozenset({"state", "county"})
# "across the state", "troops sent to the state": a place; "asked the state", "agents of the
# state": the government
_PLACE_PREPOSITION_RE = re.compile(
    r"\b(?:in|across|throughout|into|to|from|around|within|outside|over|through|near|beyond|"
    r"(?:north|south|east|west|rest|part|parts|centre|center) of)\s+$",
    re.IGNORECASE,
)
# "the state's farmers", "the state's capital", "14 of the state's 17 townships" (not "the
# state's Community Protection Guards", a body of its government)
_POSSESSIVE_PLACE_RE = re.compile(r"['’]s\s+[a-z\d]")


def _state_as_place(body: str, start: int, end: int) -> bool:
    """Whether "the state" at ``start:end`` is a place, by the words around it."""
    if _POSSESSIVE_PLACE_RE.match(body, end):
        return True
    return _PLACE_PREPOSITION_RE.search(body, max(0, start - 12), start) is not None


# what sits between a place and "the city" when it is placed by its distance from that city:
# "Bara, about 60 km north of the city" (not "villages west of the city", after Bahir Dar)
_LOCATED_BY_RE = re.compile(
    r",?\s+(?:(?:about|some|roughly|nearly|around|just)\s+)?[\d,.]+\s*(?:km|kilometres|"
    r"kilometers|miles)\s+(?:north|south|east|west|north-?east|north-?west|south-?east|"
    r"south-?west)\s+of\s+",
    re.IGNORECASE,
)


def _capital(noun: str, earlier: _Earlier, gaz, known_cities, position: int) -> _Target | None:
    """ "the regional capital": the seat of the last region; "the capital": a country's capital
    its paragraph named last, else the last country's."""
    if noun in {"regional capital", "provincial capital", "state capital", "district capital"}:
        region = earlier.last("region")
        if region is None:
            return None
        capital = region.capital or _capital_of_known(region, earlier, known_cities)
        return earlier.same(capital) if capital is not None else None
    country = earlier.last("country") if noun == "capital" else None
    if country is None or gaz is None:
        return None
    city = earlier.city_in_paragraph(position)
    seat = gaz.capital_of(city.country_code) if city is not None else None
    if city is not None and seat is not None and _key(seat.name) == _key(city.name):
        return city  # "Yerevan agreed to hand back ... to Azerbaijan ... in the capital"
    entry = gaz.capital_of(country.country_code)
    if entry is None:
        return None
    return earlier.same(
        _Target(entry.name, entry.latitude, entry.longitude, "city", entry.country_code, True)
    )


def _capital_of_known(region: _Target, earlier: _Earlier, known_cities) -> _Target | None:
    stem = _key(re.sub(rf"\s+{_REGION_SUFFIX}$", "", region.name, flags=re.IGNORECASE))
    return earlier.first(stem, "city") or known_cities.get(stem)
