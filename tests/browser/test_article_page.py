"""The article page in Chromium: highlight toggles, keyboard navigation, the panel, deep links,
narrow screens, print, the dark theme and the contrast of every colour pair."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, Quote, Speaker
from tests.ops import create

from .test_reading import SEED_SLUG, peskov_quote

SPEAKER_CLASSES = [f"speaker-{n}" for n in range(8)] + ["speaker-none"]
KINDS = ["direct", "indirect", "claim"]
EDGE_PROPERTY = {
    "direct": "borderBottomColor",
    "indirect": "textDecorationColor",
    "claim": "outlineColor",
}


def article_url(live_server, slug=SEED_SLUG):
    return f"{live_server.url}/articles/{slug}/"


def quotes_in_order():
    """The seed's quotes as the page shows them: outer spans first, in text order."""
    return list(Quote.objects.order_by("start", "-end"))


def focused_id(page):
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_legend_toggles_show_and_hide_a_speakers_highlights(live_server, seeded, page):
    page.goto(article_url(live_server))
    text_before = page.locator("#article-body").text_content()
    toggle = page.locator('[data-toggle-speaker="dmitry-peskov"]')
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(toggle).to_have_accessible_name("Highlight: Dmitry Peskov")
    peskov = page.locator('#article-body mark.quote[data-speaker="dmitry-peskov"]')
    others = page.locator('#article-body mark.quote:not([data-speaker="dmitry-peskov"])')
    n_peskov = Quote.objects.filter(speaker__slug="dmitry-peskov").count()
    expect(peskov).to_have_count(n_peskov)
    first = page.locator(f"#q-{peskov_quote().pk}")
    expect(first).to_have_attribute("tabindex", "0")

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    for i in range(n_peskov):
        expect(peskov.nth(i)).to_have_class(re.compile(r"\bhl-off\b"))
        expect(peskov.nth(i)).to_have_css("background-color", "rgba(0, 0, 0, 0)")
        expect(peskov.nth(i)).not_to_have_attribute("tabindex", re.compile(".*"))
    expect(others.first).not_to_have_class(re.compile(r"\bhl-off\b"))
    assert page.locator("#article-body").text_content() == text_before  # the text stays
    # A hidden highlight is plain text: a click opens nothing, and Tab skips it.
    first.click()
    page.wait_for_timeout(300)
    expect(page.locator("#panel-content")).to_have_count(0)
    tabbable = page.evaluate(
        "Array.from(document.querySelectorAll('#article-body [tabindex=\"0\"]')).map(e => e.id)"
    )
    assert first.get_attribute("id") not in tabbable
    assert len(tabbable) == Quote.objects.count() - n_peskov

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#article-body mark.quote.hl-off")).to_have_count(0)
    expect(first).to_have_attribute("tabindex", "0")
    first.click()
    expect(page.locator("#panel-content h2")).to_have_text("Dmitry Peskov")


def test_kind_switch_shows_and_hides_each_kind(live_server, seeded, page):
    page.goto(article_url(live_server))
    for kind in KINDS:
        n = Quote.objects.filter(kind=kind).count()
        expect(page.locator(f'[data-toggle-kind="{kind}"] + .sample + .count')).to_have_text(str(n))
    claims = page.locator('#article-body mark.quote[data-kind="claim"]')
    direct = page.locator('#article-body mark.quote[data-kind="direct"]')
    switch = page.locator('[data-toggle-kind="claim"]')
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#article-body mark.quote.hl-off")).to_have_count(claims.count())
    expect(claims.first).to_have_css("outline-style", "none")
    expect(direct.first).not_to_have_class(re.compile(r"\bhl-off\b"))

    # Kinds and speakers combine: a mark shows only while both its speaker and kind do.
    page.locator('[data-toggle-kind="direct"]').click()
    hidden = Quote.objects.filter(kind__in=["claim", "direct"]).count()
    expect(page.locator("#article-body mark.quote.hl-off")).to_have_count(hidden)
    page.locator('[data-toggle-kind="direct"]').click()
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#article-body mark.quote.hl-off")).to_have_count(0)


