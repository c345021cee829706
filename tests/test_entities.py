"""Speaker and place pages: lists, detail pages, the map data, and what readers never see."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Place, PlaceMention, Quote, Speaker
from tests.ops import add_places, create, delete_all_articles

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
BODY = "Alpha said Kyiv and Odesa held. Beta said Kyiv fell. Gamma said nothing at all today."
HOSTILE = "</script><script>alert(1)</script><img src=x onerror=alert(1)> \"quoted\" 'single' &amp;"


def span(model, article, word, nth=0, **kw):
    """A span over the ``nth`` occurrence of ``word`` in the article's body."""
    starts = [m.start() for m in re.finditer(re.escape(word), article.body)]
    start = starts[nth]
    return create(model, article=article, start=start, end=start + len(word), exact=word, **kw)


def make_speaker(name, **kw):
    kw.setdefault("slug", re.sub(r"\W+", "-", name.lower()).strip("-"))
    return create(Speaker, name=name, **kw)


def make_place(name, lat=50.0, lng=30.0, **kw):
    kw.setdefault("slug", re.sub(r"\W+", "-", name.lower()).strip("-"))
    return create(Place, name=name, latitude=lat, longitude=lng, **kw)


def data_block(html, element_id="places-data"):
    """The raw text of the json_script block, and its decoded value."""
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, f"no {element_id} block"
    return match.group(1), json.loads(match.group(1))


def invisible_variants(article, draft, model, word, **kw):
    """The same span in every state a reader must not see: suggested, rejected, orphaned,
    and confirmed but in a draft."""
    span(model, article, word, status=Quote.Status.SUGGESTED, **kw)
    span(model, article, word, status=Quote.Status.REJECTED, **kw)
    span(model, article, word, anchored=False, **kw)
    span(model, draft, word, **kw)


@pytest.fixture
def world(make_article):
    """Two published articles and a draft, with speakers and places in every state."""
    old = make_article(body=BODY, headline="Old news", published_on=datetime.date(2024, 1, 1))
    new = make_article(body=BODY, headline="New news", published_on=datetime.date(2024, 6, 1))
    draft = make_article(body=BODY, headline="Draft news", status=Article.Status.DRAFT)
    alpha = make_speaker("Alpha", role="Mayor")
    beta = make_speaker("Beta", kind=Speaker.Kind.ORGANISATION, role="Ministry")
    gamma = make_speaker("Gamma")
    hidden = make_speaker("Hidden Speaker")
    kyiv = make_place("Kyiv", 50.45, 30.5234, kind="city", country_code="UA")
    odesa = make_place("Odesa", 46.4825, 30.7233, kind="city", country_code="UA")
    secret = make_place("Secret Place", 10, 20)

    # Alpha: two quotes in the new article and one in the old one.
    a_old = span(Quote, old, "Kyiv and Odesa held", speaker=alpha)
    add_places(a_old, kyiv, odesa)
    a_new_2 = span(Quote, new, "Kyiv fell", speaker=alpha)
    a_new_1 = span(Quote, new, "Kyiv and Odesa held", speaker=alpha)
    add_places(a_new_1, kyiv)
    # Beta: three quotes, only in the new article.
    for word in ("Beta said", "nothing", "all today"):
        span(Quote, new, word, speaker=beta)
    # Gamma: one quote, in the old article.
    span(Quote, old, "nothing", speaker=gamma)
    # Hidden Speaker and Secret Place only ever appear where readers must not look.
    invisible_variants(old, draft, Quote, "Gamma said", speaker=hidden)
    bad = Quote.objects.filter(speaker=hidden)
    for quote in bad:
        add_places(quote, secret)
    invisible_variants(old, draft, Quote, "Alpha said", speaker=alpha)
    for quote in Quote.objects.filter(speaker=alpha).exclude(
        pk__in=[a_old.pk, a_new_1.pk, a_new_2.pk]
    ):
        add_places(quote, secret)

    # Mentions: Kyiv 3 times, Odesa once, Secret Place only invisibly.
    span(PlaceMention, old, "Kyiv", 0, place=kyiv)
    span(PlaceMention, new, "Kyiv", 0, place=kyiv)
    span(PlaceMention, new, "Kyiv", 1, place=kyiv)
    span(PlaceMention, old, "Odesa", place=odesa)
    invisible_variants(old, draft, PlaceMention, "Alpha", place=secret)
    return {
        "old": old,
        "new": new,
        "draft": draft,
        "alpha": alpha,
        "beta": beta,
        "gamma": gamma,
        "hidden": hidden,
        "kyiv": kyiv,
        "odesa": odesa,
        "secret": secret,
        "alpha_quotes": [a_new_1, a_new_2, a_old],
    }


