"""An editor imports from the admin in Chromium: two uploaded files and a pasted URL, previewed,
imported as a background job whose page reloads itself to 100 %, then an imported article
opened; a failing URL shows its reason."""

import signal
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.test_annotating import log_in, staff

PAGES = Path(__file__).resolve().parent.parent / "pages"
TEXT = "Kyiv Says Talks Can Resume\n\nOfficials in Kyiv said the talks would resume.\n\nMore.\n"


@pytest.fixture(autouse=True)
def _keep_signal_handlers():
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def run_worker():
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )


def test_import_from_the_admin(live_server, roles, browser, page_server, tmp_path):
    staff("eddie", "Editors")
    text_file = tmp_path / "talks.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "eddie")

    page.goto(f"{live_server.url}/admin/articles/article/")
    page.get_by_role("link", name="Import articles").click()
    page.set_input_files("#id_uploads", [str(text_file), str(PAGES / "ledger-grain-talks.html")])
    missing = page_server.url("status/404")
    page.fill("#id_urls", f"{page_server.url('meridian-kharkiv-shelling.html')}\n{missing}")
    page.get_by_role("button", name="Preview first (writes nothing)").click()
    expect(page.locator("[data-state]")).to_have_text("queued")
    run_worker()  # the page reloads itself until the job is over
    expect(page.locator("[data-state]")).to_have_text("done")
    expect(page.locator(".import-preview")).to_have_count(3)
    expect(page.locator(".import-preview h3").nth(1)).to_have_text(
        "Grain corridor talks stall over Odesa inspections"
    )
    expect(page.locator(".import-preview mark.quote").first).to_be_visible()
    assert not Article.objects.exists()

    page.get_by_label("Publish them (otherwise they are drafts)").check()
    page.get_by_role("button", name="Import these").click()
    expect(page.locator("[data-state]")).to_have_text("queued")
    run_worker()
    expect(page.locator("[data-state]")).to_have_text("done")
    expect(page.locator("[data-progress]")).to_have_text("4 of 4 (100 %)")
    expect(page.locator(".job-failures")).to_contain_text(
        f"{missing}: the server answered 404 Not Found"
    )
    page.get_by_role("link", name="Kharkiv power restored after overnight strikes").click()
    expect(page.locator("#id_headline")).to_have_value(
        "Kharkiv power restored after overnight strikes"
    )
    page.get_by_role("link", name="View on site").first.click()
    expect(page.locator("h1")).to_have_text("Kharkiv power restored after overnight strikes")
    expect(page.locator("a.outlet")).to_have_text("Meridian News")
    assert Article.objects.published().count() == 3
    context.close()