def test_next_and_previous_move_focus_through_the_quotes_in_order(live_server, seeded, page):
    page.goto(article_url(live_server))
    order = [f"q-{q.pk}" for q in quotes_in_order()]
    shown = page.evaluate(
        "Array.from(document.querySelectorAll('#article-body mark.quote[id]')).map(m => m.id)"
    )
    assert shown == order
    expect(page.locator("#hl-hint")).to_be_visible()
    expect(page.locator("#hl-hint")).to_contain_text("j next highlight")

    page.keyboard.press("j")
    assert focused_id(page) == order[0]
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert focused_id(page) == order[2]
    page.keyboard.press("k")
    assert focused_id(page) == order[1]

    # The buttons go on from the highlight last reached, though they take the focus to click.
    page.get_by_role("button", name="Next highlight").click()
    assert focused_id(page) == order[2]
    page.get_by_role("button", name="Previous highlight").click()
    page.get_by_role("button", name="Previous highlight").click()
    assert focused_id(page) == order[0]

    # Past either end it wraps, and says so.
    page.keyboard.press("k")
    assert focused_id(page) == order[-1]
    expect(page.locator("#hl-status")).to_have_text("Back to the last highlight.")
    page.keyboard.press("j")
    assert focused_id(page) == order[0]

    # Hidden highlights are skipped.
    page.locator('[data-toggle-kind="claim"]').click()
    shown_ids = [f"q-{q.pk}" for q in quotes_in_order() if q.kind != "claim"]
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert focused_id(page) == shown_ids[1]


def test_keys_are_ignored_while_typing_and_can_be_turned_off(live_server, seeded, page):
    page.goto(article_url(live_server))
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('afterbegin',"
        " '<label>Search <input id=\"typing\"></label>')"
    )
    page.locator("#typing").focus()
    page.keyboard.type("jk")
    expect(page.locator("#typing")).to_have_value("jk")
    assert focused_id(page) == "typing"

    shortcuts = page.get_by_role("button", name="Single-key shortcuts")
    expect(shortcuts).to_have_attribute("aria-pressed", "true")
    shortcuts.click()
    expect(shortcuts).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("j")
    assert not focused_id(page).startswith("q-")
    page.reload()  # the choice is remembered
    expect(page.get_by_role("button", name="Single-key shortcuts")).to_have_attribute(
        "aria-pressed", "false"
    )
    page.get_by_role("button", name="Single-key shortcuts").click()
    page.keyboard.press("j")
    assert focused_id(page).startswith("q-")


def test_a_quote_split_in_pieces_is_one_stop(live_server, transactional_db, page):
    body = "Alpha said one two.\n\nThree four, said Beta. Then Gamma spoke."
    article = create(
        Article, slug="split", headline="Split", body=body, status=Article.Status.PUBLISHED
    )
    speaker = create(Speaker, name="Alpha", slug="alpha")
    split = create(Quote, article=article, start=11, end=31, exact=body[11:31], speaker=speaker)
    later = create(
        Quote, article=article, start=48, end=53, exact=body[48:53], speaker=speaker, kind="claim"
    )
    page.goto(article_url(live_server, "split"))
    expect(page.locator(f'mark[data-quote="{split.pk}"]')).to_have_count(2)
    page.keyboard.press("j")
    assert focused_id(page) == f"q-{split.pk}"
    page.keyboard.press("j")
    assert focused_id(page) == f"q-{later.pk}"
    page.keyboard.press("k")
    assert focused_id(page) == f"q-{split.pk}"
    # A click on the second piece opens the quote, and Esc returns to its first piece.
    page.locator(f'mark[data-quote="{split.pk}"]').nth(1).click()
    expect(page.locator("#panel-content blockquote")).to_have_text(split.exact)
    expect(page.locator(f'mark[data-quote="{split.pk}"].is-active')).to_have_count(2)
    page.keyboard.press("Escape")
    assert focused_id(page) == f"q-{split.pk}"


def test_escape_closes_the_panel_and_returns_focus(live_server, seeded, page):
    page.goto(article_url(live_server))
    order = [f"q-{q.pk}" for q in quotes_in_order()]
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    panel = page.locator("#panel-content")
    expect(panel).to_be_focused()
    expect(page.get_by_role("complementary", name="Quote details")).to_be_visible()
    page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    assert focused_id(page) == order[1]
    expect(page).to_have_url(article_url(live_server))

    # The Close link does the same, and Space opens like Enter.
    page.keyboard.press(" ")
    expect(panel).to_be_focused()
    page.get_by_role("link", name="Close the quote panel").click()
    expect(panel).to_have_count(0)
    assert focused_id(page) == order[1]


