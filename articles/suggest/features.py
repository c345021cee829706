"""Places the gazetteer lacks, found by the words around them, and placed near what the article
names: "Lake Kivu", "the Moei River", "South Kivu province", "Shan State", "the Bab al-Hawa
border crossing", "Mozes Kilangin Airport"; and the bare names the article defined that way."""

from __future__ import annotations

import bisect
import re

from .. import gazetteer as gazetteer_module
from .disambiguation import _SMALL, _choose, _in_longer_name
from .targets import _Context, _Mention, _Target
from .vocabulary import _STOP_CAPS, _key, _wordset

_FEATURE_SUFFIX = r"(?:River|Dam|Bridge|Lake|Mountains|Valley|Strait|Bay|Gulf|Pass|Airport)"

# a word of a place's name: "Kivu", "al-Hawa", "Táchira"; and the particles inside one
_WORD = r"(?:[A-Z][\w’'-]*|(?:al|el|ad|as|ar|an|ash|at|az)-[A-Z]?[\w’'-]+)"
_NAME = rf"{_WORD}(?:\s+(?:(?:de|del|da|do|dos|la)\s+)?{_WORD}){{0,3}}"

_REGION_WORDS = (
    r"province|state|region|oblast|district|regency|department|governorate|county|prefecture|"
    r"territory"
)
_REGION_WORD_IN_NAME_RE = re.compile(rf"\b(?:{_REGION_WORDS.title()})\b")
_REGION_SUFFIX_RE = re.compile(rf"({_NAME})\s+((?i:{_REGION_WORDS}))\b")
_CROSSING_RE = re.compile(rf"({_NAME})\s+((?i:border\s+crossing|crossing|corridor))\b")
# "the village of Kafr Latah", "Synkivka, a village north of Kupiansk", "Lomba, a fishing
# village" (what kind of place by its trade or site, not "a dusty town"), and "Parachinar, the
# district's main town", "Stepanakert, the region's main city" (not "X, the town's mayor")
_SETTLEMENT_RE = re.compile(
    rf"\b(?:town|village|hamlet|settlement|city)s? of ({_NAME})|({_NAME}), an? (?:small )?"
    r"(?:(?:market|farming|fishing|mining|trading|border|frontier|hill|desert|garrison) )?"
    r"(?:village|town|hamlet|settlement)\b|"
    rf"({_NAME}), the (?:(?:district|region|province|state|area)['’]s )?"
    r"(?:main|largest|biggest|chief) (?:town|city)\b(?!['’])|"
    # "near Sinuni, north of the mountain", "Lyptsi, 20 km north of Kharkiv"
    rf"({_NAME}), (?:just |about |some )?(?:\d+ (?:km|kilometres|kilometers|miles) )?"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:-\w+)? of\b"
)
_NAMED_FACILITY_RE = re.compile(rf"({_NAME})\s+((?:International\s+)?(?:Airport|Bridge))\b")

# words that start no place's name: "Northern Shan State" is Shan State; "Islamic State" no place
_NOT_NAME_WORDS = _wordset(
    """
    northern southern eastern western northeastern northwestern southeastern southwestern
    central-eastern islamic free sovereign member nation welfare police secretary head deep
    rogue failed buffer client home border main new old greater military first second third
    fourth fifth sixth seventh eighth ninth tenth
    """
)

_COMPASS = frozenset({"north", "south", "east", "west", "central"})
# a word describing the name after it: "English-speaking", "Pakistan-administered"
_DESCRIBING_RE = re.compile(
    r"-(?:speaking|majority|dominated|controlled|held|populated|administered|occupied)$"
)

_FEATURE_KINDS = {
    "river": "river",
    "dam": "facility",
    "bridge": "facility",
    "lake": "lake",
    "mount": "mountain",
    "mt.": "mountain",
    "gulf": "sea",
    "bay": "sea",
    "airport": "facility",
}


