"""Cursor pagination: a page of a list in a stable order, and an opaque cursor for the next.

A keyset cursor holds the sort key of the page's last row, signed (``django.core.signing``) so a
client can neither forge nor garble one into an error; the next page is the rows strictly after
it in the list's order, read from the index that order follows, however deep the page. Orders
are descending or ascending per column; ``nulls_last`` columns (an article's date) sort their
empty values after every other, as the reader pages do.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.core import signing
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from ninja.errors import HttpError

DEFAULT_LIMIT = 100
MAX_LIMIT = 100


@dataclass(frozen=True)
class Key:
    field: str
    descending: bool = False
    nulls_last: bool = False
    load: Callable[[Any], Any] = int  # from its JSON form
    dump: Callable[[Any], Any] = int  # to its JSON form

    @property
    def order(self):
        column = F(self.field)
        if self.descending:
            return column.desc(nulls_last=True) if self.nulls_last else column.desc()
        return column.asc(nulls_last=True) if self.nulls_last else column.asc()


def _iso(value):
    return value.isoformat()


# How a key's values are written in a cursor and read back (``Key(..., **DATE)``)
DATE: dict[str, Any] = {"load": datetime.date.fromisoformat, "dump": _iso}
TIME: dict[str, Any] = {"load": datetime.datetime.fromisoformat, "dump": _iso}
TEXT: dict[str, Any] = {"load": str, "dump": str}


class BadCursor(HttpError):
    def __init__(self) -> None:
        super().__init__(
            400, "The cursor is not one this list gave (or it has expired): start again without it."
        )


@dataclass(frozen=True)
class Order:
    """A list's order (its last key unique) and the name its cursors are signed for."""

    name: str
    keys: Sequence[Key]

    def sort(self, rows: QuerySet) -> QuerySet:
        return rows.order_by(*(key.order for key in self.keys))

    def cursor(self, row: Any) -> str:
        values = []
        for key in self.keys:
            value = row[key.field] if isinstance(row, dict) else getattr(row, key.field)
            values.append(None if value is None else key.dump(value))
        return signing.dumps(values, salt=f"api-cursor:{self.name}", compress=True)

    def position(self, cursor: str) -> list[Any]:
        try:
            values = signing.loads(cursor, salt=f"api-cursor:{self.name}")
            if not isinstance(values, list) or len(values) != len(self.keys):
                raise BadCursor()
            return [
                None if v is None and k.nulls_last else k.load(v)
                for k, v in zip(self.keys, values, strict=True)
            ]
        except (signing.BadSignature, ValueError, TypeError) as error:
            raise BadCursor() from error

    def after(self, values: list[Any]) -> Q:
        """The rows strictly after the one whose sort key is ``values``."""
        same, later = Q(), []
        for key, value in zip(self.keys, values, strict=True):
            if value is None:  # only a nulls-last key: nothing but nulls after it
                later_here, equal = None, Q(**{f"{key.field}__isnull": True})
            else:
                later_here = Q(**{f"{key.field}__{'lt' if key.descending else 'gt'}": value})
                if key.nulls_last:
                    later_here |= Q(**{f"{key.field}__isnull": True})
                equal = Q(**{key.field: value})
            if later_here is not None:
                later.append(same & later_here)
            same &= equal
        return reduce(or_, later) if later else Q(pk__in=[])


@dataclass
class Page:
    items: list
    next_cursor: str | None


def keyset_page(rows: QuerySet, order: Order, cursor: str | None, limit: int) -> Page:
    """One page of ``rows`` in ``order``, after ``cursor``: a single query for limit + 1 rows."""
    if cursor:
        rows = rows.filter(order.after(order.position(cursor)))
    found = list(order.sort(rows)[: limit + 1])
    items = found[:limit]
    return Page(items, order.cursor(items[-1]) if len(found) > limit else None)


OFFSET = Order("offset", [Key("offset")])


@dataclass(frozen=True)
class _At:
    offset: int


def offset_page(rows: Sequence, cursor: str | None, limit: int) -> Page:
    """A page of a short list already in order (a search's window of matches)."""
    start = OFFSET.position(cursor)[0] if cursor else 0
    if start < 0:
        raise BadCursor()
    items = list(rows[start : start + limit])
    more = start + limit < len(rows)
    return Page(items, OFFSET.cursor(_At(start + limit)) if more else None)


def next_url(request: HttpRequest, cursor: str | None) -> str | None:
    """This request's URL with ``cursor`` for the next page (None at the end)."""
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
