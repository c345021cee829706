"""Source balance in Chromium: the article and outlet pages with their balance tables pass
axe-core (desktop and phone, light and dark, the tables scrolled into view), the tables are there
without JavaScript, and the annotate view's affiliation field passes axe-core too."""

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.test_accessibility import (  # noqa: F401
    SEED_SLUG,
    TAGS,
    WIDTHS,
    axe_source,
    serious_violations,
)


def serious_within(page, axe_source, selectors):  # noqa: F811
    """axe-core's serious and critical findings inside these elements only."""
    page.evaluate(axe_source)
    result = page.evaluate(
        "([include, tags]) => axe.run({include: include.map(s => [s])},"
        " {runOnly: {type: 'tag', values: tags}})",
        [selectors, TAGS],
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


PAGES = {
    "article": (f"/articles/{SEED_SLUG}/", "#article-balance-affiliations"),
    "outlet": ("/outlets/the-libertarian-institute/", "#outlet-balance-affiliations"),
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_pages_with_a_balance_pass_axe(live_server, seeded, browser, axe_source, width, scheme):  # noqa: F811
    context = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme)
    page = context.new_page()
    failures = {}
    try:
        for name, (path, table) in PAGES.items():
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            page.locator(table).scroll_into_view_if_needed()
            expect(page.locator(table)).to_be_visible()
            if found := serious_violations(page, axe_source):
                failures[name] = found
    finally:
        context.close()
    assert not failures, failures


def test_the_tables_are_there_without_javascript(live_server, seeded, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        for path, table in PAGES.values():
            page.goto(f"{live_server.url}{path}")
            rows = page.locator(f"{table} tbody tr")
            expect(rows.first).to_be_visible()
            first = rows.first.locator("th").inner_text()
            assert first == "Government of Russia", path
            categories = page.locator(table.replace("affiliations", "categories"))
            expect(categories.locator("caption")).to_have_text("Quotes by kind of source")
    finally:
        context.close()


def test_the_annotate_form_with_its_affiliation_field_passes_axe(
    live_server,
    seeded,
    roles,
    browser,
    axe_source,  # noqa: F811
):
    user = User.objects.create_user("anna", password="correct horse 1", is_staff=True)
    user.groups.add(Group.objects.get(name="Annotators"))
    context = browser.new_context(viewport=WIDTHS["desktop"])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "anna")
        page.fill("#id_password", "correct horse 1")
        page.click("input[type=submit]")
        expect(page.locator("#user-tools")).to_contain_text("anna")
        article = Article.objects.get()
        page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/annotate/?find=Milley")
        field = page.locator("#id_speaker_affiliation")
        expect(field).to_be_visible()
        field.fill("Govern")
        expect(page.locator("#affiliation-options option").first).to_have_attribute(
            "value", "Government of Russia"
        )
        # the fields this adds (the admin's own annotate page has findings of its own: the
        # selection's contrast and its radio buttons' size, which are not these fields')
        assert not serious_within(
            page, axe_source, [".field-speaker_affiliation", ".field-speaker_category"]
        )
    finally:
        context.close()
