"""GeoNames' dump files as a user downloads them, read a line at a time: which kind a file is,
and each line as values ready to store. No database.

* the places: ``allCountries``, ``cities500`` (``cities1000``, ...), a country's ``XX``: a
  ``.zip`` holding the ``.txt``, or the bare ``.txt``; 19 tab-separated columns;
* ``admin1CodesASCII.txt``: ``CC.ADM1<TAB>name<TAB>asciiname<TAB>geonameid``;
* ``countryInfo.txt``: 19 columns, after ``#`` comment lines;
* ``alternateNamesV2`` (``.zip`` or ``.txt``; 10 columns, or the older ``alternateNames``' 8).

A line that is not what its kind says (columns, numbers, lengths) is a ``GeoNamesFileError``
that names the file and the line: ``cities500.zip (cities500.txt): line 12: ...``.
"""

from __future__ import annotations

import datetime
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple, TypeVar

from . import fold
from .models import ALTERNATE_NAME_LENGTH, CODE_LENGTH, LANGUAGE_LENGTH, NAME_LENGTH

COUNTRIES, REGIONS, ENTRIES, ALTERNATE_NAMES = "countries", "regions", "entries", "alternate names"
# The order files are loaded in, whatever the order given: alternate names are kept only for
# entries already there.
KINDS = (COUNTRIES, REGIONS, ENTRIES, ALTERNATE_NAMES)
ENTRY_COLUMNS = COUNTRY_COLUMNS = 19
# Files a GeoNames zip holds beside its data.
NOT_DATA = {"readme.txt", "iso-languagecodes.txt"}
# "Languages" of alternateNames that are not names: links, codes, postal codes, pronunciations.
NOT_NAMES = frozenset({"link", "wkdt", "post", "iata", "icao", "faac", "unlc", "tcid", "phon"})

T = TypeVar("T")


class GeoNamesFileError(Exception):
    """A file that cannot be loaded, or a line of it: the message names both."""


class Entry(NamedTuple):
    id: int
    name: str
    ascii_name: str
    names: dict[str, str]  # folded -> the first name that folds so: name, ascii, alternates
    feature_class: str
    feature_code: str
    country_code: str
    admin1_code: str
    population: int
    latitude: float
    longitude: float
    modified: datetime.date | None


class AlternateName(NamedTuple):
    id: int
    entry_id: int
    language: str
    name: str
    folded: str
    is_preferred: bool
    is_short: bool
    is_colloquial: bool
    is_historic: bool


class Region(NamedTuple):
    key: str
    country_code: str
    code: str
    name: str
    ascii_name: str
    geonames_id: int | None


class Country(NamedTuple):
    code: str
    iso3: str
    iso_numeric: str
    fips: str
    name: str
    capital: str
    area: float | None
    population: int
    continent: str
    tld: str
    currency_code: str
    currency_name: str
    phone: str
    postal_code_format: str
    postal_code_regex: str
    languages: list[str]
    geonames_id: int | None
    neighbours: list[str]
    equivalent_fips: str


@dataclass
class Source:
    """One file given to the command: what it is, where its text is, how big."""

    path: Path
    member: str | None  # the .txt inside a zip
    kind: str
    size: int  # bytes of text, for the progress bar

    @property
    def label(self) -> str:
        return f"{self.path} ({self.member})" if self.member else str(self.path)

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """Its text, as bytes (a zip's member, buffered for fast reading by lines)."""
        if self.member is None:
            with open(self.path, "rb") as stream:
                yield stream
            return
        with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as member:
            yield io.BufferedReader(member, buffer_size=1 << 16)  # type: ignore[type-var]


def source(path: Path) -> Source:
    """What ``path`` is, from its name and its first line; ``GeoNamesFileError`` when it is
    no GeoNames file this reads."""
    if not path.exists():
        raise GeoNamesFileError(f"{path}: no such file")
    if not path.is_file():
        raise GeoNamesFileError(f"{path}: not a regular file")
    member = None
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                member = _data_member(path, archive)
                size = archive.getinfo(member).file_size
        else:
            size = path.stat().st_size
        candidate = Source(path, member, "", size)
        with candidate.open() as stream:
            first = _first_line(stream)
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise GeoNamesFileError(f"{path}: cannot be read ({error})") from None
    candidate.kind = _kind(candidate, first.rstrip(b"\r\n").split(b"\t"))
    return candidate


