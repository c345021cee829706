"""The places list and map over time and filters (issue 15, item 5): the counts per place for
any search, filters and date range, the map's sources (tiles, or none with ``MAP_TILES=off``,
and the vendored country outlines), htmx fragments and constant queries."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Outlet, Place, PlaceMention, Quote, Span, Speaker
from newsroom.settings import map_tiles
from tests.ops import add_places, create
from tests.test_production import settings_value

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
BODY = "Kyiv said Kherson was calm. Odesa waited. Kyiv again."


def spans_of(body: str, word: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(word), body)]


@pytest.fixture
def reporting():
    """Articles over three months, of two outlets, with mentions and quotes about places, plus
    a draft, a suggested and a rejected mention, and a suggested quote: none of those count."""
    ledger = create(Outlet, name="Ledger", slug="ledger", domain="ledger.example")
    wire = create(Outlet, name="Wire", slug="wire", domain="wire.example")
    peskov = create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov")
    olena = create(Speaker, name="Olena", slug="olena")
    places = {
        name: create(Place, name=name, slug=name.lower(), latitude=46 + n, longitude=30 + n)
        for n, name in enumerate(["Kyiv", "Kherson", "Odesa"])
    }
    rows = [  # date, outlet, status, headline, the places mentioned
        ("2024-01-10", ledger, "published", "Winter", ["Kyiv", "Kherson"]),
        ("2024-02-15", wire, "published", "Thaw", ["Kyiv", "Odesa"]),
        ("2024-03-20", ledger, "published", "Spring offensive", ["Kherson", "Odesa", "Kyiv"]),
        (None, wire, "published", "Undated", ["Odesa"]),
        ("2024-02-01", ledger, "draft", "Draft", ["Kyiv", "Kherson", "Odesa"]),
    ]
    for n, (date, outlet, status, headline, named) in enumerate(rows):
        article = create(
            Article,
            slug=f"a{n}",
            headline=headline,
            body=BODY,
            status=status,
            outlet=outlet,
            published_on=date,
        )
        for name in named:
            for start, end in spans_of(BODY, name):
                create(
                    PlaceMention,
                    article=article,
                    start=start,
                    end=end,
                    exact=name,
                    place=places[name],
                )
        speaker, kind = (peskov, "direct") if n % 2 == 0 else (olena, "claim")
        quote = create(
            Quote, article=article, start=0, end=26, exact=BODY[:26], speaker=speaker, kind=kind
        )
        add_places(quote, places[named[0]])
        hidden = create(
            Quote, article=article, start=28, end=41, exact=BODY[28:41], status="suggested"
        )
        add_places(hidden, places["Odesa"])
        for status in ("suggested", "rejected"):
            create(
                PlaceMention,
                article=article,
                start=0,
                end=4,
                exact="Kyiv",
                place=places["Kyiv"],
                status=status,
            )
    return places


def chosen(article: Article, query: dict) -> bool:
    """Whether the list for ``query`` shows ``article``: the filters, read in Python."""
    if article.status != "published":
        return False
    day = article.published_on
    if "from" in query and (day is None or day < datetime.date.fromisoformat(query["from"])):
        return False
    if "to" in query and (day is None or day > datetime.date.fromisoformat(query["to"])):
        return False
    if "outlet" in query and article.outlet.slug != query["outlet"]:
        return False
    if "q" in query and query["q"].lower() not in article.headline.lower():
        return False
    quotes = [q for q in Quote.objects.filter(article=article) if q.status == "confirmed"]
    if "speaker" in query and not any(q.speaker.slug == query["speaker"] for q in quotes):
        return False
    return not ("kind" in query and not any(q.kind == query["kind"] for q in quotes))


def expected(query: dict) -> dict[str, tuple[int, int]]:
    """{place slug: (mentions, quotes about)} counted from every span, one at a time."""
    counts: dict[str, list[int]] = {}
    for article in Article.objects.select_related("outlet"):
        if not chosen(article, query):
            continue
        for m in PlaceMention.objects.filter(article=article).select_related("place"):
            shown = m.status == Span.Status.CONFIRMED and m.anchored and m.place is not None
            if shown and query.get("place", m.place.slug) == m.place.slug:
                counts.setdefault(m.place.slug, [0, 0])[0] += 1
        for q in Quote.objects.filter(article=article):
            if q.status != Span.Status.CONFIRMED or not q.anchored:
                continue
            if query.get("speaker", q.speaker.slug) != q.speaker.slug:
                continue
            if query.get("kind", q.kind) != q.kind:
                continue
            for p in q.places.all():
                if query.get("place", p.slug) == p.slug:
                    counts.setdefault(p.slug, [0, 0])[1] += 1
    return {slug: (m, q) for slug, (m, q) in counts.items()}


def table(client, query: dict) -> dict[str, tuple[int, int]]:
    html = client.get(reverse("articles:place_list"), query).content.decode()
    rows = re.findall(
        r'<tr data-place="([^"]+)">.*?data-count="mentions">(\d+)<.*?data-count="quotes">(\d+)<',
        html,
        re.S,
    )
    return {slug: (int(m), int(q)) for slug, m, q in rows}


def geojson(client, query: dict) -> dict[str, tuple[int, int]]:
    response = client.get(reverse("articles:export_places_geojson"), query)
    features = json.loads(b"".join(response.streaming_content))["features"]
    return {
        f["properties"]["slug"]: (f["properties"]["mentions"], f["properties"]["quotes_about"])
        for f in features
    }


QUERIES = [
    {},
    {"from": "2024-02-01"},
    {"to": "2024-02-15"},
    {"from": "2024-02-01", "to": "2024-02-29"},
    {"from": "2024-02-01", "outlet": "ledger"},
    {"year": "2024"},
    {"speaker": "olena"},
    {"kind": "direct"},
    {"place": "odesa", "to": "2024-03-01"},
    {"q": "offensive"},
    {"from": "2025-01-01"},
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()))
def test_the_table_and_the_map_count_what_the_filters_leave(client, reporting, query):
    """The table (no JavaScript) and the GeoJSON the map draws hold the same counts, and they
    are those counted span by span in Python: drafts, suggestions and rejections left out."""
    cache.clear()  # the counts are kept until a commit retires them; the fixture never commits
    year = query.get("year")  # a year is the range of its days
    oracle = expected(
        {k: v for k, v in query.items() if k != "year"}
        | ({"from": f"{year}-01-01", "to": f"{year}-12-31"} if year else {})
    )
    assert table(client, query) == oracle
    assert geojson(client, query) == oracle
    if query == {"from": "2025-01-01"}:
        assert oracle == {}
        html = client.get(reverse("articles:place_list"), query).content.decode()
        assert "No places are mentioned or quoted about in the articles matching" in html


def test_a_date_range_moves_the_counts(client, reporting):
    """Where the reporting moved: February has no Kherson; March has it."""
    cache.clear()
    february = table(client, {"from": "2024-02-01", "to": "2024-02-29"})
    march = table(client, {"from": "2024-03-01", "to": "2024-03-31"})
    assert "kherson" not in february and february["kyiv"] == (2, 1)
    assert march["kherson"] == (1, 1)


def test_the_map_loads_the_same_query_and_the_form_holds_it(client, reporting):
    html = client.get("/places/?from=2024-02-01&to=2024-03-31&outlet=wire&page=1").content.decode()
    assert (
        'data-geojson="/export/places.geojson?from=2024-02-01&amp;to=2024-03-31&amp;outlet=wire"'
        in html
    )
    assert '<input type="date" name="from" value="2024-02-01">' in html
    assert '<input type="date" name="to" value="2024-03-31">' in html
    assert re.search(r'<option value="wire"[^>]* selected>Wire</option>', html)
    assert 'hx-get="/places/" hx-target="#place-results"' in html and 'hx-push-url="true"' in html
    assert 'name="group"' not in html  # the comparison's own field is not the places'
    # The export links take the same query.
    assert 'href="/export/places.geojson?from=2024-02-01&amp;to=2024-03-31&amp;outlet=wire"' in html


def test_htmx_gets_only_the_results(client, reporting):
    response = client.get("/places/?from=2024-02-01", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="place-results"')
    assert "<form" not in html and "<html" not in html
    assert 'data-place="odesa"' in html
    assert "HX-Request" in response["Vary"]


def test_the_filtered_places_list_runs_constant_queries(client, make_article):
    def queries(query: str) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/places/" + query).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        article = make_article(body=BODY, published_on="2024-02-02")
        place = create(Place, name=f"Place {n}", slug=f"place-{n}", latitude=n, longitude=n)
        create(PlaceMention, article=article, start=0, end=4, exact="Kyiv", place=place)
        quote = create(Quote, article=article, start=0, end=26, exact=BODY[:26])
        add_places(quote, place)

    add(0)
    urls = ["?from=2024-02-01", "?from=2024-02-01&to=2024-12-31&q=Kherson", "?kind=direct"]
    few = [queries(url) for url in urls]
    for n in range(1, 8):
        add(n)
    assert [queries(url) for url in urls] == few
    # the filter menus' choices (5, on a cold cache), the mentions and the quotes per place (2),
    # the page's places by key (1)
    assert few[0] == 5 + 2 + 1


def test_map_tiles_setting():
    assert map_tiles("https://tile.openstreetmap.org") == (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://tile.openstreetmap.org",
    )
    assert map_tiles("https://tiles.example:8443/osm/{z}/{x}/{y}.png") == (
        "https://tiles.example:8443/osm/{z}/{x}/{y}.png",
        "https://tiles.example:8443",
    )
    assert map_tiles("off") == map_tiles("OFF ") == ("", "")
    for bad in ["tile.openstreetmap.org", "javascript:alert(1)", "https://", "ftp://x.example"]:
        with pytest.raises(ImproperlyConfigured):
            map_tiles(bad)


def test_map_tiles_off_leaves_no_third_party_host_in_the_policy():
    off = settings_value(
        "repr((settings.MAP_TILES, settings.CONTENT_SECURITY_POLICY['img-src']))", MAP_TILES="off"
    )
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == "('', [\"'self'\", 'data:'])"
    on = settings_value("settings.CONTENT_SECURITY_POLICY['img-src']")
    assert "https://tile.openstreetmap.org" in on.stdout


def test_the_map_names_its_tiles_and_outlines(client, reporting, settings):
    for url in ["/places/", "/places/kyiv/"]:
        html = client.get(url).content.decode()
        assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html, url
        assert 'data-outlines="/static/vendor/world-atlas/countries-50m.json"' in html, url
        assert 'src="/static/vendor/topojson-client/topojson-client.min.js"' in html, url
    settings.MAP_TILES = ""
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "img-src": ["'self'"]}
    response = client.get("/places/")
    assert 'data-tiles=""' in response.content.decode()
    assert "openstreetmap" not in response["Content-Security-Policy"]


def test_the_outlines_and_their_reader_are_vendored_with_their_licences():
    atlas = ROOT / "static" / "vendor" / "world-atlas"
    topology = json.loads((atlas / "countries-50m.json").read_text())
    assert topology["type"] == "Topology" and {"countries", "land"} <= set(topology["objects"])
    assert len(topology["objects"]["countries"]["geometries"]) > 200
    client_js = ROOT / "static" / "vendor" / "topojson-client"
    assert "topojson-client v3.1.0" in (client_js / "topojson-client.min.js").read_text()[:200]
    for folder in (atlas, client_js):
        assert "Permission to use, copy, modify" in (folder / "LICENSE").read_text()
        assert "npm pack" in (folder / "README.md").read_text()
    assert "Natural Earth" in (atlas / "README.md").read_text()


@pytest.mark.parametrize(
    "query", QUERIES[1:], ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items())
)
def test_the_mentions_export_holds_what_the_map_counts(client, reporting, query):
    """The place mentions CSV of a list holds the mentions its map counts (a kind of quote, too,
    chooses the articles with such a quote, as the article list does)."""
    from articles import search
    from articles.exports.query import mentions_for

    cache.clear()
    filters = search.Filters.from_query(query)
    assert mentions_for(filters).count() == sum(m for m, _ in geojson(client, query).values())
