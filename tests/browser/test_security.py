"""In a real browser: the Content Security Policy holds on every page (reader and admin), and
hostile text in every field that reaches a page never runs or leaves its element."""

import datetime

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from articles.models import (
    Affiliation,
    Article,
    Author,
    Outlet,
    Place,
    PlaceMention,
    Quote,
    Speaker,
)
from tests.ops import add_places, create, save

HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '"><img src=x onerror="window.__pwned = 2">',
    '</mark></p><svg onload="window.__pwned = 3">',
    '<a href="javascript:window.__pwned = 4">click</a>',
    '<div hx-get="/admin/" hx-trigger="load" hx-target="body">htmx</div>',
    "{{ 7|add:7 }} {% now 'Y' %}",
    "\u202eevil\u202c \u200d zero-width \ufeff bom",
]
TEXT = " | ".join(HOSTILE)

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def hostile(transactional_db):
    author = create(Author, name=TEXT[:200], slug="author", bio=TEXT)
    outlet = create(Outlet, name=TEXT[:200], slug="outlet", domain="hostile.example")
    group = create(
        Affiliation, name=TEXT[:200], slug="affiliation", side=TEXT[:100], description=TEXT
    )
    speaker = create(
        Speaker,
        name=TEXT[:200],
        slug="speaker",
        role=TEXT[:200],
        affiliation=group,
        description=TEXT,
    )
    place = create(Place, name=TEXT[:200], slug="place", latitude=50.45, longitude=30.52)
    body = f"Negotiations: {TEXT}\n\n{TEXT} said negotiations failed."
    article = create(
        Article,
        slug="hostile",
        headline=TEXT[:300],
        dek=TEXT[:500],
        body=body,
        author=author,
        outlet=outlet,
        status="published",
        published_on=datetime.date(2022, 11, 11),
    )
    quote = create(
        Quote, article=article, start=14, end=14 + len(TEXT), exact=TEXT, speaker=speaker, note=TEXT
    )
    add_places(quote, place)
    start = body.index(TEXT, 20)
    create(
        PlaceMention, article=article, start=start, end=start + len(TEXT), exact=TEXT, place=place
    )
    save(article)
    return {
        "article": article,
        "quote": quote,
        "speaker": speaker,
        "place": place,
        "outlet": outlet,
        "affiliation": group,
    }


def assert_clean(page):
    assert page.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => window.__csp") == []
    injected = page.evaluate(
        """() => Array.from(document.querySelectorAll(
             'main img[src="x"], main svg[onload], main [onerror], main [hx-trigger="load"],'
             + ' main script:not([type="application/json"]), main a[href^="javascript:"]'
           )).map((e) => e.outerHTML.slice(0, 120))"""
    )
    assert injected == []


def test_hostile_text_never_runs_anywhere_and_the_policy_holds(live_server, hostile, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = live_server.url
    article, quote = hostile["article"], hostile["quote"]
    try:
        for path in [
            "/",
            "/?q=negotiations",
            article.get_absolute_url(),
            quote.get_absolute_url(),
            "/speakers/",
            hostile["speaker"].get_absolute_url(),
            "/places/",
            hostile["place"].get_absolute_url(),
            hostile["outlet"].get_absolute_url(),
            "/compare/?group=affiliation",
        ]:
            response = page.goto(base + path)
            assert response.status == 200, path
            assert "script-src 'self'" in response.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            assert_clean(page)

        # The panel, opened by htmx, and the search snippets, swapped in by htmx.
        page.goto(base + article.get_absolute_url())
        page.locator(f"#q-{quote.pk}").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#panel-content")).to_be_visible()
        expect(page.locator("#panel-content h2")).to_have_text(TEXT[:200])
        assert_clean(page)
        page.goto(base + "/")
        page.locator("#q").fill("negotiations")
        expect(page.locator("#results .snippet mark").first).to_be_visible()
        assert_clean(page)

        # The map popup.
        page.goto(base + "/places/")
        page.locator(".leaflet-interactive").first.click()
        expect(page.locator(".leaflet-popup-content")).to_contain_text(TEXT[:40])
        assert_clean(page)
        assert dialogs == []
    finally:
        context.close()


def test_admin_pages_hold_the_policy(live_server, hostile, browser):
    User.objects.create_superuser("root", password="a long admin password 1")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH)
    page = context.new_page()
    base = live_server.url
    article = hostile["article"]
    try:
        page.goto(base + "/admin/login/")
        page.fill("#id_username", "root")
        page.fill("#id_password", "a long admin password 1")
        page.click("input[type=submit]")
        for path in [
            "/admin/",
            "/admin/articles/article/",
            f"/admin/articles/article/{article.pk}/change/",
            f"/admin/articles/article/{article.pk}/annotate/",
            f"/admin/articles/article/{article.pk}/history/",
            f"/admin/articles/quote/{hostile['quote'].pk}/change/",
            "/admin/articles/speaker/add/",
            f"/admin/articles/speaker/{hostile['speaker'].pk}/change/",
            "/admin/articles/speaker/",
            "/admin/articles/affiliation/",
            f"/admin/articles/affiliation/{hostile['affiliation'].pk}/change/",
            "/admin/articles/place/",
        ]:
            response = page.goto(base + path)
            assert response.status == 200, path
            page.wait_for_load_state("networkidle")
            assert page.evaluate("() => window.__csp") == [], path
            assert page.evaluate("() => window.__pwned") is None, path
    finally:
        context.close()
