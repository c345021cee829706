"""Long names wrap, and a right-to-left override in a name stays inside it, in Chromium."""

import pytest

from tests.test_bidi import build_hostile

PHONE = {"width": 360, "height": 780}


def unbroken(label: str) -> str:
    """A 200-character name with no break opportunity (the models' longest)."""
    word = label.replace(" ", "")
    return (word * (200 // len(word) + 1))[:200]


def pages(h):
    return {
        "article": h.article.get_absolute_url(),
        "quote panel": h.quote.get_absolute_url(),
        "speakers": "/speakers/",
        "speaker": h.speaker.get_absolute_url(),
        "places": "/places/",
        "place": h.place.get_absolute_url(),
        "search": "/?q=spokesman",
    }


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def test_no_page_is_wider_than_a_phone_with_200_character_names(live_server, phone):
    hostile = build_hostile(unbroken)
    widths = {}
    for name, path in pages(hostile).items():
        phone.goto(f"{live_server.url}{path}")
        phone.wait_for_load_state("networkidle")
        assert hostile.speaker.name in phone.content() or hostile.place.name in phone.content()
        widths[name] = phone.evaluate("document.documentElement.scrollWidth")
    assert max(widths.values()) <= PHONE["width"], widths


# For each text node holding U+202E: the visible characters after it on the same line, in
# document order, must run left to right, as the page does. The body and its extracts are the
# article's own text, exempt as in tests/test_bidi.py.
AFTER_OVERRIDE_IN_ORDER = """() => {
  const RLO = "\\u202e";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push(n); }
  const range = document.createRange();
  function glyphs(node) {
    const out = [];
    for (let i = 0; i < node.length; i++) {
      if (/\\s/.test(node.data[i])) { continue; }
      range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (box.width > 0) { out.push({x: box.left, top: Math.round(box.top), ch: node.data[i]}); }
    }
    return out;
  }
  let checked = 0;
  const reversed = [];
  nodes.forEach(function (node, i) {
    if (!node.data.includes(RLO) || !glyphs(node).length) { return; }
    if (node.parentElement.closest(".article-body, .snippet, .in-context")) { return; }
    const next = nodes.slice(i + 1).find(function (m) { return glyphs(m).length > 1; });
    if (!next || next.data.includes(RLO)) { return; }
    const g = glyphs(next);
    for (let k = 1; k < g.length; k++) {
      if (g[k].top !== g[k - 1].top) { continue; }
      checked++;
      if (g[k].x <= g[k - 1].x) { reversed.push(next.data.trim()); return; }
    }
  });
  return {checked: checked, reversed: reversed};
}"""


def test_text_after_a_name_with_an_override_keeps_its_order(live_server, page):
    hostile = build_hostile()
    found = {}
    for name, path in pages(hostile).items():
        page.goto(f"{live_server.url}{path.replace('spokesman', 'Zorya')}")
        page.wait_for_load_state("networkidle")
        found[name] = page.evaluate(AFTER_OVERRIDE_IN_ORDER)
    assert all(result["checked"] for result in found.values()), found
    assert not [name for name, result in found.items() if result["reversed"]], found


def test_map_popups_isolate_the_place_name(live_server, page):
    hostile = build_hostile()
    page.goto(f"{live_server.url}/places/")
    page.locator('#map path[data-place="place-zorya"]').click()
    popup = page.locator(".leaflet-popup-content")
    name = popup.locator(".map-popup-name")
    assert name.get_attribute("dir") == "auto"
    assert name.text_content() == hostile.place.name
    assert popup.locator(".map-popup-link bdi").text_content() == hostile.place.name
    found = page.evaluate(AFTER_OVERRIDE_IN_ORDER)
    assert found["checked"] and not found["reversed"], found


def test_the_admin_change_list_isolates_each_speaker(live_server, page):
    from django.contrib.auth.models import User

    hostile = build_hostile()
    User.objects.create_superuser("root", password="correct horse 1")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "correct horse 1")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/speaker/")
    link = page.locator("#result_list tbody a", has_text="Speaker Zorya")
    assert link.text_content() == hostile.speaker.name
    style = "(el, p) => getComputedStyle(el).getPropertyValue(p)"
    assert link.evaluate(style, "unicode-bidi") == "isolate"
    cell = page.locator("#result_list tbody td.field-role").first
    assert cell.evaluate(style, "unicode-bidi") == "plaintext"
    field = page.goto(f"{live_server.url}/admin/articles/speaker/{hostile.speaker.pk}/change/")
    assert field.ok
    assert page.locator("#id_name").evaluate(style, "unicode-bidi") == "plaintext"
