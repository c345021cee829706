"""The domain operations: what each changes, announced once; merges; the counts they keep."""

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from articles import operations, search
from articles.models import FormerSlug, Place, PlaceMention, Quote, Span, Speaker, shown_sql
from tests.ops import create

pytestmark = pytest.mark.django_db

BODY = "Peskov said talks failed in Kyiv.\n\nDmitry Peskov said Kiev was calm."


@pytest.fixture
def two_peskovs(make_article):
    article = make_article(body=BODY)
    short = create(Speaker, name="Peskov", slug="peskov", aliases=["D. Peskov"])
    full = create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov")
    kyiv = create(Place, name="Kyiv", slug="kyiv", latitude=50.45, longitude=30.52)
    kiev = create(Place, name="Kiev", slug="kiev", latitude=50.45, longitude=30.52)
    first = create(Quote, article=article, start=12, end=24, exact="talks failed", speaker=short)
    second = create(Quote, article=article, start=53, end=66, exact="Kiev was calm", speaker=full)
    operations.set_quote_places(first, [kyiv])
    operations.set_quote_places(second, [kiev, kyiv])
    create(PlaceMention, article=article, start=28, end=32, exact="Kyiv", place=kyiv)
    create(PlaceMention, article=article, start=53, end=57, exact="Kiev", place=kiev)
    return article, short, full, kyiv, kiev


def test_the_counts_follow_every_operation(two_peskovs):
    article, short, full, kyiv, kiev = two_peskovs
    short.refresh_from_db()
    kyiv.refresh_from_db()
    assert (short.n_quotes, kyiv.n_mentions, kyiv.n_quotes) == (1, 1, 2)
    operations.unpublish([article])
    short.refresh_from_db()
    kyiv.refresh_from_db()
    assert (short.n_quotes, kyiv.n_mentions, kyiv.n_quotes) == (0, 0, 0)
    operations.publish([article])
    operations.delete_span(Quote.objects.get(speaker=short))
    short.refresh_from_db()
    kyiv.refresh_from_db()
    assert (short.n_quotes, kyiv.n_mentions, kyiv.n_quotes) == (0, 1, 1)


def test_merging_speakers_moves_quotes_joins_names_and_redirects(client, two_peskovs):
    article, short, full, *_ = two_peskovs
    short_pk = short.pk
    assert operations.merge_speakers(full, [short]) == 1
    full.refresh_from_db()
    assert Quote.objects.filter(speaker=full).count() == 2
    assert not Speaker.objects.filter(pk=short_pk).exists()
    assert full.aliases == ["Peskov", "D. Peskov"] and full.n_quotes == 2
    response = client.get("/speakers/peskov/")
    assert response.status_code == 301 and response["Location"] == "/speakers/dmitry-peskov/"
    assert client.get("/speakers/dmitry-peskov/").status_code == 200
    quote = Quote.objects.get(exact="talks failed")
    assert quote.history.first().history_change_reason.startswith("merged into Dmitry Peskov")
    gone = Speaker.history.filter(id=short_pk, history_type="-").get()
    assert gone.history_change_reason == "merged into Dmitry Peskov"


def test_merging_again_keeps_every_old_url(client, two_peskovs):
    article, short, full, *_ = two_peskovs
    operations.merge_speakers(full, [short])
    third = create(Speaker, name="Dmitri Peskov", slug="dmitri-peskov")
    operations.merge_speakers(third, [full])
    assert set(FormerSlug.objects.values_list("slug", "speaker__slug")) == {
        ("peskov", "dmitri-peskov"),
        ("dmitry-peskov", "dmitri-peskov"),
    }
    assert client.get("/speakers/peskov/")["Location"] == "/speakers/dmitri-peskov/"


def test_merging_places_moves_mentions_and_quote_links_without_duplicates(client, two_peskovs):
    article, short, full, kyiv, kiev = two_peskovs
    operations.merge_places(kyiv, [kiev])
    kyiv.refresh_from_db()
    assert PlaceMention.objects.filter(place=kyiv).count() == 2
    second = Quote.objects.get(exact="Kiev was calm")
    assert list(second.places.all()) == [kyiv]  # was linked to both: one link left
    assert kyiv.aliases == ["Kiev"] and (kyiv.n_mentions, kyiv.n_quotes) == (2, 2)
    assert client.get("/places/kiev/")["Location"] == "/places/kyiv/"


