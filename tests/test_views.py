import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.changes import changing
from articles.models import Article, Place, PlaceMention, Quote, Speaker
from tests.ops import add_places, create, delete_all_articles, load_seed, save

pytestmark = pytest.mark.django_db


def annotate(article, n, speaker, place):
    """n quotes and n place mentions, on words of the body, alternating speakers: one change,
    as an import makes them (n changes in one test transaction would each rewrite the article's
    kept rows, leaving PostgreSQL n² dead row versions to wade through)."""
    words = [m.span() for m in re.finditer(r"\w+", article.body)]
    with changing():
        other = create(Speaker, name="Other Speaker", slug=f"other-{article.pk}")
        for i in range(n):
            start, end = words[(2 * i) % len(words)]
            quote = create(
                Quote,
                article=article,
                start=start,
                end=end,
                exact=article.body[start:end],
                speaker=speaker if i % 2 else other,
                kind=Quote.Kind.values[i % 3],
            )
            add_places(quote, place)
            start, end = words[(2 * i + 1) % len(words)]
            create(
                PlaceMention,
                article=article,
                start=start,
                end=end,
                exact=article.body[start:end],
                place=place,
            )


def long_body(paragraphs=20):
    sentence = "Officials in Kyiv said the talks would resume after the withdrawal."
    return "\n\n".join(" ".join([sentence] * 6) for _ in range(paragraphs))


