"""Articles out of saved web pages (articles.extract, trafilatura and htmldate underneath):
realistic pages of several layouts, written for these tests, in ``tests/pages/``."""

import datetime
import unicodedata
from pathlib import Path

import pytest

from articles.extract import canonical_url, domain_of, parse_html
from articles.feeds import parse_feed
from articles.importer import PAGE_MAX_BYTES, ArticleFormatError

PAGES = Path(__file__).resolve().parent / "pages"
LEDGER_URL = "https://www.kyiv-ledger.example/world/2026/11/28/grain-corridor-talks-stall"
LEDGER_BODY = [
    "Talks in Istanbul on reopening the Black Sea grain corridor broke up on Friday without an "
    "agreement, after Russian and Ukrainian negotiators could not settle who should inspect "
    "cargo ships leaving Odesa.",
    "“We came to sign, and we were asked to start again from the beginning,” said Yulia "
    "Svyrydenko, Ukraine’s economy minister, as she left the talks. She said Kyiv would keep "
    "ships moving along its own route near the Romanian coast.",
    "Dmitry Peskov, the Kremlin spokesman, told reporters in Moscow that Russia wanted its own "
    "inspectors aboard every vessel. “Without inspections there is no corridor,” he said.",
    "Turkish officials said a further round could take place in December. Shipping companies "
    "in Istanbul said insurance premiums for the route had doubled since the summer, and that "
    "several owners had stopped sending vessels altogether.",
]


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def test_an_article_page_with_open_graph_tags_and_a_byline():
    parsed = parse_html(page("ledger-grain-talks.html"))
    assert parsed.headline == "Grain corridor talks stall over Odesa inspections"
    assert parsed.dek == (
        "Negotiators in Istanbul failed to agree on who inspects ships leaving Odesa."
    )
    assert parsed.author_name == "Olena Marchuk"
    assert parsed.published_on == datetime.date(2026, 11, 28)
    assert parsed.source_url == LEDGER_URL
    assert parsed.site_name == "The Kyiv Ledger"
    assert parsed.domain == "kyiv-ledger.example"
    assert parsed.language == "en-GB"
    # Paragraphs stay paragraphs; the cookie banner, byline, share links, caption, pull quote,
    # "Read more" box, tags and footer stay out.
    assert parsed.body.split("\n\n") == LEDGER_BODY


def test_a_page_with_schema_org_news_article_json_ld_and_two_authors():
    parsed = parse_html(page("meridian-kharkiv-shelling.html"))
    assert parsed.headline == "Kharkiv power restored after overnight strikes"
    assert parsed.author_name == "Tomasz Nowak and Iryna Bondar"
    assert parsed.published_on == datetime.date(2026, 11, 27)  # published, not modified
    assert parsed.source_url == (
        "https://meridian-news.example/europe/kharkiv-power-restored-after-overnight-strikes"
    )
    assert parsed.site_name == "Meridian News"
    paragraphs = parsed.body.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("Electricity returned to most of Kharkiv on Thursday")
    assert paragraphs[-1].endswith("shortly after midnight.")
    for boilerplate in (
        "Advertisement",
        "Sign up",
        "Most read",
        "Agree",
        "WhatsApp",
        "tram passes",
    ):
        assert boilerplate not in parsed.body


def test_an_amp_twin_names_the_canonical_page_without_its_tracking_parameters():
    parsed = parse_html(page("ledger-grain-talks.amp.html"))
    assert parsed.source_url == LEDGER_URL
    assert parsed.body.split("\n\n")[:4] == LEDGER_BODY  # no headline, byline or consent box
    assert parsed.author_name == "Olena Marchuk"


def test_a_latin_1_page_in_german_decodes_and_loses_its_byline():
    parsed = parse_html(page("kurier-latin1.html"))
    assert parsed.headline == "Gespräche über Getreidekorridor in Istanbul gescheitert"
    assert parsed.author_name == "Jürgen Weiß"
    assert parsed.language == "de"
    assert parsed.site_name == "Donau-Kurier"
    assert parsed.body.startswith("Die Verhandlungen über den Getreidekorridor")
    assert "Von Jürgen" not in parsed.body
    assert "«Wir sind gekommen, um zu unterschreiben»" in parsed.body


