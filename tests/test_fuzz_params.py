"""Every reader view, and the annotate view's name lookup, answers 400, 404 or a page for any
query string and htmx headers: never a 500, on SQLite and on PostgreSQL."""

from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Place, PlaceMention, Quote, Speaker
from articles.search import MAX_QUERY_TERMS, Filters, bounded_query
from tests.ops import create

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
READ = ["q", "speaker", "place", "kind", "author", "year", "page"]
OK = {200, 400, 404}

# What breaks parsers: search operators, digits of other scripts, control characters, NUL.
OPERATORS = st.text(alphabet="-\"!&|()<:*' or\u00a0\u2003\t", max_size=120)
NUMBERS = st.one_of(st.integers().map(str), st.text(alphabet="0123456789²٣𝟗-+. ", max_size=12))
VALUES = st.one_of(st.text(max_size=60), OPERATORS, NUMBERS, st.just("\x00"))
PAIRS = st.lists(
    st.tuples(st.one_of(st.sampled_from(READ), st.text(max_size=8)), VALUES), max_size=8
)
HX_TEXT = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=20)
HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "HX-Request": st.one_of(st.just("true"), HX_TEXT),
        "HX-History-Restore-Request": st.one_of(st.just("true"), HX_TEXT),
        "HX-Target": HX_TEXT,
        "HX-Trigger": HX_TEXT,
        "HX-Current-URL": HX_TEXT,
    },
)


def query_string(pairs, raw: bytes) -> str:
    """The pairs url-encoded, and bytes that need not be UTF-8 as one more value."""
    encoded = urlencode(pairs)
    return f"{encoded}&raw={quote_from_bytes(raw)}" if raw else encoded


@pytest.fixture
def world(make_article):
    speaker = create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov")
    place = create(Place, name="Kyiv", slug="kyiv", latitude=50.45, longitude=30.52)
    article = make_article(body="Kyiv said it would talk. Moscow said no.", slug="talks")
    quote = create(
        Quote, article=article, start=5, end=23, exact=article.body[5:23], speaker=speaker
    )
    quote.places.add(place)
    create(PlaceMention, article=article, start=0, end=4, exact="Kyiv", place=place)
    article.save()  # its search vector, now that it has spans
    make_article(status=Article.Status.DRAFT, slug="draft")
    return {"article": article, "quote": quote, "speaker": speaker, "place": place}


def reader_urls(world) -> dict[str, str]:
    article, quote = world["article"], world["quote"]
    return {
        "list": "/",
        "article": article.get_absolute_url(),
        "draft": "/articles/draft/",
        "panel": reverse("articles:quote_panel", args=[article.slug, quote.pk]),
        "speakers": "/speakers/",
        "speaker": world["speaker"].get_absolute_url(),
        "places": "/places/",
        "place": world["place"].get_absolute_url(),
        "outlets": "/outlets/",
        "quotes.csv": reverse("articles:export_quotes"),
        "mentions.csv": reverse("articles:export_mentions"),
        "places.geojson": reverse("articles:export_places_geojson"),
        "mentions.geojson": reverse("articles:export_mentions_geojson"),
    }


@pytest.mark.parametrize(
    "page",
    ["list", "article", "draft", "panel", "speakers", "speaker", "places", "place", "outlets"]
    + ["quotes.csv", "mentions.csv", "places.geojson", "mentions.geojson"],
)
def test_reader_pages_never_fail_on_any_query_string(client, world, page):
    url = reader_urls(world)[page]

    @FUZZ
    @given(pairs=PAIRS, raw=st.binary(max_size=12), headers=HEADERS)
    def check(pairs, raw, headers):
        response = client.get(f"{url}?{query_string(pairs, raw)}", headers=headers)
        assert response.status_code in OK, (pairs, raw, headers)
        if response.streaming:  # an export: its rows are read as it is sent
            b"".join(response.streaming_content)

    check()