class _Anchors:
    """The city and facility mentions by position (and, apart, regions and the cities of the
    article's country), and where the body has ". " and line breaks, so the mention nearest a
    feature in its sentence is found by bisection, not by a look at every mention and a search
    back through the body for the sentence's start."""

    def __init__(self, ctx: _Context):
        self.body, self.mentions, self.ctx = ctx.body, ctx.mentions, ctx
        self.stops = [m.start() for m in re.finditer(r"\. ", ctx.body)]
        self.breaks = [m.start() for m in re.finditer(r"\n", ctx.body)]
        # (start, order found, mention): the order breaks a tie between two as near
        self.by_start: list[tuple[int, int, _Mention]] = []
        self.regions: list[tuple[int, int, _Mention]] = []
        self.in_focus: list[tuple[int, int, _Mention]] = []
        self.focus_counts: dict[str, list] = {}  # name -> [mentions, first start, its target]
        for i, x in enumerate(ctx.mentions):
            self._add(i, x, bisect.insort)

    def _add(self, i: int, x: _Mention, put) -> None:
        kind = x.target.kind
        dateline = self.body[x.start : x.end].isupper()  # where the reporter is, not the story
        if kind in {"city", "facility"} and not dateline:
            put(self.by_start, (x.start, i, x))
        if kind == "city" and x.target.country_code == self.ctx.focus:
            put(self.in_focus, (x.start, i, x))
            count = self.focus_counts.setdefault(x.target.name, [0, x.start, x.target])
            count[0] += 1
            if x.start < count[1]:  # the first mention in the text stands for the name
                count[1], count[2] = x.start, x.target
        elif kind == "region" and not x.target.note:
            put(self.regions, (x.start, i, x))

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

    def nearest(self, s: int, e: int, among=None) -> _Target | None:
        """The target of the city or facility mention in s:e's sentence that starts nearest s
        (the one found first when two are as near)."""
        pool = self.by_start if among is None else among
        lo, hi = self.sentence(s, e)
        k = bisect.bisect_left(pool, (s,))
        near = [x for x in pool[max(0, k - 1) : k + 1] if lo <= x[0] < hi]
        if not near:
            return None
        return min(near, key=lambda x: (abs(x[0] - s), x[1]))[2].target

    def before(self, s: int, e: int) -> _Target | None:
        """The city or facility named last before ``s`` in its sentence, else the sentence's
        region nearest ``s`` (a site listed before another town's is not at that town)."""
        lo = self.sentence(s, e)[0]
        k = bisect.bisect_left(self.by_start, (s,))
        if k > 0 and self.by_start[k - 1][0] >= lo:
            return self.by_start[k - 1][2].target
        return self.nearest(s, e, self.regions)

    def around(self, s: int, e: int, after: bool = True, before: bool = True) -> _Target | None:
        """The nearest city in the sentence, else its nearest region the gazetteer placed (with
        ``after`` false: only what ``before`` finds; with ``before`` false too: neither); else
        the city of the article's country the article names most (its dateline's, often); else
        the last city named before; else the country itself."""
        found = (self.nearest(s, e) or self.nearest(s, e, self.regions)) if after else None
        found = found or (self.before(s, e) if before else None)
        if found is not None:
            return found
        if self.in_focus:
            return self._most_named_in_focus()
        k = bisect.bisect_left(self.by_start, (s,))
        if k > 0:
            return self.by_start[k - 1][2].target
        focus = self.ctx.focus
        country = self.ctx.gaz.countries.get(focus) if self.ctx.gaz is not None else None
        if country is None:
            return self.by_start[0][2].target if self.by_start else None
        return _Target(country.name, country.latitude, country.longitude, "country", focus, False)

    def _most_named_in_focus(self) -> _Target:
        """The city of the article's country named most often (the first in the text of those)."""
        return max(self.focus_counts.values(), key=lambda c: (c[0], -c[1]))[2]

    def taken(self) -> None:
        """Take in the mention just added to ``mentions``."""
        self._add(len(self.mentions) - 1, self.mentions[-1], bisect.insort)


