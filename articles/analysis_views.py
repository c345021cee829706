"""The views across articles: ``/compare/`` (who said what about where) and
``/compare/<place-or-search>/`` (claims side by side).

Both take the article list's search and filters (``search.Filters``, with a date range), the
grouping (``group``: by speaker or by affiliation) and ``show=all``; the matrix also takes its
orders (``rsort``: rows by name or by one place's column, ``csort``: columns by name or by one
row). The URL holds all of it; htmx swaps only the results. A fixed number of queries each,
whatever the number of speakers, places and quotes (see ``analysis``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from . import analysis, search
from .analysis import AFFILIATION, GROUPS, SPEAKER
from .htmx import page_or_fragment
from .models import Place, Speaker
from .presenters import speaker_colour
from .views import _filter_choices, public_page

# What the matrix's own parameters are: left out of the links to claims and to the CSV.
VIEW_PARAMS = ("group", "show", "rsort", "csort", "affiliation", "page")
PLACE_SORT, ROW_SORT = "place:", "row:"


def choice(query: QueryDict, name: str, allowed: tuple[str, ...]) -> str:
    """The parameter if it is one of ``allowed``, else the first of them: never an error."""
    value = search.text_param(query, name)
    return value if value in allowed else allowed[0]


def query_string(query: QueryDict, drop: tuple[str, ...] = (), **changes: str) -> str:
    """``query`` without ``drop`` and with ``changes`` (an empty value removes the key), as a
    string to follow "?"."""
    gone = {*drop, *changes}
    pairs = [(k, v) for k, values in query.lists() if k not in gone for v in values]
    return urlencode([*pairs, *((k, v) for k, v in changes.items() if v)])


def and_param(base: str, name: str, value: str) -> str:
    """``base`` (a query string without ``name``) and ``name=value``: what ``query_string``
    gives with ``name=value`` as the change, for one base and many values (a row or column's
    link each) without reading the query again for each."""
    return "&".join(p for p in (base, urlencode({name: value})) if p)


def with_query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def filters_query(query: QueryDict) -> str:
    """The search and filters alone: what the CSV export and the claims links take."""
    return query_string(query, VIEW_PARAMS)


def _row_labels(matrix: analysis.Matrix, group: str) -> dict[Any, dict[str, Any]]:
    """How each row shows: its name, link and colour (a speaker) or its text (an affiliation)."""
    if group == AFFILIATION:
        return {k: {"label": k or analysis.NO_AFFILIATION, "param": k} for k in matrix.rows}
    speakers = Speaker.objects.only("name", "slug").in_bulk(list(matrix.rows))
    return {
        pk: {
            "label": s.name,
            "param": s.slug,
            "url": s.get_absolute_url(),
            "colour": speaker_colour(pk),
            "speaker": s,
        }
        for pk, s in speakers.items()
    }


def _cell_query(base: str, group: str, row: dict[str, Any]) -> str:
    """A row's cells' query: ``base`` (the filters without the matrix's own parameters, the
    place and the speaker) and the row's speaker or affiliation."""
    if group == AFFILIATION:
        return and_param(and_param(base, "group", AFFILIATION), "affiliation", row["param"])
    return and_param(base, "speaker", row["param"])


def _orders(query: QueryDict, matrix: analysis.Matrix, rows: dict, places: dict) -> tuple:
    """The rows' and the columns' keys in the order asked for (``rsort``, ``csort``), and the
    place and row they are sorted against, if any."""
    rsort, csort = search.text_param(query, "rsort"), search.text_param(query, "csort")
    slugs = {p.slug: pk for pk, p in places.items()}
    params = {v["param"]: k for k, v in rows.items()}
    by_place = slugs.get(rsort.removeprefix(PLACE_SORT)) if rsort.startswith(PLACE_SORT) else None
    by_row = params.get(csort.removeprefix(ROW_SORT)) if csort.startswith(ROW_SORT) else None
    row_keys = analysis.ordered(
        matrix.rows,
        matrix.row_totals,
        {k: v["label"] for k, v in rows.items()},
        analysis.BY_NAME if rsort == "name" else analysis.BY_TOTAL,
        {r: matrix.cell(r, by_place) for r in matrix.rows} if by_place is not None else None,
    )
    col_keys = analysis.ordered(
        matrix.cols,
        matrix.col_totals,
        {pk: p.name for pk, p in places.items()},
        analysis.BY_NAME if csort == "name" else analysis.BY_TOTAL,
        {c: matrix.cell(by_row, c) for c in matrix.cols} if by_row is not None else None,
    )
    return row_keys, col_keys, by_place, by_row