def test_a_place_link_inside_a_quote_stays_a_link(live_server, seeded, page):
    page.goto(article_url(live_server))
    link = page.locator("#article-body mark.quote a.place").first
    href = link.get_attribute("href")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))


def test_a_deep_link_opens_that_quotes_panel(live_server, seeded, page):
    quote = quotes_in_order()[-3]
    page.goto(article_url(live_server) + f"#q-{quote.pk}")
    panel = page.locator("#panel-content")
    expect(panel.locator("blockquote")).to_have_text(quote.exact)
    expect(panel.locator("h2")).to_have_text(
        quote.speaker.name if quote.speaker else "Unattributed"
    )
    expect(panel).to_be_focused()
    mark = page.locator(f"#q-{quote.pk}")
    expect(mark).to_have_class(re.compile(r"\bis-active\b"))
    expect(mark).to_be_in_viewport()
    expect(panel).to_be_in_viewport()
    page.keyboard.press("Escape")
    expect(mark).to_be_focused()


def test_the_quote_url_is_the_page_with_its_panel_open(live_server, seeded, page):
    quote = quotes_in_order()[-2]
    url = article_url(live_server) + f"quotes/{quote.pk}/"
    page.goto(url)
    panel = page.locator("#panel-content")
    expect(panel.locator("blockquote")).to_have_text(quote.exact)
    expect(page.locator(f"#q-{quote.pk}")).to_be_in_viewport()
    page.keyboard.press("Escape")
    expect(page.locator(f"#q-{quote.pk}")).to_be_focused()
    expect(page).to_have_url(article_url(live_server))
    # Back and Forward re-render from the server: the page again, never a bare fragment.
    page.go_back()
    expect(page).to_have_url(url)
    expect(page.locator("h1")).to_have_count(1)
    expect(panel.locator("blockquote")).to_have_text(quote.exact)
    expect(page.locator(f"#q-{quote.pk}")).to_have_attribute("tabindex", "0")


def test_landmarks_headings_and_names(live_server, seeded, page):
    page.goto(article_url(live_server))
    page.locator(f"#q-{peskov_quote().pk}").click()
    expect(page.locator("#panel-content")).to_be_focused()
    for role in ["banner", "navigation", "main", "contentinfo"]:
        expect(page.get_by_role(role)).to_have_count(1)
    expect(page.get_by_role("complementary", name="Quote details")).to_have_count(1)
    expect(page.get_by_role("region", name="Highlights")).to_have_count(1)
    expect(page.locator("h1")).to_have_count(1)
    levels = page.evaluate(
        "Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => +h.tagName[1])"
    )
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels

    # A focusable highlight: named by speaker and kind, described, its text still the quote.
    quote = peskov_quote()
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("Accessibility.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f"#q-{quote.pk}"})
    ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node["nodeId"]})["nodes"][0]
    assert ax["name"]["value"] == "Dmitry Peskov: Direct quote"
    assert ax["description"]["value"] == "Press Enter for details."
    assert page.locator(f"#q-{quote.pk}").text_content() == quote.exact
    # Marks are not buttons, so the place links inside them are not nested controls.
    assert page.locator("#article-body [role]").count() == 0
    assert page.locator("#article-body mark.quote a.place").count() > 0


