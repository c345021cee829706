"""``import_articles`` with saved web pages, URLs and feeds (a real local HTTP server), the
outlets it finds or creates, and re-imports by canonical URL."""

import datetime
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, Author, Outlet, Quote, Span
from tests.ops import create

PAGES = Path(__file__).resolve().parent / "pages"
LEDGER_URL = "https://www.kyiv-ledger.example/world/2026/11/28/grain-corridor-talks-stall"
MERIDIAN_URL = "https://meridian-news.example/europe/kharkiv-power-restored-after-overnight-strikes"

pytestmark = pytest.mark.django_db


def run(*args):
    """call_command; return (stdout, stderr, the CommandError or None)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_saved_pages_are_imported_with_their_metadata_and_outlets():
    out, err, error = run(str(PAGES / "ledger-grain-talks.html"), str(PAGES / "kurier-latin1.html"))
    assert error is None, err
    ledger = Article.objects.get(source_url=LEDGER_URL)
    assert ledger.headline == "Grain corridor talks stall over Odesa inspections"
    assert ledger.dek.startswith("Negotiators in Istanbul")
    assert ledger.author.name == "Olena Marchuk"
    assert ledger.published_on == datetime.date(2026, 11, 28)
    assert ledger.language == "en-GB"
    assert ledger.status == Article.Status.DRAFT
    assert ledger.body.startswith("Talks in Istanbul") and "Read more" not in ledger.body
    assert ledger.outlet.name == "The Kyiv Ledger"
    assert ledger.outlet.domain == "kyiv-ledger.example"
    assert ledger.outlet.homepage == "https://www.kyiv-ledger.example/"
    kurier = Article.objects.get(language="de")
    assert kurier.outlet.slug == "donau-kurier"
    assert "2 imported, 0 failed" in out


def test_a_page_saved_as_text_is_read_as_html(tmp_path):
    """The issue's complaint: markup imported as text, ``<!doctype html>`` as the headline."""
    saved = tmp_path / "saved.txt"
    shutil.copy(PAGES / "meridian-kharkiv-shelling.html", saved)
    _, err, error = run(str(saved))
    assert error is None, err
    article = Article.objects.get()
    assert article.headline == "Kharkiv power restored after overnight strikes"
    assert article.author.name == "Tomasz Nowak and Iryna Bondar"
    assert "<" not in article.body


def test_a_section_front_is_refused_and_nothing_of_it_is_written():
    front = str(PAGES / "ledger-world-front.html")
    out, err, error = run(front, str(PAGES / "meridian-kharkiv-shelling.html"))
    assert str(error) == "1 imported, 1 failed"
    reason = "no article text found on the page (a section front or an index of articles?)"
    assert err == f"{front}: {reason}\n"
    assert Article.objects.count() == 1
    assert not Outlet.objects.filter(domain="kyiv-ledger.example").exists()


def test_a_url_is_fetched_and_imported(page_server):
    url = page_server.url("meridian-kharkiv-shelling.html")
    out, err, error = run("--publish", url)
    assert error is None, err
    article = Article.objects.get()
    assert article.source_url == MERIDIAN_URL  # the page's canonical URL, not the one fetched
    assert article.status == Article.Status.PUBLISHED
    assert article.outlet.name == "Meridian News"
    assert f"{url}: created {article.slug} (published)" in out


def test_url_failures_name_the_url_and_exit_non_zero(page_server, settings):
    missing = page_server.url("status/404")
    _, err, error = run(missing, page_server.url("json"))
    assert str(error) == "0 imported, 2 failed"
    assert f"{missing}: the server answered 404 Not Found" in err
    assert "not an HTML page" in err
    settings.NEWSROOM_FETCH_ALLOW_HOSTS = []
    _, err, error = run(page_server.url("ledger-grain-talks.html"))
    assert "loopback address" in err and error is not None
    assert not Article.objects.exists()


