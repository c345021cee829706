"""The bundled gazetteer: GeoNames' files, cut down, that ship in ``fixtures/geonames/``.

Every country, every first-level region and the populated places of 1,000 inhabitants or more,
with their Latin-script alternate names, and the hand-written rivers, seas and regions of
``articles.gazetteer.CURATED``, in GeoNames' own dump formats (``articles.geonames.build`` says
how they were made, from packages of the registry). ``manage.py load_gazetteer --bundled``
loads them; its ``version`` (a digest of the files) is recorded, so loading the same bundle
again is skipped.

The first-level regions and the curated features have ids of the bundle's own, from
``BUNDLE_IDS`` on: GeoNames' ids of them ship in no package. A full GeoNames load adds its own
entries for them beside these.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

BUNDLE = Path(__file__).resolve().parent.parent.parent / "fixtures" / "geonames"
BUNDLE_IDS = 2_000_000_000  # GeoNames' ids are far below (about 13 million in 2026)
# The files to load, in GeoNames' formats; demonyms.txt is read by ``articles.geonames.article``.
FILES = ("countryInfo.txt", "admin1CodesASCII.txt", "cities1000.zip", "areas.zip")
DEMONYMS = BUNDLE / "demonyms.txt"


def paths(folder: Path | None = None) -> list[Path]:
    """The bundle's files, in ``folder`` (``BUNDLE`` by default)."""
    return [(folder or BUNDLE) / name for name in FILES]


def version(folder: Path | None = None) -> str:
    """A digest of the bundle's files: another bundle, another version. A missing file is
    reported by the loader, which names it."""
    digest = hashlib.sha256()
    for path in paths(folder):
        digest.update(path.name.encode() + b"\0")
        if path.is_file():
            digest.update(_digest(path, path.stat().st_mtime_ns, path.stat().st_size))
    return digest.hexdigest()[:16]


@lru_cache(maxsize=16)
def _digest(path: Path, mtime: int, size: int) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def is_bundled(geonames_id: int) -> bool:
    """Whether an entry's id is the bundle's own rather than GeoNames'."""
    return geonames_id >= BUNDLE_IDS
