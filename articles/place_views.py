"""``/places/``: the places the reporting mentions, as a table and a map, for any search and
filters of the article list plus a date range (``from``, ``to``), so a reader can watch where
the reporting moved. The URL holds the state; htmx swaps only the results (count, map, table).

Unfiltered, the table reads ``Place``'s kept counts (a COUNT and a page); filtered, the ranked
counts of ``placecounts`` (kept in the cache) and the page's places by key. The map loads the
places GeoJSON with the same query, so it shows the same counts as the table.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.views.decorators.http import require_safe

from . import placecounts, search
from .analysis_views import _page_context, filters_query
from .htmx import page_or_fragment
from .models import Place
from .views import ENTITIES_PER_PAGE, public_page


@require_safe
@public_page
def place_list(request):
    """Every place with a reader-visible mention or quote about it in the articles the search
    and filters choose, most mentioned first; its counts within those articles."""
    filters = search.Filters.from_query(request.GET)
    if not filters.active:
        ranked = search.public_places().order_by("-n_mentions", "name", "pk")
        page = Paginator(ranked, ENTITIES_PER_PAGE).get_page(request.GET.get("page"))
        places = list(page)
    else:
        page = Paginator(placecounts.ranked(filters), ENTITIES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        found = Place.objects.in_bulk([pk for pk, _, _ in page])
        places = []
        for pk, n_mentions, n_quotes in page:
            if (place := found.get(pk)) is not None:  # (gone since the counts were kept)
                place.n_mentions, place.n_quotes = n_mentions, n_quotes  # within the filters
                places.append(place)
    context = {
        "places": places,
        "page": page,
        "filters": filters,
        "query": filters_query(request.GET),
    }
    return page_or_fragment(
        request,
        "articles/place_list.html",
        "results",
        context,
        lambda: _page_context(filters, "", with_q=True),
    )