def _clean_name(ctx: _Context, m: re.Match, group: int = 1) -> tuple[int, str] | None:
    """The start and words of the name in ``m``'s group, without the words that start no name
    ("In", "Northern", "Russian"), or None when nothing is left or it is taken already."""
    s = m.start(group)
    words = list(re.finditer(r"\S+", m.group(group)))
    demonyms = ctx.gaz.demonyms if ctx.gaz is not None else frozenset()
    while words:
        low = words[0].group().casefold()
        common = low in gazetteer_module.COMMON_WORDS and low not in _COMPASS and len(words) > 1
        possessive = low.endswith(("'s", "’s")) and len(words) > 1  # "Sudan's West Darfur"
        # "English-speaking North-West region", "Kurdish-majority Sinjar district"
        described = len(words) > 1 and bool(_DESCRIBING_RE.search(low))
        no_name = low in _STOP_CAPS or low in _NOT_NAME_WORDS or low in demonyms
        if no_name or common or possessive or described:
            words = words[1:]
        else:
            break
    if not words:
        return None
    start = s + words[0].start()
    name = ctx.body[start : m.end(group)]
    if name.casefold() in gazetteer_module.COMMON_WORDS or not ctx.free(start, m.end(group)):
        return None
    return start, name


def _placed(ctx: _Context, anchors: _Anchors, s: int, e: int, name: str, kind: str, **kw):
    anchor = anchors.around(s, e)
    return None if anchor is None else _near(ctx, anchor, name, kind, **kw)


def _near(ctx: _Context, anchor: _Target, name: str, kind: str, **kw) -> _Target:
    note = f"approximate: placed at {anchor.name}, named nearby"
    code = anchor.country_code or ctx.focus
    return _Target(name, anchor.latitude, anchor.longitude, kind, code, True, note=note, **kw)


def _region_suffixes(ctx: _Context, anchors: _Anchors) -> None:
    """ "South Kivu province", "West Darfur state", "Shan State": a region the gazetteer lacks,
    named without its region word (the phrase is an alias); "Shan State Army" is no place."""
    for m in _REGION_SUFFIX_RE.finditer(ctx.body):
        found = _clean_name(ctx, m)
        if found is None or _in_longer_name(ctx.body, m.start(2), m.end(2)):
            continue
        if _REGION_WORD_IN_NAME_RE.search(m.group(1)):
            continue  # "Islamic State West Africa Province": an organisation's name
        s, name = found
        whole = ctx.body[s : m.end()]
        if m.group(2)[:1].isupper():  # "Shan State", "Rivers State": the word is of the name
            name, whole = whole, name
        target = _placed(ctx, anchors, s, m.end(), name, "region", aliases=(whole,))
        if target is not None:
            _define(ctx, anchors, s, m.end(), target, "place.region-suffix")


# "in North Waziristan", "stronghold in West Kordofan": a compass part of a region, after a
# word that puts it on the map, the whole name no entry of the gazetteer's
_COMPASS_REGION_RE = re.compile(
    r"\b(?:in|from|of|across|into|near)\s+((?:North|South|East|West)\s+([A-Z][a-z][\w’'-]+))"
    r"\b(?![\w’'-])(?!\s+[A-Z])"
)


