"""The place maps in Chromium: markers, popups, hostile names, and life without tiles or JS.

Nothing here depends on OpenStreetMap's tiles, and no test asks OpenStreetMap for any (its tile
policy is not for automated clients, and the sandbox has no internet): the ``page`` fixture answers
tile requests with a blank image, and one test makes them fail.
"""

import base64
import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, Place, PlaceMention
from tests.ops import create

HOSTILE = (
    '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2"> "q" \'s\' &amp;'
)
TILES = "**/tile.openstreetmap.org/**"
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: https://tile.openstreetmap.org; object-src 'none'; base-uri 'none'"
)


BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
)


@pytest.fixture
def page(page):
    """The browser page, with every tile answered locally by a blank image."""
    page.route(TILES, lambda route: route.fulfill(body=BLANK_PNG, content_type="image/png"))
    return page


def visible_places():
    return Place.objects.filter(mentions__in=PlaceMention.objects.visible()).distinct()


def watch_errors(page):
    """Collect uncaught page errors and dialogs (an injected alert would open one)."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    return errors


def test_places_map_has_a_marker_per_place_and_popups_link_to_them(live_server, seeded, page):
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/places/")
    places = visible_places()
    expect(page.locator("#map")).to_be_visible()
    expect(page.locator("#map")).to_have_attribute("aria-label", "Map of places")
    markers = page.locator("#map path.leaflet-interactive")
    expect(markers).to_have_count(places.count())
    expect(page.locator("#map .leaflet-control-attribution")).to_contain_text("OpenStreetMap")
    expect(page.locator("#map img.leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator("#map-status")).to_be_hidden()  # tiles came: no apology
    expect(page.locator(".place-table tbody tr")).to_have_count(places.count())

    # Russia is far from every other place, so its circle is clear to click.
    russia = Place.objects.get(slug="russia")
    page.locator('#map path[data-place="russia"]').click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    expect(popup.locator(".map-popup-name")).to_have_text("Russia")
    expect(popup).to_contain_text("Country")
    n = russia.mentions.count()
    expect(popup).to_contain_text(f"{n} mention{'s' if n != 1 else ''}")
    link = popup.get_by_role("link")
    expect(link).to_have_attribute("href", "/places/russia/")
    link.click()
    expect(page).to_have_url(re.compile(r"/places/russia/$"))
    expect(page.locator("h1")).to_have_text("Russia")
    assert not errors


def test_markers_grow_with_mentions(live_server, seeded, page):
    page.goto(f"{live_server.url}/places/")

    def width(slug):
        box = page.locator(f'#map path[data-place="{slug}"]').bounding_box()
        return box["width"]

    expect(page.locator("#map path.leaflet-interactive").first).to_be_visible()
    # Kherson Oblast has the most mentions in the seed article, Donbas one.
    assert width("kherson-oblast") > width("kyiv") > width("donbas")


def test_a_hostile_place_name_is_shown_as_text(live_server, transactional_db, page):
    errors = watch_errors(page)
    article = create(
        Article,
        slug="hit",
        headline="Hit",
        body="Somewhere was hit.",
        status=Article.Status.PUBLISHED,
    )
    place = create(Place, name=HOSTILE, slug="hostile", kind="city", latitude=48.5, longitude=35.0)
    create(PlaceMention, article=article, start=0, end=9, exact="Somewhere", place=place)

    for url, opens_with_link in [("/places/", True), ("/places/hostile/", False)]:
        page.goto(f"{live_server.url}{url}")
        page.locator('#map path[data-place="hostile"]').click()
        popup = page.locator(".leaflet-popup-content")
        expect(popup.locator(".map-popup-name")).to_have_text(HOSTILE)
        expect(popup.locator("img, script")).to_have_count(0)
        expect(popup.get_by_role("link")).to_have_count(1 if opens_with_link else 0)
        assert page.evaluate("window.pwned") is None
    assert not errors


def test_the_place_page_shows_its_marker(live_server, seeded, page):
    errors = watch_errors(page)
    kyiv = Place.objects.get(slug="kyiv")
    page.goto(f"{live_server.url}{kyiv.get_absolute_url()}")
    expect(page.locator("#map")).to_have_attribute("aria-label", "Map of Kyiv")
    markers = page.locator("#map path.leaflet-interactive")
    expect(markers).to_have_count(1)
    markers.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.locator(".map-popup-name")).to_have_text("Kyiv")
    expect(popup).to_contain_text(f"{kyiv.mentions.count()} mentions")
    expect(page.locator(".mention-list li")).to_have_count(kyiv.mentions.count())
    assert not errors


def test_blocked_tiles_leave_markers_list_and_coordinates(live_server, seeded, page):
    errors = watch_errors(page)
    page.unroute(TILES)
    page.route(TILES, lambda route: route.abort())
    page.goto(f"{live_server.url}/places/")
    expect(page.locator("#map-status")).to_be_visible()  # says the tiles are missing
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(visible_places().count())
    # The country outlines do not depend on the tiles: they are drawn all the same.
    expect(page.locator("#map path.map-land").first).to_be_attached()
    expect(page.locator("#map path.map-border").first).to_be_attached()
    row = page.locator('.place-table tr[data-place="kyiv"]')
    expect(row).to_be_visible()
    expect(row.locator(".coordinates")).to_have_text("50.4501, 30.5234")

    page.goto(f"{live_server.url}/places/kyiv/")
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(1)
    expect(page.locator(".entity-header .coordinates")).to_have_text("50.4501, 30.5234")
    assert not errors


def test_without_javascript_the_list_and_coordinates_remain(live_server, seeded, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/places/")
        expect(page.locator("#map")).to_be_hidden()
        rows = page.locator(".place-table tbody tr")
        expect(rows).to_have_count(visible_places().count())
        expect(page.locator('.place-table tr[data-place="kyiv"] .coordinates')).to_have_text(
            "50.4501, 30.5234"
        )
        page.locator('.place-table a[href="/places/kyiv/"]').click()
        expect(page).to_have_url(re.compile(r"/places/kyiv/$"))
        expect(page.locator("#map")).to_be_hidden()
        expect(page.locator(".entity-header .coordinates")).to_have_text("50.4501, 30.5234")
        expect(page.locator(".mention-list li").first).to_be_visible()
    finally:
        context.close()


def test_maps_work_under_a_strict_content_security_policy(live_server, seeded, page):
    """No inline script, handler or style is needed: the map draws under a strict CSP."""
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    def with_csp(route):
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    page.route(re.compile(r".*/places/([\w-]+/)?$"), with_csp)
    for url, n in [("/places/", visible_places().count()), ("/places/kyiv/", 1)]:
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("#map path.leaflet-interactive")).to_have_count(n)
        page.locator("#map path.leaflet-interactive").last.click()
        expect(page.locator(".leaflet-popup-content .map-popup-name")).to_be_visible()
    assert not violations, violations


def test_the_places_map_is_leaflet_reading_the_places_geojson(live_server, seeded, page):
    """The map's markers are the export's features, as Leaflet read them: a feature each, with
    the feature's place (its slug) on the marker."""
    with page.expect_response("**/export/places.geojson") as answer:
        page.goto(f"{live_server.url}/places/")
    features = answer.value.json()["features"]
    assert answer.value.headers["content-type"] == "application/geo+json; charset=utf-8"
    markers = page.locator("#map path.leaflet-interactive")
    expect(markers).to_have_count(len(features))
    drawn = markers.evaluate_all("paths => paths.map(p => p.getAttribute('data-place'))")
    assert sorted(drawn) == sorted(f["properties"]["slug"] for f in features)
