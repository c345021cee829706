"""The views across articles in Chromium: htmx swaps only the results and the URL holds the
state (back, forward, reload); without JavaScript the same tables; axe-core finds nothing
serious on either page, desktop and phone, light and dark; a quote opens its article with the
panel open."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import WIDTHS, axe_source, serious_violations  # noqa: F401

PAGES = {
    "compare": "/compare/",
    "compare-affiliations": "/compare/?group=affiliation&show=all",
    "claims-place": "/compare/kherson-oblast/",
    "claims-search": "/compare/Kherson/?group=affiliation",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_compare_pages_pass_axe(live_server, seeded, browser, axe_source, width, scheme):  # noqa: F811
    context = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme)
    page = context.new_page()
    failures = {}
    try:
        for name, path in PAGES.items():
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            if found := serious_violations(page, axe_source):
                failures[name] = found
    finally:
        context.close()
    assert not failures, failures


def rows(page):
    return page.locator("#compare-results tbody tr").count()


def test_filters_and_sorts_swap_the_table_and_the_url_holds_them(live_server, seeded, page):
    page.goto(f"{live_server.url}/compare/")
    expect(page.locator("table.matrix")).to_be_visible()
    assert page.evaluate("() => (window.__sameDocument = 'yes')") == "yes"
    everyone = rows(page)
    assert everyone > 3

    page.locator("select[name=speaker]").select_option("dmitry-peskov")
    expect(page).to_have_url(re.compile(r"speaker=dmitry-peskov"))
    expect(page.locator("#compare-results tbody tr")).to_have_count(1)
    expect(page.locator("#compare-results tbody th")).to_contain_text("Dmitry Peskov")

    page.locator("select[name=group]").select_option("affiliation")
    expect(page).to_have_url(re.compile(r"group=affiliation"))
    expect(page.locator("#compare-results tbody th")).to_contain_text("Government of Russia")

    page.locator("select[name=speaker]").select_option("")
    expect(page).not_to_have_url(re.compile(r"speaker=dmitry"))
    page.get_by_role("link", name="rows by name").click()
    expect(page).to_have_url(re.compile(r"rsort=name"))
    headers = page.locator("#compare-results tbody th .row-label")
    names = [n for n in headers.all_inner_texts() if n]
    assert names == sorted(names, key=str.casefold)
    assert page.evaluate("() => window.__sameDocument") == "yes"  # no page load: swaps

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"rsort=name"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"speaker=dmitry-peskov"))
    expect(page.locator("#compare-results tbody tr")).to_have_count(1)
    page.go_forward()
    expect(page).not_to_have_url(re.compile(r"speaker=dmitry"))
    page.go_forward()
    expect(page).to_have_url(re.compile(r"rsort=name"))
    page.reload()
    expect(page.locator("select[name=group]")).to_have_value("affiliation")
    names_again = [n for n in headers.all_inner_texts() if n]
    assert names_again == names


def test_without_javascript_the_tables_render_and_the_form_submits(live_server, seeded, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/compare/")
        expect(page.locator("table.matrix th[scope=row]").first).to_be_visible()
        page.locator("select[name=kind]").select_option("claim")
        page.locator("form.search button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"kind=claim"))
        expect(page.locator("table.matrix")).to_be_visible()
        page.goto(f"{live_server.url}/compare/kherson/")
        expect(page.locator(".claims-column").first).to_be_visible()
    finally:
        context.close()


def test_a_cell_leads_to_its_quotes_and_a_quote_into_its_article_with_the_panel_open(
    live_server, seeded, page
):
    page.goto(f"{live_server.url}/compare/?speaker=dmitry-peskov")
    page.locator("tr[data-row=dmitry-peskov] td[data-place=kherson-oblast] a").click()
    expect(page).to_have_url(re.compile(r"/compare/kherson-oblast/\?speaker=dmitry-peskov"))
    expect(page.locator(".claims-column")).to_have_count(1)
    page.locator(".claims-column blockquote a", has_text="nothing to add").click()
    expect(page).to_have_url(re.compile(r"/articles/[\w-]+/quotes/\d+/"))
    expect(page.locator(".panel-content")).to_be_visible()
    expect(page.locator(".panel-content")).to_contain_text("nothing to add")