def test_annotate_name_lookup_never_fails_on_any_query_string(client, annotator, world):
    url = reverse("admin:articles_article_annotate_names", args=[world["article"].pk])

    @FUZZ
    @given(
        pairs=st.lists(st.tuples(st.sampled_from(["speaker", "place", "x"]), VALUES), max_size=3),
        raw=st.binary(max_size=12),
        headers=HEADERS,
    )
    def check(pairs, raw, headers):
        response = client.get(f"{url}?{query_string(pairs, raw)}", headers=headers)
        assert response.status_code in OK, (pairs, raw, headers)
        if response.streaming:  # an export: its rows are read as it is sent
            b"".join(response.streaming_content)

    check()


# The inputs reported in issue #10, one by one, on both databases.
REPORTED = {
    "superscript year": {"year": "²"},
    "Arabic-Indic year": {"year": "٢٠٢٢"},
    "5,000-digit year": {"year": "9" * 5000},
    "NUL query": {"q": "\x00"},
    "NUL in a word": {"q": "pes\x00kov"},
    "NUL speaker": {"speaker": "\x00"},
    "NUL place, author and kind": {"place": "\x00", "author": "\x00", "kind": "\x00"},
    "50 dashes": {"q": "-" * 50},
    "50 spaced dashes": {"q": "- " * 50 + "talks"},
    "dashes between operators": {"q": "-!(|&<" * 40 + "talks"},
    "5,000-digit page": {"page": "9" * 5000},
    "superscript page": {"page": "²"},
}


@pytest.mark.parametrize("params", REPORTED.values(), ids=REPORTED.keys())
def test_reported_inputs_get_a_page_not_an_error(client, world, params):
    for url in reader_urls(world).values():
        assert client.get(url, params).status_code in OK


def test_reported_inputs_reach_the_filters_harmlessly():
    assert Filters.from_query({"year": "²"}).year is None
    assert Filters.from_query({"year": "9" * 5000}).year is None
    assert Filters.from_query({"year": "0999"}).year is None  # no year 0999 to filter on
    assert Filters.from_query({"year": " 2022"}).year is None
    assert Filters.from_query({"year": "2022"}).year == 2022
    filters = Filters.from_query({"q": "pes\x00kov\ttalks", "speaker": "dmitry-\x00peskov\x85"})
    assert (filters.q, filters.speaker) == ("pes kov talks", "dmitry-peskov")
    assert bounded_query("-" * 50) == "-"
    assert bounded_query("peace - - ! - ( talks") == "peace - ( talks"
    assert bounded_query('peace -"-" talks') == 'peace -" talks'
    assert bounded_query("well-known -Moscow") == "well-known -Moscow"  # meaning kept
    assert bounded_query("a or or OR or b") == "a or b"
    assert bounded_query(" ".join(["w"] * 100)) == " ".join(["w"] * MAX_QUERY_TERMS)


def slugs(client, q):
    response = client.get("/", {"q": q})
    assert response.status_code == 200
    return [a.slug for a in response.context["page"]]


def test_a_query_with_control_characters_still_finds_its_words(client, world):
    assert slugs(client, "Moscow\x00") == slugs(client, "\x00Moscow\t") == ["talks"]


def test_annotate_name_lookup_ignores_nul(client, annotator, world):
    url = reverse("admin:articles_article_annotate_names", args=[world["article"].pk])
    response = client.get(url, {"speaker": "\x00"})
    assert response.status_code == 200
    html = client.get(url, {"speaker": "pes\x00kov"}).content.decode()
    assert 'value="Dmitry Peskov"' in html


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="websearch_to_tsquery is PostgreSQL's"
)


@postgres_only
@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(OPERATORS, st.text(max_size=300)))
def test_postgres_parses_every_bounded_query(raw):
    """Whatever a reader types, websearch_to_tsquery parses the query the filters keep."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('english', %s)", [bounded_query(raw)])


@postgres_only
def test_postgres_a_run_of_negations_still_negates(client, world):
    assert slugs(client, "talk " + "- " * 50 + "Moscow") == []
    assert slugs(client, "talk " + "-" * 50 + "Berlin") == ["talks"]
