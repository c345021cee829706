"""Every permission boundary of the two roles (Annotators, Editors) and of users outside them."""

import datetime
import importlib
import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Place, PlaceMention, Quote, Speaker
from tests.admin_forms import article_post
from tests.ops import create

pytestmark = pytest.mark.django_db

# What the migrations give each group: the roles, then the outlets (0014), then their own API
# tokens (0021), then affiliations (0024).
OUTLET_ROLES = importlib.import_module("articles.migrations.0014_outlet_roles").ROLES
TOKENS = importlib.import_module("articles.migrations.0021_api_tokens")
AFFILIATION_ROLES = importlib.import_module("articles.migrations.0024_affiliations").ROLES
ROLES = {
    name: [
        *codenames,
        *OUTLET_ROLES[name],
        *(TOKENS.CODENAMES if name in TOKENS.ROLES else []),
        *AFFILIATION_ROLES[name],
    ]
    for name, codenames in importlib.import_module("articles.migrations.0002_roles").ROLES.items()
}

BODY = "Peskov said Kyiv was wrong. Kyiv said Peskov was wrong."
PUBLISH_OPTION = re.compile(r'<option value="publish"')
UNPUBLISH_OPTION = re.compile(r'<option value="unpublish"')


def make_user(username, *, groups=(), perms=()):
    user = User.objects.create_user(username, password="x", is_staff=True)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    for codename in perms:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="articles", codename=codename)
        )
    return user


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def annotator():
    return make_user("anna", groups=["Annotators"])


@pytest.fixture
def editor():
    return make_user("eddie", groups=["Editors"])


@pytest.fixture
def changer():
    """Staff who may change articles but not publish them."""
    return make_user("chang", perms=["view_article", "change_article"])


@pytest.fixture
def article(make_article):
    return make_article(body=BODY, status=Article.Status.DRAFT, headline="Talks stall")


def admin_url(model, view, *args):
    return reverse(f"admin:articles_{model._meta.model_name}_{view}", args=args)


def run_action(client, action, *articles):
    return client.post(
        admin_url(Article, "changelist"),
        {"action": action, "_selected_action": [a.pk for a in articles]},
    )


# The groups the migration created


def test_roles_define_the_intended_split():
    annotate, edit = set(ROLES["Annotators"]), set(ROLES["Editors"])
    assert set(ROLES) == {"Annotators", "Editors"}
    assert annotate < edit
    assert edit - annotate == {
        "add_article",
        "change_article",
        "delete_article",
        "publish_article",
        "add_author",
        "change_author",
        "delete_author",
        "delete_speaker",
        "delete_place",
        "add_outlet",
        "change_outlet",
        "delete_outlet",
        "delete_affiliation",
    }
    for model in ("quote", "placemention"):
        assert {f"{a}_{model}" for a in ("add", "change", "delete", "view")} <= annotate
    assert {"view_article", "view_author"} <= annotate


@pytest.mark.parametrize("name", ["Annotators", "Editors"])
def test_migration_created_each_group_with_exactly_its_permissions(name):
    group = Group.objects.get(name=name)
    permissions = group.permissions.select_related("content_type")
    assert {p.codename for p in permissions} == set(ROLES[name])
    assert len(permissions) == len(ROLES[name])
    assert {p.content_type.app_label for p in permissions} == {"articles"}


@pytest.mark.parametrize("name", ["Annotators", "Editors"])
def test_group_members_get_exactly_the_group_permissions(name):
    user = make_user("member", groups=[name])
    assert user.get_all_permissions() == {f"articles.{c}" for c in ROLES[name]}


# Annotators


