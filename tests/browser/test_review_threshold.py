"""An annotator accepts every suggestion above a chosen confidence in one click (htmx), and the
rules page then shows how each rule fared."""

from playwright.sync_api import expect

from articles import operations, suggestions
from articles.models import Article, PlaceMention, Quote, RuleTally
from articles.suggest import PlaceSuggestion, QuoteSuggestion
from tests.browser.test_annotating import log_in, staff
from tests.ops import create

BODY = (
    "Kyiv said the talks had failed. Officials in Odesa said the port was shelled.\n\n"
    "A spokesman said the convoy <b>would</b> wait."
)


def quote(text: str, rule: str, confidence: float, speaker: str) -> QuoteSuggestion:
    start = BODY.index(text)
    return QuoteSuggestion(
        start=start,
        end=start + len(text),
        text=text,
        kind="indirect",
        speaker=speaker,
        speaker_is_new=True,
        rule=rule,
        confidence=confidence,
    )


def test_accept_above_a_threshold(live_server, roles, browser, monkeypatch):
    staff("anna", "Annotators")
    article = create(Article, slug="talks", headline="Talks fail", body=BODY)
    found = (
        [
            quote("the talks had failed", "quote.said", 0.92, "Kyiv"),
            quote("the port was shelled", "quote.officials", 0.74, "Odesa officials"),
            quote("the convoy <b>would</b> wait", "quote.<i>hostile</i>", 0.41, "<b>Spokesman</b>"),
        ],
        [
            PlaceSuggestion(
                start=0,
                end=4,
                text="Kyiv",
                place="Kyiv",
                is_new=True,
                latitude=50.45,
                longitude=30.52,
                rule="place.gazetteer",
                confidence=0.81,
            )
        ],
    )
    monkeypatch.setattr(suggestions, "find", lambda body: found)
    operations.store_suggestions(article)

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, "anna")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/annotate/")
    items = page.locator(".suggestion-list > li")
    expect(items).to_have_count(4)
    # Most confident first, each with its confidence and rule (the hostile one as text).
    expect(items.locator(".confidence")).to_have_text(["0.92", "0.81", "0.74", "0.41"])
    expect(items.locator(".rule")).to_have_text(
        ["quote.said", "place.gazetteer", "quote.officials", "quote.<i>hostile</i>"]
    )
    expect(page.locator(".suggestion-list i")).to_have_count(0)
    expect(page.locator("#annotation-list")).to_contain_text("<b>Spokesman</b> (proposed)")

    threshold = page.locator("#accept-above")
    expect(threshold).to_have_value("0.80")
    threshold.fill("0.75")
    page.locator(".accept-above button").click()
    expect(page.locator(".annotate-message")).to_contain_text(
        "Accepted 2 suggestions with a confidence of 0.75 or more."
    )
    expect(items).to_have_count(2)  # the list was swapped in place, without a reload
    expect(items.locator(".confidence")).to_have_text(["0.74", "0.41"])
    expect(
        page.locator("#annotation-list > ol.annotation-list:not(.suggestion-list) > li")
    ).to_have_count(2)

    assert set(Quote.objects.filter(status="confirmed").values_list("rule", flat=True)) == {
        "quote.said"
    }
    assert PlaceMention.objects.get().status == "confirmed"
    assert Quote.objects.filter(status="suggested").count() == 2

    # The lowest two rejected one by one; the rules page shows who fared worst.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".review-all form:has(input[value=reject]) button", has_text="Reject all").click()
    expect(page.locator(".annotate-message")).to_contain_text("Rejected 2 suggestions.")
    expect(page.locator(".suggestion-list")).to_have_count(0)

    page.goto(f"{live_server.url}/admin/articles/ruletally/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first).to_contain_text("0% (0 of 1)")
    expect(rows.last).to_contain_text("100% (1 of 1)")
    expect(page.locator("#result_list")).to_contain_text("quote.<i>hostile</i>")
    context.close()
    assert RuleTally.objects.get(rule="quote.said").accepted == 1
    assert RuleTally.objects.get(rule="quote.officials").rejected == 1
