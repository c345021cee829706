"""Timelines in Chromium: the chart is drawn, a bar is reached with Tab and announces its values,
the colours follow dark mode and print, axe-core finds nothing serious on each page with a
timeline (desktop and phone, light and dark), nothing breaks the CSP, and without JavaScript the
table of the same figures is there."""

import datetime
import re

import pytest

from articles.models import Article, Outlet, Place, PlaceMention, Quote, Speaker
from tests.browser.test_accessibility import WIDTHS, axe_source, serious_violations  # noqa: F401
from tests.ops import add_places, create

BODY = "Olena Koval said Kyiv was calm. Kyiv again, and Odesa."
pytestmark = pytest.mark.django_db(transaction=True)


def spanned(model, article, text, **fields):
    start = article.body.index(text)
    return create(model, article=article, start=start, end=start + len(text), exact=text, **fields)


@pytest.fixture
def dated(transactional_db):
    """Six weeks of articles of one outlet quoting one speaker about Kyiv: a bar a day."""
    outlet = create(Outlet, name="Timeline Wire", slug="timeline-wire", domain="tw.example")
    speaker = create(Speaker, name="Olena Koval", slug="olena-koval")
    kyiv = create(Place, name="Kyiv", slug="kyiv", latitude=50.45, longitude=30.52)
    for i in range(6):
        article = create(
            Article,
            slug=f"t{i}",
            headline=f"Calm {i}",
            body=BODY,
            status="published",
            published_on=datetime.date(2024, 3, 1) + datetime.timedelta(days=7 * i),
            outlet=outlet,
        )
        add_places(spanned(Quote, article, "Kyiv was calm", speaker=speaker), kyiv)
        spanned(PlaceMention, article, "Kyiv", place=kyiv)
        spanned(PlaceMention, article, "Kyiv again", place=kyiv)
    return {
        "speaker": speaker.get_absolute_url(),
        "place": kyiv.get_absolute_url(),
        "outlet": outlet.get_absolute_url(),
        "search": "/?q=calm",
    }


def tab_to_a_bar(page, limit=200):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('timeline-point')"):
            return page.evaluate("document.activeElement.getAttribute('aria-label')")
    raise AssertionError("no bar of the timeline was reached with Tab")


def test_the_chart_is_drawn_and_a_bar_is_reached_with_tab(live_server, dated, browser):
    context = browser.new_context(viewport=WIDTHS["desktop"])
    page = context.new_page()
    violations = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    try:
        page.goto(live_server.url + dated["place"])
        chart = page.locator("svg.timeline-chart")
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box["width"] > 300 and box["height"] > 100
        # 3 March 2024 to 5 April 2024: weekly articles, a bar a day, the others empty
        bars = page.locator(".timeline-bar--quotes")
        heights = [float(h) for h in bars.evaluate_all("els => els.map(e => e.getBBox().height)")]
        assert sum(h > 0 for h in heights) == 6 and len(heights) == 36
        label = tab_to_a_bar(page)
        assert label == "1 March 2024: 1 quote, 2 mentions"
        # what the accessibility tree gives the focused bar: its values as its name
        focused = page.get_by_role("img", name="1 March 2024: 1 quote, 2 mentions")
        assert focused.evaluate("e => e === document.activeElement")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
            "2 March 2024: 0 quotes, 0 mentions"
        )
        # the chart's own title and description, as its accessible name and description
        name = chart.evaluate(
            "e => document.getElementById(e.getAttribute('aria-labelledby')).textContent"
        )
        assert name == "Quotes about and mentions of \u2068Kyiv\u2069, by day"  # name isolated
        assert "in all 6 quotes and 12 mentions" in chart.locator("desc").text_content()
        assert not violations, violations
    finally:
        context.close()


def fill_of(page, selector):
    return page.locator(selector).first.evaluate("e => getComputedStyle(e).fill")


def test_colours_follow_dark_mode_and_print(live_server, dated, browser):
    fills = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=WIDTHS["desktop"], color_scheme=scheme)
        page = context.new_page()
        page.goto(live_server.url + dated["place"])
        fills[scheme] = (fill_of(page, ".timeline-bar--quotes"), fill_of(page, ".timeline-tick"))
        if scheme == "dark":
            page.emulate_media(media="print")
            fills["print"] = (
                fill_of(page, ".timeline-bar--quotes"),
                fill_of(page, ".timeline-tick"),
            )
        context.close()
    assert fills["light"][0] == "rgb(29, 78, 216)"
    assert fills["dark"][0] == "rgb(147, 197, 253)"  # light on the dark page
    assert fills["dark"][1] != fills["light"][1]
    assert fills["print"][0] == "rgb(0, 0, 0)"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_pages_with_timelines_pass_axe(live_server, dated, browser, axe_source, width, scheme):  # noqa: F811
    context = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme)
    page = context.new_page()
    failures = {}
    try:
        for name, path in dated.items():
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            assert page.locator("svg.timeline-chart").count() == 1, name
            page.locator(".timeline-table summary").click()  # the table too, opened
            if found := serious_violations(page, axe_source):
                failures[name] = found
    finally:
        context.close()
    assert not failures, failures


def test_without_javascript_every_view_has_its_table(live_server, dated, browser):
    context = browser.new_context(viewport=WIDTHS["phone"], java_script_enabled=False)
    page = context.new_page()
    try:
        for name, path in dated.items():
            page.goto(live_server.url + path)
            assert page.locator("svg.timeline-chart").is_visible(), name
            page.locator(".timeline-table summary").click()  # <details> opens without script
            rows = page.locator(".timeline-table tbody tr")
            assert rows.count() == 36, name
            first = rows.first.inner_text()
            assert re.match(r"1 March 2024\s+1(\s+2)?$", first), (name, first)
    finally:
        context.close()