# Speakers


def test_speaker_list_shows_visible_speakers_by_number_of_quotes(client, world):
    response = client.get(reverse("articles:speaker_list"))
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(r'<tr data-speaker="([^"]+)">(.*?)</tr>', html, re.S)
    assert [slug for slug, _ in rows] == ["alpha", "beta", "gamma"]  # 3, 3 (by name), 1
    cells = {slug: re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for slug, row in rows}
    alpha = ['<a href="/speakers/alpha/" dir="auto">Alpha</a>', "Person", "<bdi>Mayor</bdi>", "3"]
    assert cells["alpha"] == alpha
    assert cells["beta"][1:] == ["Organisation", "<bdi>Ministry</bdi>", "3"]
    assert cells["gamma"][3] == "1"
    assert "Hidden Speaker" not in html
    assert "3 speakers" in html


def test_speaker_list_orders_by_quotes_then_name(client, make_article):
    article = make_article(body="one two three four five six")
    zed, abe, mid = make_speaker("Zed"), make_speaker("Abe"), make_speaker("Mid")
    for word in ("one", "two"):
        span(Quote, article, word, speaker=zed)
    span(Quote, article, "three", speaker=abe)
    span(Quote, article, "four", speaker=mid)
    html = client.get("/speakers/").content.decode()
    assert re.findall(r'<tr data-speaker="([^"]+)"', html) == ["zed", "abe", "mid"]


def test_speaker_list_without_speakers_says_so(client):
    html = client.get("/speakers/").content.decode()
    assert "No one has been quoted in a published article yet." in html
    assert "<table" not in html


def test_speaker_page_lists_quotes_newest_article_first_then_position(client, world):
    html = client.get(world["alpha"].get_absolute_url()).content.decode()
    shown = [int(pk) for pk in re.findall(r'<li data-quote="(\d+)">', html)]
    assert shown == [q.pk for q in world["alpha_quotes"]]
    for quote in world["alpha_quotes"]:
        url = reverse("articles:quote_panel", args=[quote.article.slug, quote.pk])
        assert quote.get_absolute_url() == url
        assert f'<a href="{url}" dir="auto">{quote.article.headline}</a>' in html
    assert "Draft news" not in html
    assert "Alpha said" not in html  # only ever suggested, rejected, orphaned or in a draft
    assert '<time datetime="2024-06-01">1 June 2024</time>' in html


def test_speaker_page_lists_places_they_speak_about_with_counts(client, world):
    html = client.get(world["alpha"].get_absolute_url()).content.decode()
    places = re.findall(
        r'<li data-place="([^"]+)"><a href="([^"]+)" dir="auto">[^<]+</a> '
        r'<span class="count">(\d+) quotes?</span>',
        html,
    )
    assert places == [("kyiv", "/places/kyiv/", "2"), ("odesa", "/places/odesa/", "1")]
    assert "Secret Place" not in html


def test_speaker_page_lists_who_is_quoted_beside_them(client, world):
    html = client.get(world["alpha"].get_absolute_url()).content.decode()
    beside = re.findall(
        r'<li data-speaker="([^"]+)"><a href="([^"]+)" dir="auto">[^<]+</a> '
        r'<span class="count">(\d+) quotes? in (\d+) shared articles?</span>',
        html,
    )
    # Beta shares the new article (3 quotes there), Gamma the old one (1 quote).
    assert beside == [
        ("beta", "/speakers/beta/", "3", "1"),
        ("gamma", "/speakers/gamma/", "1", "1"),
    ]
    assert "Hidden Speaker" not in html  # in the same articles, but never visibly
    assert 'data-speaker="alpha"' not in html  # not beside themselves

    html = client.get(world["gamma"].get_absolute_url()).content.decode()
    beside = re.findall(r'<li data-speaker="([^"]+)">', html)
    assert beside == ["alpha"]  # Beta is only in the new article, Gamma only in the old one