def test_healthz_answers_ok_through_the_middleware(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware ran


def test_list_shows_published_articles_with_counts(client, make_article, speaker, place):
    article = make_article(headline="Talks resume", dek="A short dek")
    annotate(article, 3, speaker, place)
    make_article(headline="Secret draft", status=Article.Status.DRAFT)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Talks resume" in html and "A short dek" in html
    assert "Secret draft" not in html
    assert 'data-count="quotes">3 quotes<' in html
    assert 'data-count="places">3 place mentions<' in html


def test_list_counts_only_what_readers_see(client, make_article, speaker, place):
    article = make_article()
    annotate(article, 2, speaker, place)
    first = Quote.objects.first()
    first.status = Quote.Status.SUGGESTED
    save(first)
    html = client.get("/").content.decode()
    assert 'data-count="quotes">1 quote<' in html


def test_article_page_highlights_quotes_and_places(client, make_article, speaker, place):
    article = make_article(body="Peskov said Kyiv was wrong.")
    quote = create(
        Quote,
        article=article,
        start=12,
        end=26,
        exact="Kyiv was wrong",
        speaker=speaker,
        kind="claim",
    )
    create(PlaceMention, article=article, start=12, end=16, exact="Kyiv", place=place)
    response = client.get(article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    mark = re.search(r'<mark class="quote quote--claim speaker-\d"[^>]*>', html).group()
    assert f'data-quote="{quote.pk}"' in mark
    assert 'data-speaker="dmitry-peskov"' in mark
    assert f'hx-get="/articles/{article.slug}/quotes/{quote.pk}/"' in mark
    assert f'id="q-{quote.pk}"' in mark
    assert '<a class="place place--city" href="/places/kyiv/"' in html
    # Without JavaScript, every quote is reachable as a plain link.
    assert f'href="/articles/{article.slug}/quotes/{quote.pk}/"' in html


def test_readers_never_see_suggested_rejected_or_orphaned_spans(client, make_article, speaker):
    article = make_article(body="One two three four five six.")
    for start, end, status, anchored in [
        (0, 3, Quote.Status.SUGGESTED, True),
        (4, 7, Quote.Status.REJECTED, True),
        (8, 13, Quote.Status.CONFIRMED, False),
    ]:
        create(
            Quote,
            article=article,
            start=start,
            end=end,
            exact=article.body[start:end],
            speaker=speaker,
            status=status,
            anchored=anchored,
        )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<mark" not in html
    for quote in Quote.objects.all():
        url = reverse("articles:quote_panel", args=[article.slug, quote.pk])
        assert client.get(url).status_code == 404


def test_drafts_are_404_for_the_public_and_marked_for_staff(client, admin_client, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    response = admin_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert (
        "Draft: only those who may view articles in the admin (annotators, editors) can see it."
        in response.content.decode()
    )


def logged_in(username, groups=()):
    """A client logged in as a staff account with these groups (no permissions otherwise)."""
    user = User.objects.create_user(username, password="x", is_staff=True)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    client = Client()
    client.force_login(user)
    return client


def test_drafts_need_the_permission_to_view_articles_not_just_staff(make_article, speaker):
    """A staff account without permissions is refused in the admin: so are drafts here."""
    draft = make_article(status=Article.Status.DRAFT)
    quote = create(Quote, article=draft, start=0, end=4, exact=draft.body[:4], speaker=speaker)
    panel = reverse("articles:quote_panel", args=[draft.slug, quote.pk])
    staff = logged_in("staffer")
    assert staff.get("/admin/articles/article/").status_code == 403
    for url in (draft.get_absolute_url(), panel):
        assert staff.get(url).status_code == 404
        assert staff.get(url, headers={"HX-Request": "true"}).status_code == 404
    annotator = logged_in("anna", groups=["Annotators"])
    response = annotator.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert 'class="draft-banner"' in response.content.decode()
    assert annotator.get(panel, headers={"HX-Request": "true"}).status_code == 200


def test_quote_panel_is_a_fragment_for_htmx_and_a_page_otherwise(
    client, make_article, speaker, place
):
    article = make_article(body="Peskov said talks were impossible. He said more.")
    first = create(
        Quote, article=article, start=12, end=33, exact="talks were impossible", speaker=speaker
    )
    add_places(first, place)
    create(Quote, article=article, start=38, end=47, exact="said more", speaker=speaker)
    url = reverse("articles:quote_panel", args=[article.slug, first.pk])

    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html and "<body" not in html
    assert 'id="panel-content"' in html
    assert "Dmitry Peskov" in html and "Kremlin spokesman" in html
    assert "talks were impossible" in html
    assert "said more" in html  # their other quotes
    assert 'href="/places/kyiv/"' in html
    assert "HX-Request" in fragment["Vary"]

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<html" in html and 'id="panel-content"' in html
    assert 'class="article-body"' in html
    assert "HX-Request" in page["Vary"]


def test_quote_panel_of_another_article_is_404(client, make_article, speaker):
    one, two = make_article(), make_article()
    quote = create(Quote, article=one, start=0, end=4, exact=one.body[:4], speaker=speaker)
    assert client.get(reverse("articles:quote_panel", args=[two.slug, quote.pk])).status_code == 404


def test_speaker_and_place_pages_list_what_belongs_to_them(client, make_article, speaker, place):
    article = make_article(body="Peskov said Kyiv was wrong.")
    quote = create(
        Quote, article=article, start=12, end=26, exact="Kyiv was wrong", speaker=speaker
    )
    add_places(quote, place)
    create(PlaceMention, article=article, start=12, end=16, exact="Kyiv", place=place)
    draft = make_article(body="Peskov said nothing.", status=Article.Status.DRAFT)
    create(Quote, article=draft, start=12, end=19, exact="nothing", speaker=speaker)

    html = client.get(speaker.get_absolute_url()).content.decode()
    assert "Kyiv was wrong" in html and article.headline in html
    assert "nothing" not in html  # from a draft

    html = client.get(place.get_absolute_url()).content.decode()
    assert "50.4500, 30.5200" in html
    assert 'Peskov said <mark class="place-mark">Kyiv</mark> was wrong.' in html
    assert "Kyiv was wrong" in html
    assert client.get("/speakers/nobody/").status_code == 404
    assert client.get("/places/nowhere/").status_code == 404


HOSTILE = '<script>alert(1)</script></mark><img src=x onerror=alert(1)> hx-get="/x" "\'&'


def test_user_text_is_escaped_everywhere(client, make_article):
    speaker = create(Speaker, name=HOSTILE, slug="hostile", role=HOSTILE)
    place = create(Place, name=HOSTILE, slug="hostile", latitude=1, longitude=2)
    article = make_article(headline=HOSTILE, dek=HOSTILE, body=HOSTILE + "\n\n" + HOSTILE)
    quote = create(
        Quote,
        article=article,
        start=0,
        end=len(HOSTILE),
        exact=HOSTILE,
        speaker=speaker,
        note=HOSTILE,
    )
    add_places(quote, place)
    create(
        PlaceMention,
        article=article,
        start=len(HOSTILE) + 2,
        end=2 * len(HOSTILE) + 2,
        exact=HOSTILE,
        place=place,
    )
    panel = reverse("articles:quote_panel", args=[article.slug, quote.pk])
    for url in [
        "/",
        article.get_absolute_url(),
        panel,
        speaker.get_absolute_url(),
        place.get_absolute_url(),
    ]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img" not in html, url
        assert 'hx-get="/x"' not in html, url
        assert "&lt;script&gt;" in html, url


def count_queries(client, url, **kwargs):
    cache.clear()  # count a cold request: filter choices and renderings are cached
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("htmx", [False, True])
def test_reader_pages_run_constant_queries(client, make_article, speaker, place, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    counts = []
    for n in (2, 200):
        delete_all_articles()
        article = make_article(body=long_body())
        annotate(article, n, speaker, place)
        quote = Quote.objects.filter(speaker=speaker).first()
        urls = [
            "/",
            article.get_absolute_url(),
            reverse("articles:quote_panel", args=[article.slug, quote.pk]),
            speaker.get_absolute_url(),
            place.get_absolute_url(),
        ]
        counts.append([count_queries(client, url, headers=headers) for url in urls])
    assert counts[0] == counts[1]
    assert max(counts[0]) <= 7


def test_the_most_quoted_speakers_of_an_article_get_distinct_colours():
    from articles.presenters import article_colours

    # Speaker 9 is quoted most, then 1..8 once each, then unattributed quotes.
    colours = article_colours([9, 9, 9, 1, 2, 3, 4, 5, 6, 7, None, 8, None])
    assert colours[9] == "speaker-0" and colours[None] == "speaker-none"
    assert len({colours[s] for s in [9, 1, 2, 3, 4, 5, 6, 7]}) == 8  # eight distinct
    assert colours[8] == colours[9]  # the ninth repeats the first


def test_seed_speakers_quoted_most_do_not_share_a_colour(client, db):

    load_seed()
    article = Article.objects.get()
    html = client.get(article.get_absolute_url()).content.decode()
    by_speaker = {}
    for colour, slug in re.findall(
        r'class="quote quote--\w+ (speaker-\d)"[^>]*data-speaker="([\w-]+)"', html
    ):
        by_speaker.setdefault(slug, set()).add(colour)
    assert all(len(c) == 1 for c in by_speaker.values())  # one colour per speaker
    top = ["dmitry-peskov", "volodymyr-zelensky", "russian-defense-ministry"]
    assert len({next(iter(by_speaker[s])) for s in top}) == 3
