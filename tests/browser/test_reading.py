import re

from playwright.sync_api import expect

from articles.models import Article, Quote

SEED_SLUG = "russia-announces-kherson-withdrawal-completed-kremlin-says-regions-status-is-unchanged"


def peskov_quote():
    return (
        Quote.objects.filter(speaker__slug="dmitry-peskov", kind="direct").order_by("start").first()
    )


def test_clicking_a_highlight_opens_the_speaker_panel(live_server, seeded, page):
    quote = peskov_quote()
    page.goto(f"{live_server.url}/articles/{SEED_SLUG}/")
    expect(page.locator("h1")).to_have_text(Article.objects.get().headline)
    marks = page.locator("mark.quote")
    assert marks.count() == Quote.objects.count()
    assert page.locator("a.place").count() > 10

    page.locator(f"#q-{quote.pk}").click()
    panel = page.locator("#panel-content")
    expect(panel).to_be_visible()
    expect(panel.locator("h2")).to_have_text("Dmitry Peskov")
    expect(panel).to_contain_text("Kremlin spokesman")
    expect(panel.locator("blockquote")).to_have_text(quote.exact)
    expect(panel.locator(".other-quotes li")).to_have_count(
        Quote.objects.filter(speaker=quote.speaker).count() - 1
    )
    expect(page).to_have_url(re.compile(rf"/articles/{SEED_SLUG}/quotes/{quote.pk}/$"))
    expect(panel).to_be_focused()

    page.keyboard.press("Escape")
    expect(page.locator("#panel-content")).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/articles/{SEED_SLUG}/$"))
    expect(page.locator(f"#q-{quote.pk}")).to_be_focused()


def test_a_highlight_opens_by_keyboard(live_server, seeded, page):
    quote = peskov_quote()
    page.goto(f"{live_server.url}/articles/{SEED_SLUG}/")
    page.locator(f"#q-{quote.pk}").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#panel-content h2")).to_have_text("Dmitry Peskov")


def test_without_javascript_the_quote_links_open_a_full_page(live_server, seeded, browser):
    quote = peskov_quote()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/articles/{SEED_SLUG}/")
        page.locator(f'.quote-index a[href$="/quotes/{quote.pk}/"]').click()
        expect(page).to_have_url(re.compile(rf"/quotes/{quote.pk}/$"))
        expect(page.locator("#panel-content h2")).to_have_text("Dmitry Peskov")
        expect(page.locator("#article-body")).to_be_visible()
    finally:
        context.close()
