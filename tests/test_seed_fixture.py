"""The hand-annotated seed fixture loads cleanly and its annotations fit the article's body."""

import re
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings

from articles.importer import parse
from articles.models import CONTEXT_CHARS, Article, Author, Place, PlaceMention, Quote, Speaker
from tests.ops import load_seed

SEED_FILE = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "000_d85e5d27cd6f0369.txt"
SLUG = "russia-announces-kherson-withdrawal-completed-kremlin-says-regions-status-is-unchanged"

# (latitude, longitude, tolerance in degrees) for each place worth pinning down.
EXPECTED_COORDINATES = {
    "kyiv": (50.45, 30.52, 0.5),
    "kherson": (46.64, 32.62, 0.5),
    "kherson-oblast": (46.7, 33.6, 1.5),
    "moscow": (55.76, 37.62, 0.5),
    "washington-dc": (38.90, -77.04, 0.5),
    "kakhovka-dam": (46.78, 33.37, 0.2),
    "dnieper": (46.7, 32.7, 1.0),
    "zaporizhzhia-oblast": (47.3, 35.6, 1.5),
    "donetsk-oblast": (48.0, 37.8, 1.5),
    "luhansk-oblast": (48.6, 39.3, 1.5),
    "donbas": (48.3, 38.4, 1.5),
    "ukraine": (49.0, 31.5, 4.0),
    "russia": (60.0, 90.0, 20.0),
    "united-states": (39.0, -98.0, 10.0),
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    assert not Article.objects.exists(), "the database should start empty"
    load_seed()
    return Article.objects.get(slug=SLUG)


def spans(article):
    return [*article.quotes.all(), *article.place_mentions.all()]


def test_loads_on_an_empty_database(article):
    assert Article.objects.count() == 1
    assert Author.objects.count() == 1
    assert Speaker.objects.exists()
    assert Place.objects.exists()
    assert Quote.objects.filter(article=article).count() == Quote.objects.count()
    assert PlaceMention.objects.filter(article=article).count() == PlaceMention.objects.count()


def test_loading_twice_changes_nothing(article):
    counts = [m.objects.count() for m in (Speaker, Place, Quote, PlaceMention)]
    load_seed()
    assert [m.objects.count() for m in (Speaker, Place, Quote, PlaceMention)] == counts


def test_article_matches_the_importer(article):
    parsed = parse(SEED_FILE.read_bytes())
    assert article.is_published
    assert article in Article.objects.published()
    assert article.body == parsed.body
    assert article.headline == parsed.headline
    assert article.dek == parsed.dek
    assert article.source_file == SEED_FILE.name
    assert str(article.published_on) == "2022-11-11"
    assert article.author.name == parsed.author_name == "Connor Freeman"
    assert article.author.slug == "connor-freeman"
    assert article.author.bio == parsed.author_bio


def test_every_span_is_anchored_to_the_body(article):
    body = article.body
    for span in spans(article):
        assert span.anchored
        assert span.status == "confirmed"
        assert span.exact == body[span.start : span.end], span
        assert span.prefix == body[max(0, span.start - CONTEXT_CHARS) : span.start], span
        assert span.suffix == body[span.end : span.end + CONTEXT_CHARS], span
        assert span.exact == span.exact.strip(), f"untrimmed span {span.exact!r}"


def test_every_object_passes_full_clean(article):
    for obj in [
        article,
        article.author,
        *Speaker.objects.all(),
        *Place.objects.all(),
        *spans(article),
    ]:
        before = (getattr(obj, "prefix", None), getattr(obj, "suffix", None))
        obj.full_clean()
        assert (getattr(obj, "prefix", None), getattr(obj, "suffix", None)) == before


def test_quotes_are_many_of_every_kind_and_attributed(article):
    quotes = list(article.quotes.all())
    assert len(quotes) >= 15
    assert {q.kind for q in quotes} == {"direct", "indirect", "claim"}
    for quote in quotes:
        if quote.speaker is None:
            assert quote.kind == "claim" and quote.note, f"unexplained unattributed {quote}"
    assert sum(q.speaker is None for q in quotes) <= 1
    peskov = Speaker.objects.get(slug="dmitry-peskov")
    assert peskov.role == "Kremlin spokesman"
    assert "Peskov" in peskov.aliases
    assert {q.kind for q in quotes if q.speaker == peskov} >= {"direct", "indirect"}


def test_direct_quotes_exclude_their_quotation_marks(article):
    body = article.body
    marks = "\"“”'‘’"
    for quote in article.quotes.filter(kind="direct"):
        assert quote.exact[0] not in marks and quote.exact[-1] not in marks, quote
        before = body[: quote.start].rstrip()
        assert before[-1] in marks, f"no opening mark before {quote}"
        after = body[quote.end :].lstrip(".,")
        assert after[0] in marks, f"no closing mark after {quote}"


def test_no_two_quotes_overlap(article):
    quotes = sorted(article.quotes.all(), key=lambda q: q.start)
    for first, second in pairwise(quotes):
        assert first.end <= second.start, f"{first} overlaps {second}"


def test_quotes_name_the_places_they_are_about(article):
    for quote in article.quotes.all():
        assert quote.places.exists(), quote


@pytest.mark.parametrize("name", ["Kherson", "Kiev", "Moscow", "Russia", "Ukraine", "Washington"])
def test_every_named_place_is_mentioned(article, name):
    mentions = list(article.place_mentions.all())
    for match in re.finditer(rf"\b{name}\b", article.body):
        assert any(m.start <= match.start() and match.end() <= m.end for m in mentions), (
            f"{name!r} at {match.start()} has no PlaceMention"
        )


def test_no_two_place_mentions_overlap(article):
    mentions = sorted(article.place_mentions.all(), key=lambda m: m.start)
    for first, second in pairwise(mentions):
        assert first.end <= second.start, f"{first} overlaps {second}"


def test_kiev_mentions_point_at_kyiv(article):
    kyiv = Place.objects.get(slug="kyiv")
    assert kyiv.name == "Kyiv"
    assert "Kiev" in kyiv.aliases
    for mention in article.place_mentions.filter(exact="Kiev"):
        assert mention.place == kyiv


def test_kherson_region_and_city_are_told_apart(article):
    city = Place.objects.get(slug="kherson")
    region = Place.objects.get(slug="kherson-oblast")
    assert (city.kind, region.kind) == ("city", "region")
    assert set(
        article.place_mentions.filter(exact__in=["provincial capital", "regional capital"])
        .values_list("place", flat=True)
        .distinct()
    ) == {city.pk}
    assert article.place_mentions.get(exact="Kherson region").place == region


def test_every_place_has_expected_coordinates(article):
    assert set(Place.objects.values_list("slug", flat=True)) == set(EXPECTED_COORDINATES)


@pytest.mark.parametrize("slug", sorted(EXPECTED_COORDINATES))
def test_place_coordinates_are_sensible(article, slug):
    place = Place.objects.get(slug=slug)
    latitude, longitude, tolerance = EXPECTED_COORDINATES[slug]
    assert abs(place.latitude - latitude) <= tolerance, place
    assert abs(place.longitude - longitude) <= tolerance, place


def test_every_place_has_a_country_code_or_spans_borders(article):
    for place in Place.objects.all():
        assert place.country_code in {"", "UA", "RU", "US"}, place
        if place.kind in {"city", "country", "region", "facility"}:
            assert place.country_code, place