def _compass_regions(ctx: _Context, anchors: _Anchors) -> None:
    """ "North Waziristan", "West Kordofan": a region the gazetteer lacks, named as a compass
    part of another; placed at that region when the gazetteer has it, else near what the
    article names (approximately); its later bare mentions are the region too."""
    if ctx.gaz is None:
        return
    for m in _COMPASS_REGION_RE.finditer(ctx.body):
        s, e = m.span(1)
        name = " ".join(m.group(1).split())
        if not ctx.free(s, e) or name in ctx.gaz or name in ctx.learned:
            continue
        whole = [x for x in ctx.gaz.lookup(m.group(2)) if x.kind == "region"]
        if whole:
            part = whole[0]
            note = f"approximate: placed at the centre of {part.name}, which it is a part of"
            code = part.country_code or ctx.focus
            target = _Target(
                name, part.latitude, part.longitude, "region", code, True, note=note,
                feature="part",
            )  # fmt: skip
        else:
            target = _placed(ctx, anchors, s, e, name, "region", feature="part")
        if target is not None:
            _define(ctx, anchors, s, e, target, "place.region.compass-part")


def _crossings(ctx: _Context, anchors: _Anchors) -> None:
    """ "the Jarinje border crossing", "the Adré crossing": the crossing, by its name only."""
    for m in _CROSSING_RE.finditer(ctx.body):
        found = _clean_name(ctx, m)
        if found is None:
            continue
        s, name = found
        feature = "corridor" if m.group(2).casefold() == "corridor" else "crossing"
        whole = " ".join(ctx.body[s : m.end()].split())  # "Lachin corridor": its name too
        town = _border_town(ctx, name) if feature == "crossing" else None
        if town is not None:  # "the Adre border crossing": at the town of Adré, in Chad
            note = f"coordinates of {town.name}, the town it is named after"
            target = _Target(
                name, town.latitude, town.longitude, "facility", town.country_code, True,
                (whole,), note, feature=feature,
            )  # fmt: skip
        else:
            target = _placed(
                ctx, anchors, s, m.end(1), name, "facility", feature=feature, aliases=(whole,)
            )
        if target is not None:
            _define(ctx, anchors, s, m.end(1), target, "place.facility")


# "Abu Shouk camp", "the Zamzam displacement camp", "the Ras Isa fuel terminal", "Kamaran
# Island", "Virunga National Park": a site named by its own name and what it is
_SITE_RE = re.compile(
    rf"({_NAME})\s+((?:(?:refugee|displacement|IDP|transit)\s+)?camp|"
    r"(?:(?:oil|fuel|gas|export)\s+)?terminal|airstrip|airfield|National\s+Park|"
    r"[Ii]sland|[Pp]eninsula)\b(?!['’]s)(?!\s+(?:said|says|told)\b)"
)
_SITE_KINDS = {"terminal": "facility", "airstrip": "facility", "airfield": "facility"}


def _named_sites(ctx: _Context, anchors: _Anchors) -> None:
    """ "Abu Shouk camp", "the Ras Isa fuel terminal": a site the gazetteer lacks, placed near
    what its sentence names; its bare name later is the site too ("fled to Abu Shouk")."""
    for m in _SITE_RE.finditer(ctx.body):
        found = _clean_name(ctx, m)
        if found is None or _in_longer_name(ctx.body, m.start(2), m.end(2)):
            continue
        s, stem = found
        what = m.group(2).split()[-1].casefold()
        whole = " ".join(ctx.body[s : m.end()].split())
        kind = _SITE_KINDS.get(what, "other")
        if what == "park":  # a park is large: only where its own sentence names a place
            anchor = anchors.before(s, m.end()) or anchors.nearest(s, m.end())
        else:
            anchor = anchors.around(s, m.end(), after=False)
        if anchor is not None:
            target = _near(ctx, anchor, whole, kind, feature=what, aliases=(stem,))
            _define(ctx, anchors, s, m.end(), target, "place.site")
            ctx.learned.setdefault(stem, (target, "place.repeat"))


# "National Road 2", "Route Nationale 1", "Federal Highway 15": a road by its number (a road
# by its name alone, "the Highlands Highway", or by a code, "the M2 highway", is placed too
# far from where the story is on it as often as not)
_ROAD_RE = re.compile(
    r"\b(?:(?:National|Federal|State|Provincial|Regional)\s+(?:Road|Highway|Route)|"
    r"Route\s+Nationale|Highway)\s+\d{1,4}[A-Z]?\b"
)


