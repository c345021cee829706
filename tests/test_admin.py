import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Affiliation, Article, Author, Place, PlaceMention, Quote, Speaker
from tests.ops import affiliation, create

pytestmark = pytest.mark.django_db

BODY = "Peskov said Kyiv was wrong. Kyiv said Peskov was wrong."


def inline_post(article, quotes=(), mentions=()):
    """The POST data of the article's change form, with the given new inline rows."""
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "status": article.status,
        "source_url": "",
        "author": "",
        "published_on": "",
        "loaded_version": str(article.version),
        "quotes-TOTAL_FORMS": str(len(quotes)),
        "quotes-INITIAL_FORMS": "0",
        "quotes-MIN_NUM_FORMS": "0",
        "quotes-MAX_NUM_FORMS": "1000",
        "place_mentions-TOTAL_FORMS": str(len(mentions)),
        "place_mentions-INITIAL_FORMS": "0",
        "place_mentions-MIN_NUM_FORMS": "0",
        "place_mentions-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(quotes):
        data.update({f"quotes-{i}-{k}": v for k, v in row.items()})
        data.setdefault(f"quotes-{i}-kind", "direct")
        data.setdefault(f"quotes-{i}-status", "confirmed")
    for i, row in enumerate(mentions):
        data.update({f"place_mentions-{i}-{k}": v for k, v in row.items()})
        data.setdefault(f"place_mentions-{i}-status", "confirmed")
    return data


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.parametrize(
    "model", [Article, Author, Affiliation, Speaker, Place, Quote, PlaceMention]
)
def test_every_model_is_in_the_admin_with_search(admin_client, model, make_article):
    make_article()
    assert admin.site.is_registered(model)
    assert admin.site._registry[model].search_fields
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client.get(url, {"q": "kyiv"}).status_code == 200
    assert (
        admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
        == 200
    )


def test_inlines_autocomplete_speakers_and_places():
    inlines = {i.model: i for i in admin.site._registry[Article].inlines}
    assert set(inlines[Quote].autocomplete_fields) >= {"speaker", "places"}
    assert inlines[PlaceMention].autocomplete_fields == ["place"]
    response_fields = admin.site._registry[Speaker].search_fields
    assert "aliases" in response_fields


def test_change_page_shows_a_highlighted_preview(admin_client, make_article, speaker, place):
    article = make_article(body=BODY)
    create(Quote, article=article, start=12, end=26, exact="Kyiv was wrong", speaker=speaker)
    create(PlaceMention, article=article, start=12, end=16, exact="Kyiv", place=place)
    html = admin_client.get(change_url(article)).content.decode()
    assert "Highlighted preview" in html
    assert '<mark class="quote quote--direct' in html
    assert '<a class="place place--city" href="/places/kyiv/"' in html
    assert "css/highlights.css" in html


def test_span_outside_the_body_is_refused(admin_client, make_article, speaker):
    article = make_article(body=BODY)
    data = inline_post(
        article, quotes=[{"exact": "wrong", "start": "50", "end": "500", "speaker": speaker.pk}]
    )
    response = admin_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "is past the end of the body (55 characters)" in response.content.decode()
    assert not Quote.objects.exists()


def test_span_whose_text_does_not_match_is_refused(admin_client, make_article, speaker):
    article = make_article(body=BODY)
    data = inline_post(
        article, quotes=[{"exact": "Moscow", "start": "12", "end": "16", "speaker": speaker.pk}]
    )
    response = admin_client.post(change_url(article), data)
    assert "The text does not match the body at 12-16: the body has &#x27;Kyiv&#x27; there." in (
        response.content.decode()
    )
    assert not Quote.objects.exists()


def test_text_without_offsets_gets_them_found(admin_client, make_article, speaker, place):
    article = make_article(body=BODY)
    data = inline_post(
        article,
        quotes=[{"exact": "Kyiv was wrong", "speaker": speaker.pk, "kind": "claim"}],
        mentions=[{"exact": "Kyiv said", "place": place.pk}],
    )
    response = admin_client.post(change_url(article), data)
    assert response.status_code == 302, response.content.decode()
    quote = Quote.objects.get()
    assert (quote.start, quote.end) == (12, 26)
    assert quote.prefix == "Peskov said " and quote.suffix == ". Kyiv said Peskov was wrong."
    mention = PlaceMention.objects.get()
    assert (mention.start, mention.end) == (28, 37)


def test_ambiguous_text_without_offsets_asks_for_them(admin_client, make_article, place):
    article = make_article(body=BODY)
    data = inline_post(article, mentions=[{"exact": "Kyiv", "place": place.pk}])
    html = admin_client.post(change_url(article), data).content.decode()
    assert "&#x27;Kyiv&#x27; occurs 2 times (at 12, 28); give its start offset." in html
    assert not PlaceMention.objects.exists()


def test_model_validation_applies_outside_the_admin_too(make_article, speaker):
    article = make_article(body=BODY)
    with pytest.raises(ValidationError, match="does not occur"):
        Quote(article=article, exact="Moscow", speaker=speaker).full_clean()
    quote = Quote(article=article, exact="Peskov was wrong", speaker=speaker)
    quote.full_clean()
    assert (quote.start, quote.end) == (38, 54)


def test_database_refuses_inverted_offsets(make_article, speaker):
    from django.db import IntegrityError, transaction

    article = make_article(body=BODY)
    with pytest.raises(IntegrityError), transaction.atomic():
        create(Quote, article=article, start=5, end=5, exact="", speaker=speaker)


def test_a_speakers_affiliation_is_chosen_by_autocomplete(admin_client, speaker):
    assert admin.site._registry[Speaker].autocomplete_fields == ["affiliation"]
    russia = affiliation("Government of Russia", country="RU", side="Russia")
    affiliation("Government of Ukraine", country="UA", side="Ukraine")
    form = admin_client.get(reverse("admin:articles_speaker_change", args=[speaker.pk]))
    assert b'class="admin-autocomplete' in form.content and b'name="affiliation"' in form.content
    found = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": "speaker",
            "field_name": "affiliation",
            "term": "russia",  # its side, too, is searched
        },
    ).json()
    assert [r["text"] for r in found["results"]] == ["Government of Russia"]
    data = {
        "name": speaker.name,
        "slug": speaker.slug,
        "kind": "person",
        "category": "official",
        "role": speaker.role,
        "affiliation": russia.pk,
        "aliases": "[]",
        "description": "",
        "wikidata_id": "",
    }
    response = admin_client.post(reverse("admin:articles_speaker_change", args=[speaker.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    speaker.refresh_from_db()
    assert (speaker.affiliation, speaker.category) == (russia, "official")
    listing = admin_client.get(reverse("admin:articles_affiliation_changelist")).content.decode()
    assert "Government of Russia" in listing and "Russia" in listing
