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
from collections.abc import Iterator

from django.db import connection
from django.db.models import F, QuerySet
from django.urls import reverse

from .query import URL_MARKS, Absolute
from .tabular import FORMULA_STARTS, Column, SpanTable, csv_pieces

PIECE_BYTES = 64 * 1024  # what is sent at a time
_FORMULA_SQL = ", ".join("%s" for _ in FORMULA_STARTS)


def available() -> bool:
    """Whether the database writes CSV itself (PostgreSQL through psycopg 3)."""
    return connection.vendor == "postgresql"


def copy_pieces(absolute: Absolute, table: SpanTable, spans: QuerySet) -> Iterator[bytes]:
    """``table``'s CSV of ``spans``, the header first, in the pieces PostgreSQL sends."""
    fields = table.fields()
    alias = {f: f"c{i}" for i, f in enumerate(fields)}
    order = {f: f"o{i}" for i, f in enumerate(table.order)}
    inner = spans.order_by().values(
        **{alias[f]: F(f) for f in fields}, **{order[f]: F(f) for f in table.order}
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    cells: list[str] = []
    params: list[object] = []
    for column in table.columns:
        sql, values = _cell_sql(absolute, column, alias)
        cells.append(sql)
        params.extend(values)
    statement = (
        f"COPY (SELECT {', '.join(cells)} FROM ({inner_sql}) t"
        f" ORDER BY {', '.join('t.' + order[f] for f in table.order)})"
        " TO STDOUT WITH (FORMAT csv)"
    )
    yield from (piece.encode() for piece in csv_pieces((), table.header))
    yield from _stream(statement, (*params, *inner_params))


def _stream(statement: str, params: tuple) -> Iterator[bytes]:
    """The COPY's output in pieces of about ``PIECE_BYTES`` (libpq hands it over a row at a
    time), logged like any query where Django logs queries."""
    started = time.monotonic()
    buffer = bytearray()
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        for block in copy:
            buffer += block
            if len(buffer) >= PIECE_BYTES:
                yield bytes(buffer)
                buffer.clear()
    if buffer:
        yield bytes(buffer)
    if connection.queries_logged:
        elapsed = f"{time.monotonic() - started:.3f}"
        connection.queries_log.append({"sql": statement, "time": elapsed})


def _cell_sql(absolute: Absolute, column: Column, alias: dict[str, str]) -> tuple[str, list]:
    """The SQL of one cell over the inner query's columns ``t.c0``, ``t.c1``, ..., and its
    parameters."""
    if column.kind == "url":
        return _url_sql(absolute, column, alias)
    value = f"t.{alias[column.field]}"
    if column.kind == "number":
        return value, []
    if column.kind == "date":
        return f"to_char({value}, 'YYYY-MM-DD')", []
    if column.kind == "time":
        utc = f"{value} AT TIME ZONE 'UTC'"
        return f'to_char({utc}, \'YYYY-MM-DD"T"HH24:MI:SS"+00:00"\')', []
    formula = f"CASE WHEN left({value}, 1) IN ({_FORMULA_SQL}) THEN '''' || {value}"
    return f"{formula} ELSE NULLIF({value}, '') END", list(FORMULA_STARTS)


def _url_sql(absolute: Absolute, column: Column, alias: dict[str, str]) -> tuple[str, list]:
    """The column's URL as the view's reversed URL with each argument's field put in its place."""
    url = absolute(reverse(column.view, kwargs={arg: URL_MARKS[arg] for arg, _ in column.args}))
    pieces: list[str] = []
    params: list[object] = []
    rest = url
    for arg, field in sorted(column.args, key=lambda a: url.index(URL_MARKS[a[0]])):
        before, rest = rest.split(URL_MARKS[arg], 1)
        pieces += ["%s", f"t.{alias[field]}::text"]
        params.append(before)
    pieces.append("%s")
    params.append(rest)
    return "(" + " || ".join(pieces) + ")", params