def _sort_link(query: QueryDict, drop: tuple[str, ...], **changes: str) -> str:
    return "?" + query_string(query, drop, **changes)


@dataclass(frozen=True)
class CellColumn:
    """A column's part of every row's cell, escaped once for the whole matrix: the cell up to
    its link's query, and the whole cell when it has no quotes."""

    opening: str
    zero: str


def cell_column(slug: str, claims_url: str) -> CellColumn:
    place = escape(slug)
    return CellColumn(
        f'<td data-place="{place}"><a href="{escape(claims_url)}',
        f'<td data-place="{place}"><span class="zero">0</span></td>',
    )


def cells_html(columns: list[CellColumn], counts: list[int], query: str) -> SafeString:
    """A row's cells: each column's number of quotes, linking to its claims side by side with
    the row's ``query``. Written here rather than by the template language, which takes half a
    second for the 26,000 cells of a whole matrix at 100,000 articles; what varies by column
    is escaped once a column, the row's query once a row (escaping is character by character,
    so the parts escaped apart are the whole escaped)."""
    link = f'?{escape(query)}">' if query else '">'
    return mark_safe(  # noqa: S308 - every part is escaped or a number
        "".join(
            f"{c.opening}{link}{n:d}</a></td>" if n else c.zero
            for c, n in zip(columns, counts, strict=True)
        )
    )


def matrix_table(request, matrix: analysis.Matrix, group: str) -> dict[str, Any]:
    """The matrix as the template shows it: rows and columns in the reader's order, each
    header with its links, each cell with its count and the link to its quotes."""
    query = request.GET
    rows = _row_labels(matrix, group)
    places = Place.objects.in_bulk(list(matrix.cols))
    row_keys, col_keys, by_place, by_row = _orders(query, matrix, rows, places)
    claims = [reverse("articles:compare_claims", args=[places[c].slug]) for c in col_keys]
    claims_query = query_string(query, (*VIEW_PARAMS, "place"))
    no_rsort, no_csort = query_string(query, ("rsort",)), query_string(query, ("csort",))
    cols = [
        {
            "place": places[c],
            "total": matrix.col_totals[c],
            "url": with_query(claims[i], claims_query),
            "sort": "?" + and_param(no_rsort, "rsort", PLACE_SORT + places[c].slug),
            "sorted": by_place == c,
        }
        for i, c in enumerate(col_keys)
    ]
    columns = [cell_column(places[c].slug, claims[i]) for i, c in enumerate(col_keys)]
    cell_base = query_string(query, (*VIEW_PARAMS, "place", "speaker"))
    counted, table = matrix.cells, []
    for r in row_keys:
        row = rows[r]
        counts = [counted.get((r, c), 0) for c in col_keys]
        cells = cells_html(columns, counts, _cell_query(cell_base, group, row))
        sort = "?" + and_param(no_csort, "csort", ROW_SORT + row["param"])
        table.append({**row, "total": matrix.row_totals[r], "cells": cells, "sort": sort})
        table[-1]["sorted"] = by_row == r
    return {
        "rows": table,
        "cols": cols,
        "rsort": search.text_param(query, "rsort"),
        "by_name": {
            "rows": _sort_link(query, ("rsort",), rsort="name"),
            "cols": _sort_link(query, ("csort",), csort="name"),
            "total": _sort_link(query, ("rsort", "csort")),
        },
    }


def _claims_url(q: str, query: QueryDict) -> str | None:
    """Claims side by side for the search ``q`` (none for a query a path segment cannot hold)."""
    if not q or "/" in q:
        return None
    path = reverse("articles:compare_claims", args=[q])
    return with_query(path, query_string(query, (*VIEW_PARAMS, "q")))


def _page_context(filters: search.Filters, group: str, with_q: bool) -> dict[str, Any]:
    """The filter fields, rendered once per selection while the choices are cached (hundreds
    of speakers and places: most of the page's time otherwise). Without the search box and the
    place menu (``with_q`` false: the claims pages, whose path is their subject, and the
    matrix) the search and the place are no part of them, and "Clear" is the page's own path
    ("." on these paths, which end in "/"), so claims for a search asked for the first time
    reuse the fields another subject's page rendered."""
    shown = filters if with_q else replace(filters, q="", place="")

    def fields() -> str:
        context = {"choices": _filter_choices(), "filters": shown, "group": group, "with_q": with_q}
        return render_to_string("articles/compare_filters.html", context)

    return {"filter_fields": analysis.cached("compare-fields", (shown, group, with_q), fields)}