def test_speaker_page_without_published_quotes(client, admin_client, world):
    # Only drafts and suggestions name them: not public at all; staff see an empty page.
    assert client.get(world["hidden"].get_absolute_url()).status_code == 404
    html = admin_client.get(world["hidden"].get_absolute_url()).content.decode()
    assert "No published quotes yet." in html
    assert "No places tagged on their quotes yet." in html
    assert "No one else is quoted in the same articles yet." in html
    assert "Secret Place" not in html and "Gamma said" not in html


def logged_in(username, groups=()):
    user = User.objects.create_user(username, password="x", is_staff=True)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    client = Client()
    client.force_login(user)
    return client


def test_names_only_drafts_use_need_the_permission_to_view_articles(world):
    """Staff without permissions get what the public gets; Annotators see the names."""
    staff, annotator = logged_in("staffer"), logged_in("anna", groups=["Annotators"])
    for entity in (world["hidden"], world["secret"]):
        assert staff.get(entity.get_absolute_url()).status_code == 404
        assert annotator.get(entity.get_absolute_url()).status_code == 200
    for entity in (world["alpha"], world["kyiv"]):
        assert staff.get(entity.get_absolute_url()).status_code == 200


# Places


def test_place_list_shows_visible_places_with_counts_and_coordinates(client, world):
    response = client.get(reverse("articles:place_list"))
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(r'<tr data-place="([^"]+)">(.*?)</tr>', html, re.S)
    assert [slug for slug, _ in rows] == ["kyiv", "odesa"]
    cells = {slug: re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for slug, row in rows}
    assert cells["kyiv"] == [
        '<a href="/places/kyiv/" dir="auto">Kyiv</a>',
        "City",
        "UA",
        "50.4500, 30.5234",
        "3",
        str(world["kyiv"].quotes.visible().count()),  # quotes about it
    ]
    assert cells["odesa"][3:5] == ["46.4825, 30.7233", "1"]
    assert "Secret Place" not in html


def test_place_list_orders_by_mentions_then_name(client, make_article):
    article = make_article(body="one two three four five six")
    zed, abe, mid = make_place("Zed"), make_place("Abe"), make_place("Mid")
    for word in ("one", "two"):
        span(PlaceMention, article, word, place=zed)
    span(PlaceMention, article, "three", place=abe)
    span(PlaceMention, article, "four", place=mid)
    html = client.get("/places/").content.decode()
    assert re.findall(r'<tr data-place="([^"]+)"', html) == ["zed", "abe", "mid"]
    features = geojson(client)["features"]
    assert [f["properties"]["name"] for f in features] == ["Zed", "Abe", "Mid"]


def geojson(client) -> dict:
    response = client.get("/export/places.geojson")
    assert response["Content-Type"] == "application/geo+json; charset=utf-8"
    return json.loads(b"".join(response.streaming_content))


def test_the_place_list_map_loads_the_places_geojson(client, world):
    html = client.get("/places/").content.decode()
    assert 'data-geojson="/export/places.geojson"' in html and "places-data" not in html
    kyiv, odesa = geojson(client)["features"]
    assert kyiv == {
        "type": "Feature",
        "id": "http://testserver/places/kyiv/",
        "geometry": {"type": "Point", "coordinates": [30.5234, 50.45]},
        "properties": {
            "name": "Kyiv",
            "slug": "kyiv",
            "url": "http://testserver/places/kyiv/",
            "kind": "city",
            "kind_label": "City",
            "country_code": "UA",
            "geonames_id": None,
            "mentions": 3,
            "quotes_about": kyiv["properties"]["quotes_about"],
        },
    }
    assert odesa["properties"]["name"] == "Odesa" and odesa["properties"]["mentions"] == 1


def test_place_list_without_places_has_no_map(client):
    html = client.get("/places/").content.decode()
    assert "No places have been mentioned in a published article yet." in html
    assert 'id="map"' not in html and "places-data" not in html


