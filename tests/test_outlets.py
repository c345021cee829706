"""Outlets: the seed's, the article list's filter, the outlet pages (constant queries) and the
admin."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.urls import reverse

from articles import operations
from articles.models import Article, Outlet, Place, PlaceMention, Quote, Speaker
from tests.ops import create, load_seed

pytestmark = pytest.mark.django_db
BODY = "Peskov spoke in Kyiv. Kyiv was calm. Moscow said no."


def outlet(name="The Kyiv Ledger", domain="kyiv-ledger.example", **fields):
    from django.utils.text import slugify

    return create(Outlet, name=name, slug=slugify(name), domain=domain, **fields)


def annotated(outlet_, n, speaker, place, status=Article.Status.PUBLISHED):
    """``n`` articles of ``outlet_``, each quoting ``speaker`` and mentioning ``place``."""
    articles = []
    for i in range(n):
        article = create(
            Article,
            slug=f"{outlet_.slug}-{Article.objects.count()}",
            headline=f"{outlet_.name} story {i}",
            body=BODY,
            status=status,
            outlet=outlet_,
        )
        create(Quote, article=article, start=0, end=20, exact=BODY[:20], speaker=speaker)
        create(PlaceMention, article=article, start=16, end=20, exact="Kyiv", place=place)
        articles.append(article)
    return articles


def test_the_seed_has_its_outlet():
    load_seed()
    article = Article.objects.get()
    assert article.outlet.name == "The Libertarian Institute"
    assert article.outlet.domain == "libertarianinstitute.org"
    assert article.language == "en"


def test_the_article_list_filters_by_outlet_slug_or_domain(client, make_article):
    ledger, meridian = outlet(), outlet("Meridian News", "meridian-news.example")
    make_article(headline="Ledger one", outlet=ledger)
    make_article(headline="Meridian one", outlet=meridian)
    make_article(headline="Nobody's")
    make_article(headline="Ledger draft", outlet=ledger, status=Article.Status.DRAFT)
    for value in ("the-kyiv-ledger", "kyiv-ledger.example", "www.kyiv-ledger.example"):
        html = client.get(reverse("articles:article_list"), {"outlet": value}).content.decode()
        assert "Ledger one" in html and "Meridian one" not in html, value
        assert "Nobody" not in html and "Ledger draft" not in html
    html = client.get(reverse("articles:article_list"), {"outlet": "nowhere"}).content.decode()
    assert "Nothing matches" in html
    # The menu offers the outlets of published articles, the chosen one selected.
    html = client.get(reverse("articles:article_list"), {"outlet": "the-kyiv-ledger"}).content
    assert b'<option value="the-kyiv-ledger" dir="auto" selected>The Kyiv Ledger</option>' in html
    assert b'<option value="meridian-news" dir="auto">Meridian News</option>' in html


def test_the_filter_combines_with_search_and_other_filters(client, make_article):
    ledger = outlet()
    make_article(headline="Ledger on Kherson", body="Kherson was shelled.", outlet=ledger)
    make_article(headline="Ledger on Odesa", body="Odesa port reopened.", outlet=ledger)
    make_article(headline="Other on Kherson", body="Kherson again.")
    html = client.get(
        reverse("articles:article_list"), {"outlet": "the-kyiv-ledger", "q": "Kherson"}
    )
    text = html.content.decode()
    assert "Ledger on Kherson" in text
    assert "Ledger on Odesa" not in text and "Other on Kherson" not in text


def test_the_outlet_page_lists_articles_speakers_and_places(client):
    ledger = outlet(homepage="https://www.kyiv-ledger.example/")
    peskov = create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov")
    kyiv = create(Place, name="Kyiv", slug="kyiv", latitude=50.45, longitude=30.52)
    annotated(ledger, 2, peskov, kyiv)
    annotated(ledger, 1, peskov, kyiv, status=Article.Status.DRAFT)
    response = client.get(ledger.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-article="') == 2  # the draft is not public
    assert 'data-speaker="dmitry-peskov"' in html and "2 quotes in 2 articles" in html
    assert 'data-place="kyiv"' in html and "2 mentions" in html
    assert 'href="https://www.kyiv-ledger.example/"' in html
    listing = client.get(reverse("articles:outlet_list")).content.decode()
    assert 'data-outlet="the-kyiv-ledger"' in listing


def test_an_outlet_with_only_drafts_is_not_public(client):
    hidden = outlet("Hidden Wire", "hidden.example")
    create(Article, slug="d", headline="Draft", body=BODY, outlet=hidden)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert b"Hidden Wire" not in client.get(reverse("articles:outlet_list")).content
    assert b"Hidden Wire" not in client.get(reverse("articles:article_list")).content


def test_outlet_pages_run_constant_queries(client, django_assert_max_num_queries):
    """The outlet, a page of its articles (counted by the kept count) and the first rows of its
    kept speakers and places, its source balance (its kept speakers summed by affiliation and
    kind of source), and its timeline's quotes and mentions by date (1, computed again
    each time: the cache is emptied); the list, a page and its count."""
    ledger = outlet()
    peskov = create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov")
    kyiv = create(Place, name="Kyiv", slug="kyiv", latitude=50.45, longitude=30.52)
    annotated(ledger, 1, peskov, kyiv)
    with django_assert_max_num_queries(5 + 1):
        assert client.get(ledger.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(2):
        client.get(reverse("articles:outlet_list"))
    others = [create(Speaker, name=f"Speaker {i}", slug=f"speaker-{i}") for i in range(6)]
    places = [
        create(Place, name=f"Place {i}", slug=f"place-{i}", latitude=1, longitude=i)
        for i in range(6)
    ]
    for speaker, place in zip(others, places, strict=True):
        annotated(ledger, 2, speaker, place)
    cache.clear()
    with django_assert_max_num_queries(5 + 1):
        html = client.get(ledger.get_absolute_url()).content.decode()
    assert html.count('data-article="') == 13 and html.count("data-speaker=") == 7


def test_outlet_names_are_escaped(client, make_article):
    evil = outlet('<script>alert("x")</script>', "evil.example")
    article = make_article(outlet=evil)
    for url in (
        evil.get_absolute_url(),
        article.get_absolute_url(),
        reverse("articles:outlet_list"),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html, url


def test_renaming_an_outlet_reaches_its_articles_pages(client, make_article):
    ledger = outlet()
    article = make_article(outlet=ledger)
    assert b"The Kyiv Ledger" in client.get(article.get_absolute_url()).content
    revision = Article.objects.get(pk=article.pk).revision
    ledger.name = "The Ledger"
    operations.save_name(ledger)
    assert Article.objects.get(pk=article.pk).revision > revision
    assert b"The Ledger</a>" in client.get(article.get_absolute_url()).content


def test_editors_manage_outlets_in_the_admin_with_search(client):
    user = User.objects.create_user("ed", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    outlet()
    outlet("Meridian News", "meridian-news.example")
    url = reverse("admin:articles_outlet_changelist")
    html = client.get(url, {"q": "meridian"}).content.decode()
    assert "Meridian News" in html and "The Kyiv Ledger" not in html
    response = client.post(
        reverse("admin:articles_outlet_add"),
        {"name": "Donau-Kurier", "slug": "donau-kurier", "domain": "WWW.Donau-Kurier.example"},
    )
    assert response.status_code == 302
    assert Outlet.objects.get(slug="donau-kurier").domain == "donau-kurier.example"
    annotator = User.objects.create_user("an", is_staff=True)
    annotator.groups.add(Group.objects.get(name="Annotators"))
    client.force_login(annotator)
    assert client.get(url).status_code == 200  # they see outlets
    assert client.get(reverse("admin:articles_outlet_add")).status_code == 403
