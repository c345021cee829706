"""The gazetteer in the database, cut to one article, for the suggester.

``gazetteer_for(body)`` collects the names ``body`` may use for places (runs of words from a
capitalised one, as the suggester reads them), asks ``lookup()`` for all of them in one query,
and answers an ``articles.gazetteer.Gazetteer`` holding only the entries found, beside what the
suggester needs whatever the article (each country's capital, first-level regions' centres,
neighbours, demonyms): ``suggest_places(body, known, gazetteer=gazetteer_for(body))``.

That part is read once per process (``context()``, three queries); ``forget()`` drops it after
the gazetteer is loaded anew. Demonyms are no GeoNames data: they come from the bundle's
``demonyms.txt`` (countryinfo's).

From a full GeoNames load the suggester takes populated places, countries, first-level regions
and regions (``L``); other features (GeoNames' every stream, hill, school and hotel) only when
the bundle's hand-written list has them, as a creek named like a town would otherwise take its
mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from articles.gazetteer import COMMON_WORDS, Entry, Gazetteer

from . import Candidate, bundle, fold, lookup
from .models import GazetteerCountry, GazetteerEntry

MAX_WORDS = 8  # the longest name looked for, in words ("Bosnia and Herzegovina": 3)
# the suggester's words: "U.S.", or a letter and word characters, apostrophes and hyphens
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w'’-]*")
_APOSTROPHE = re.compile(r"['’]")
# A village's other names are too often words of other languages ("Desk" for Deszk): below this
# population, a place is found by its own name only (as in the fixture before).
MIN_ALIAS_POPULATION = 15_000
# A name's last word has a capital ("Sea of Azov", "Bab el-Mandeb") or is one of these
# ("Cabo Delgado province"): runs ending otherwise ("Kharkiv said") are not asked for.
LAST_WORDS = frozenset(
    {
        "oblast", "region", "province", "state", "governorate", "district", "county",
        "prefecture", "territory", "city", "krai", "kray", "republic", "department",
        "municipality", "parish", "division", "zone",
    }
)  # fmt: skip
COUNTRY_CODES = ("PCL", "PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCLH", "TERR")


def kind_of(feature_class: str, feature_code: str) -> str:
    """The suggester's kind of place for a GeoNames feature class and code."""
    if feature_class == "P":
        return "city"
    if feature_class == "A":
        return "country" if feature_code in COUNTRY_CODES else "region"
    if feature_class == "H":
        if feature_code.startswith("STM"):
            return "river"
        return "lake" if feature_code.startswith(("LK", "RSV")) else "sea"
    return "region"


def usable(candidate: Candidate, key: str) -> bool:
    """Whether the suggester takes this entry, found by ``key`` (see the module's doc)."""
    if candidate.feature_class == "P":
        return candidate.population >= MIN_ALIAS_POPULATION or fold(candidate.name) == key
    if bundle.is_bundled(candidate.id):
        return True
    if candidate.feature_class == "A":
        return candidate.feature_code in COUNTRY_CODES or candidate.feature_code == "ADM1"
    return candidate.feature_class == "L"


def candidate_names(body: str) -> dict[str, set[str]]:
    """The names ``body`` may call places by, as the suggester will ask for them: folded name ->
    the forms of the text (words joined by single spaces, a trailing "'s" off)."""
    tokens = list(_TOKEN.finditer(body))
    found: dict[str, set[str]] = {}

    def add(text: str) -> None:
        text = " ".join(text.split())
        key = fold(text)
        if key:
            found.setdefault(key, set()).add(text)

    for i, first in enumerate(tokens):
        if not first.group()[:1].isupper():
            continue
        for j in range(i, min(i + MAX_WORDS, len(tokens))):
            if j > i:
                gap = body[tokens[j - 1].end() : tokens[j].start()]
                if gap != "-" and not (gap.isspace() and gap):
                    break
            last = tokens[j].group()
            cut = _APOSTROPHE.search(last)
            if cut:  # "Kharkiv's", "Kharkiv’s": Kharkiv
                add(body[first.start() : tokens[j].start() + cut.start()])
            if last.lower() != last or last in LAST_WORDS:
                add(body[first.start() : tokens[j].end()])
    return found