def test_re_importing_the_same_page_updates_it_and_annotations_follow(page_server):
    run(str(PAGES / "ledger-grain-talks.html"))
    article = Article.objects.get()
    exact = "Without inspections there is no corridor"
    start = article.body.index(exact)
    quote = create(Quote, article=article, start=start, end=start + len(exact), exact=exact)
    # The same page again, from its URL with tracking parameters: the same article.
    out, err, error = run(page_server.url("ledger-grain-talks.html?utm_source=x&fbclid=y"))
    assert error is None, err
    assert "updated" in out and Article.objects.count() == 1
    # Its AMP twin names the canonical page, and has one more paragraph: still the same article.
    out, err, error = run(page_server.url("ledger-grain-talks.amp.html"))
    assert error is None, err
    assert "updated" in out and Article.objects.count() == 1
    article.refresh_from_db()
    assert article.body.endswith("the agriculture ministry said.")
    quote.refresh_from_db()
    assert quote.anchored and article.body[quote.start : quote.end] == exact
    assert Outlet.objects.count() == 1 and Author.objects.count() == 1


def test_the_canonical_url_is_unique():
    from django.core.exceptions import ValidationError

    create(Article, slug="a", headline="A", body="Text.", source_url=LEDGER_URL)
    with pytest.raises(ValidationError, match="source URL exists already"):
        Article(slug="b", headline="B", body="Text.", source_url=LEDGER_URL).full_clean()
    create(Article, slug="c", headline="C", body="Text.")  # many without a URL
    create(Article, slug="d", headline="D", body="Text.")


def test_a_feed_imports_each_entry_once(page_server):
    feed = page_server.url("ledger-world.rss")
    out, err, error = run("--feed", feed, "--since", "2026-11-01", "--publish")
    assert error is None, err
    assert Article.objects.published().count() == 3  # the March entry is older than --since
    assert set(Outlet.objects.values_list("name", flat=True)) == {
        "The Kyiv Ledger",
        "Meridian News",
        "Donau-Kurier",
    }
    assert "3 imported, 0 failed, 0 skipped" in out
    out, err, error = run("--feed", feed, "--since", "2026-11-01")
    assert error is None, err
    assert "0 imported, 0 failed, 3 skipped (imported before)" in out
    assert Article.objects.count() == 3
    # An Atom feed: one entry imported before, one a section front.
    out, err, error = run("--feed", page_server.url("meridian-europe.atom"))
    assert str(error) == "0 imported, 1 failed, 1 skipped (imported before)"
    assert f"{page_server.url('ledger-world-front.html')}: no article text found" in err


def test_a_feed_entry_that_fails_does_not_stop_the_others(page_server):
    _, err, error = run("--feed", page_server.url("ledger-world.rss"))
    assert str(error) == "3 imported, 1 failed, 0 skipped (imported before)"
    assert "missing-old-story.html: the server answered 404 Not Found" in err


def test_feed_options_are_checked(page_server):
    _, _, error = run()
    assert "give files or URLs" in str(error)
    _, _, error = run("--feed", page_server.url("ledger-world.rss"), "--since", "last week")
    assert "--since 'last week': give a date as YYYY-MM-DD" in str(error)
    _, err, error = run("--feed", page_server.url("ledger-grain-talks.html"))
    assert "not a feed" in err and error is not None


def test_suggest_works_for_web_pages():
    _, err, error = run("--suggest", str(PAGES / "ledger-grain-talks.html"))
    assert error is None, err
    assert Quote.objects.filter(status=Span.Status.SUGGESTED).exists()


def test_dry_run_shows_the_metadata_and_writes_nothing():
    import json

    out, _, error = run("--dry-run", "--format", "json", str(PAGES / "ledger-grain-talks.html"))
    assert error is None
    entry = json.loads(out)["articles"][0]
    assert entry["source_url"] == LEDGER_URL
    assert entry["outlet"] == "The Kyiv Ledger"
    assert entry["published_on"] == "2026-11-28"
    assert not Article.objects.exists() and not Outlet.objects.exists()