def _named_roads(ctx: _Context, anchors: _Anchors) -> None:
    """A road by its number, placed (only approximately) at the city of the article's country
    named before it in its sentence, else at the story's city."""
    for m in _ROAD_RE.finditer(ctx.body):
        s, e = m.span()
        if not ctx.free(s, e) or _in_longer_name(ctx.body, s, e):
            continue
        anchor = anchors.before(s, e)
        if anchor is None or (ctx.focus and anchor.country_code != ctx.focus):
            anchor = anchors.around(s, e, after=False, before=False)
        if anchor is not None:
            target = _near(ctx, anchor, " ".join(m.group().split()), "facility", feature="road")
            _define(ctx, anchors, s, e, target, "place.road")


def _border_town(ctx: _Context, name: str):
    """The gazetteer's town ``name`` in a country the article names, if exactly one."""
    if ctx.gaz is None or name not in ctx.gaz:
        return None
    towns = [
        e for e in ctx.gaz.lookup(name) if e.kind == "city" and e.country_code in ctx.mentioned
    ]
    return towns[0] if len(towns) == 1 else None


# a preposition that puts what follows on the map: "villages near Huliaipole", "west of
# Huliaipole", "pulled out of Kiwanja", "between Mala Tokmachka and Orikhiv"
_LOCATIVE_RE = re.compile(
    r"\b(?:[Ii]n|(?i:near|around|outside)|into|towards|toward|through|across|out of|"
    r"(?:sent|fled|returned|travelled|traveled|moved) to|"
    r"(?:north|south|east|west)(?:-?(?:east|west))? of)\s+([A-Z][a-z][\w’'-]*)\b(?![\w’'-])"
    r"(?!\s+[A-Z])(?:(?:,|\s+and|\s+or)\s+([A-Z][a-z][\w’'-]*)\b(?![\w’'-])(?!\s+[A-Z]))?"
)
_LOCATED_TIMES = 3  # how often a name must be placed so before it counts as a town


def _often_located(ctx: _Context, anchors: _Anchors) -> None:
    """A single name the gazetteer lacks that the text puts after "in", "near", "west of" at
    least three times ("Huliaipole"): a town, placed near what the article names; its other
    mentions are the town too."""
    counts: dict[str, list[tuple[int, int]]] = {}
    demonyms = ctx.gaz.demonyms if ctx.gaz is not None else frozenset()
    for m in _LOCATIVE_RE.finditer(ctx.body):
        for group in (1, 2):  # "near Huliaipole and Orikhiv": both
            name = m.group(group)
            if name is None:
                continue
            low = name.casefold()
            if low in _STOP_CAPS or low in gazetteer_module.COMMON_WORDS or low in demonyms:
                continue
            if name in ctx.learned or not ctx.free(*m.span(group)):
                continue
            counts.setdefault(name, []).append(m.span(group))
    for name, spans in counts.items():
        if len(spans) < _LOCATED_TIMES:
            continue
        s, e = spans[0]
        target = _placed(ctx, anchors, s, e, name, "city")
        if target is not None:
            _define(ctx, anchors, s, e, target, "place.settlement.located")


def _settlements(ctx: _Context, anchors: _Anchors) -> None:
    """A town or village the gazetteer lacks, named as one: placed near the article's cities."""
    for m in _SETTLEMENT_RE.finditer(ctx.body):
        group = next(g for g in (1, 2, 3, 4) if m.group(g))
        found = _clean_name(ctx, m, group)
        if found is None:
            continue
        s, name = found
        e = m.end(group)
        target = _placed(ctx, anchors, s, e, name, "city")
        if target is not None:
            _define(ctx, anchors, s, e, target, "place.settlement")