@dataclass(frozen=True)
class Context:
    """What the suggester needs whatever the article, read once per process."""

    admin1: dict[str, tuple[float, float, str]]  # "UA.07" -> its centre and name
    demonyms: dict[str, str]  # "Ukrainian" -> "UA"
    capitals: dict[str, str]  # "UA" -> "Kyiv"
    neighbours: dict[str, tuple[str, ...]]
    capital_entries: tuple[Entry, ...]


def _demonyms() -> dict[str, str]:
    if not bundle.DEMONYMS.exists():  # pragma: no cover - it ships with the code
        return {}
    out = {}
    for line in bundle.DEMONYMS.read_text(encoding="utf-8").splitlines():
        code, _, demonym = line.partition("\t")
        if demonym:
            out[demonym] = code
    return out


_kept: list[Context] = []  # the context read, once there was a gazetteer to read


def context() -> Context:
    """The countries' capitals and neighbours, the regions' centres: three queries, once per
    process (until ``forget()``); read again while no gazetteer is loaded."""
    if not _kept:
        read = _read_context()
        if not read.capitals:
            return read
        _kept.append(read)
    return _kept[0]


def loaded() -> bool:
    """Whether the database holds a gazetteer (its countries, at least)."""
    return bool(context().capitals)


def _read_context() -> Context:
    capitals, neighbours = {}, {}
    for code, capital, borders in GazetteerCountry.objects.values_list(
        "code", "capital", "neighbours"
    ):
        if capital:
            capitals[code] = capital
        neighbours[code] = tuple(borders or ())
    admin1: dict[str, tuple[float, float, str]] = {}
    regions = (
        GazetteerEntry.objects.filter(feature_code="ADM1")
        .order_by("-id")  # GeoNames' own entry (a lower id) over the bundle's
        .values_list("country_code", "admin1_code", "latitude", "longitude", "name")
    )
    for country, code, lat, lon, name in regions:
        admin1[f"{country}.{code}"] = (lat, lon, name)
    found = lookup(capitals.values())
    entries = []
    for code, capital in capitals.items():
        cities = [c for c in found.get(fold(capital), []) if c.country_code == code]
        cities = [c for c in cities if c.feature_class == "P"]
        if cities:
            entries.append(_entry(cities[0], ()))  # the most populous
    return Context(admin1, _demonyms(), capitals, neighbours, tuple(entries))


def forget() -> None:
    """Read ``context()`` anew next time (after a load)."""
    _kept.clear()


def _entry(candidate: Candidate, aliases: Iterable[str]) -> Entry:
    kind = kind_of(candidate.feature_class, candidate.feature_code)
    return Entry(
        candidate.name,
        candidate.latitude,
        candidate.longitude,
        kind,
        candidate.country_code,
        candidate.population,
        candidate.region,
        tuple(sorted(set(aliases) - {candidate.name})),
    )


def gazetteer_for(body: str) -> Gazetteer:
    """The gazetteer ``body`` needs: one query (and ``context()`` once per process)."""
    base = context()
    names = candidate_names(body)
    found = lookup(names)
    by_id: dict[int, tuple[Candidate, set[str]]] = {}
    for key, candidates in found.items():
        # a town called "Police" or "Hope" is not what the word says (the fixture's rule)
        common = key in COMMON_WORDS
        for candidate in candidates:
            if not usable(candidate, key) or (common and candidate.feature_class == "P"):
                continue
            by_id.setdefault(candidate.id, (candidate, set()))[1].update(names[key])
    entries = [_entry(candidate, aliases) for candidate, aliases in by_id.values()]
    taken = {(e.name, e.country_code, e.kind) for e in entries}
    entries += [e for e in base.capital_entries if (e.name, e.country_code, e.kind) not in taken]
    return Gazetteer(entries, base.admin1, base.demonyms, base.capitals, base.neighbours)