def test_place_page_has_its_marker_mentions_and_quotes(client, world):
    kyiv = world["kyiv"]
    html = client.get(kyiv.get_absolute_url()).content.decode()
    _, data = data_block(html)
    (feature,) = data["features"]  # the export's feature for it, with a same-site URL
    assert feature["geometry"] == {"type": "Point", "coordinates": [30.5234, 50.45]}
    assert feature["properties"] == {
        "name": "Kyiv",
        "slug": "kyiv",
        "url": "/places/kyiv/",
        "kind": "city",
        "kind_label": "City",
        "country_code": "UA",
        "geonames_id": None,
        "mentions": 3,
        "quotes_about": 2,  # Alpha's two quotes about Kyiv
    }
    assert 'aria-label="Map of Kyiv"' in html
    assert "50.4500, 30.5234" in html
    contexts = re.findall(r'<p class="in-context" dir="auto">(.*?)</p>', html, re.S)
    first, second = (m.start() for m in re.finditer("Kyiv", BODY))

    def in_context(start):
        prefix, suffix = BODY[max(0, start - 32) : start], BODY[start + 4 : start + 36]
        return f'…{prefix}<mark class="place-mark">Kyiv</mark>{suffix}…'

    # The new article's two mentions in body order, then the old article's.
    assert contexts == [in_context(first), in_context(second), in_context(first)]
    assert contexts[1].startswith("… Kyiv and Odesa held. Beta said <mark")
    assert html.count("<blockquote") == 2  # Alpha's two quotes about Kyiv
    assert '<a href="/speakers/alpha/" dir="auto">Alpha</a>' in html


def test_place_pages_never_show_invisible_mentions(client, admin_client, world):
    assert client.get(world["secret"].get_absolute_url()).status_code == 404
    html = admin_client.get(world["secret"].get_absolute_url()).content.decode()
    assert "No published mentions yet." in html
    assert "No published quotes about this place yet." in html
    _, data = data_block(html)
    assert data["features"][0]["properties"]["mentions"] == 0


@pytest.mark.parametrize("url", ["/speakers/nobody/", "/places/nowhere/"])
def test_unknown_slugs_are_404(client, url):
    assert client.get(url).status_code == 404


# Escaping, CSP, no-JavaScript


def test_hostile_names_stay_data_in_the_json_block(client, make_article):
    article = make_article(body="Somewhere was hit.")
    place = make_place(HOSTILE, slug="hostile", country_code="UA")
    span(PlaceMention, article, "Somewhere", place=place)
    assert geojson(client)["features"][0]["properties"]["name"] == HOSTILE  # the list's map
    for url in ["/places/", place.get_absolute_url()]:
        html = client.get(url).content.decode()
        if url != "/places/":
            raw, data = data_block(html)
            assert "</script" not in raw.lower() and "<" not in raw and ">" not in raw
            assert data["features"][0]["properties"]["name"] == HOSTILE
        # Outside the block the name is escaped HTML.
        assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html
        assert "<img" not in html
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert all("src=" in s or 'type="application/json"' in s for s in scripts), scripts


