"""HTTP caching: conditional GET, the per-revision rendering cache, public cookie-free pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import PlaceMention, Quote

pytestmark = pytest.mark.django_db

BODY = "Peskov said talks were impossible.\n\nKyiv said it would not talk."


@pytest.fixture
def article(make_article, speaker, place):
    article = make_article(body=BODY)
    Quote.objects.create(
        article=article, start=12, end=33, exact="talks were impossible", speaker=speaker
    )
    PlaceMention.objects.create(article=article, start=35, end=39, exact="Kyiv", place=place)
    article.refresh_from_db()
    return article


def test_the_article_page_answers_conditional_requests(client, article):
    first = client.get(article.get_absolute_url())
    assert first.status_code == 200
    tag = first["ETag"]
    again = client.get(article.get_absolute_url(), headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("change", ["quote", "speaker", "body", "delete"])
def test_every_change_to_what_the_page_shows_changes_its_etag(client, article, speaker, change):
    url = article.get_absolute_url()
    tag = client.get(url)["ETag"]
    if change == "quote":
        Quote.objects.create(article=article, start=0, end=6, exact="Peskov", speaker=speaker)
        expected = 'id="q-'
    elif change == "speaker":
        speaker.name = "Dmitry S. Peskov"
        speaker.save()
        expected = "Dmitry S. Peskov"
    elif change == "body":
        article.refresh_from_db()
        article.body = "Breaking: " + BODY
        article.save()
        expected = "Breaking: "
    else:
        Quote.objects.all().delete()
        expected = "0 quotes and claims"
    response = client.get(url, headers={"If-None-Match": tag})
    assert response.status_code == 200
    assert response["ETag"] != tag
    assert expected in response.content.decode()


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