def _first_line(stream: IO[bytes], most: int = 1 << 16) -> bytes:
    """The first line of data (not a comment, not blank), of at most ``most`` bytes: a file of
    anything else (no newline for gigabytes) is not read whole to find out."""
    for _ in range(1000):
        line = stream.readline(most)
        if not line or (line.strip() and line[:1] != b"#"):
            return line
    return b""


def _data_member(path: Path, archive: zipfile.ZipFile) -> str:
    """The ``.txt`` a GeoNames zip holds: the one named like the zip, or the only one."""
    texts = [n for n in archive.namelist() if n.endswith(".txt") and n not in NOT_DATA]
    named = [n for n in texts if Path(n).stem == path.stem]
    if named or len(texts) == 1:
        return (named or texts)[0]
    raise GeoNamesFileError(
        f"{path}: a GeoNames zip holds one .txt file of data; this holds "
        f"{len(texts)} ({', '.join(texts[:5]) or 'none'})"
    )


def _kind(source: Source, first: list[bytes]) -> str:
    stem = Path(source.member or source.path.name).stem
    if stem.startswith("countryInfo"):
        return COUNTRIES
    if stem.startswith("admin1Codes"):
        return REGIONS
    if stem.startswith("alternateNames") or (len(first) in (8, 10) and first[0].isdigit()):
        return ALTERNATE_NAMES
    if len(first) == ENTRY_COLUMNS and first[0].isdigit():
        return ENTRIES
    raise GeoNamesFileError(
        f"{source.label}: not a GeoNames file this loads (its places: allCountries, cities500, "
        "a country's XX, as .zip or .txt; admin1CodesASCII.txt; countryInfo.txt; "
        f"alternateNamesV2); its first line has {len(first)} tab-separated columns"
    )


