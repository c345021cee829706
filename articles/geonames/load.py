"""GeoNames' files into the gazetteer tables, for ``manage.py load_gazetteer``.

Each file is read as a stream (``files``), a batch of lines at a time, and written with bulk
upserts keyed by GeoNames' own ids, in one transaction: a file that fails at its last line leaves
nothing of itself behind, and loading a file again rewrites the same rows (a newer file updates
them). An entry's names from its own line are kept in step with that line (the names it lost are
deleted, the others stay as they are); the names of ``alternateNamesV2`` are upserted by their
id, for the entries loaded (the others' are skipped). Nothing is ever deleted otherwise: the
files overlap (cities500 and a country's full file), and a place missing from one of them is not
gone from GeoNames.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from django.db import connection, reset_queries, transaction
from django.db.models import Field, Model

from . import files
from .files import AlternateName, Entry, Lines, Source
from .models import GazetteerCountry, GazetteerEntry, GazetteerName, GazetteerRegion

BATCH = 2000  # lines read, then written
ROWS_PER_STATEMENT = 1000

T = TypeVar("T")
Report = Callable[[int], None]  # told how many bytes of the text have been read


@dataclass
class Loaded:
    """What one file gave, for the command's summary."""

    source: Source
    lines: int = 0  # lines of data read
    stored: int = 0  # rows written (entries, names, regions, countries)
    new: int = 0  # of them, rows that were not there before
    names: int = 0  # an entry file's names, added or changed
    skipped: int = 0  # alternate names that are no names, or of entries not loaded

    def __str__(self) -> str:
        what = {
            files.COUNTRIES: "countries",
            files.REGIONS: "first-level regions",
            files.ENTRIES: "places",
            files.ALTERNATE_NAMES: "alternate names",
        }[self.source.kind]
        text = f"{self.source.label}: {self.stored:,} {what} ({self.new:,} new)"
        if self.source.kind == files.ENTRIES:
            text += f", {self.names:,} of their names added or changed"
        if self.source.kind == files.ALTERNATE_NAMES:
            text += f"; {self.skipped:,} skipped (of places not loaded, or links and codes)"
        return text


def load(source: Source, report: Report | None = None) -> Loaded:
    """Load ``source`` in one transaction; ``GeoNamesFileError`` (and nothing written) at the
    first line that is not right."""
    loaded = Loaded(source)
    with transaction.atomic(), source.open() as stream:
        lines = Lines(source, stream)
        LOADERS[source.kind](lines, loaded, report or (lambda position: None))
        loaded.lines = lines.data_lines
    analyze()
    return loaded