# "near Mandouri, in the Kpendjal prefecture", "from Mazamari, in the Junín region", "near
# Rueso in Narathiwat province": a town the gazetteer lacks, in a division it has
_LOCATED_IN_RE = re.compile(
    rf"\b(?:near|from|at|in|of) ({_NAME}),? in (?:the )?({_NAME}) (?:{_REGION_WORDS})\b"
)


def _located_settlements(ctx: _Context, anchors: _Anchors) -> None:
    """A town named as lying in a division the article's mentions placed: placed there (only
    approximately: at the division's centre); not when the division is placed only roughly."""
    for m in _LOCATED_IN_RE.finditer(ctx.body):
        found = _clean_name(ctx, m)
        container = next(
            (x for x in ctx.mentions if x.start < m.end(2) and m.start(2) < x.end), None
        )
        if found is None or container is None or container.target.note:
            continue
        s, name = found
        within = container.target
        note = f"approximate: placed at the centre of {within.name}, which the text says it is in"
        code = within.country_code or ctx.focus
        target = _Target(name, within.latitude, within.longitude, "city", code, True, note=note)
        _define(ctx, anchors, s, m.end(1), target, "place.settlement")


# "villages around the city, including Misterei and Murnei", "towns such as X, Y and Z"
_LISTED_RE = re.compile(
    r"\b(?:villages|towns|hamlets|settlements)\b[^.\n]{0,60}?\b(?:including|such as)\s+"
)
_LIST_ITEM_RE = re.compile(rf"({_NAME})(?:,\s+(?:and\s+)?|\s+and\s+|\s+or\s+)?")


def _listed_settlements(ctx: _Context, anchors: _Anchors) -> None:
    """The towns or villages a list names after "villages ... including": each a settlement
    (those the gazetteer has are taken already)."""
    for m in _LISTED_RE.finditer(ctx.body):
        at = m.end()
        while (item := _LIST_ITEM_RE.match(ctx.body, at)) is not None and item.end() > at:
            found = _clean_name(ctx, item)
            if found is not None:
                s, name = found
                target = _placed(ctx, anchors, s, item.end(1), name, "city")
                if target is not None:
                    _define(ctx, anchors, s, item.end(1), target, "place.settlement")
            if item.end() == item.end(1):
                break  # no separator after the name: the list ends
            at = item.end()


def _define(ctx: _Context, anchors: _Anchors, s: int, e: int, target: _Target, rule: str):
    ctx.take(s, e, target, rule)
    anchors.taken()
    ctx.learned.setdefault(target.name, (target, "place.repeat"))


def _named_facilities(ctx: _Context) -> list[tuple[int, int, str]]:
    """ "Sanaa International Airport", "Simón Bolívar International Bridge": reserved before the
    gazetteer is read (their words are no places of their own), placed by ``_place_reserved``."""
    found = []
    for m in _NAMED_FACILITY_RE.finditer(ctx.body):
        cleaned = _clean_name(ctx, m)
        if cleaned is None:
            continue
        s = cleaned[0]
        ctx.mark(s, m.end())
        found.append((s, m.end(), ctx.body[s : m.end()]))
    return found


def _place_reserved(ctx: _Context, anchors: _Anchors, reserved) -> None:
    for s, e, name in reserved:
        feature = "airport" if name.endswith("Airport") else "bridge"
        known = ctx.known_by_key.get(_key(name))
        target = (
            known
            or _at_named_city(ctx, name, feature)
            or _placed(ctx, anchors, s, e, name, "facility", feature=feature)
        )
        if target is not None:
            rule = "place.known" if known else "place.facility"
            ctx.mentions.append(_Mention(s, e, target, rule))
            anchors.taken()
            ctx.learned.setdefault(name, (target, "place.repeat"))


_FACILITY_WORDS_RE = re.compile(r"\s+(?:International\s+)?(?:Airport|Bridge)$")