def test_the_admin_merges_after_asking_which_to_keep(client, two_peskovs):
    article, short, full, *_ = two_peskovs
    user = User.objects.create_user("annot", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Annotators"))
    client.force_login(user)
    selected = {"action": "merge", "_selected_action": [short.pk, full.pk]}
    page = client.post("/admin/articles/speaker/", selected)
    html = page.content.decode()
    assert page.status_code == 200 and "Choose the speaker to keep" in html
    assert Speaker.objects.count() == 2  # nothing merged yet
    done = client.post("/admin/articles/speaker/", {**selected, "keep": full.pk, "apply": "1"})
    assert done.status_code == 302
    assert list(Speaker.objects.values_list("name", flat=True)) == ["Dmitry Peskov"]


def test_merging_needs_the_change_permission(client, two_peskovs):
    article, short, full, *_ = two_peskovs
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_speaker"))
    client.force_login(user)
    selected = {"action": "merge", "_selected_action": [short.pk, full.pk], "keep": full.pk}
    client.post("/admin/articles/speaker/", {**selected, "apply": "1"})
    assert Speaker.objects.count() == 2


def test_accepting_all_suggestions_refreshes_the_article_once(
    make_article, monkeypatch, django_assert_max_num_queries
):
    article = make_article(body=" ".join(f'"Word{i} here," said Person{i}.' for i in range(40)))
    operations.store_suggestions(article)
    suggested = list(Quote.objects.filter(status=Span.Status.SUGGESTED))
    assert len(suggested) >= 30
    refreshed = []
    monkeypatch.setattr(search, "refresh_vectors", lambda ids=None, **k: refreshed.append(ids))
    operations.accept_suggestions(suggested)
    assert refreshed == [{article.pk}]
    assert not Quote.objects.filter(status=Span.Status.SUGGESTED).exists()
    article.refresh_from_db()
    assert Speaker.objects.filter(n_quotes=1).count() >= 30


def test_a_plain_save_still_reanchors_but_announces_nothing(make_article, speaker):
    article = make_article(body=BODY)
    create(Quote, article=article, start=12, end=24, exact="talks failed", speaker=speaker)
    revision = type(article).objects.get(pk=article.pk).revision
    article.body = "Breaking. " + BODY
    article.save()  # a shell's save: the spans follow, the announcement is the operations' job
    quote = Quote.objects.get()
    assert article.body[quote.start : quote.end] == "talks failed"
    assert type(article).objects.get(pk=article.pk).revision == revision


def test_the_place_page_pages_mentions_and_quotes_apart(client, make_article, place, speaker):
    from articles import views

    body = " ".join(["Kyiv said no."] * 60)
    article = make_article(body=body)
    for i in range(60):
        start = i * 14
        create(PlaceMention, article=article, start=start, end=start + 4, exact="Kyiv", place=place)
        quote = create(
            Quote,
            article=article,
            start=start + 5,
            end=start + 12,
            exact="said no",
            speaker=speaker,
        )
        operations.set_quote_places(quote, [place])
    assert views.ENTITY_ITEMS_PER_PAGE < 60
    html = client.get("/places/kyiv/?mentions_page=2").content.decode()
    first = views.ENTITY_ITEMS_PER_PAGE + 1
    assert f'start="{first}"' in html and 'start="1"' in html  # mentions from 26, quotes from 1
    assert "quotes_page=2" in html and "mentions_page=2" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="raw SQL that only PostgreSQL runs")
def test_the_search_vectors_sql_sees_what_readers_see(make_article, speaker):
    article = make_article(body=BODY)
    for status in Span.Status.values:
        for anchored in (True, False):
            create(
                Quote,
                article=article,
                start=12,
                end=24,
                exact="talks failed",
                speaker=speaker,
                status=status,
                anchored=anchored,
            )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT q.id FROM articles_quote q WHERE {shown_sql('q')}")
        by_sql = {row[0] for row in cursor.fetchall()}
    assert by_sql == set(Quote.objects.shown().values_list("pk", flat=True))
    assert len(by_sql) == 1


def test_who_is_quoted_where_is_kept_through_every_operation(two_peskovs):
    from collections import Counter

    from articles.models import ArticleSpeaker

    def kept():
        return set(ArticleSpeaker.objects.values_list("article", "speaker", "n_quotes"))

    def recomputed():
        visible = Quote.objects.visible().filter(speaker__isnull=False)
        counted = Counter(visible.values_list("article", "speaker"))
        return {(article, speaker, n) for (article, speaker), n in counted.items()}

    article, short, full, *_ = two_peskovs
    assert kept() == recomputed() == {(article.pk, short.pk, 1), (article.pk, full.pk, 1)}
    operations.merge_speakers(full, [short])
    assert kept() == recomputed() == {(article.pk, full.pk, 2)}
    operations.delete_span(Quote.objects.first())
    assert kept() == recomputed() == {(article.pk, full.pk, 1)}
    operations.unpublish([article])
    assert kept() == recomputed() == set()


@pytest.mark.parametrize("n", [5, 40])
def test_accepting_suggestions_takes_the_same_queries_however_many(make_article, n):
    from django.test.utils import CaptureQueriesContext

    article = make_article(body=" ".join(f'"Word{i} here," said Person{i}.' for i in range(n)))
    operations.store_suggestions(article)
    suggested = list(Quote.objects.filter(status=Span.Status.SUGGESTED).select_related("article"))
    assert len(suggested) >= n
    with CaptureQueriesContext(connection) as queries:
        assert operations.accept_suggestions(suggested) == len(suggested)
    # bulk: versions, names, new speakers, spans, history, the change and its kept rows (the
    # speakers', places' and outlets'), the rules' tally
    assert len(queries) <= 41
    assert Speaker.objects.filter(name__startswith="Person").count() == n
    assert {q.history.first().history_change_reason for q in Quote.objects.all()} == {
        "suggestion accepted"
    }


def test_accepting_a_suggestion_someone_changed_meanwhile_is_refused(make_article):
    from articles.models import StaleEdit

    article = make_article(body='"We hold," said Person One. "We go," said Person Two.')
    operations.store_suggestions(article)
    loaded = list(Quote.objects.filter(status=Span.Status.SUGGESTED))
    operations.reject_suggestions([Quote.objects.get(pk=loaded[0].pk)])  # someone else, first
    with pytest.raises(StaleEdit):
        operations.accept_suggestions(loaded)
    assert not Quote.objects.filter(status=Span.Status.CONFIRMED).exists()
