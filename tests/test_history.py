"""History of every change (who, what, when) and optimistic locking against lost updates."""

import html

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.db.models import F
from django.test import Client
from django.urls import reverse

from articles.models import Article, PlaceMention, Quote, Speaker, StaleEdit, stale_message
from tests.admin_forms import article_post
from tests.ops import create

pytestmark = pytest.mark.django_db

BODY = "Peskov said Kyiv was wrong. Kyiv said Peskov was wrong."
REANCHORED = "re-anchored after the article's text changed"


def make_user(username, group="Editors"):
    user = User.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def login(user):
    client = Client()
    client.force_login(user)
    return client


def text(response):
    """The response's HTML with entities decoded, to compare with plain strings."""
    return html.unescape(response.content.decode())


@pytest.fixture
def alice():
    return make_user("alice")


@pytest.fixture
def bob():
    return make_user("bob")


@pytest.fixture
def article(make_article):
    return make_article(body=BODY, headline="Talks stall")


@pytest.fixture
def quote(article, speaker):
    return create(Quote, article=article, start=12, end=26, exact="Kyiv was wrong", speaker=speaker)


def change_url(obj):
    return reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])


def quote_post(quote, **changes):
    """The quote's own admin change form, as shown for ``quote``."""
    data = {
        "article": quote.article_id,
        "exact": quote.exact,
        "start": quote.start,
        "end": quote.end,
        "status": quote.status,
        "speaker": quote.speaker_id or "",
        "kind": quote.kind,
        "note": quote.note,
        "loaded_version": quote.version,
        **changes,
    }
    return {k: str(v) for k, v in data.items()}


def annotation_post(article, **fields):
    data = {
        "type": "quote",
        "start": 12,
        "end": 26,
        "exact": "Kyiv was wrong",
        "article_version": article.version,
        "speaker": "Dmitry Peskov",
        "speaker_kind": "person",
        "kind": "claim",
        "place_kind": "city",
        **fields,
    }
    return {k: str(v) for k, v in data.items()}


def annotate_save_url(article):
    return reverse("admin:articles_article_annotate_save", args=[article.pk])


# History through the admin


def test_saving_an_article_in_the_admin_records_who_changed_what(alice, article):
    response = login(alice).post(change_url(article), article_post(article, headline="Talks end"))
    assert response.status_code == 302, response.content.decode()
    record = article.history.first()
    assert article.history.count() == 2
    assert record.history_type == "~"
    assert record.history_user == alice
    assert record.headline == "Talks end"
    assert "headline" in record.diff_against(record.prev_record).changed_fields
    assert "body" not in record.diff_against(record.prev_record).changed_fields


def test_admin_history_page_shows_the_user_and_the_change(alice, bob, article):
    login(alice).post(change_url(article), article_post(article, headline="Talks end"))
    url = reverse("admin:articles_article_history", args=[article.pk])
    response = login(bob).get(url)
    assert response.status_code == 200
    page = text(response)
    assert ">alice</a>" in page
    changes = page.split('id="change-history"')[1]
    assert "Talks stall" in changes and "Talks end" in changes
    assert "Headline:" in changes


def test_creating_and_changing_a_quote_in_the_admin_records_the_user(alice, bob, article, speaker):
    data = quote_post(
        Quote(article=article, start=12, end=26, exact="Kyiv was wrong", speaker=speaker),
        loaded_version="",
    )
    response = login(alice).post(reverse("admin:articles_quote_add"), data)
    assert response.status_code == 302, response.content.decode()
    quote = Quote.objects.get()
    created = quote.history.get()
    assert (created.history_type, created.history_user) == ("+", alice)

    response = login(bob).post(change_url(quote), quote_post(quote, kind="claim"))
    assert response.status_code == 302, response.content.decode()
    changed = quote.history.first()
    assert (changed.history_type, changed.history_user, changed.kind) == ("~", bob, "claim")
    assert "kind" in changed.diff_against(created).changed_fields
    assert "exact" not in changed.diff_against(created).changed_fields


def test_inline_quote_rows_record_history_with_the_user(alice, article, quote):
    data = article_post(article, quotes=[(quote, {"kind": "indirect"})])
    response = login(alice).post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()
    record = quote.history.first()
    assert (record.history_user, record.kind) == (alice, "indirect")


def test_body_edit_records_re_anchored_spans_with_a_reason(alice, article, quote, place):
    mention = create(PlaceMention, article=article, start=28, end=32, exact="Kyiv", place=place)
    untouched_reason = quote.history.get().history_change_reason
    # The browser posts every existing row back, unchanged.
    data = article_post(article, quotes=[(quote, {})], body="Update: " + BODY)
    response = login(alice).post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()

    for span in (quote, mention):
        before = span.start
        span.refresh_from_db()
        assert span.start == before + len("Update: ")
        record = span.history.first()
        assert record.history_change_reason == REANCHORED
        assert record.history_user == alice
        assert record.start == span.start
        assert span.history.count() == 2
    assert untouched_reason != REANCHORED
    assert article.history.first().history_change_reason != REANCHORED


