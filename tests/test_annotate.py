"""The annotate view: selection offsets, creating, editing, deleting, orphans and re-selection."""

import re

import pytest
from django.urls import reverse

from articles.models import Article, Place, PlaceMention, Quote, Speaker
from articles.offsets import to_utf16
from tests.ops import affiliation, create

pytestmark = pytest.mark.django_db

BODY = "Peskov said 😀 Kyiv\u00a0was wrong.\n\nZelensky said Kyiv would not talk."


@pytest.fixture
def article(make_article):
    return make_article(body=BODY, status=Article.Status.DRAFT)


def url(name, article):
    return reverse(f"admin:articles_article_annotate{name}", args=[article.pk])


def form_for(client, article, text, occurrence=0, **extra):
    """GET the form for ``text`` as a browser would ask: UTF-16 offsets and the selected text."""
    start = -1
    for _ in range(occurrence + 1):
        start = article.body.index(text, start + 1)
    params = {
        "start16": to_utf16(article.body, start),
        "end16": to_utf16(article.body, start + len(text)),
        "text": text,
        **extra,
    }
    return client.get(url("_form", article), params, headers={"HX-Request": "true"})


def post(client, article, start, end, **fields):
    data = {
        "article_version": article.version,
        "start": start,
        "end": end,
        "exact": article.body[start:end],
        "type": "quote",
        "kind": "direct",
        "speaker_kind": "person",
        "place_kind": "city",
        **fields,
    }
    return client.post(url("_save", article), data, headers={"HX-Request": "true"})


def test_the_page_shows_the_body_and_the_annotations(client, annotator, article, speaker):
    create(Quote, article=article, start=12, end=18, exact=BODY[12:18], speaker=speaker)
    response = client.get(url("", article))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="annotate-body"' in html and 'data-span="quote-' in html
    assert "Annotations (1)" in html and "Dmitry Peskov" in html


def test_utf16_offsets_from_the_browser_become_code_points(client, annotator, article):
    # "😀" is one code point but two UTF-16 units: everything after it is shifted by one.
    response = form_for(client, article, "Kyiv\u00a0was wrong")
    html = response.content.decode()
    start = BODY.index("Kyiv")
    assert f'name="start" value="{start}"' in html
    assert f'name="end" value="{start + len("Kyiv was wrong")}"' in html
    assert "Kyiv\u00a0was wrong</blockquote>" in html


def test_a_selection_with_white_space_around_it_is_trimmed(client, annotator, article):
    html = form_for(client, article, " Kyiv\u00a0").content.decode()
    start = BODY.index("Kyiv")
    assert f'name="start" value="{start}"' in html and f'name="end" value="{start + 4}"' in html


def test_a_selection_that_does_not_match_the_body_is_refused(client, annotator, article):
    start = to_utf16(BODY, BODY.index("Kyiv"))
    response = client.get(
        url("_form", article), {"start16": start, "end16": start + 4, "text": "Kiev"}
    )
    assert "The selection does not match the article as it is now" in response.content.decode()
    inside_emoji = to_utf16(BODY, BODY.index("😀")) + 1
    response = client.get(
        url("_form", article), {"start16": inside_emoji, "end16": inside_emoji + 2}
    )
    assert "That selection is not in the article." in response.content.decode()


def test_create_a_quote_with_a_new_speaker(client, annotator, article, place):
    create(PlaceMention, article=article, start=14, end=18, exact="Kyiv", place=place)
    start = BODY.index("Kyiv would not talk")
    response = post(
        client,
        article,
        start,
        start + len("Kyiv would not talk"),
        speaker="Volodymyr Zelensky",
        speaker_kind="person",
        speaker_role="President of Ukraine",
        kind="indirect",
        places=[place.pk],
    )
    html = response.content.decode()
    assert response.status_code == 200
    speaker = Speaker.objects.get(name="Volodymyr Zelensky")
    assert (speaker.slug, speaker.role) == ("volodymyr-zelensky", "President of Ukraine")
    quote = Quote.objects.get(speaker=speaker)
    assert (quote.exact, quote.kind, quote.status) == (
        "Kyiv would not talk",
        "indirect",
        "confirmed",
    )
    assert list(quote.places.all()) == [place]
    assert quote.history.first().history_user == annotator
    # The body and the list are swapped in out of band, with the new highlight in them.
    assert 'id="annotate-body"' in html and 'hx-swap-oob="true"' in html
    assert f'data-span="quote-{quote.pk}"' in html
    assert "Added: Volodymyr Zelensky" in html