def test_a_progress_bar_for_many_sources(tmp_path):
    names = [str(PAGES / "ledger-grain-talks.html"), str(PAGES / "meridian-kharkiv-shelling.html")]
    _, err, error = run("--progress", *names, str(PAGES / "ledger-world-front.html"))
    assert str(error) == "2 imported, 1 failed"
    assert "] 1/3  33 %" in err and "] 3/3 100 %" in err
    assert "\r\x1b[K" + str(PAGES / "ledger-world-front.html") + ": no article text" in err
    _, err, _ = run(*names)  # not a terminal: no bar
    assert "%" not in err


# The page limit (issue item 7): a page may be 5 MB, its article text still at most 2 MiB.


def test_a_3_mb_page_with_a_small_article_is_imported_from_disk_and_over_http(
    tmp_path, page_server
):
    from articles.importer import MAX_BYTES
    from tests.webserver import padded_page

    saved = tmp_path / "big-page.html"
    saved.write_bytes(padded_page(3_000_000))
    assert MAX_BYTES < saved.stat().st_size == 3_000_000
    out, err, error = run(str(saved))
    assert error is None, err
    article = Article.objects.get()
    assert article.headline == "Kharkiv power restored after overnight strikes"
    assert "carousel" not in article.body
    article.delete()  # the same canonical URL again, fetched
    out, err, error = run(page_server.url("padded/3000000"))
    assert error is None, err
    assert Article.objects.get().source_url == MERIDIAN_URL


def test_a_6_mb_page_is_refused_from_disk_and_over_http(tmp_path, page_server):
    from tests.webserver import padded_page

    saved = tmp_path / "huge-page.html"
    saved.write_bytes(padded_page(6_000_000))
    _, err, error = run(str(saved))
    assert str(error) == "0 imported, 1 failed"
    assert err == (
        f"{saved}: the file is 6,000,000 bytes; a web page may be at most 5,000,000 bytes\n"
    )
    url = page_server.url("padded/6000000")
    _, err, error = run(url)
    assert str(error) == "0 imported, 1 failed"
    assert err == f"{url}: the page is 6,000,000 bytes; a web page may be at most 5,000,000\n"
    assert not Article.objects.exists() and not Outlet.objects.exists()


def test_a_page_saved_as_text_gets_the_page_limit_and_a_text_file_the_article_limit(tmp_path):
    from tests.webserver import padded_page

    saved = tmp_path / "saved-page.txt"  # begins like a page: read as one
    saved.write_bytes(padded_page(3_000_000))
    _, err, error = run(str(saved))
    assert error is None, err
    text = tmp_path / "long.txt"
    text.write_bytes(b"Headline\n\n" + b"word " * 600_000)
    _, err, error = run(str(text))
    assert str(error) == "0 imported, 1 failed"
    reason = "the file is 3,000,010 bytes; an article may be at most 2,097,152 bytes"
    assert err == f"{text}: {reason}\n"


def test_a_page_whose_article_text_is_over_2_mib_is_refused(tmp_path):
    sentence = "Power was restored in Kharkiv overnight, for the {}th time this winter. "
    paragraphs = "".join(f"<p>{sentence.format(n) * 40}</p>\n" for n in range(1000)).encode()
    page = (
        b"<!doctype html><html><head><title>Long read</title></head><body><article><h1>Long "
        b"read</h1>" + paragraphs + b"</article></body></html>"
    )
    saved = tmp_path / "long-read.html"
    saved.write_bytes(page)
    assert 2 * 1024 * 1024 < len(page) < 5_000_000
    _, err, error = run(str(saved))
    assert str(error) == "0 imported, 1 failed"
    assert f"{saved}: the page's article text is " in err and "at most 2,097,152 bytes" in err