class Lines:
    """A source's lines, split at tabs, with their numbers (comments and blank lines skipped),
    as a stream: ``position`` is how far into the text it has read."""

    def __init__(self, source: Source, stream: IO[bytes]):
        self.source, self.stream = source, stream
        self.number = 0  # of the line read last
        self.data_lines = 0  # lines read that are neither blank nor comments

    @property
    def position(self) -> int:
        return self.stream.tell()

    def __iter__(self) -> Iterator[list[str]]:
        for raw in self.stream:
            self.number += 1
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                raise self.error("not UTF-8") from None
            if not line.strip() or line.startswith("#"):
                continue
            if "\x00" in line:
                raise self.error("a NUL character")
            self.data_lines += 1
            yield line.split("\t")

    def error(self, problem: str) -> GeoNamesFileError:
        return GeoNamesFileError(f"{self.source.label}: line {self.number}: {problem}")

    def parsed(self, parse: Callable[[list[str]], T], columns: tuple[int, ...]) -> Iterator[T]:
        """Each line as ``parse`` makes it, after checking it has one of ``columns``;
        ``GeoNamesFileError`` at the first line that is not right."""
        try:
            for fields in self:
                if len(fields) not in columns:
                    expected = " or ".join(map(str, columns))
                    raise self.error(
                        f"expected {expected} tab-separated columns, found {len(fields)}"
                    )
                try:
                    yield parse(fields)
                except ValueError as error:
                    raise self.error(str(error)) from None
        except (OSError, zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise self.error(f"cannot be read ({error})") from None


def _quoted(value: str, most: int = 40) -> str:
    """``value`` for a message: quoted, escaped, and cut when long."""
    return repr(value if len(value) <= most else value[:most] + "…")


def _int(value: str, column: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{column}: {_quoted(value)} is not a whole number") from None


def _float(value: str, column: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{column}: {_quoted(value)} is not a number") from None
    if not low <= number <= high:  # also NaN
        raise ValueError(f"{column}: {_quoted(value)} is not between {low:g} and {high:g}")
    return number


def _text(value: str, column: str, length: int) -> str:
    if len(value) > length:
        raise ValueError(f"{column}: longer than {length} characters")
    return value


def _date(value: str, column: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        raise ValueError(f"{column}: {_quoted(value)} is not a date (YYYY-MM-DD)") from None


def _folded(value: str) -> str:
    return fold(value)[:ALTERNATE_NAME_LENGTH]


def parse_entry(fields: list[str]) -> Entry:
    """A line of the places' files: geonameid, name, asciiname, alternatenames, latitude,
    longitude, feature class, feature code, country code, cc2, admin1-4 codes, population,
    elevation, dem, timezone, modification date."""
    name = _text(fields[1], "name", NAME_LENGTH)
    ascii_name = _text(fields[2], "asciiname", NAME_LENGTH)
    names: dict[str, str] = {}
    for each in (name, ascii_name, *fields[3].split(",")):
        each = each.strip()
        if each and len(each) <= ALTERNATE_NAME_LENGTH:
            names.setdefault(_folded(each), each)
    names.pop("", None)
    return Entry(
        id=_int(fields[0], "geonameid"),
        name=name,
        ascii_name=ascii_name,
        names=names,
        latitude=_float(fields[4], "latitude", -90, 90),
        longitude=_float(fields[5], "longitude", -180, 180),
        feature_class=_text(fields[6], "feature class", 1),
        feature_code=_text(fields[7], "feature code", 10),
        country_code=_text(fields[8], "country code", 2),
        admin1_code=_text(fields[10], "admin1 code", CODE_LENGTH),
        population=_int(fields[14] or "0", "population"),
        modified=_date(fields[18], "modification date"),
    )


def _flag(value: str, column: str) -> bool:
    if value not in ("", "0", "1"):
        raise ValueError(f"{column}: {_quoted(value)} is not 1 or empty")
    return value == "1"


def parse_alternate_name(fields: list[str]) -> AlternateName | None:
    """A line of ``alternateNamesV2.txt``: alternateNameId, geonameid, isolanguage, alternate
    name, isPreferredName, isShortName, isColloquial, isHistoric (, from, to). None for what is
    no name (a link, an airport code, a postal code...)."""
    language = _text(fields[2], "isolanguage", LANGUAGE_LENGTH)
    name = _text(fields[3].strip(), "alternate name", ALTERNATE_NAME_LENGTH)
    alternate = AlternateName(
        id=_int(fields[0], "alternateNameId"),
        entry_id=_int(fields[1], "geonameid"),
        language=language,
        name=name,
        folded=_folded(name),
        is_preferred=_flag(fields[4], "isPreferredName"),
        is_short=_flag(fields[5], "isShortName"),
        is_colloquial=_flag(fields[6], "isColloquial"),
        is_historic=_flag(fields[7], "isHistoric"),
    )
    return None if language in NOT_NAMES or not alternate.folded else alternate


def parse_region(fields: list[str]) -> Region:
    key = fields[0]
    country, dot, code = key.partition(".")
    if not dot or len(country) != 2 or not code or len(code) > CODE_LENGTH:
        raise ValueError(f"code: {_quoted(key)} is not a country code, a dot and an admin1 code")
    return Region(
        key=key,
        country_code=country,
        code=code,
        name=_text(fields[1], "name", NAME_LENGTH),
        ascii_name=_text(fields[2], "asciiname", NAME_LENGTH),
        geonames_id=_int(fields[3], "geonameid") if fields[3] else None,
    )


def _codes(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


def parse_country(fields: list[str]) -> Country:
    """A line of ``countryInfo.txt``: ISO, ISO3, ISO-Numeric, fips, Country, Capital, Area,
    Population, Continent, tld, CurrencyCode, CurrencyName, Phone, Postal Code Format, Postal
    Code Regex, Languages, geonameid, neighbours, EquivalentFipsCode."""
    code = fields[0]
    if len(code) != 2:
        raise ValueError(f"ISO: {_quoted(code)} is not a two-letter code")
    return Country(
        code=code,
        iso3=_text(fields[1], "ISO3", 3),
        iso_numeric=_text(fields[2], "ISO-Numeric", 3),
        fips=_text(fields[3], "fips", 2),
        name=_text(fields[4], "Country", NAME_LENGTH),
        capital=_text(fields[5], "Capital", NAME_LENGTH),
        area=_float(fields[6], "Area", 0, 1e9) if fields[6] else None,
        population=_int(fields[7] or "0", "Population"),
        continent=_text(fields[8], "Continent", 2),
        tld=_text(fields[9], "tld", 10),
        currency_code=_text(fields[10], "CurrencyCode", 3),
        currency_name=_text(fields[11], "CurrencyName", NAME_LENGTH),
        phone=_text(fields[12], "Phone", NAME_LENGTH),
        postal_code_format=_text(fields[13], "Postal Code Format", NAME_LENGTH),
        postal_code_regex=fields[14],
        languages=_codes(fields[15]),
        geonames_id=_int(fields[16], "geonameid") if fields[16] else None,
        neighbours=_codes(fields[17]),
        equivalent_fips=_text(fields[18], "EquivalentFipsCode", 10),
    )
