"""The GeoNames gazetteer in the database: what the suggester asks of it.

``fold(name)`` is the form names are indexed and looked up by (case, accents, apostrophes, dashes
and spaces folded: "Kyiv", "KYIV" and "Kyïv" are one key). ``lookup(names)`` finds the entries
called by any of ``names`` in one query, however many names, and answers plain values
(``Candidate``), the most populous first.

The tables are in ``models``; ``files`` reads GeoNames' dump files and ``load`` writes them
(``manage.py load_gazetteer``). GeoNames data is CC BY 4.0 (https://www.geonames.org/).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models.expressions import RawSQL

from .models import GazetteerName

# Letters that carry their difference in the letter itself rather than in a combining mark, and
# the punctuation that texts spell several ways.
_FOLDS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ŀ": "l",
        "ŧ": "t",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "ʻ": "'",
        "ʿ": "'",
        "ʾ": "'",
        "`": "'",
        "´": "'",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
    }
)


def fold(name: str) -> str:
    """``name`` as the gazetteer indexes it: case-folded, without accents or other combining
    marks, one apostrophe and one dash, single spaces. Pure."""
    if name.isascii():  # most names: nothing to decompose
        return " ".join(name.lower().translate(_FOLDS).split())
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFC", bare).translate(_FOLDS).split())


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry a name may refer to."""

    id: int  # its GeoNames id
    name: str
    feature_class: str
    feature_code: str
    country_code: str
    admin1: str  # the name of its first-level region; "" when none is loaded
    population: int
    latitude: float
    longitude: float
    region: str = ""  # the key of its first-level region, "UA.07"; "" when none


_FIELDS = (
    "entry_id",
    "entry__name",
    "entry__feature_class",
    "entry__feature_code",
    "entry__country_code",
    "entry__region__name",
    "entry__population",
    "entry__latitude",
    "entry__longitude",
    "entry__region_id",
)


def _any_of(keys: list[str]) -> RawSQL | list[str]:
    """``keys`` as one query parameter (an array, a JSON list), so that the statement is the
    same, and within every database's limit on parameters, however many keys there are."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", (keys,))
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(keys),))
    return keys


def lookup(names: Iterable[str]) -> dict[str, list[Candidate]]:
    """The entries each of ``names`` may refer to, by folded name (every name asked has its key,
    with an empty list when nothing is called so), the most populous first. One query."""
    found: dict[str, list[Candidate]] = {key: [] for key in map(fold, names) if key}
    if not found:
        return found
    rows = (
        GazetteerName.objects.filter(folded__in=_any_of(sorted(found)))
        .order_by("-entry__population", "entry_id")
        .values_list("folded", *_FIELDS)
    )
    seen: set[tuple[str, int]] = set()
    for folded, entry_id, name, fclass, fcode, country, admin1, *rest in rows:
        if (folded, entry_id) in seen:  # several of its names fold alike
            continue
        seen.add((folded, entry_id))
        population, lat, lon, region = rest
        found[folded].append(
            Candidate(
                entry_id,
                name,
                fclass,
                fcode,
                country,
                admin1 or "",
                population,
                lat,
                lon,
                region or "",
            )  # fmt: skip
        )
    return found