def test_text_is_normalised_as_the_text_format_is():
    decomposed = "Zelenskyi met the mayor of Chernihiv in the cafe\u0301 by the station. " * 5
    html = (
        "<!doctype html><html lang='en'><head><title>A visit\r\n to Chernihiv</title></head>"
        f"<body><article><p>{decomposed}</p>\r\n<p>Second   paragraph,\r\n wrapped.</p>"
        "</article></body></html>"
    ).encode()
    parsed = parse_html(html)
    assert parsed.headline == "A visit to Chernihiv"
    assert parsed.body == unicodedata.normalize("NFC", parsed.body)
    assert "café" in parsed.body
    assert parsed.body.endswith("\n\nSecond paragraph, wrapped.")
    assert "\r" not in parsed.body


def test_a_section_front_is_not_an_article():
    with pytest.raises(ArticleFormatError, match="no article text found"):
        parse_html(page("ledger-world-front.html"))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the page is empty"),
        (b"  \n ", "the page is empty"),
        (b"<html><body>\x00\x01</body></html>", "NUL bytes"),
        (b"<html><body><p>" + b"x" * PAGE_MAX_BYTES + b"</p></body></html>", "at most"),
        (b"<html><head><title>Only a title</title></head><body></body></html>", "no article"),
    ],
)
def test_broken_pages_are_refused_with_a_reason(data, reason):
    with pytest.raises(ArticleFormatError, match=reason):
        parse_html(data)


def test_a_declared_charset_that_does_not_fit_is_refused():
    with pytest.raises(ArticleFormatError, match="not utf-8 as it says"):
        parse_html("<p>Café</p>".encode("latin-1") * 100, charset="utf-8")
    with pytest.raises(ArticleFormatError, match="unknown"):
        parse_html(b"<p>x</p>", charset="klingon-8")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (LEDGER_URL + "?utm_source=tw&utm_campaign=x", LEDGER_URL),
        (LEDGER_URL + "?fbclid=IwAR0&gclid=Cj0", LEDGER_URL),
        (LEDGER_URL + "#comments", LEDGER_URL),
        ("HTTPS://WWW.Kyiv-Ledger.example:443/world", "https://www.kyiv-ledger.example/world"),
        ("https://x.example/story?id=7&utm_medium=rss", "https://x.example/story?id=7"),
        ("https://x.example/a?b=2&a=1", "https://x.example/a?a=1&b=2"),
        ("https://x.example", "https://x.example/"),
        ("javascript:alert(1)", ""),
        ("ftp://x.example/a", ""),
        ("", ""),
    ],
)
def test_canonical_urls(url, canonical):
    assert canonical_url(url) == canonical


def test_a_canonical_link_to_the_home_page_is_not_believed():
    html = (
        (PAGES / "ledger-grain-talks.html")
        .read_text()
        .replace(LEDGER_URL, "https://www.kyiv-ledger.example/")
    )
    fetched = "http://127.0.0.1:8000/grain?utm_source=x"
    assert parse_html(html.encode(), fetched).source_url == "http://127.0.0.1:8000/grain"
    parsed = parse_html(html.encode())
    assert parsed.source_url == "" and parsed.domain == ""


def test_the_outlet_domain_drops_www():
    assert domain_of(LEDGER_URL) == "kyiv-ledger.example"
    assert domain_of("https://News.Example./a") == "news.example"


def test_feeds_rss_and_atom():
    rss = page("ledger-world.rss").replace(b"{base}", b"http://feeds.example")
    entries = parse_feed(rss, "http://feeds.example/ledger-world.rss")
    assert [e.url for e in entries] == [
        "http://feeds.example/ledger-grain-talks.html?utm_source=rss&utm_medium=feed",
        "http://feeds.example/meridian-kharkiv-shelling.html",
        "http://feeds.example/kurier-latin1.html",
        "http://feeds.example/missing-old-story.html",
    ]
    assert entries[0].published_on == datetime.date(2026, 11, 28)
    atom = page("meridian-europe.atom").replace(b"{base}", b"http://feeds.example")
    entries = parse_feed(atom, "http://feeds.example/meridian-europe.atom")
    assert [e.url for e in entries] == [  # relative links resolved against the feed's URL
        "http://feeds.example/meridian-kharkiv-shelling.html",
        "http://feeds.example/ledger-world-front.html",
    ]
    with pytest.raises(ArticleFormatError, match="not an RSS or Atom feed"):
        parse_feed(b"<html><body><p>Hello</p></body></html>", "http://feeds.example/")