def _at_named_city(ctx: _Context, name: str, feature: str) -> _Target | None:
    """ "Herat International Airport": at the city its name is, in a country the article names;
    "Zvartnots International Airport", named after no city the gazetteer has:
    at the capital of the article's country, where most international airports are."""
    if ctx.gaz is None:
        return None
    stem = _FACILITY_WORDS_RE.sub("", name)
    entry = _choose(ctx.gaz, stem, ctx.context, True, ctx.focus) if stem in ctx.gaz else None
    note = f"coordinates of {entry.name}, the city it is named after" if entry else ""
    # (a town in a country the article does not name is a namesake: "Simón Bolívar" in Ecuador)
    if entry is None or entry.kind != "city" or entry.country_code not in ctx.mentioned:
        capital = ctx.gaz.capital_of(ctx.focus) if ctx.focus else None
        if capital is None or not name.endswith("International Airport"):
            return None
        entry, note = capital, f"approximate: placed at {capital.name}, the country's capital"
    return _Target(
        name, entry.latitude, entry.longitude, "facility", entry.country_code, True,
        note=note, feature=feature,
    )  # fmt: skip


_QUALIFIER_BEFORE_RE = re.compile(r"(?<![\w-])(?:North|South|East|West|Upper|Lower|Middle) $")


def _repeats(ctx: _Context) -> None:
    """Later (or earlier) bare uses of a name the article defined: "South Kivu", "Jarinje"."""
    if not ctx.learned:
        return
    forms = sorted(ctx.learned, key=len, reverse=True)
    pattern = "|".join(re.escape(f) for f in forms)
    # a village the gazetteer has by the name the article gave a region: the region
    villages = {
        (m.start, m.end): i
        for i, m in enumerate(ctx.mentions)
        if m.rule == "place.gazetteer.city" and m.target.population < _SMALL
    }
    for m in re.finditer(rf"(?<![\w-])(?:{pattern})(?![\w-])", ctx.body):
        target, rule = ctx.learned[m.group()]
        if m.span() in villages:
            ctx.mentions[villages[m.span()]] = _Mention(m.start(), m.end(), target, rule)
        elif ctx.free(m.start(), m.end()) and not _in_longer_name(ctx.body, *m.span()):
            if _QUALIFIER_BEFORE_RE.search(ctx.body, max(0, m.start() - 8), m.start()):
                continue  # the "Shabelle" of "Middle Shabelle": another place
            ctx.take(m.start(), m.end(), target, rule)


def _unknown_features(ctx: _Context, anchors: _Anchors) -> None:
    """ "the Moei River", "Lake Kivu": a named feature the gazetteer lacks, placed near what its
    sentence names (else near the article's places)."""
    for m in re.finditer(r"\b(Lake|Mount|Mt\.|River|Gulf of|Bay of)\s+([A-Z][\w-]+)\b", ctx.body):
        _unknown_feature(ctx, m, m.group(1).split()[0], anchors)
    pattern = rf"\b([A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)\s+({_FEATURE_SUFFIX})\b"
    for m in re.finditer(pattern, ctx.body):
        _unknown_feature(ctx, m, m.group(2), anchors)


def _unknown_feature(ctx: _Context, m: re.Match, feature: str, anchors: _Anchors) -> None:
    s, e = m.start(), m.end()
    if not ctx.free(s, e) or m.group(1).casefold() in gazetteer_module.COMMON_WORDS:
        return
    if m.group(1).split()[0].casefold() in _STOP_CAPS or _in_longer_name(ctx.body, s, e):
        return
    kind = _FEATURE_KINDS.get(feature.casefold(), "feature")
    target = _placed(ctx, anchors, s, e, m.group(), kind, feature=feature.casefold())
    if target is not None:
        _define(ctx, anchors, s, e, target, "place.feature")
        stem = m.group(1) if feature[:1].isupper() and m.group(2) == feature else None
        if stem and kind == "river":  # "the Ibar River", later "the Ibar"
            ctx.learned.setdefault(stem, (target, "place.repeat"))