def test_annotator_sees_the_article_change_page_read_only(annotator, editor, article, speaker):
    create(Quote, article=article, start=12, end=26, exact="Kyiv was wrong", speaker=speaker)
    response = login(annotator).get(admin_url(Article, "change", article.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Talks stall" in html
    assert 'name="_save"' not in html
    assert 'name="headline"' not in html
    assert "Kyiv was wrong" in html
    assert 'name="quotes-0-kind"' not in html  # the inlines are read-only too
    assert "annotatelink" in html
    # The same page is editable for an editor, so the assertions above can fail.
    editable = login(editor).get(admin_url(Article, "change", article.pk)).content.decode()
    assert 'name="_save"' in editable and 'name="headline"' in editable
    assert 'name="quotes-0-kind"' in editable


def test_annotator_cannot_post_changes_to_an_article(annotator, article):
    data = article_post(article, headline="Changed by an annotator")
    response = login(annotator).post(admin_url(Article, "change", article.pk), data)
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Talks stall"
    assert article.history.count() == 1


def test_annotator_cannot_delete_an_article(annotator, article):
    client = login(annotator)
    url = admin_url(Article, "delete", article.pk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_annotator_cannot_add_an_article(annotator):
    client = login(annotator)
    url = admin_url(Article, "add")
    assert client.get(url).status_code == 403
    data = article_post(Article(headline="New", slug="new", body="Text."), loaded_version="")
    assert client.post(url, data).status_code == 403
    assert not Article.objects.exists()


def test_annotator_is_offered_no_publish_actions(annotator, editor, article):
    html = login(annotator).get(admin_url(Article, "changelist")).content.decode()
    assert "Talks stall" in html
    assert not PUBLISH_OPTION.search(html)
    assert not UNPUBLISH_OPTION.search(html)
    editor_html = login(editor).get(admin_url(Article, "changelist")).content.decode()
    assert PUBLISH_OPTION.search(editor_html) and UNPUBLISH_OPTION.search(editor_html)


def test_annotator_cannot_publish_by_posting_the_action(annotator, article):
    run_action(login(annotator), "publish", article)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.history.count() == 1


def test_annotator_can_open_the_annotate_view(annotator, article):
    response = login(annotator).get(reverse("admin:articles_article_annotate", args=[article.pk]))
    assert response.status_code == 200
    assert 'id="annotate-body"' in response.content.decode()


@pytest.mark.parametrize("model", [Quote, PlaceMention, Speaker, Place])
def test_annotator_can_open_the_add_pages_of_annotations(annotator, model):
    assert login(annotator).get(admin_url(model, "add")).status_code == 200


def test_annotator_can_add_and_change_a_speaker(annotator):
    client = login(annotator)
    response = client.post(
        admin_url(Speaker, "add"),
        {"name": "Maria Zakharova", "slug": "maria-zakharova", "kind": "person", "aliases": "[]"},
    )
    assert response.status_code == 302, response.content.decode()
    speaker = Speaker.objects.get(slug="maria-zakharova")
    assert speaker.history.get().history_user == annotator

    response = client.post(
        admin_url(Speaker, "change", speaker.pk),
        {
            "name": speaker.name,
            "slug": speaker.slug,
            "kind": "person",
            "role": "Foreign ministry spokeswoman",
            "aliases": '["Zakharova"]',
        },
    )
    assert response.status_code == 302, response.content.decode()
    speaker.refresh_from_db()
    assert speaker.role == "Foreign ministry spokeswoman"
    assert speaker.aliases == ["Zakharova"]


def test_annotator_can_add_and_change_a_place(annotator):
    client = login(annotator)
    data = {
        "name": "Kharkiv",
        "slug": "kharkiv",
        "kind": "city",
        "latitude": "49.99",
        "longitude": "36.23",
        "country_code": "UA",
        "aliases": "[]",
    }
    assert client.post(admin_url(Place, "add"), data).status_code == 302
    place = Place.objects.get(slug="kharkiv")
    data["aliases"] = '["Kharkov"]'
    assert client.post(admin_url(Place, "change", place.pk), data).status_code == 302
    place.refresh_from_db()
    assert place.aliases == ["Kharkov"]


def test_annotator_can_add_and_change_a_quote(annotator, article, speaker):
    client = login(annotator)
    data = {
        "article": article.pk,
        "exact": "Kyiv was wrong",
        "start": "12",
        "end": "26",
        "status": "confirmed",
        "speaker": speaker.pk,
        "kind": "direct",
        "note": "",
        "loaded_version": "",
    }
    response = client.post(admin_url(Quote, "add"), data)
    assert response.status_code == 302, response.content.decode()
    quote = Quote.objects.get()
    assert (quote.article, quote.speaker, quote.start, quote.end) == (article, speaker, 12, 26)

    data.update(kind="claim", loaded_version=str(quote.version))
    response = client.post(admin_url(Quote, "change", quote.pk), data)
    assert response.status_code == 302, response.content.decode()
    quote.refresh_from_db()
    assert quote.kind == "claim"


def test_annotator_can_add_and_change_a_place_mention(annotator, article, place):
    client = login(annotator)
    data = {
        "article": article.pk,
        "exact": "Kyiv",
        "start": "12",
        "end": "16",
        "status": "confirmed",
        "place": place.pk,
        "loaded_version": "",
    }
    response = client.post(admin_url(PlaceMention, "add"), data)
    assert response.status_code == 302, response.content.decode()
    mention = PlaceMention.objects.get()
    assert (mention.start, mention.end, mention.place) == (12, 16, place)

    data.update(start="28", end="32", loaded_version=str(mention.version))
    response = client.post(admin_url(PlaceMention, "change", mention.pk), data)
    assert response.status_code == 302, response.content.decode()
    mention.refresh_from_db()
    assert (mention.start, mention.end) == (28, 32)


@pytest.mark.parametrize("model", [Speaker, Place])
def test_annotator_cannot_delete_speakers_or_places(annotator, speaker, place, model):
    obj = {Speaker: speaker, Place: place}[model]
    client = login(annotator)
    url = admin_url(model, "delete", obj.pk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_annotator_cannot_change_an_article_through_the_history_revert_view(annotator, article):
    record = article.history.get()
    url = reverse("admin:articles_article_simple_history", args=[article.pk, record.pk])
    data = article_post(article, headline="Changed by an annotator")
    response = login(annotator).post(url, data)
    article.refresh_from_db()
    assert article.headline == "Talks stall"
    assert response.status_code == 403


# Editors


def test_editor_can_add_an_article(editor):
    client = login(editor)
    assert client.get(admin_url(Article, "add")).status_code == 200
    data = article_post(
        Article(headline="Ceasefire holds", slug="ceasefire-holds", body="It held."),
        loaded_version="",
    )
    response = client.post(admin_url(Article, "add"), data)
    assert response.status_code == 302, response.content.decode()
    article = Article.objects.get(slug="ceasefire-holds")
    assert article.body == "It held."
    assert article.history.get().history_user == editor


def test_editor_can_change_an_article(editor, article):
    data = article_post(article, headline="Talks resume")
    response = login(editor).post(admin_url(Article, "change", article.pk), data)
    assert response.status_code == 302, response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Talks resume"


def test_editor_can_delete_an_article(editor, article):
    client = login(editor)
    url = admin_url(Article, "delete", article.pk)
    assert client.get(url).status_code == 200
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("model", [Speaker, Place])
def test_editor_can_delete_speakers_and_places(editor, speaker, place, model):
    obj = {Speaker: speaker, Place: place}[model]
    response = login(editor).post(admin_url(model, "delete", obj.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not model.objects.filter(pk=obj.pk).exists()


def test_publish_action_publishes_a_draft_and_dates_it(editor, article):
    response = run_action(login(editor), "publish", article)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_on == timezone.localdate()
    record = article.history.first()
    assert record.history_user == editor
    assert record.status == Article.Status.PUBLISHED
    assert article.history.count() == 2


def test_publish_action_keeps_an_existing_publication_date(editor, make_article):
    day = datetime.date(2022, 2, 24)
    article = make_article(status=Article.Status.DRAFT, published_on=day)
    run_action(login(editor), "publish", article)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_on == day


def test_unpublish_action_makes_a_draft_again(editor, make_article):
    article = make_article(status=Article.Status.PUBLISHED, published_on=datetime.date(2024, 1, 2))
    response = run_action(login(editor), "unpublish", article)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    record = article.history.first()
    assert (record.history_user, record.status) == (editor, Article.Status.DRAFT)
    assert article.history.count() == 2


def test_actions_change_only_what_needs_changing(editor, make_article):
    draft = make_article(status=Article.Status.DRAFT)
    published = make_article(status=Article.Status.PUBLISHED)
    response = run_action(login(editor), "publish", draft, published)
    assert response.status_code == 302
    assert draft.history.count() == 2
    assert published.history.count() == 1  # already published: no new record
    assert set(Article.objects.values_list("status", flat=True)) == {"published"}


# Changing without publishing


def test_status_is_read_only_without_publish_permission(changer, article):
    client = login(changer)
    html = client.get(admin_url(Article, "change", article.pk)).content.decode()
    assert 'name="headline"' in html
    assert 'name="status"' not in html
    data = article_post(article, headline="Talks resume", status="published")
    response = client.post(admin_url(Article, "change", article.pk), data)
    assert response.status_code == 302, response.content.decode()
    article.refresh_from_db()
    assert article.headline == "Talks resume"  # the change was saved...
    assert article.status == Article.Status.DRAFT  # ...but not the status


def test_status_is_editable_with_publish_permission(editor, article):
    client = login(editor)
    assert 'name="status"' in client.get(admin_url(Article, "change", article.pk)).content.decode()
    data = article_post(article, status="published")
    assert client.post(admin_url(Article, "change", article.pk), data).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_publish_action_is_not_offered_without_publish_permission(changer, article):
    client = login(changer)
    html = client.get(admin_url(Article, "changelist")).content.decode()
    assert "Talks stall" in html
    assert not PUBLISH_OPTION.search(html)
    run_action(client, "publish", article)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.history.count() == 1


def test_reverting_to_a_published_version_needs_publish_permission(changer, article):
    article.status = Article.Status.PUBLISHED
    article.save()
    published = article.history.first()
    article.status = Article.Status.DRAFT
    article.save()
    url = reverse("admin:articles_article_simple_history", args=[article.pk, published.pk])
    login(changer).post(url, article_post(article))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


# Users outside the roles


def test_staff_without_permissions_cannot_annotate(article):
    client = login(make_user("nobody"))
    url = reverse("admin:articles_article_annotate", args=[article.pk])
    assert client.get(url).status_code == 403
    assert client.get(admin_url(Article, "change", article.pk)).status_code == 403
    data = {"type": "quote", "start": "12", "end": "26", "exact": "Kyiv was wrong"}
    save_url = reverse("admin:articles_article_annotate_save", args=[article.pk])
    assert client.post(save_url, {**data, "article_version": article.version}).status_code == 403
    assert not Quote.objects.exists()


def test_anonymous_user_is_sent_to_the_admin_login(client, article):
    url = reverse("admin:articles_article_annotate", args=[article.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"
    response = client.get(admin_url(Article, "change", article.pk))
    assert response["Location"].startswith(reverse("admin:login"))


# Drafts on the public site


@pytest.fixture
def draft_quote(article, speaker):
    return create(Quote, article=article, start=12, end=26, exact="Kyiv was wrong", speaker=speaker)


def test_drafts_are_hidden_from_the_public(client, article, draft_quote, make_article):
    make_article(headline="Published story")
    assert client.get(f"/articles/{article.slug}/").status_code == 404
    assert client.get(f"/articles/{article.slug}/quotes/{draft_quote.pk}/").status_code == 404
    html = client.get("/").content.decode()
    assert "Published story" in html
    assert "Talks stall" not in html


def test_staff_preview_drafts_with_a_banner(annotator, article, draft_quote):
    client = login(annotator)
    response = client.get(f"/articles/{article.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Draft: only those who may view articles in the admin (annotators, editors) can see it."
        in html
    )
    assert "Talks stall" in html
    panel = client.get(f"/articles/{article.slug}/quotes/{draft_quote.pk}/")
    assert panel.status_code == 200
    assert "Kyiv was wrong" in panel.content.decode()
    assert "Talks stall" not in client.get("/").content.decode()  # the list stays public


def test_published_articles_have_no_draft_banner(client, make_article):
    article = make_article()
    response = client.get(f"/articles/{article.slug}/")
    assert response.status_code == 200
    assert "Draft: only staff" not in response.content.decode()
