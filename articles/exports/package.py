"""The published corpus as a Frictionless Data Package (``manage.py export_dataset DIR``): the
exports' CSVs and GeoJSON (``articles.exports``, the same rows readers can download) and a
``datapackage.json`` that describes them (Table Schemas with each column's type), with a licence
and a citation, ready to deposit in a repository such as Zenodo.

The package is written into a new directory beside ``DIR`` and moved into place when every file
is complete, so a failed export leaves nothing half-written at ``DIR``.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .. import search
from . import geo, query, tabular, w3c_corpus

DEFAULT_LICENSE = "CC-BY-4.0"
LICENSES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": (
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
}

# The Table Schema type of each column (string when not listed).
TYPES = {
    "quote_id": "integer",
    "mention_id": "integer",
    "start": "integer",
    "end": "integer",
    "quotes": "integer",
    "mentions": "integer",
    "quotes_about": "integer",
    "geonames_id": "integer",
    "latitude": "number",
    "longitude": "number",
    "date": "date",
    "annotated_at": "datetime",
}
URL_COLUMNS = {"quote_url", "article_url", "url"}
DESCRIPTIONS = {
    "quotes": "One row per reader-visible quote, claim or indirect quote of a published article.",
    "mentions": "One row per reader-visible mention of a place in a published article.",
    "speakers": "Every speaker with a published quote, with their number of quotes.",
    "places": "Every place with a published mention or quote about it, with their counts.",
    "places-geojson": "The places as GeoJSON (RFC 7946), with their counts.",
    "mentions-geojson": "The place mentions as GeoJSON (RFC 7946), at their places.",
    "annotations": (
        "Every reader-visible quote and place mention as a W3C Web Annotation (JSON-LD): one "
        "AnnotationCollection whose one page holds them all; the context is the W3C's, "
        "http://www.w3.org/ns/anno.jsonld, and Newsroom's, embedded."
    ),
}


class DatasetError(Exception):
    """A reason the package cannot be written, naming the path."""


@dataclass(frozen=True)
class Table:
    name: str
    header: list[str]
    rows: Callable[[query.Absolute], Iterable]


def tables() -> list[Table]:
    everything = search.Filters()
    return [
        Table(
            "quotes",
            tabular.QUOTE_HEADER,
            lambda url: tabular.span_rows(
                url, tabular.QUOTES, tabular.quote_source(query.quotes_for(everything))
            ),
        ),
        Table(
            "mentions",
            tabular.MENTION_HEADER,
            lambda url: tabular.span_rows(
                url, tabular.MENTIONS, tabular.mention_source(query.mentions_for(everything))
            ),
        ),
        Table("speakers", tabular.SPEAKER_HEADER, tabular.speaker_rows),
        Table("places", tabular.PLACE_HEADER, tabular.place_rows),
    ]


def field(name: str) -> dict:
    """A column's Table Schema field."""
    described: dict = {"name": name, "type": TYPES.get(name, "string")}
    if name in URL_COLUMNS:
        described["format"] = "uri"
    if described["type"] == "datetime":
        described["format"] = "any"  # ISO 8601 with its UTC offset
    return described


