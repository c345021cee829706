"""Search as you type, filters, and the back button, in Chromium."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, Quote, Speaker
from tests.ops import create, save


@pytest.fixture
def articles(transactional_db):
    peskov = create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov")
    for i, (headline, body, year) in enumerate(
        [
            ("Talks stall", "The Kremlin said negotiations were impossible.", 2022),
            ("Flag raised", "A Ukrainian flag was raised in Kherson.", 2022),
            ("Winter plans", "Negotiations may resume in winter, officials said.", 2023),
        ]
    ):
        article = create(
            Article,
            slug=f"a{i}",
            headline=headline,
            body=body,
            status="published",
            published_on=datetime.date(year, 1, 1 + i),
        )
        if i == 0:
            create(
                Quote,
                article=article,
                start=4,
                end=11,
                exact="Kremlin",
                speaker=peskov,
                kind="claim",
            )
            save(article)


def titles(page):
    return page.locator("#results .article-card h2").all_inner_texts()


def test_search_as_you_type_filters_and_back(live_server, articles, page):
    page.goto(f"{live_server.url}/")
    expect(page.locator("#results .article-card")).to_have_count(3)
    marker = page.evaluate("() => (window.__sameDocument = 'yes')")
    assert marker == "yes"

    page.locator("#q").press_sequentially("negotiations", delay=30)
    expect(page.locator("#results .article-card")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"\?q=negotiations"))
    expect(page.locator("#results mark").first).to_have_text(re.compile("negotiations", re.I))
    # No page load happened: htmx swapped the results in place.
    assert page.evaluate("() => window.__sameDocument") == "yes"

    page.locator("select[name=year]").select_option("2023")
    expect(page.locator("#results .article-card")).to_have_count(1)
    assert titles(page) == ["Winter plans"]
    expect(page).to_have_url(re.compile(r"year=2023"))

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"year=2023"))
    expect(page.locator("#results .article-card")).to_have_count(2)

    page.go_forward()
    expect(page.locator("#results .article-card")).to_have_count(1)

    page.reload()  # the URL holds the state
    assert titles(page) == ["Winter plans"]
    expect(page.locator("#q")).to_have_value("negotiations")
    expect(page.locator("select[name=year]")).to_have_value("2023")


def test_the_form_submits_without_javascript(live_server, articles, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        page.locator("select[name=speaker]").select_option("dmitry-peskov")
        page.locator("form.search button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"speaker=dmitry-peskov"))
        assert titles(page) == ["Talks stall"]
    finally:
        context.close()
