"""WCAG 2.2 AA: axe-core on every reader page type, at desktop and phone widths, in both themes.

axe-core comes from the npm registry (``make test`` fetches it into .cache/axe); it is injected
by the tests and never shipped. Each run also saves a screenshot of every page type at both
widths into docs/screenshots/, which the README shows.
"""

import os
from pathlib import Path

import pytest

from articles.models import Place, Quote, Speaker

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("AXE_JS", ROOT / ".cache/axe/node_modules/axe-core/axe.min.js"))
SCREENSHOTS = ROOT / "docs" / "screenshots"
SEED_SLUG = "russia-announces-kherson-withdrawal-completed-kremlin-says-regions-status-is-unchanged"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 780}}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def page_types():
    quote = Quote.objects.filter(speaker__slug="dmitry-peskov").order_by("start").first()
    return {
        "articles": "/",
        "search": "/?q=negotiations",
        "article": f"/articles/{SEED_SLUG}/",
        "quote-panel": quote.get_absolute_url(),
        "speakers": "/speakers/",
        "speaker": Speaker.objects.get(slug="dmitry-peskov").get_absolute_url(),
        "places": "/places/",
        "place": Place.objects.get(name="Kyiv").get_absolute_url(),
        "outlets": "/outlets/",
        "outlet": "/outlets/the-libertarian-institute/",
    }


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        reason = f"axe-core is not installed at {AXE}: run make test (it fetches it from npm)"
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def serious_violations(page, axe_source):
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_type_passes_axe(live_server, seeded, browser, axe_source, width, scheme):
    context = browser.new_context(viewport=WIDTHS[width], color_scheme=scheme)
    page = context.new_page()
    failures = {}
    try:
        for name, path in page_types().items():
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            found = serious_violations(page, axe_source)
            if found:
                failures[name] = found
            if scheme == "light":
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=False)
    finally:
        context.close()
    assert not failures, failures