def test_without_javascript_the_legend_is_a_list_of_links(live_server, seeded, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(article_url(live_server))
        expect(page.locator(".legend--speakers a").first).to_be_visible()
        expect(page.locator(".legend--speakers .swatch").first).to_be_visible()
        assert page.locator("button:visible").count() == 0  # no dead buttons
        expect(page.locator("#hl-hint")).to_be_hidden()
        assert page.locator("#article-body [tabindex]").count() == 0  # no dead tab stops
    finally:
        context.close()


def test_narrow_screen_has_no_horizontal_scroll_and_the_panel_below(live_server, seeded, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(article_url(live_server))
        no_scroll = "document.documentElement.scrollWidth <= window.innerWidth"
        assert page.evaluate(no_scroll)
        page.locator(f"#q-{peskov_quote().pk}").click()
        panel = page.locator("#panel-content")
        expect(panel).to_be_focused()
        expect(panel).to_be_in_viewport()
        assert page.evaluate(no_scroll)
        body_box = page.locator("#article-body").bounding_box()
        panel_box = panel.bounding_box()
        assert panel_box["y"] >= body_box["y"] + body_box["height"]
        assert panel_box["x"] >= 0 and panel_box["x"] + panel_box["width"] <= 360
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_print_shows_the_text_with_lines_not_fills(live_server, seeded, browser, scheme):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(article_url(live_server))
        page.locator(f"#q-{peskov_quote().pk}").click()
        expect(page.locator("#panel-content")).to_be_visible()
        page.emulate_media(media="print")
        for selector in [".site-header nav", ".highlights", ".legend", "#panel", "#hl-hint"]:
            expect(page.locator(selector).first).to_be_hidden()
        assert page.locator("button:visible").count() == 0
        expect(page.locator("#article-body")).to_be_visible()
        expect(page.locator("#article-body p").first).to_have_css("color", "rgb(0, 0, 0)")
        styles = {"direct": "solid", "indirect": "dashed", "claim": "dotted"}
        for kind, style in styles.items():
            mark = page.locator(f'#article-body mark.quote[data-kind="{kind}"]').first
            expect(mark).to_have_css("background-color", "rgba(0, 0, 0, 0)")
            expect(mark).to_have_css("border-bottom-style", style)
            expect(mark).to_have_css("border-bottom-color", "rgb(0, 0, 0)")
    finally:
        context.close()


def test_dark_scheme_applies_dark_colours(live_server, seeded, browser):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(article_url(live_server))
        expect(page.locator("body")).to_have_css("background-color", "rgb(17, 24, 39)")
        expect(page.locator("body")).to_have_css("color", "rgb(229, 231, 235)")
        mark = page.locator('#article-body mark.quote[data-kind="direct"]').first
        expect(mark).to_have_css("color", "rgb(249, 250, 251)")
        luminance = page.evaluate(LUMINANCE_OF_BACKGROUND, f"#{mark.get_attribute('id')}")
        assert luminance < 0.2
    finally:
        context.close()


LUMINANCE_OF_BACKGROUND = """selector => {
  const m = getComputedStyle(document.querySelector(selector)).backgroundColor.match(/[\\d.]+/g);
  const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(+m[0]) + 0.7152 * f(+m[1]) + 0.0722 * f(+m[2]);
}"""

# Computes, in the page, the contrast of every colour pair the article page shows. Colours are
# parsed and alpha-composited by a 1x1 canvas (so color-mix() and translucent fills count as they
# are drawn), over every ancestor's background.
CONTRAST = """([speakerClasses, kinds, edgeProperty]) => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  function paint(colours) {
    ctx.clearRect(0, 0, 1, 1);
    for (const colour of colours) {
      ctx.fillStyle = "#010203";
      ctx.fillStyle = colour;
      if (ctx.fillStyle === "#010203" && colour !== "#010203") {
        throw new Error("colour? " + colour);
      }
      ctx.fillRect(0, 0, 1, 1);
    }
    const d = ctx.getImageData(0, 0, 1, 1).data;
    if (d[3] !== 255) { throw new Error("no opaque background under " + colours); }
    return [d[0], d[1], d[2]];
  }
  function backgrounds(el) {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      layers.unshift(getComputedStyle(e).backgroundColor);
    }
    return layers;
  }
  const lin = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  function ratio(a, b) {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
  }
  const results = [];
  function pair(what, el, colour, min, under) {
    const layers = under || backgrounds(el);
    results.push({ what, min, ratio: ratio(paint([...layers, colour]), paint(layers)) });
  }
  function text(what, el, min = 4.5) { pair(what, el, getComputedStyle(el).color, min); }
  const q = s => document.querySelector(s);
  const page = backgrounds(document.body);

  const probe = document.createElement("div");
  probe.id = "contrast-probe";
  for (const speaker of speakerClasses) {
    for (const kind of kinds) {
      probe.insertAdjacentHTML("beforeend",
        `<p><mark class="quote quote--${kind} ${speaker}" data-probe="${speaker} ${kind}">said` +
        ` <a class="place" href="#x">Kyiv</a></mark>` +
        ` <mark class="quote quote--${kind} ${speaker} hl-off"` +
        ` data-probe-off="${speaker} ${kind}">hidden</mark></p>`);
    }
  }
  q("#article-body").append(probe);
  q("main").insertAdjacentHTML("afterbegin", '<p class="draft-banner" id="probe-banner">Draft</p>');
  for (const mark of probe.querySelectorAll("mark[data-probe]")) {
    const [speaker, kind] = mark.dataset.probe.split(" ");
    const label = `${speaker} ${kind}`;
    text(`${label}: text`, mark);
    text(`${label}: place link`, mark.querySelector("a.place"));
    const edge = getComputedStyle(mark)[edgeProperty[kind]];
    pair(`${label}: edge on its fill`, mark, edge, 3);
    pair(`${label}: edge on the page`, mark, edge, 3, page);
    pair(`${label}: active ring on the page`, mark, getComputedStyle(mark).color, 3, page);
  }
  for (const mark of probe.querySelectorAll("mark[data-probe-off]")) {
    text(`${mark.dataset.probeOff} hidden: text`, mark);
  }
  const focus = getComputedStyle(document.documentElement).getPropertyValue("--focus").trim();
  pair("focus ring on the page", document.body, focus, 3);
  text("body text", q("#article-body p"));
  text("headline", q("h1"));
  text("dek", q(".dek"));
  text("meta", q(".meta"));
  text("source link", q(".meta a"));
  text("site title", q(".site-title"));
  text("nav link", q(".site-header nav a"));
  text("footer", q(".site-footer p"));
  text("draft banner", q("#probe-banner"));
  text("quote index link", q(".quote-index a"));
  text("quote index who", q(".quote-index .who"));
  text("legend link", q(".legend--speakers a"));
  text("legend count", q(".legend .count"));
  text("help", q(".highlights-help"));
  text("hint", q(".hint"));
  text("kbd", q("kbd"));
  text("button", q(".hl-move"));
  pair("button edge", q(".hl-move"), getComputedStyle(q(".hl-move")).borderTopColor, 3);
  for (const kind of kinds) {
    const sample = q(`.sample--${kind}`);
    if (sample) { text(`legend sample ${kind}`, sample); }
  }
  for (const toggle of document.querySelectorAll(".hl-toggle")) {
    const name = toggle.dataset.toggleSpeaker ?? toggle.dataset.toggleKind;
    const style = getComputedStyle(toggle);
    pair(`toggle ${name}: edge`, toggle.parentElement, style.borderTopColor, 3);
    pair(`toggle ${name}: tick`, toggle, getComputedStyle(toggle, "::after").borderRightColor, 3);
  }
  const panel = q("#panel-content");
  if (panel) {
    text("panel text", q(".panel-quote"));
    text("panel kind", q(".panel-kind"));
    text("panel role", q(".speaker-role"));
    text("panel link", q("#panel-heading a"));
    text("panel close", q(".panel-close"));
    text("panel cite", q(".other-quotes cite"));
    pair("focus ring on the panel", panel, focus, 3);
  }
  probe.remove();
  q("#probe-banner").remove();
  return results;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_colour_pair_meets_wcag_aa(live_server, seeded, browser, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(article_url(live_server))
        page.locator(f"#q-{peskov_quote().pk}").click()
        expect(page.locator("#panel-content")).to_be_focused()
        results = page.evaluate(CONTRAST, [SPEAKER_CLASSES, KINDS, EDGE_PROPERTY])
        checked = {r["what"] for r in results}
        assert {"body text", "source link", "panel text", "draft banner"} <= checked
        for speaker in SPEAKER_CLASSES:
            for kind in KINDS:
                assert f"{speaker} {kind}: text" in checked
        failures = [r for r in results if r["ratio"] < r["min"]]
        assert not failures, "\n".join(f"{r['what']}: {r['ratio']} < {r['min']}" for r in failures)
    finally:
        context.close()
