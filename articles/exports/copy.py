"""A span export written by PostgreSQL itself: ``COPY (SELECT ...) TO STDOUT WITH (FORMAT csv)``.

The rows and cells are those of ``tabular.span_rows`` written by Python's ``csv`` (the same
``SpanTable`` columns: formulas escaped, empty text as nothing, dates and times in ISO 8601, URLs
made from the reversed view), byte for byte, which the tests check on hostile text. Only the
writing moves into the database: no Python object per row, so a large export streams at the
speed PostgreSQL formats CSV. The statement's values (URL prefixes, the query's own parameters)
are bound by psycopg, never pasted in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Model, QuerySet
from django.urls import reverse

from ..models import Place, Quote
from .query import URL_MARKS, Absolute
from .tabular import FORMULA_STARTS, Column, SpanTable, csv_pieces

PIECE_BYTES = 64 * 1024  # what is sent at a time
WORK_MEM = "256MB"
_FORMULA_SQL = ", ".join("%s" for _ in FORMULA_STARTS)


def available() -> bool:
    """Whether the database writes CSV itself (PostgreSQL through psycopg 3)."""
    return connection.vendor == "postgresql"


def copy_pieces(
    absolute: Absolute, table: SpanTable, spans: QuerySet, whole: bool = False
) -> Iterator[bytes]:
    """``table``'s CSV of ``spans``, the header first, in the pieces PostgreSQL sends.

    ``whole``: the spans are every visible one (no filter), so what the rows join (places,
    annotators) is joined whole, in a plan PostgreSQL runs in parallel; otherwise only for the
    spans chosen, which are read once into a common table first."""
    fields = [f for f in table.fields() if f not in JOINED]
    alias = {f: f"c{i}" for i, f in enumerate(fields)}
    order = {f: f"o{i}" for i, f in enumerate(table.order)}
    inner = spans.order_by().values(
        key=F("pk"), **{alias[f]: F(f) for f in fields}, **{order[f]: F(f) for f in table.order}
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    value = {f: f"t.{alias[f]}" for f in fields}
    joins = []
    for field in table.fields():
        if field in JOINED:
            value[field] = f"j_{field}.v"
            joined = JOINED[field](spans.model, "" if whole else CHOSEN)
            joins.append(f" LEFT JOIN ({joined}) j_{field} ON j_{field}.k = t.key")
    cells: list[str] = []
    params: list[object] = []
    for column in table.columns:
        sql, values = _cell_sql(absolute, column, value)
        cells.append(sql)
        params.extend(values)
    select = f"SELECT {', '.join(cells)} FROM {{}} t{''.join(joins)}"
    select += f" ORDER BY {', '.join('t.' + order[f] for f in table.order)}"
    if whole:
        statement, bound = select.format(f"({inner_sql})"), (*params, *inner_params)
    else:
        statement = f"WITH s AS MATERIALIZED ({inner_sql}) " + select.format("s")
        bound = (*inner_params, *params)
    yield from (piece.encode() for piece in csv_pieces((), table.header))
    yield from _stream(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", bound)


CHOSEN = "IN (SELECT key FROM s)"  # the spans of a filtered export, in its common table


# What the Python writer reads from a subquery per row (``query.place_names``,
# ``query.created_by``), joined here for the spans of the export at once: PostgreSQL runs a
# subquery per row one row at a time, which made the export four times slower.
def _place_names(model: type[Model], chosen: str) -> str:
    through = Quote.places.through._meta.db_table
    where = f" WHERE qp.quote_id {chosen}" if chosen else ""
    return (
        f"SELECT qp.quote_id AS k, string_agg(p.name, '; ' ORDER BY p.name) AS v"
        f" FROM {through} qp JOIN {Place._meta.db_table} p ON p.id = qp.place_id"
        f"{where} GROUP BY qp.quote_id"
    )


def _created_by(model: type[Model], chosen: str) -> str:
    history = model.history.model._meta.db_table  # type: ignore[attr-defined]
    users = get_user_model()._meta.db_table
    return (
        f"SELECT DISTINCT ON (h.id) h.id AS k, u.username AS v FROM {history} h"
        f" JOIN {users} u ON u.id = h.history_user_id"
        f" WHERE h.history_type = '+'{f' AND h.id {chosen}' if chosen else ''}"
        " ORDER BY h.id, h.history_date"
    )


JOINED: dict[str, Callable[[type[Model], str], str]] = {
    "place_names": _place_names,
    "annotator": _created_by,
}


def _stream(statement: str, params: tuple) -> Iterator[bytes]:
    """The COPY's output in pieces of about ``PIECE_BYTES`` (libpq hands it over a row at a
    time), logged like any query where Django logs queries."""
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        # Room to join and sort an export in memory (the default 4 MB spills a large export's
        # joins to disk, a row at a time: three times slower); for this statement only.
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        yield from _blocks(cursor, statement, params)
    if connection.queries_logged:
        elapsed = f"{time.monotonic() - started:.3f}"
        connection.queries_log.append({"sql": statement, "time": elapsed})


def _blocks(cursor, statement: str, params: tuple) -> Iterator[bytes]:
    buffer = bytearray()
    with cursor.cursor.copy(statement, params) as copy:
        for block in copy:
            buffer += block
            if len(buffer) >= PIECE_BYTES:
                yield bytes(buffer)
                buffer.clear()
    if buffer:
        yield bytes(buffer)


def _cell_sql(absolute: Absolute, column: Column, value: dict[str, str]) -> tuple[str, list]:
    """The SQL of one cell, from the SQL of each field's value (``value``), and its parameters."""
    if column.kind == "url":
        return _url_sql(absolute, column, value)
    field = value[column.field]
    if column.kind == "number":
        return field, []
    if column.kind == "date":
        return f"to_char({field}, 'YYYY-MM-DD')", []
    if column.kind == "time":
        utc = f"{field} AT TIME ZONE 'UTC'"
        return f'to_char({utc}, \'YYYY-MM-DD"T"HH24:MI:SS"+00:00"\')', []
    formula = f"CASE WHEN left({field}, 1) IN ({_FORMULA_SQL}) THEN '''' || {field}"
    return f"{formula} ELSE NULLIF({field}, '') END", list(FORMULA_STARTS)


def _url_sql(absolute: Absolute, column: Column, value: dict[str, str]) -> tuple[str, list]:
    """The column's URL as the view's reversed URL with each argument's field put in its place."""
    url = absolute(reverse(column.view, kwargs={arg: URL_MARKS[arg] for arg, _ in column.args}))
    pieces: list[str] = []
    params: list[object] = []
    rest = url
    for arg, field in sorted(column.args, key=lambda a: url.index(URL_MARKS[a[0]])):
        before, rest = rest.split(URL_MARKS[arg], 1)
        pieces += ["%s", f"{value[field]}::text"]
        params.append(before)
    pieces.append("%s")
    params.append(rest)
    return "(" + " || ".join(pieces) + ")", params