def test_hostile_speaker_names_are_escaped(client, make_article):
    article = make_article(body="Someone said yes. Another said no.")
    hostile = make_speaker(HOSTILE, slug="hostile", role=HOSTILE)
    other = make_speaker("Other")
    span(Quote, article, "yes", speaker=hostile)
    span(Quote, article, "no", speaker=other)
    for url in ["/speakers/", hostile.get_absolute_url(), other.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img" not in html, url
        assert "&lt;script&gt;alert(1)" in html, url


def test_pages_have_no_inline_scripts_handlers_or_styles(client, world):
    for url in [
        "/speakers/",
        world["alpha"].get_absolute_url(),
        "/places/",
        world["kyiv"].get_absolute_url(),
    ]:
        html = client.get(url).content.decode()
        inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
        assert not inline, (url, inline)
        assert not re.search(r"<[^>]+\son\w+\s*=", html), url
        assert not re.search(r"<[^>]+\sstyle\s*=", html), url


def test_leaflet_is_vendored_and_loaded_only_on_place_pages(client, world):
    vendor = ROOT / "static" / "vendor" / "leaflet"
    for name in ["leaflet.js", "leaflet.css", "LICENSE", "images/layers.png"]:
        assert (vendor / name).is_file(), name
    assert "BSD 2-Clause" in (vendor / "LICENSE").read_text()
    assert "Leaflet 1.9.4" in (vendor / "leaflet.js").read_text()[:200]
    for url, loaded in [
        ("/", False),
        ("/speakers/", False),
        (world["alpha"].get_absolute_url(), False),
        ("/places/", True),
        (world["kyiv"].get_absolute_url(), True),
    ]:
        html = client.get(url).content.decode()
        assert ('src="/static/vendor/leaflet/leaflet.js"' in html) is loaded, url
        assert ('href="/static/vendor/leaflet/leaflet.css"' in html) is loaded, url
        assert ('src="/static/js/maps.js"' in html) is loaded, url
        assert "unpkg" not in html and "cdn" not in html.lower(), url


def test_place_pages_work_without_javascript(client, world):
    """Everything a reader needs is server-rendered; the map container waits hidden for JS."""
    html = client.get("/places/").content.decode()
    assert re.search(
        r'<div id="map" [^>]*role="region" aria-label="Map of places"[^>]*hidden', html
    )
    assert '<a href="/places/kyiv/" dir="auto">Kyiv</a>' in html
    assert '<td class="coordinates">50.4500, 30.5234</td>' in html
    html = client.get(world["kyiv"].get_absolute_url()).content.decode()
    assert re.search(r'<div id="map" [^>]*hidden', html)
    assert '<span class="coordinates">50.4500, 30.5234</span>' in html


def test_nav_links_to_speakers_and_places(client):
    html = client.get("/").content.decode()
    assert '<a href="/speakers/">Speakers</a>' in html
    assert '<a href="/places/">Places</a>' in html


# Queries


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def populate(n, make_article):
    """n published quotes by alternating speakers about n places, and n mentions of them."""
    body = " ".join(f"word{i:04d}" for i in range(2 * n))
    article = make_article(body=body)
    speakers = [make_speaker(f"Speaker {i}") for i in range(min(n, 5))]
    places = [make_place(f"Place {i}") for i in range(min(n, 5))]
    for i in range(n):
        quote = span(Quote, article, f"word{2 * i:04d}", speaker=speakers[i % len(speakers)])
        add_places(quote, places[i % len(places)])
        span(PlaceMention, article, f"word{2 * i + 1:04d}", place=places[i % len(places)])
    return speakers[0], places[0]


def test_entity_pages_run_constant_queries(client, make_article):
    counts = []
    for n in (2, 50):
        cache.clear()  # each round from a cold cache (the filter menus' are kept across rounds)
        delete_all_articles()
        Speaker.objects.all().delete()
        Place.objects.all().delete()
        speaker, place = populate(n, make_article)
        urls = ["/speakers/", speaker.get_absolute_url(), "/places/", place.get_absolute_url()]
        counts.append([count_queries(client, url) for url in urls])
    assert counts[0] == counts[1]
    # lists: a COUNT and a page (the map fetches the places GeoJSON); a speaker: itself, a page of
    # quotes, a page and a count each of the kept places and co-speakers; a place: itself and
    # a page each of mentions and quotes; and the timelines' own queries: a speaker's quotes by
    # date (1), a place's quotes and mentions by date (2); the places list's filter menus, on a
    # cold cache, their choices (5: speakers, places, authors, outlets, years)
    assert counts[0] == [2, 6 + 1, 2 + 5, 3 + 2]


def test_speaker_and_place_pages_come_a_page_at_a_time(client, make_article, monkeypatch):
    monkeypatch.setattr("articles.views.ENTITY_ITEMS_PER_PAGE", 2)
    article = make_article(body="Kyiv one. Kyiv two. Kyiv three.")
    speaker = create(Speaker, name="Olena", slug="olena")
    kyiv = make_place("Kyiv", slug="kyiv-paged")
    for start in (0, 10, 20):
        create(Quote, article=article, start=start, end=start + 4, exact="Kyiv", speaker=speaker)
        create(PlaceMention, article=article, start=start, end=start + 4, exact="Kyiv", place=kyiv)
    first = client.get(speaker.get_absolute_url()).content.decode()
    assert first.count("<blockquote") == 2 and "(3)" in first and "Page 1 of 2" in first
    second = client.get(speaker.get_absolute_url(), {"page": 2}).content.decode()
    assert second.count("<blockquote") == 1 and 'start="3"' in second
    place_page = client.get(kyiv.get_absolute_url()).content.decode()
    assert place_page.count('class="place-mark"') == 2 and "Mention pages" in place_page
    assert client.get(kyiv.get_absolute_url(), {"page": 9}).status_code == 200  # last page
