"""Which cached pages a change retires, with the real Redis: only what the change concerns."""

import pytest

from articles import operations
from articles.models import Article, PlaceMention, Quote, Span
from tests.ops import create, save


def world(make_article):
    """Two published articles with their own speaker and place, and a draft with a third."""
    from articles.models import Place, Speaker

    made = {}
    for key, status in [("a", "published"), ("b", "published"), ("d", "draft")]:
        article = make_article(body=f"Talks in Town{key.upper()} failed, Person{key} said.")
        article.slug, article.status = f"article-{key}", status
        save(article)
        speaker = create(Speaker, name=f"Person {key}", slug=f"person-{key}")
        place = create(
            Place, name=f"Town{key.upper()}", slug=f"town-{key}", latitude=1, longitude=2
        )
        create(Quote, article=article, start=0, end=21, exact=article.body[:21], speaker=speaker)
        create(
            PlaceMention, article=article, start=9, end=14, exact=article.body[9:14], place=place
        )
        made[key] = article
    return made


PAGES = {
    "article a": "/articles/article-a/",
    "article b": "/articles/article-b/",
    "speaker a": "/speakers/person-a/",
    "speaker b": "/speakers/person-b/",
    "place a": "/places/town-a/",
    "place b": "/places/town-b/",
    "list": "/",
    "search": "/?q=talks",
    "speakers": "/speakers/",
    "places": "/places/",
}


def surviving(client) -> set[str]:
    return {name for name, url in PAGES.items() if client.get(url).get("X-Page-Cache") == "hit"}


def warm(client):
    for url in PAGES.values():
        assert client.get(url).status_code == 200, url
    assert surviving(client) == set(PAGES)


def draft_edited(made):
    draft = made["d"]
    draft.headline = "A changed draft"
    save(draft)


def draft_annotated(made):
    draft = made["d"]
    create(Quote, article=draft, start=22, end=28, exact=draft.body[22:28])


def suggestion_stored(made):
    article = made["a"]
    create(Quote, article=article, start=22, end=28, exact="Person", status="suggested")


def suggestion_rejected(made):
    suggestion_stored(made)
    operations.reject_suggestions([Quote.objects.get(status=Span.Status.SUGGESTED)])


def published_edited(made):
    article = made["a"]
    article.headline = "A new headline"
    save(article)


def published_annotated(made):
    article = made["a"]
    create(Quote, article=article, start=22, end=28, exact="Person")


def published_unpublished(made):
    operations.unpublish([Article.objects.get(slug="article-a")])


A_PAGES = {"article a", "speaker a", "place a"}
LISTS = {"list", "search", "speakers", "places"}


@pytest.mark.parametrize(
    "change, retired",
    [
        (draft_edited, set()),
        (draft_annotated, set()),
        (suggestion_stored, set()),
        (suggestion_rejected, set()),
        (published_edited, A_PAGES | LISTS),
        (published_annotated, A_PAGES | LISTS),
        (published_unpublished, A_PAGES | LISTS),
    ],
)
def test_a_change_retires_only_the_pages_it_concerns(
    transactional_db, client, redis_page_cache, make_article, change, retired
):
    made = world(make_article)
    warm(client)
    change(made)
    assert surviving(client) == set(PAGES) - retired


def test_renaming_a_speaker_retires_the_pages_that_show_the_name(
    transactional_db, client, redis_page_cache, make_article
):
    from articles.models import Speaker

    made = world(make_article)
    # Person b is also quoted in article a: their name shows on a's pages and beside Person a.
    article = made["a"]
    create(
        Quote,
        article=article,
        start=22,
        end=28,
        exact="Person",
        speaker=Speaker.objects.get(slug="person-b"),
    )
    warm(client)
    speaker = Speaker.objects.get(slug="person-b")
    speaker.name = "Person B. Renamed"
    save(speaker)
    # Both articles show the name, so their pages go, and those of the names they show.
    assert surviving(client) == set()
    assert "Person B. Renamed" in client.get("/articles/article-a/").content.decode()
    assert "Person B. Renamed" in client.get("/speakers/person-a/").content.decode()
