"""HTTP caching: conditional GET, the per-revision rendering cache, public cookie-free pages."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import PlaceMention, Quote
from tests.ops import create, delete, save

pytestmark = pytest.mark.django_db

BODY = "Peskov said talks were impossible.\n\nKyiv said it would not talk."


@pytest.fixture
def article(make_article, speaker, place):
    article = make_article(body=BODY)
    create(Quote, article=article, start=12, end=33, exact="talks were impossible", speaker=speaker)
    create(PlaceMention, article=article, start=35, end=39, exact="Kyiv", place=place)
    article.refresh_from_db()
    return article


def test_the_article_page_answers_conditional_requests(client, article):
    first = client.get(article.get_absolute_url())
    assert first.status_code == 200
    tag = first["ETag"]
    again = client.get(article.get_absolute_url(), headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize(
    "change", ["quote", "speaker", "body", "delete", "speaker deleted", "author", "author deleted"]
)
def test_every_change_to_what_the_page_shows_changes_its_etag(client, article, speaker, change):
    from articles.models import Author

    author = create(Author, name="A. Writer", slug="a-writer")
    article.refresh_from_db()
    article.author = author
    save(article)
    url = article.get_absolute_url()
    tag = client.get(url)["ETag"]
    assert "A. Writer" in client.get(url).content.decode()
    if change == "speaker deleted":
        delete(speaker)
        expected = "Unattributed"
    elif change == "author":
        author.name = "Anna Writer"
        save(author)
        expected = "Anna Writer"
    elif change == "author deleted":
        delete(author)
        expected = "<h1"
    elif change == "quote":
        create(Quote, article=article, start=0, end=6, exact="Peskov", speaker=speaker)
        expected = 'id="q-'
    elif change == "speaker":
        speaker.name = "Dmitry S. Peskov"
        save(speaker)
        expected = "Dmitry S. Peskov"
    elif change == "body":
        article.refresh_from_db()
        article.body = "Breaking: " + BODY
        save(article)
        expected = "Breaking: "
    else:
        delete(Quote.objects.get())
        expected = "0 quotes and claims"
    response = client.get(url, headers={"If-None-Match": tag})
    assert response.status_code == 200
    assert response["ETag"] != tag
    assert expected in response.content.decode()
    if change == "author deleted":
        assert "A. Writer" not in response.content.decode()


def test_the_rendering_is_cached_per_revision(client, article):
    url = article.get_absolute_url()
    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        html = client.get(url).content.decode()
    assert len(warm) == 1 < len(cold)  # only the article itself
    assert 'class="quote quote--direct' in html


def test_anonymous_pages_are_public_and_set_no_cookie(client, article, speaker, place):
    quote = Quote.objects.get()
    for url, headers in [
        ("/", {}),
        ("/?q=talks", {"HX-Request": "true"}),
        (article.get_absolute_url(), {}),
        (reverse("articles:quote_panel", args=[article.slug, quote.pk]), {"HX-Request": "true"}),
        ("/speakers/", {}),
        (speaker.get_absolute_url(), {}),
        ("/places/", {}),
        (place.get_absolute_url(), {}),
    ]:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
        assert "HX-Request" in response["Vary"], url


def test_staff_pages_are_private_and_not_conditional(admin_client, article):
    response = admin_client.get(article.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert not response.has_header("ETag")


# --- Whole pages for anonymous readers (articles.pagecache) -------------------------------------


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


def reader_urls(article, speaker, place):
    quote = Quote.objects.get()
    panel = reverse("articles:quote_panel", args=[article.slug, quote.pk])
    return [
        ("/", {}),
        ("/?q=talks", {}),
        ("/?q=talks", {"HX-Request": "true"}),
        (article.get_absolute_url(), {}),
        (panel, {"HX-Request": "true"}),
        (panel, {}),
        ("/speakers/", {}),
        (speaker.get_absolute_url(), {}),
        ("/places/", {}),
        (place.get_absolute_url(), {}),
    ]


def test_anonymous_readers_get_every_page_again_without_the_database(
    client, page_cache, article, speaker, place, django_assert_num_queries
):
    for url, headers in reader_urls(article, speaker, place):
        first = client.get(url, headers=headers)
        assert first.status_code == 200 and first["X-Page-Cache"] == "miss", url
        with django_assert_num_queries(0):
            again = client.get(url, headers=headers)
        assert again["X-Page-Cache"] == "hit", url
        assert again.content == first.content, url
        for header in ("Cache-Control", "Vary", "Content-Type", "Content-Security-Policy"):
            assert again[header] == first[header], (url, header)
        assert again["X-Frame-Options"] == "DENY" and again["X-Content-Type-Options"] == "nosniff"
        assert not again.cookies


def test_fragments_and_whole_pages_are_kept_apart(client, page_cache, article):
    panel = reverse("articles:quote_panel", args=[article.slug, Quote.objects.get().pk])
    fragment = {"HX-Request": "true"}
    restore = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    for _ in range(2):  # the second round comes from the cache
        assert "<html" not in client.get(panel, headers=fragment).content.decode()
        assert "<html" in client.get(panel).content.decode()
        assert "<html" in client.get(panel, headers=restore).content.decode()
    vary = client.get(panel)["Vary"]
    assert "HX-Request" in vary and "HX-History-Restore-Request" in vary


def test_a_cached_article_answers_conditional_requests(
    client, page_cache, article, django_assert_num_queries
):
    url = article.get_absolute_url()
    tag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(url, headers={"If-None-Match": tag})
    assert response.status_code == 304 and response.content == b""


@pytest.mark.parametrize(
    "change",
    [
        "quote added",
        "quote deleted",
        "speaker renamed",
        "place renamed",
        "quote's places",
        "body edited",
        "headline edited",
        "author renamed",
        "unpublished",
        "new article",
        "revision touched",
    ],
)
def test_any_change_retires_the_cached_pages(
    transactional_db, client, page_cache, article, speaker, place, change
):
    """Committed for real (a transactional test): pages are retired when changes commit."""
    from articles import operations
    from articles.models import Article, Author

    for url, headers in reader_urls(article, speaker, place):
        client.get(url, headers=headers)
    url = article.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "hit"

    def apply():
        nonlocal url
        if change == "quote added":
            create(Quote, article=article, start=0, end=6, exact="Peskov", speaker=speaker)
        elif change == "quote deleted":
            delete(Quote.objects.get())
        elif change == "speaker renamed":
            speaker.name = "Dmitry S. Peskov"
            save(speaker)
        elif change == "place renamed":
            place.name = "Kyiv City"
            save(place)
        elif change == "quote's places":
            operations.set_quote_places(Quote.objects.get(), [place])
        elif change in ("body edited", "headline edited", "unpublished"):
            article.refresh_from_db()
            if change == "body edited":
                article.body = "Breaking: " + BODY
            elif change == "headline edited":
                article.headline = "A new headline"
            else:
                article.status = Article.Status.DRAFT
            save(article)
        elif change == "author renamed":
            author = create(Author, name="A. Writer", slug="a-writer")
            Article.objects.filter(pk=article.pk).update(author=author)  # behind its back...
            author.name = "Anna Writer"
            save(author)  # ...but the author's own operation retires the pages that show it
        elif change == "new article":
            create(
                Article,
                slug="another",
                headline="Another article",
                body="Text.",
                status="published",
            )
            url = "/"
        else:
            Article.objects.filter(pk=article.pk).update(headline="Updated in bulk")
            operations.rebuild_everything()

    apply()
    response = client.get(url)
    assert response.get("X-Page-Cache") != "hit"
    expected = {
        "quote added": 'id="q-',
        "quote deleted": "0 quotes and claims",
        "speaker renamed": "Dmitry S. Peskov",
        "place renamed": "Kyiv City",
        "quote's places": "talks were impossible",
        "body edited": "Breaking: ",
        "headline edited": "A new headline",
        "author renamed": "Anna Writer",
        "new article": "Another article",
        "revision touched": "Updated in bulk",
    }
    if change == "unpublished":  # drafts are never visible, not even from the cache
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert expected[change] in response.content.decode()


def test_pages_are_retired_only_once_the_change_commits(
    transactional_db, client, page_cache, article, speaker, monkeypatch
):
    from articles import pagecache
    from articles.changes import changing

    retirements = []
    retire = pagecache.retire
    monkeypatch.setattr(pagecache, "retire", lambda tags: retirements.append(retire(tags)))
    url = article.get_absolute_url()
    client.get(url)
    with changing():
        speaker.name = "Dmitry S. Peskov"
        save(speaker)
        create(Quote, article=article, start=0, end=6, exact="Peskov", speaker=speaker)
        # Not committed yet: a page read now holds the old data, so it may still be served.
        assert client.get(url)["X-Page-Cache"] == "hit"
    # One retirement for the operation, however many rows and nested operations it wrote.
    assert len(retirements) == 1
    assert "Dmitry S. Peskov" in client.get(url).content.decode()


def test_a_change_rolled_back_retires_nothing(transactional_db, client, page_cache, article):
    url = article.get_absolute_url()
    client.get(url)
    with pytest.raises(RuntimeError), transaction.atomic():
        article.headline = "Never committed"
        save(article)
        raise RuntimeError
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_staff_neither_get_nor_leave_cached_pages(client, admin_client, page_cache, article):
    from articles.models import Article

    url = article.get_absolute_url()
    client.get(url)
    staff = admin_client.get(url)
    assert "X-Page-Cache" not in staff and "private" in staff["Cache-Control"]
    create(Article, slug="draft", headline="A draft", body="Secret.", status="draft")
    assert admin_client.get("/articles/draft/").status_code == 200  # the preview
    assert client.get("/articles/draft/").status_code == 404


def test_errors_and_responses_with_cookies_are_not_kept(client, page_cache, db):
    from django.http import HttpResponse

    from articles import pagecache

    assert client.get("/articles/nothing-here/").status_code == 404
    assert client.get("/articles/nothing-here/").get("X-Page-Cache") is None
    public = HttpResponse("x", headers={"Cache-Control": "public, max-age=60"})
    assert pagecache.storable(public)
    with_cookie = HttpResponse("x", headers={"Cache-Control": "public, max-age=60"})
    with_cookie.set_cookie("csrftoken", "x")
    assert not pagecache.storable(with_cookie)
    assert not pagecache.storable(HttpResponse("x", headers={"Cache-Control": "private"}))
    assert not pagecache.storable(HttpResponse("x"))


def test_a_lost_generation_loses_the_pages_too(client, page_cache, article):
    from django.core.cache import cache

    from articles import pagecache

    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    cache.delete(pagecache._generation_key(pagecache.ALL))  # evicted: nothing before counts
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_the_page_cache_is_off_unless_configured(client, article):
    client.get(article.get_absolute_url())
    assert "X-Page-Cache" not in client.get(article.get_absolute_url())


def test_kept_pages_go_gzipped_to_clients_that_take_gzip(client, page_cache, article):
    import gzip

    url = article.get_absolute_url()
    plain = client.get(url)  # a miss, for a client that does not take gzip
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    for expected in ("hit", "hit"):
        zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert zipped["X-Page-Cache"] == expected and zipped["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.content) == plain.content
        assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content) / 2
    assert zipped["ETag"] == "W/" + plain["ETag"]  # another encoding of the same page
    again = client.get(url)
    assert again["X-Page-Cache"] == "hit" and again.content == plain.content
    assert "Content-Encoding" not in again and again["ETag"] == plain["ETag"]
    assert int(again["Content-Length"]) == len(plain.content)
    for tag in (plain["ETag"], zipped["ETag"]):
        revalidated = client.get(url, headers={"If-None-Match": tag, "Accept-Encoding": "gzip"})
        assert revalidated.status_code == 304


def test_a_host_not_allowed_is_refused_before_any_page_is_kept(client, page_cache, article):
    response = client.get(article.get_absolute_url(), HTTP_HOST="evil.example")
    assert response.status_code == 400 and "X-Page-Cache" not in response