def batches(items: Iterable[T]) -> Iterator[list[T]]:
    """``items`` in lists of ``BATCH``."""
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def write(
    model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]], key: str = ""
) -> None:
    """INSERT ``rows`` (values of ``fields``, in order) into ``model``'s table; with ``key``, a
    row whose ``key`` is there already updates it (``ON CONFLICT ... DO UPDATE``). Plain SQL
    through the driver's cursor, no model instances, for the millions of rows of a big file (in
    DEBUG, Django's cursor would also keep, and on SQLite quote parameter by parameter, the SQL
    of every statement). PostgreSQL: ``COPY`` (into a staging table for an upsert); SQLite: as
    many rows a statement as its limit on parameters allows."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = [qn(_column(model, field)) for field in fields]
    listed = ", ".join(columns)
    conflict = ""
    if key:
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != qn(_column(model, key)))
        conflict = f" ON CONFLICT ({qn(_column(model, key))}) DO UPDATE SET {updates}"
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        if connection.vendor == "postgresql":
            stage = qn(f"stage_{model._meta.db_table}") if key else ""
            _copy(cursor, table, listed, rows, stage, conflict)
            return
        limit = connection.features.max_query_params or 65_535
        per_statement = max(1, min(ROWS_PER_STATEMENT, limit // len(columns)))
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            values = [value for each in chunk for value in each]
            statement = f"INSERT INTO {table} ({listed}) VALUES {', '.join([row] * len(chunk))}"
            cursor.execute(statement + conflict, values)


def _copy(
    cursor: Any, table: str, listed: str, rows: Sequence[Sequence[Any]], stage: str, conflict: str
) -> None:
    """PostgreSQL: ``rows`` into ``table`` by ``COPY``; for an upsert, into the temporary table
    ``stage`` of those columns first (dropped at commit), then on into ``table``."""
    target = stage or table
    if stage:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {target} ON COMMIT DROP AS "
            f"SELECT {listed} FROM {table} WITH NO DATA"
        )
    with cursor.copy(f"COPY {target} ({listed}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    if stage:
        cursor.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {stage}{conflict}")
        cursor.execute(f"TRUNCATE {stage}")


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column, name
    return field.column


def forget_queries() -> None:
    """Empty Django's log of queries (kept in DEBUG) after a batch, unless something counts
    them (a test's ``assertNumQueries`` forces the debug cursor): a big file's hundreds of
    thousands of statements would fill memory."""
    if not connection.force_debug_cursor:
        reset_queries()


def count(model: type[Model], **conditions: Any) -> int:
    return model._default_manager.filter(**conditions).count()


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL), as ``kept.rebuild`` does."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (GazetteerEntry, GazetteerName, GazetteerRegion, GazetteerCountry):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


ENTRY_FIELDS = (
    "id",
    "name",
    "ascii_name",
    "feature_class",
    "feature_code",
    "country_code",
    "admin1_code",
    "region",
    "population",
    "latitude",
    "longitude",
    "modified",
)
NAME_FIELDS = (
    "entry",
    "name",
    "folded",
    "language",
    "is_preferred",
    "is_short",
    "is_colloquial",
    "is_historic",
    "alternate_name_id",
)


def _entry_row(entry: Entry) -> tuple:
    """``entry`` as the values of ``ENTRY_FIELDS``."""
    return (
        entry.id,
        entry.name,
        entry.ascii_name,
        entry.feature_class,
        entry.feature_code,
        entry.country_code,
        entry.admin1_code,
        f"{entry.country_code}.{entry.admin1_code}" if entry.admin1_code else None,
        entry.population,
        entry.latitude,
        entry.longitude,
        connection.ops.adapt_datefield_value(entry.modified),
    )


def load_entries(lines: Lines, loaded: Loaded, report: Report) -> None:
    before = count(GazetteerEntry)
    for batch in batches(lines.parsed(files.parse_entry, (files.ENTRY_COLUMNS,))):
        entries = {entry.id: entry for entry in batch}  # an id's last line counts
        write(GazetteerEntry, ENTRY_FIELDS, [_entry_row(e) for e in entries.values()], "id")
        loaded.stored += len(entries)
        loaded.names += sync_names(entries)
        report(lines.position)
        forget_queries()
    loaded.new = count(GazetteerEntry) - before


def sync_names(entries: dict[int, Entry]) -> int:
    """Make the names these entries have from their own lines those of the lines: delete those
    the lines no longer give, add those they give anew. How many were added."""
    kept: set[tuple[int, str]] = set()
    stale = []
    existing = GazetteerName.objects.filter(
        entry_id__in=list(entries), alternate_name_id__isnull=True
    ).values_list("pk", "entry_id", "folded", "name")
    for pk, entry_id, folded, name in existing:
        if entries[entry_id].names.get(folded) == name and (entry_id, folded) not in kept:
            kept.add((entry_id, folded))
        else:
            stale.append(pk)
    if stale:
        GazetteerName.objects.filter(pk__in=stale).delete()
    rows = [
        (entry_id, name, folded, "", False, False, False, False, None)
        for entry_id, entry in entries.items()
        for folded, name in entry.names.items()
        if (entry_id, folded) not in kept
    ]
    write(GazetteerName, NAME_FIELDS, rows)
    return len(rows)


def _alternate_row(name: AlternateName) -> tuple:
    """``name`` as the values of ``NAME_FIELDS``."""
    return (
        name.entry_id,
        name.name,
        name.folded,
        name.language,
        name.is_preferred,
        name.is_short,
        name.is_colloquial,
        name.is_historic,
        name.id,
    )


def load_alternate_names(lines: Lines, loaded: Loaded, report: Report) -> None:
    before = count(GazetteerName, alternate_name_id__isnull=False)
    for batch in batches(lines.parsed(files.parse_alternate_name, (8, 10))):
        names = {name.id: name for name in batch if name is not None}
        known = set(
            GazetteerEntry.objects.filter(
                id__in={name.entry_id for name in names.values()}
            ).values_list("id", flat=True)
        )
        rows = [_alternate_row(name) for name in names.values() if name.entry_id in known]
        write(GazetteerName, NAME_FIELDS, rows, "alternate_name_id")
        loaded.stored += len(rows)
        loaded.skipped += len(batch) - len(rows)
        report(lines.position)
        forget_queries()
    loaded.new = count(GazetteerName, alternate_name_id__isnull=False) - before


def _upsert_small(model: type[Model], rows: list, key: str, loaded: Loaded) -> None:
    """The regions' and countries' few thousand rows, through the ORM."""
    by_key = {getattr(row, key): row for row in rows}
    fields = list(rows[0]._fields) if rows else []
    model._default_manager.bulk_create(
        [model(**row._asdict()) for row in by_key.values()],
        update_conflicts=True,
        unique_fields=[key],
        update_fields=[field for field in fields if field != key],
    )
    loaded.stored += len(by_key)


def load_regions(lines: Lines, loaded: Loaded, report: Report) -> None:
    before = count(GazetteerRegion)
    for batch in batches(lines.parsed(files.parse_region, (4,))):
        _upsert_small(GazetteerRegion, batch, "key", loaded)
        report(lines.position)
    loaded.new = count(GazetteerRegion) - before


def load_countries(lines: Lines, loaded: Loaded, report: Report) -> None:
    before = count(GazetteerCountry)
    for batch in batches(lines.parsed(files.parse_country, (files.COUNTRY_COLUMNS,))):
        _upsert_small(GazetteerCountry, batch, "code", loaded)
        report(lines.position)
    loaded.new = count(GazetteerCountry) - before


LOADERS: dict[str, Callable[[Lines, Loaded, Report], None]] = {
    files.COUNTRIES: load_countries,
    files.REGIONS: load_regions,
    files.ENTRIES: load_entries,
    files.ALTERNATE_NAMES: load_alternate_names,
}