def test_an_existing_speaker_is_found_by_name_or_alias(client, annotator, article, speaker):
    speaker.aliases = ["Peskov"]
    speaker.save()
    for name in ["dmitry peskov", "PESKOV"]:
        response = post(client, article, 0, 6, speaker=name)
        assert response.status_code == 200
    assert Speaker.objects.count() == 1
    assert Quote.objects.filter(speaker=speaker).count() == 2


def test_an_unattributed_claim_needs_no_speaker(client, annotator, article):
    post(client, article, 0, 6, unattributed="on", kind="claim")
    assert Quote.objects.get().speaker is None
    response = post(client, article, 0, 6)
    assert "Name the speaker, or mark the quote as unattributed." in response.content.decode()


def test_a_new_place_needs_coordinates(client, annotator, article):
    start = BODY.index("Kyiv")
    response = post(client, article, start, start + 4, type="place", place="Kyiv")
    html = response.content.decode()
    assert "There is no place called &#x27;Kyiv&#x27; yet: give its latitude to add it." in html
    assert not PlaceMention.objects.exists() and not Place.objects.exists()

    post(
        client,
        article,
        start,
        start + 4,
        type="place",
        place="Kyiv",
        latitude="50.45",
        longitude="30.52",
        country_code="ua",
    )
    mention = PlaceMention.objects.get()
    assert (mention.place.name, mention.place.country_code) == ("Kyiv", "UA")
    assert mention.place.latitude == 50.45


def test_text_that_does_not_match_the_body_is_refused(client, annotator, article):
    response = post(client, article, 0, 6, exact="Putin!", speaker="Someone")
    assert "The selected text does not match the article at those offsets" in (
        response.content.decode()
    )
    assert not Quote.objects.exists() and not Speaker.objects.exists()


def test_edit_and_re_attribute_a_quote(client, annotator, article, speaker):
    quote = create(Quote, article=article, start=0, end=6, exact="Peskov", speaker=speaker)
    html = client.get(url("_form", article), {"edit": quote.key}).content.decode()
    assert 'value="Dmitry Peskov"' in html and f'value="{quote.key}"' in html
    post(
        client,
        article,
        0,
        6,
        span=quote.key,
        span_version=quote.version,
        speaker="Kremlin",
        speaker_kind="organisation",
        kind="claim",
    )
    quote.refresh_from_db()
    assert (quote.speaker.name, quote.speaker.kind, quote.kind) == (
        "Kremlin",
        "organisation",
        "claim",
    )
    assert Quote.objects.count() == 1


def test_a_quote_cannot_turn_into_a_place_mention(client, annotator, article, speaker, place):
    quote = create(Quote, article=article, start=0, end=6, exact="Peskov", speaker=speaker)
    response = post(
        client,
        article,
        0,
        6,
        span=quote.key,
        span_version=quote.version,
        type="place",
        place="Kyiv",
    )
    assert "cannot change between quote and place mention" in response.content.decode()


def test_delete_an_annotation(client, annotator, article, speaker):
    quote = create(Quote, article=article, start=0, end=6, exact="Peskov", speaker=speaker)
    response = client.post(
        url("_delete", article), {"span": quote.key}, headers={"HX-Request": "true"}
    )
    assert "Deleted: Dmitry Peskov: Peskov" in response.content.decode()
    assert not Quote.objects.exists()


def test_find_text_without_a_mouse(client, annotator, article):
    html = client.get(url("_form", article), {"find": "would not talk"}).content.decode()
    start = BODY.index("would not talk")
    assert f'name="start" value="{start}"' in html
    html = client.get(url("_form", article), {"find": "Kyiv"}).content.decode()
    assert "occurs 2 times" in html


def test_the_page_works_without_javascript(client, annotator, article):
    page = client.get(url("", article), {"find": "would not talk"})
    assert 'name="exact" value="would not talk"' in page.content.decode()
    start = BODY.index("would not talk")
    response = client.post(
        url("_save", article),
        {
            "article_version": article.version,
            "start": start,
            "end": start + 14,
            "exact": "would not talk",
            "type": "quote",
            "kind": "direct",
            "speaker_kind": "person",
            "place_kind": "city",
            "speaker": "Volodymyr Zelensky",
        },
    )
    assert response.status_code == 302 and response.url == url("", article)
    assert Quote.objects.get().exact == "would not talk"


