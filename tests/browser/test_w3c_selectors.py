"""The exported W3C selectors resolved in Chromium by an independent implementation: Apache
Annotator's text-quote and text-position matchers (npm; ``make test`` fetches and bundles them
into .cache/annotator) run on the article page's body for every annotation of the seed article's
JSON-LD, and land on exactly the highlighted words: the quote's ``<mark>`` pieces, the mention's
place link."""

import json
import os
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANNOTATOR = Path(os.environ.get("ANNOTATOR_JS", ROOT / ".cache/annotator/annotator.js"))
SEED_SLUG = "russia-announces-kherson-withdrawal-completed-kremlin-says-regions-status-is-unchanged"

RESOLVE = """
async ({quote, position, kind, id}) => {
  const root = document.getElementById("article-body");
  const codePoints = (text) => Array.from(text).length;
  const offsetOf = (node, offset) => {
    const range = document.createRange();
    range.setStart(root, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  };
  const described = (range) => [
    range.toString(),
    offsetOf(range.startContainer, range.startOffset),
    offsetOf(range.endContainer, range.endOffset),
  ];
  const quoted = [];
  for await (const range of ApacheAnnotator.createTextQuoteSelectorMatcher(quote)(root)) {
    quoted.push(described(range));
  }
  const positioned = [];
  for await (const range of ApacheAnnotator.createTextPositionSelectorMatcher(position)(root)) {
    positioned.push(described(range));
  }
  const startOf = (element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return offsetOf(range.startContainer, range.startOffset);
  };
  const highlighted = kind === "quote"
    ? Array.from(root.querySelectorAll(`mark[data-quote="${id}"]`))
    : Array.from(root.querySelectorAll("a.place")).filter(
        (a) => startOf(a) === position.start && a.textContent === quote.exact);
  return {
    quoted,
    positioned,
    highlighted: highlighted.map((element) => element.textContent).join(""),
    highlightStart: highlighted.length ? startOf(highlighted[0]) : null,
  };
}
"""


@pytest.fixture(scope="module")
def annotator_source():
    if not ANNOTATOR.exists():
        reason = f"Apache Annotator is not bundled at {ANNOTATOR}: run make test (it fetches it)"
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return ANNOTATOR.read_text(encoding="utf-8")


def test_exported_selectors_land_on_the_highlighted_words(
    live_server, seeded, page, annotator_source
):
    url = f"{live_server.url}/articles/{SEED_SLUG}/"
    request = urllib.request.Request(url, headers={"Accept": "application/ld+json"})
    with urllib.request.urlopen(request) as response:
        document = json.loads(response.read())
    items = document["first"]["items"]
    assert len(items) == document["total"] > 20
    page.goto(url)
    page.evaluate(annotator_source)
    kinds = set()
    for item in items:
        quote, position = item["target"]["selector"]
        assert item["target"]["source"] == url
        kind = "quote" if "/quotes/" in item["id"] else "mention"
        kinds.add(kind)
        found = page.evaluate(
            RESOLVE,
            {
                "quote": quote,
                "position": position,
                "kind": kind,
                "id": item["id"].rstrip("/").rsplit("/", 1)[1],
            },
        )
        expected = [quote["exact"], position["start"], position["end"]]
        assert found["quoted"] == [expected], item["id"]  # one match, the highlighted one
        assert found["positioned"] == [expected], item["id"]
        assert found["highlighted"] == quote["exact"], item["id"]
        assert found["highlightStart"] == position["start"], item["id"]
    assert kinds == {"quote", "mention"}
