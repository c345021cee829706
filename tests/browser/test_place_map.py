"""The places map without tiles and over time, in Chromium: with ``MAP_TILES=off`` the page asks
no other host for anything and still draws Natural Earth's outlines under the markers; the
filters (a date range among them) update the list and the map through htmx, the URL holding
them; axe-core finds nothing serious, in both schemes at both widths."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, Place, PlaceMention
from tests.browser.test_accessibility import WIDTHS, serious_violations
from tests.browser.test_accessibility import axe_source as axe_source  # noqa: F401 (fixture)
from tests.browser.test_maps import HOSTILE, watch_errors
from tests.ops import create

OFF_POLICY_IMG = ["'self'", "data:"]


@pytest.fixture
def tiles_off(settings):
    """``MAP_TILES=off``, as the settings make it (see test_place_map.py for that part)."""
    settings.MAP_TILES = ""
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "img-src": OFF_POLICY_IMG,
    }


def record_requests(page, origin: str) -> list[str]:
    """Every URL the page asks for that is not of ``origin`` (nor a data: URL)."""
    elsewhere: list[str] = []

    def seen(request):
        if not (request.url.startswith(origin + "/") or request.url.startswith("data:")):
            elsewhere.append(request.url)

    page.on("request", seen)
    return elsewhere


def test_with_tiles_off_no_request_leaves_the_site_and_outlines_are_drawn(
    live_server, seeded, page, tiles_off
):
    errors = watch_errors(page)
    elsewhere = record_requests(page, live_server.url)
    n = Place.objects.filter(n_mentions__gt=0).count()
    for url, markers in [("/places/", n), ("/places/kyiv/", 1)]:
        response = page.goto(f"{live_server.url}{url}")
        assert "openstreetmap" not in response.headers["content-security-policy"]
        expect(page.locator("#map path.leaflet-interactive")).to_have_count(markers)
        expect(page.locator("#map path.map-land").first).to_be_attached()
        expect(page.locator("#map path.map-border").first).to_be_attached()
        page.wait_for_load_state("networkidle")
        expect(page.locator("#map img.leaflet-tile")).to_have_count(0)
        expect(page.locator("#map-status")).to_be_hidden()  # nothing failed: nothing was asked
        attribution = page.locator("#map .leaflet-control-attribution")
        expect(attribution).to_contain_text("Natural Earth")
        expect(attribution).not_to_contain_text("OpenStreetMap")
        # Land is drawn beneath the markers: the outlines' pane is under the markers' pane.
        below = page.evaluate(
            """() => {
              const z = (name) => Number(getComputedStyle(
                document.querySelector('#map .leaflet-' + name + '-pane')).zIndex);
              return z('outlines') < z('tile') && z('tile') < z('overlay');
            }"""
        )
        assert below
    assert elsewhere == [], elsewhere
    assert not errors


def reporting():
    """Three places reported in three months; the February one has a hostile name."""
    places = {}
    for n, (slug, name, month) in enumerate(
        [("kyiv", "Kyiv", "01"), ("hostile", HOSTILE, "02"), ("odesa", "Odesa", "03")]
    ):
        article = create(
            Article,
            slug=f"report-{n}",
            headline=f"Report {n}",
            body="Somewhere was hit.",
            status=Article.Status.PUBLISHED,
            published_on=f"2024-{month}-10",
        )
        places[slug] = create(
            Place, name=name, slug=slug, kind="city", latitude=46 + n, longitude=30 + 2 * n
        )
        create(PlaceMention, article=article, start=0, end=9, exact="Somewhere", place=places[slug])
    return places


def test_a_date_range_updates_the_list_and_the_map_in_place(
    live_server, transactional_db, page, tiles_off
):
    errors = watch_errors(page)
    reporting()
    page.goto(f"{live_server.url}/places/")
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(3)
    page.evaluate("document.querySelector('h1').dataset.kept = 'yes'")  # gone if the page reloads

    # Both dates set at once, then one change: one request, one history entry.
    page.evaluate(
        """() => {
          document.querySelector('input[name="from"]').value = '2024-02-01';
          document.querySelector('input[name="to"]').value = '2024-02-28';
        }"""
    )
    page.locator('input[name="to"]').dispatch_event("change")
    expect(page).to_have_url(re.compile(r"/places/\?.*from=2024-02-01.*to=2024-02-28"))
    rows = page.locator(".place-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-place", "hostile")
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(1)
    assert page.evaluate("document.querySelector('h1').dataset.kept") == "yes"  # only a swap

    # The swapped-in map's popup shows the hostile name as text.
    page.locator('#map path[data-place="hostile"]').click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".map-popup-name")).to_have_text(HOSTILE)
    expect(popup.locator("img, script")).to_have_count(0)
    expect(popup).to_contain_text("1 mention")
    assert page.evaluate("window.pwned") is None

    # Back: the unfiltered list and map again (htmx asks the server for the page it restores).
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/places/")
    expect(page.locator(".place-table tbody tr")).to_have_count(3)
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(3)
    page.go_forward()
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(1)

    # The URL holds the state: loaded afresh, it shows the same.
    page.reload()
    expect(page.locator(".place-table tbody tr")).to_have_count(1)
    expect(page.locator('input[name="from"]')).to_have_value("2024-02-01")
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(1)
    assert not errors


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_places_pages_pass_axe(live_server, seeded, browser, axe_source, scheme, tiles_off):  # noqa: F811
    failures = {}
    for width, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, color_scheme=scheme)
        page = context.new_page()
        try:
            for path in ["/places/", "/places/?from=2022-11-01&to=2022-11-30&q=Kherson"]:
                page.goto(f"{live_server.url}{path}")
                expect(page.locator("#map path.map-land").first).to_be_attached()
                found = serious_violations(page, axe_source)
                if found:
                    failures[f"{width} {path}"] = found
        finally:
            context.close()
    assert not failures, failures