def test_a_body_edit_that_moves_no_span_records_no_span_history(alice, make_article, speaker):
    body = "Peskov said Kyiv was wrong." + " Filler." * 10
    article = make_article(body=body)
    quote = create(
        Quote, article=article, start=12, end=26, exact="Kyiv was wrong", speaker=speaker
    )
    data = article_post(article, body=body + " More.")
    assert login(alice).post(change_url(article), data).status_code == 302
    assert quote.history.count() == 1
    quote.refresh_from_db()
    assert quote.version == 1


# Optimistic locking in the admin


def test_second_editor_of_an_article_is_refused_and_told_who_saved(alice, bob, article):
    form_a = article_post(article, headline="Alice's headline")
    form_b = article_post(article, dek="Bob's dek")  # both loaded the same version

    assert login(alice).post(change_url(article), form_a).status_code == 302
    response = login(bob).post(change_url(article), form_b)

    assert response.status_code == 200
    assert "This article was changed by alice at" in text(response)
    article.refresh_from_db()
    assert article.headline == "Alice's headline"
    assert article.dek == ""
    assert article.history.count() == 2  # Bob's save wrote nothing


def test_editor_with_the_current_version_can_save(alice, bob, article):
    response = login(alice).post(change_url(article), article_post(article, headline="A"))
    assert response.status_code == 302
    article.refresh_from_db()
    response = login(bob).post(change_url(article), article_post(article, dek="B"))
    assert response.status_code == 302, response.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.dek) == ("A", "B")


def test_second_editor_of_an_inline_quote_is_refused(alice, bob, article, quote):
    form_a = article_post(article, quotes=[(quote, {"kind": "claim"})])
    form_b = article_post(article, quotes=[(quote, {"kind": "indirect"})])

    assert login(alice).post(change_url(article), form_a).status_code == 302
    response = login(bob).post(change_url(article), form_b)

    assert response.status_code == 200
    assert "was changed by alice at" in text(response)
    quote.refresh_from_db()
    assert quote.kind == "claim"
    assert quote.history.first().history_user == alice


def test_inline_quote_row_changed_elsewhere_is_refused(alice, bob, article, quote):
    """Alice edits the quote on its own page; Bob's stale inline row names her."""
    form_b = article_post(article, quotes=[(quote, {"kind": "indirect"})])
    assert login(alice).post(change_url(quote), quote_post(quote, kind="claim")).status_code == 302
    article.refresh_from_db()
    form_b["loaded_version"] = str(article.version)  # the article itself did not change

    response = login(bob).post(change_url(article), form_b)

    assert response.status_code == 200
    assert "This quote was changed by alice at" in text(response)
    quote.refresh_from_db()
    assert quote.kind == "claim"


def test_second_editor_of_a_quote_page_is_refused(alice, bob, quote):
    form_a, form_b = quote_post(quote, kind="claim"), quote_post(quote, note="Bob's note")
    assert login(alice).post(change_url(quote), form_a).status_code == 302
    response = login(bob).post(change_url(quote), form_b)
    assert response.status_code == 200
    assert "This quote was changed by alice at" in text(response)
    quote.refresh_from_db()
    assert (quote.kind, quote.note) == ("claim", "")


def test_save_that_loses_the_race_after_validation_is_refused_with_a_message(
    alice, bob, article, monkeypatch
):
    """The check in the form passed, but someone saved before this save: StaleEdit."""
    from articles import admin as articles_admin

    original = articles_admin.ArticleAdmin.save_model

    def racing_save_model(self, request, obj, form, change):
        Article.objects.filter(pk=obj.pk).update(version=obj.version + 1)
        return original(self, request, obj, form, change)

    monkeypatch.setattr(articles_admin.ArticleAdmin, "save_model", racing_save_model)
    url = change_url(article)
    response = login(alice).post(url, article_post(article, headline="Lost"))
    assert response.status_code == 302
    assert response["Location"] == url
    article.refresh_from_db()
    assert article.headline == "Talks stall"
    assert article.history.count() == 1
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(m.startswith("This article was changed by") for m in shown)


def test_body_and_a_moved_quote_can_be_edited_in_one_save(alice, article, quote):
    shift = len("Update: ")
    row = {"kind": "claim", "start": quote.start + shift, "end": quote.end + shift}
    data = article_post(article, quotes=[(quote, row)], body="Update: " + BODY)
    response = login(alice).post(change_url(article), data)
    article.refresh_from_db()
    quote.refresh_from_db()
    assert article.body == "Update: " + BODY
    assert (quote.kind, quote.start) == ("claim", 12 + shift)
    assert response.status_code == 302
    assert response["Location"] != change_url(article)