def descriptor(
    title: str, license_id: str, base_url: str, created: datetime, citation: str
) -> dict:
    """``datapackage.json``: what the package holds and under which terms. Pure."""
    license_title, license_path = LICENSES[license_id]
    resources: list[dict] = [
        {
            "name": table.name,
            "path": f"{table.name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": DESCRIPTIONS[table.name],
            "schema": {"fields": [field(name) for name in table.header]},
        }
        for table in tables()
    ]
    resources += [
        {
            "name": name,
            "path": name.replace("-geojson", ".geojson"),
            "format": "geojson",
            "mediatype": "application/geo+json",
            "encoding": "utf-8",
            "description": DESCRIPTIONS[name],
        }
        for name in ("places-geojson", "mentions-geojson")
    ]
    resources.append(
        {
            "name": "annotations",
            "path": "annotations.jsonld",
            "format": "jsonld",
            "mediatype": "application/ld+json",
            "encoding": "utf-8",
            "description": DESCRIPTIONS["annotations"],
        }
    )
    return {
        "profile": "data-package",
        "name": "newsroom-corpus",
        "title": title,
        "description": (
            "Published conflict-news articles' quotes, claims and place mentions, as annotated "
            "in Newsroom: who is quoted, what they claim, and which places the reporting is about."
        ),
        "homepage": base_url,
        "created": created.isoformat(timespec="seconds"),
        "licenses": [{"name": license_id, "title": license_title, "path": license_path}],
        "citation": citation,
        "keywords": ["conflict reporting", "quotations", "claims", "places", "annotation"],
        "resources": resources,
    }


def members(
    base_url: str, title: str, license_id: str, counts: dict[str, int] | None = None
) -> Iterator[tuple[str, Iterable[str]]]:
    """The package's files, each a name and its text in pieces, made as they are read (a
    table's rows are counted into ``counts`` as they go by)."""
    base = base_url.rstrip("/")

    def absolute(path: str) -> str:
        return base + path

    created = datetime.now(UTC)
    citation = f"{title} ({created.year}). Newsroom data package. {base}/"
    counts = {} if counts is None else counts
    for table in tables():
        rows = _counted(table.rows(absolute), counts, table.name)
        yield f"{table.name}.csv", tabular.csv_pieces(rows, table.header)
    features = geo.place_features(absolute, search.Filters())
    yield "places.geojson", geo.geojson_pieces(features)
    mentions = geo.mention_features(absolute, query.mentions_for(search.Filters()))
    yield "mentions.geojson", geo.geojson_pieces(mentions)
    yield "annotations.jsonld", w3c_corpus.whole_pieces(absolute)
    package = descriptor(title, license_id, base + "/", created, citation)
    yield "datapackage.json", [json.dumps(package, indent=2, ensure_ascii=False) + "\n"]


def write(directory: Path, base_url: str, title: str, license_id: str) -> dict[str, int]:
    """Write the package at ``directory`` (new, or empty); returns the rows of each table."""
    directory = directory.resolve()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise DatasetError(f"{directory}: exists and is not an empty directory")
    if not directory.parent.is_dir():
        raise DatasetError(f"{directory.parent}: no such directory")
    work = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        counts: dict[str, int] = {}
        for name, pieces in members(base_url, title, license_id, counts):
            _write_text(work / name, pieces)
        if directory.exists():
            directory.rmdir()  # empty, checked above
        os.replace(work, directory)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return counts


def zip_pieces(base_url: str, title: str, license_id: str) -> Iterator[bytes]:
    """The package as one ZIP archive, streamed: each file is compressed as its pieces are
    made, and what is ready is handed on, so memory stays flat whatever the corpus."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, pieces in members(base_url, title, license_id):
            with archive.open(f"newsroom-corpus/{name}", "w", force_zip64=True) as member:
                for piece in pieces:
                    member.write(piece.encode("utf-8"))
                    if len(sink.ready) >= ZIP_PIECE_BYTES:
                        yield sink.take()
    yield sink.take()


ZIP_PIECE_BYTES = 256 * 1024


class _Sink(io.RawIOBase):
    """Where the archive is written: an unseekable stream, so ``zipfile`` writes each member's
    sizes after its data, and the bytes can leave as soon as they are written."""

    def __init__(self) -> None:
        self.ready = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.ready += data
        return len(data)

    def take(self) -> bytes:
        data = bytes(self.ready)
        self.ready.clear()
        return data


def _counted(rows: Iterable, counts: dict[str, int], name: str) -> Iterator:
    counts[name] = 0
    for row in rows:
        counts[name] += 1
        yield row


def _write_text(path: Path, pieces: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        for piece in pieces:
            out.write(piece)