def test_orphans_are_listed_and_re_selected(client, annotator, article, speaker):
    quote = create(Quote, article=article, start=0, end=6, exact="Peskov", speaker=speaker)
    article.body = BODY.replace("Peskov said", "The Kremlin said")
    article.save()
    quote.refresh_from_db()
    assert not quote.anchored and quote.exact == "Peskov"

    html = client.get(url("", article)).content.decode()
    assert "Orphaned: text not found after an edit (1)" in html
    assert f'data-reselect="{quote.key}"' in html
    assert f'data-span="{quote.key}"' not in html  # not highlighted anywhere

    # Re-select: the new selection with the orphan's key fills the form with its fields.
    html = form_for(client, article, "The Kremlin", span=quote.key).content.decode()
    assert 'value="Dmitry Peskov"' in html and 'name="exact" value="The Kremlin"' in html
    post(
        client, article, 0, 11, span=quote.key, span_version=quote.version, speaker="Dmitry Peskov"
    )
    quote.refresh_from_db()
    assert (quote.anchored, quote.exact, quote.start, quote.end) == (True, "The Kremlin", 0, 11)


def test_name_search_offers_matching_speakers_escaped(client, annotator, article):
    create(Speaker, name="<b>Peskov</b>", slug="peskov", role="Kremlin spokesman")
    html = client.get(url("_names", article), {"speaker": "pesk"}).content.decode()
    assert '<option value="&lt;b&gt;Peskov&lt;/b&gt;">Kremlin spokesman</option>' in html
    create(Place, name="Kyiv", slug="kyiv", latitude=50.45, longitude=30.52)
    assert 'value="Kyiv"' in client.get(url("_names", article), {"place": "ky"}).content.decode()


def test_annotate_page_queries_do_not_grow_with_annotations(
    client, annotator, make_article, speaker, place
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (2, 60):
        article = make_article(body=" ".join(["Kyiv said talks."] * n))
        for i in range(n):
            start = i * 17
            quote = create(
                Quote,
                article=article,
                start=start + 10,
                end=start + 15,
                exact="talks",
                speaker=speaker,
            )
            quote.places.add(place)
            create(
                PlaceMention, article=article, start=start, end=start + 4, exact="Kyiv", place=place
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("", article)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_suggested_new_place_can_be_edited(client, annotator, make_article):
    article = make_article(body="Shelling hit Zorvanka overnight, officials in Kyiv said.")
    mention = create(
        PlaceMention,
        article=article,
        start=13,
        end=21,
        exact="Zorvanka",
        status="suggested",
        proposal={"place": {"name": "Zorvanka", "latitude": 48.0, "longitude": 37.0}},
    )
    assert mention.place is None
    url = reverse("admin:articles_article_annotate", args=[article.pk])
    response = client.get(url, {"edit": mention.key})
    assert response.status_code == 200
    assert 'value="Zorvanka"' in response.content.decode()


def test_a_new_speakers_affiliation_is_chosen_or_created(client, annotator, article):
    from articles.models import Affiliation

    russia = affiliation("Government of Russia", country="RU", side="Russia")
    post(
        client,
        article,
        0,
        6,
        speaker="Dmitry Peskov",
        speaker_affiliation="  government of russia ",  # found whatever the case and spaces
        speaker_category="official",
    )
    peskov = Speaker.objects.get(name="Dmitry Peskov")
    assert (peskov.affiliation, peskov.category) == (russia, "official")
    start = BODY.index("Zelensky")
    post(
        client,
        article,
        start,
        start + len("Zelensky"),
        speaker="Volodymyr Zelensky",
        speaker_affiliation="Government of Ukraine",
        speaker_category="official",
    )
    created = Affiliation.objects.get(name="Government of Ukraine")
    assert created.slug == "government-of-ukraine"
    assert created.history.first().history_user == annotator
    assert Speaker.objects.get(name="Volodymyr Zelensky").affiliation == created
    # the workspace offers the article's affiliations, and the names view finds them
    page = client.get(url("", article), {"find": "wrong"}).content.decode()
    assert re.search(
        r'<datalist id="affiliation-options"><option value="Government of Russia"></option>'
        r'<option value="Government of Ukraine"></option></datalist>',
        page,
    )
    assert 'list="affiliation-options"' in page
    options = client.get(url("_names", article), {"speaker_affiliation": "govern"}).content
    assert b'<option value="Government of Russia">Russia</option>' in options
    assert b'value="Government of Ukraine"' in options


def test_an_existing_speakers_affiliation_is_filled_in_never_replaced(
    client, annotator, article, speaker
):
    post(client, article, 0, 6, speaker=speaker.name, speaker_affiliation="Kremlin")
    speaker.refresh_from_db()
    assert speaker.affiliation.name == "Kremlin" and speaker.category == ""
    start = BODY.index("Kyiv")
    post(
        client,
        article,
        start,
        start + 4,
        speaker=speaker.name,
        speaker_affiliation="Someone else",
        speaker_category="expert",
    )
    speaker.refresh_from_db()
    assert speaker.affiliation.name == "Kremlin"  # kept: changed in the speaker's admin page
    assert speaker.category == "expert"  # it had none