@require_safe
@public_page
def compare(request):
    """Who said what about where: quotes by speaker (or affiliation) and place. The results are
    the same for every reader of a query (public quotes only), so their rendering is kept as
    the counts are, until a change readers can see retires the lists: asked again (a sort
    undone, back and forward, the whole matrix of 26,000 cells at 100,000 articles), the
    table is not built again."""
    filters = search.Filters.from_query(request.GET)
    group = choice(request.GET, "group", GROUPS)
    show_all = request.GET.get("show") == "all"

    def results() -> str:
        matrix = analysis.matrix_for(filters, group, None if show_all else analysis.TOP)
        context = {
            "filters": filters,
            "group": group,
            "show_all": show_all,
            "matrix": matrix,
            "table": matrix_table(request, matrix, group),
            "export_query": filters_query(request.GET),
            "toggle_all": "?"
            + query_string(request.GET, ("show",), show="" if show_all else "all"),
            "top": analysis.TOP,
            "claims_url": _claims_url(filters.q, request.GET),
        }
        return render_to_string("articles/_compare_results.html", context)

    html = analysis.cached("compare-results", tuple(request.GET.lists()), results)
    return page_or_fragment(
        request,
        "articles/compare.html",
        "results",
        {"results": html},  # a SafeString, as rendered and kept
        lambda: _page_context(filters, group, with_q=False),
    )


def _claims_filters(request, subject: str) -> tuple[search.Filters, Place | None]:
    """The filters of the query string, with the subject: a public place's slug chooses the
    quotes about it, anything else is searched for."""
    filters = search.Filters.from_query(request.GET)
    place = analysis.subject_place(subject)
    if place is not None:
        return replace(filters, place=place.slug), place
    return replace(filters, q=search.bounded_query(subject[: search.RAW_QUERY_CHARS])), None


def _column_view(column: analysis.Column, group: str) -> dict[str, Any]:
    if column.key is None:
        return {"column": column, "label": analysis.UNATTRIBUTED, "colour": "speaker-none"}
    if group == AFFILIATION:
        return {"column": column, "label": column.key or analysis.NO_AFFILIATION}
    speaker = column.quotes[0].speaker
    return {
        "column": column,
        "label": speaker.name,
        "url": speaker.get_absolute_url(),
        "colour": speaker_colour(speaker.pk),
    }


@require_safe
@public_page
def compare_claims(request, subject):
    """Claims side by side: what each speaker (or affiliation) said about a place, or in the
    articles a search finds, newest first, each quote linking into its article."""
    filters, place = _claims_filters(request, subject)
    group = choice(request.GET, "group", GROUPS)
    show_all = request.GET.get("show") == "all"
    focus = None
    if group == AFFILIATION and "affiliation" in request.GET:
        focus = (AFFILIATION, search.text_param(request.GET, "affiliation"))
    rows, quote_field, more = analysis.claim_rows(filters, place, focus)
    counts = analysis.claim_counts(rows, filters, place, focus, group)
    columns, n_columns, n_quotes = analysis.claim_columns(
        rows, quote_field, group, show_all, counts
    )
    export = replace(filters, place="") if place is None else filters
    export_query = query_string(request.GET, VIEW_PARAMS, q=export.q, place=export.place)
    context = {
        "filters": filters,
        "subject": subject,
        "place": place,
        "group": group,
        "show_all": show_all,
        "focus": focus,
        "columns": [_column_view(c, group) for c in columns],
        "n_columns": n_columns,
        "n_quotes": n_quotes,
        "more": more,
        "window": search.SEARCH_WINDOW,
        "export_query": export_query,
        "toggle_all": "?" + query_string(request.GET, ("show",), show="" if show_all else "all"),
        "matrix_url": with_query(
            reverse("articles:compare"),
            query_string(request.GET, ("show", "affiliation"), q=export.q, place=export.place),
        ),
        "narrowed": replace(filters, q="", place="").active or focus is not None,
    }
    return page_or_fragment(
        request,
        "articles/compare_claims.html",
        "results",
        context,
        lambda: _page_context(filters, group, with_q=False),
    )


__all__ = ["compare", "compare_claims", "SPEAKER", "AFFILIATION"]
