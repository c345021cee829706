"""Suggestions end to end: stored on import or by the admin, reviewed, never shown to readers."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Article, Place, PlaceMention, Quote, Speaker
from tests.ops import create

pytestmark = pytest.mark.django_db

TEXT = """Talks collapse in Kherson

A dek for the test

Kremlin spokesman Dmitry Peskov said on Friday that "talks with Kyiv are impossible now."

"We will not return to the table," said Mykhailo Podolyak, an adviser in Kyiv.
"""


@pytest.fixture
def article_file(tmp_path):
    path = tmp_path / "talks.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


@pytest.fixture
def kyiv(db):
    return create(
        Place,
        name="Kyiv",
        slug="kyiv",
        latitude=50.45,
        longitude=30.52,
        aliases=["Kiev"],
        country_code="UA",
    )


def test_dry_run_json_previews_and_writes_nothing(article_file, tmp_path, kyiv):
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\x00\x01binary")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 checked, 1 failed"):
        call_command(
            "import_articles",
            str(article_file),
            str(broken),
            dry_run=True,
            format="json",
            stdout=out,
            stderr=err,
        )
    document = json.loads(out.getvalue())
    assert set(document) == {"articles", "errors"}
    (entry,) = document["articles"]
    assert set(entry) == {"file", "headline", "dek", "author", "body", "quotes", "places"}
    assert entry["headline"] == "Talks collapse in Kherson"
    body = entry["body"]
    for quote in entry["quotes"]:
        assert set(quote) == {"start", "end", "text", "speaker", "kind"}
        assert body[quote["start"] : quote["end"]] == quote["text"]
    for place in entry["places"]:
        assert set(place) == {"start", "end", "text", "place", "latitude", "longitude"}
        assert body[place["start"] : place["end"]] == place["text"]
    assert any(
        q["text"] == "talks with Kyiv are impossible now." or "talks with Kyiv" in q["text"]
        for q in entry["quotes"]
    )
    assert any(p["place"] == "Kyiv" and p["latitude"] == 50.45 for p in entry["places"])
    assert document["errors"] == [{"file": str(broken), "error": document["errors"][0]["error"]}]
    assert "NUL" in document["errors"][0]["error"]
    assert not Article.objects.exists() and not Quote.objects.exists()
    assert not Speaker.objects.exists()


def test_import_with_suggest_stores_suggestions_readers_never_see(client, article_file, kyiv):
    call_command("import_articles", str(article_file), suggest=True, publish=True)
    article = Article.objects.get()
    quotes = Quote.objects.filter(article=article)
    assert quotes.exists() and set(quotes.values_list("status", flat=True)) == {"suggested"}
    mentions = PlaceMention.objects.filter(article=article)
    assert mentions.filter(place=kyiv).exists()
    assert set(mentions.values_list("status", flat=True)) == {"suggested"}
    for span in [*quotes, *mentions]:
        assert article.body[span.start : span.end] == span.exact
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<mark" not in html and 'class="place' not in html
    assert 'data-count="quotes">0 quotes<' in client.get("/").content.decode()


def test_the_admin_action_suggests_once(admin_client, make_article, kyiv, settings):
    # The immediate backend runs the job inside the request (tests/test_tasks.py: the worker).
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["immediate"]}}
    article = make_article(body="Officials in Kyiv said the talks had failed.")
    url = reverse("admin:articles_article_changelist")
    data = {"action": "suggest_annotations", "_selected_action": [article.pk]}
    response = admin_client.post(url, data, follow=True)
    assert "place suggestions added" in response.content.decode()
    count = PlaceMention.objects.count() + Quote.objects.count()
    assert PlaceMention.objects.filter(place=kyiv, status="suggested").exists()
    admin_client.post(url, data)
    assert PlaceMention.objects.count() + Quote.objects.count() == count  # no duplicates


@pytest.fixture
def annotator(client):
    user = User.objects.create_user("anna", is_staff=True)
    user.groups.add(Group.objects.get(name="Annotators"))
    client.force_login(user)
    return user


def review(client, article, **data):
    url = reverse("admin:articles_article_annotate_review", args=[article.pk])
    return client.post(url, data, headers={"HX-Request": "true"})


def suggested_quote(article, proposal_name="Mykhailo Podolyak"):
    start = article.body.index("We will")
    return create(
        Quote,
        article=article,
        start=start,
        end=start + 7,
        exact="We will",
        status="suggested",
        proposal={"speaker": {"name": proposal_name, "kind": "person", "role": "Adviser"}},
    )


def test_suggestions_are_shown_apart_and_accepted_with_their_proposal(
    client, annotator, make_article
):
    article = make_article(body='"We will not return," an adviser said in Lutsk.')
    quote = suggested_quote(article)
    start = article.body.index("Lutsk")
    mention = create(
        PlaceMention,
        article=article,
        start=start,
        end=start + 5,
        exact="Lutsk",
        status="suggested",
        proposal={
            "place": {"name": "Lutsk", "latitude": 50.75, "longitude": 25.34, "kind": "city"}
        },
    )
    page = client.get(reverse("admin:articles_article_annotate", args=[article.pk]))
    html = page.content.decode()
    assert "2 suggestions to review" in html
    assert "status--suggested" in html and "Mykhailo Podolyak (proposed)" in html

    response = review(client, article, span=quote.key, decision="accept")
    assert "Accepted 1 suggestion." in response.content.decode()
    quote.refresh_from_db()
    assert quote.status == "confirmed" and quote.speaker.name == "Mykhailo Podolyak"
    assert quote.speaker.role == "Adviser" and quote.proposal == {}

    review(client, article, span=mention.key, decision="accept")
    mention.refresh_from_db()
    assert (mention.place.name, mention.place.latitude, mention.status) == (
        "Lutsk",
        50.75,
        "confirmed",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<mark" in html and 'href="/places/lutsk/"' in html


def test_accepting_finds_a_speaker_created_meanwhile(client, annotator, make_article, speaker):
    article = make_article(body='"We will not return," he said.')
    quote = suggested_quote(article, proposal_name="dmitry peskov")
    review(client, article, span=quote.key, decision="accept")
    quote.refresh_from_db()
    assert quote.speaker == speaker and Speaker.objects.count() == 1


def test_reject_one_and_accept_or_reject_all(client, annotator, make_article):
    article = make_article(body='"We will not return," he said. "We will wait," she said.')
    first = suggested_quote(article)
    second = create(Quote, article=article, start=33, end=40, exact="We will", status="suggested")
    review(client, article, span=first.key, decision="reject")
    first.refresh_from_db()
    assert first.status == "rejected"
    response = review(client, article, all="1", decision="accept")
    assert "Accepted 1 suggestion." in response.content.decode()
    second.refresh_from_db()
    assert second.status == "confirmed"
    first.refresh_from_db()
    assert first.status == "rejected"  # decided already: "all" means the open suggestions


def test_rejected_suggestions_are_not_suggested_again(make_article, kyiv):
    from articles import suggestions

    article = make_article(body="Officials in Kyiv said the talks had failed.")
    suggestions.store(article)
    PlaceMention.objects.filter(article=article).update(status="rejected")
    before = PlaceMention.objects.count()
    suggestions.store(article)
    assert PlaceMention.objects.count() == before


def test_review_needs_change_permission(client, make_article):
    user = User.objects.create_user("viewer", is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "add_quote", "add_placemention"])
    )
    client.force_login(user)
    article = make_article(body='"We will not return," he said.')
    quote = suggested_quote(article)
    assert review(client, article, span=quote.key, decision="accept").status_code == 403
    quote.refresh_from_db()
    assert quote.status == "suggested"


def test_a_proposed_sea_becomes_a_place_of_kind_other(client, annotator, make_article):
    article = make_article(body="Ships waited in the Black Sea for days.")
    start = article.body.index("Black Sea")
    mention = create(
        PlaceMention,
        article=article,
        start=start,
        end=start + 9,
        exact="Black Sea",
        status="suggested",
        proposal={
            "place": {"name": "Black Sea", "latitude": 43.0, "longitude": 34.0, "kind": "sea"}
        },
    )
    review(client, article, span=mention.key, decision="accept")
    mention.refresh_from_db()
    assert (mention.place.name, mention.place.kind, mention.status) == (
        "Black Sea",
        "other",
        "confirmed",
    )
