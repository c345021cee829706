"""What reader pages say about themselves: a description, a canonical link and Open Graph tags on
every page; a quote's own URL previews as its words and its speaker; article pages carry
schema.org ``NewsArticle`` JSON-LD and the Highwire ``citation_*`` tags reference managers read."""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles.models import Article, Author, Outlet, Place, PlaceMention, Quote, Speaker
from tests.ops import create

pytestmark = pytest.mark.django_db
HOSTILE = 'Talks </script><script>alert(1)</script> & "more"'
BODY = "Peskov said Kyiv was calm. Odesa waited."


class Head(HTMLParser):
    """The page's meta tags (by name or property), links by rel, and JSON-LD blocks."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, str] = {}
        self.ld: list[str] = []
        self._in_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("name" in a or "property" in a):
            self.meta.setdefault(a.get("name") or a["property"], []).append(a.get("content", ""))
        elif tag == "link" and a.get("rel") == "canonical":
            self.links["canonical"] = a["href"]
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.ld[-1] += data


def head(client, path: str) -> Head:
    response = client.get(path)
    assert response.status_code == 200, path
    return Head(response.content.decode())


@pytest.fixture
def article():
    outlet = create(
        Outlet,
        name="The Kyiv Ledger",
        slug="ledger",
        domain="ledger.example",
        homepage="https://ledger.example/",
    )
    author = create(Author, name="Ines Calder", slug="ines-calder")
    article = create(
        Article,
        slug="talks",
        headline=HOSTILE,
        dek="Negotiators met in Geneva.",
        body=BODY,
        status=Article.Status.PUBLISHED,
        published_on="2024-03-05",
        author=author,
        outlet=outlet,
        language="en",
        source_url="https://ledger.example/news/talks",
    )
    speaker = create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov")
    create(Quote, article=article, start=0, end=25, exact=BODY[:25], speaker=speaker)
    kyiv = create(Place, name="Kyiv", slug="kyiv", latitude=50.45, longitude=30.52)
    create(PlaceMention, article=article, start=12, end=16, exact="Kyiv", place=kyiv)
    return article


def test_every_reader_page_describes_itself_with_one_canonical_address(client, article):
    pages = [
        reverse("articles:article_list"),
        article.get_absolute_url(),
        reverse("articles:speaker_list"),
        "/speakers/dmitry-peskov/",
        reverse("articles:place_list"),
        "/places/kyiv/",
        reverse("articles:outlet_list"),
        "/outlets/ledger/",
    ]
    for path in pages:
        page = head(client, path + "?page=1&utm_source=chat")
        assert page.links["canonical"] == f"http://testserver{path}", path  # no query string
        assert page.meta["og:url"] == [page.links["canonical"]]
        for name in ("description", "og:title", "og:description", "og:type", "og:site_name"):
            assert len(page.meta[name]) == 1 and page.meta[name][0].strip(), (path, name)
    assert head(client, "/speakers/dmitry-peskov/").meta["og:title"] == ["Dmitry Peskov"]


def test_a_quotes_url_previews_as_its_words_and_its_speaker(client, article):
    quote = Quote.objects.get()
    page = head(client, f"/articles/{article.slug}/quotes/{quote.pk}/")
    assert page.meta["og:title"] == [f"“{BODY[:25]}” — Dmitry Peskov"]
    assert page.meta["og:description"] == [BODY[:25]]
    assert page.links["canonical"].endswith(f"/articles/talks/quotes/{quote.pk}/")


def test_article_pages_carry_citation_metadata(client, article):
    page = head(client, article.get_absolute_url())
    assert page.meta["citation_title"] == [HOSTILE]
    assert page.meta["citation_author"] == ["Ines Calder"]
    assert page.meta["citation_publication_date"] == ["2024/03/05"]
    assert page.meta["citation_publisher"] == ["The Kyiv Ledger"]
    assert page.meta["citation_public_url"] == ["https://ledger.example/news/talks"]
    assert page.meta["og:type"] == ["article"]
    assert page.meta["description"] == ["Negotiators met in Geneva."]
    (block,) = page.ld  # the hostile headline could not end the element early
    data = json.loads(block)
    assert data["@type"] == "NewsArticle" and data["headline"] == HOSTILE
    assert data["datePublished"] == "2024-03-05"
    assert data["author"] == {"@type": "Person", "name": "Ines Calder"}
    assert data["publisher"]["name"] == "The Kyiv Ledger"
    assert data["url"] == "http://testserver/articles/talks/"
    assert data["isBasedOn"] == "https://ledger.example/news/talks"
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html


def test_the_place_pages_credit_geonames(client, article):
    for path in (reverse("articles:place_list"), "/places/kyiv/"):
        html = client.get(path).content.decode()
        assert 'href="https://www.geonames.org/"' in html and "Attribution 4.0" in html, path