# Optimistic locking of the models


def test_second_in_memory_article_cannot_overwrite_the_first(article):
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    first.headline = "First"
    first.save()
    second.dek = "Second"
    with pytest.raises(StaleEdit) as raised:
        second.save()
    assert raised.value.obj is second
    article.refresh_from_db()
    assert (article.headline, article.dek, article.version) == ("First", "", 2)
    assert article.history.count() == 2


def test_reloaded_instance_saves_again(article):
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    first.headline = "First"
    first.save()
    second.refresh_from_db()
    second.dek = "Second"
    second.save()
    article.refresh_from_db()
    assert (article.headline, article.dek, article.version) == ("First", "Second", 3)


def test_second_in_memory_quote_cannot_overwrite_the_first(quote):
    first, second = Quote.objects.get(pk=quote.pk), Quote.objects.get(pk=quote.pk)
    first.kind = Quote.Kind.CLAIM
    first.save()
    second.note = "Second"
    with pytest.raises(StaleEdit):
        second.save()
    quote.refresh_from_db()
    assert (quote.kind, quote.note, quote.version) == ("claim", "", 2)


def test_re_anchoring_makes_loaded_quotes_stale(article, quote):
    loaded = Quote.objects.get(pk=quote.pk)
    article.body = "Update: " + BODY
    article.save()
    loaded.kind = Quote.Kind.CLAIM
    with pytest.raises(StaleEdit, match="changed by an automatic process"):
        loaded.save()
    quote.refresh_from_db()
    assert (quote.start, quote.kind) == (20, "direct")


def test_stale_message_names_the_last_user(alice, article):
    assert "changed by an automatic process at" in stale_message(article)
    article._history_user = alice
    article.save()
    message = stale_message(article)
    assert message.startswith("This article was changed by alice at ")
    assert article.history.first().history_date.strftime("%Y-%m-%d %H:%M:%S") in message


# Optimistic locking in the annotate view


def test_annotating_a_stale_article_is_refused(alice, bob, article):
    loaded_version = article.version
    article.headline = "Changed"
    article._history_user = alice
    article.save()
    data = annotation_post(article, article_version=loaded_version)
    response = login(bob).post(annotate_save_url(article), data)
    assert response.status_code == 200
    page = text(response)
    assert stale_message(article) in page
    assert "This article was changed by alice at" in page
    assert not Quote.objects.exists()
    assert not Speaker.objects.exists()  # the new speaker was not created either


def test_annotating_the_current_article_works(bob, article):
    response = login(bob).post(annotate_save_url(article), annotation_post(article))
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert (quote.exact, quote.kind, quote.speaker.name) == (
        "Kyiv was wrong",
        "claim",
        "Dmitry Peskov",
    )
    assert quote.history.get().history_user == bob


def test_editing_a_stale_quote_in_the_annotate_view_is_refused(alice, bob, article, quote):
    loaded_version = quote.version
    quote.note = "Alice's note"
    quote._history_user = alice
    quote.save()
    data = annotation_post(
        article, span=quote.key, span_version=loaded_version, kind="indirect", unattributed="on"
    )
    response = login(bob).post(annotate_save_url(article), data)
    assert response.status_code == 200
    assert "This quote was changed by alice at" in text(response)
    quote.refresh_from_db()
    assert (quote.kind, quote.note, quote.speaker_id is not None) == (
        "direct",
        "Alice's note",
        True,
    )
    assert quote.version == loaded_version + 1


def test_editing_a_current_quote_in_the_annotate_view_works(bob, article, quote):
    data = annotation_post(article, span=quote.key, span_version=quote.version, kind="indirect")
    response = login(bob).post(annotate_save_url(article), data)
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.kind == "indirect"
    assert quote.history.first().history_user == bob


def test_annotation_that_loses_the_race_after_validation_is_refused(
    alice, article, quote, monkeypatch
):
    """The form's version check passed, but someone saved the quote before this save did."""
    from articles.forms import AnnotationForm

    original_clean = AnnotationForm.clean

    def clean_then_lose_the_race(self):
        cleaned = original_clean(self)
        Quote.objects.filter(pk=quote.pk).update(version=F("version") + 1)
        return cleaned

    monkeypatch.setattr(AnnotationForm, "clean", clean_then_lose_the_race)
    data = annotation_post(
        article, span=quote.key, span_version=quote.version, speaker="Someone New"
    )
    response = login(alice).post(annotate_save_url(article), data)
    assert response.status_code == 200
    assert "This quote was changed by" in text(response)
    quote.refresh_from_db()
    assert quote.kind == "direct"
    assert quote.speaker.name == "Dmitry Peskov"
    assert not Speaker.objects.filter(name="Someone New").exists()  # rolled back
