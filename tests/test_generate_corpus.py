"""``manage.py generate_corpus``: the synthetic corpus the benchmarks run on."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.importer import parse
from articles.management.commands.generate_corpus import (
    FIRST_DAY,
    HEAVY_ANNOTATIONS,
    HEAVY_WORDS,
    LAST_DAY,
    MAX_WORDS,
    MIN_WORDS,
    World,
    generate_article,
    generate_heavy,
)
from articles.models import Article, Outlet, Place, PlaceMention, Quote, Span, context
from tests.ops import delete_all_articles

SMALL_HEAVY = {"heavy_words": 3000, "heavy_annotations": 150}


def generate(articles=12, seed=7, **options):
    stdout, stderr = StringIO(), StringIO()
    call_command(
        "generate_corpus",
        articles=articles,
        seed=seed,
        batch_size=5,
        stdout=stdout,
        stderr=stderr,
        **options,
    )
    return stdout.getvalue(), stderr.getvalue()


def snapshot():
    """The corpus as data, without database ids or timestamps."""
    articles = {}
    for article in Article.objects.select_related("author", "outlet").order_by("slug"):
        quotes = sorted(
            (
                q.start,
                q.end,
                q.exact,
                q.kind,
                q.speaker.slug,
                tuple(sorted(p.slug for p in q.places.all())),
            )
            for q in article.quotes.select_related("speaker").prefetch_related("places")
        )
        mentions = sorted(
            (m.start, m.end, m.exact, m.place.slug)
            for m in article.place_mentions.select_related("place")
        )
        articles[article.slug] = (
            article.headline,
            article.dek,
            article.body,
            article.published_on,
            article.author.name,
            article.outlet.domain,
            quotes,
            mentions,
        )
    return articles


@pytest.mark.django_db
def test_counts_status_dates_and_sizes():
    stdout, stderr = generate(articles=12, heavy=True, **SMALL_HEAVY)
    assert Article.objects.count() == 13
    assert "Generated 13 articles" in stdout
    assert "articles [" in stderr and "13/13" in stderr  # the progress bar, on stderr
    outlets = Outlet.objects.filter(n_articles__gt=0)
    assert outlets.count() > 1  # spread over several outlets, their counts kept
    assert sum(o.n_articles for o in outlets) == 13
    for article in Article.objects.exclude(slug="heavy"):
        assert article.status == Article.Status.PUBLISHED
        assert FIRST_DAY <= article.published_on <= LAST_DAY
        assert MIN_WORDS <= len(article.body.split()) <= MAX_WORDS
        assert "\n\n" in article.body and '"' in article.body
        assert "\n\n\n" not in article.body and article.body == article.body.strip()
        assert article.author is not None and article.author.bio
        assert article.quotes.count() > 0 and article.place_mentions.count() > 0
    years = {a.published_on.year for a in Article.objects.all()}
    assert len(years) >= 3  # spread over several years
    quotes = Quote.objects.all()
    assert quotes.filter(status=Span.Status.CONFIRMED, anchored=True).count() == quotes.count()
    assert not quotes.filter(speaker=None).exists()
    assert set(quotes.values_list("kind", flat=True)) == set(Quote.Kind.values)
    assert Quote.places.through.objects.exists()  # quotes are linked to the places they name
    mentions = PlaceMention.objects.all()
    assert mentions.filter(status=Span.Status.CONFIRMED, anchored=True).count() == mentions.count()


@pytest.mark.django_db
def test_every_offset_is_exact_and_the_context_is_the_selector_context():
    generate(articles=10, heavy=True, **SMALL_HEAVY)
    for model in (Quote, PlaceMention):
        for span in model.objects.select_related("article"):
            body = span.article.body
            assert span.exact == body[span.start : span.end]
            assert span.exact.strip() == span.exact and span.exact
            assert (span.prefix, span.suffix) == context(body, span.start, span.end)
    # Direct quotes sit between the quotation marks; place mentions are the places' names.
    for quote in Quote.objects.filter(kind=Quote.Kind.DIRECT).select_related("article"):
        body = quote.article.body
        assert body[quote.start - 1] == '"' and body[quote.end] in '".,'
    for mention in PlaceMention.objects.select_related("place"):
        assert mention.exact == mention.place.name


@pytest.mark.django_db
def test_the_same_seed_makes_the_same_corpus():
    generate(articles=8, seed=11, heavy=True, **SMALL_HEAVY)
    first = snapshot()
    delete_all_articles()
    generate(articles=8, seed=11, heavy=True, **SMALL_HEAVY)
    assert snapshot() == first
    # Another seed, other articles; a larger N starts with the same ones.
    world = World.build()
    assert generate_article(world, 12, 0).body != generate_article(world, 11, 0).body
    assert generate_article(world, 11, 3) == generate_article(world, 11, 3)


@pytest.mark.django_db
def test_heavy_article_with_a_small_override():
    generate(articles=2, heavy=True, heavy_words=2500, heavy_annotations=120)
    heavy = Article.objects.get(slug="heavy")
    assert 2500 <= len(heavy.body.split()) < 2600
    assert heavy.quotes.count() + heavy.place_mentions.count() == 120
    assert heavy.status == Article.Status.PUBLISHED


def test_heavy_article_default_size_without_the_database():
    heavy = generate_heavy(World.build(), seed=1)
    assert HEAVY_WORDS <= heavy.words < HEAVY_WORDS + 100
    assert len(heavy.quotes) + len(heavy.mentions) == HEAVY_ANNOTATIONS
    assert len(heavy.quotes) > 300 and len(heavy.mentions) > 300
    for start, end, *_ in heavy.quotes + heavy.mentions:
        assert 0 <= start < end <= len(heavy.body)


@pytest.mark.django_db
def test_running_twice_with_one_seed_is_refused():
    generate(articles=3, seed=5)
    with pytest.raises(CommandError, match="seed 5"):
        generate(articles=3, seed=5)
    generate(articles=3, seed=6)  # another seed adds to it
    assert Article.objects.count() == 6


@pytest.mark.django_db
def test_reuses_existing_speakers_and_places(place):
    generate(articles=40, seed=2)
    assert Place.objects.filter(slug="kyiv").count() == 1
    assert PlaceMention.objects.filter(place=place).exists()  # the existing Kyiv, not a copy
    assert Place.objects.count() == len(World.build().all_places())
    generate(articles=3, seed=3)
    assert Place.objects.count() == len(World.build().all_places())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="search vectors are PostgreSQL's")
@pytest.mark.django_db
def test_search_vectors_are_refreshed():
    generate(articles=4)
    assert not Article.objects.filter(search_vector=None).exists()


def test_articles_written_as_files_parse_back_to_the_same_article():
    world = World.build()
    for index in range(20):
        generated = generate_article(world, 3, index)
        parsed = parse(generated.as_text().encode())
        assert parsed.headline == generated.headline
        assert parsed.dek == generated.dek
        assert parsed.body == generated.body
        assert parsed.author_name == generated.author[0]


def test_words_and_dates_are_in_range_for_many_articles():
    world = World.build()
    for index in range(300):
        article = generate_article(world, 9, index)
        assert MIN_WORDS <= article.words <= MAX_WORDS
        assert isinstance(article.published_on, datetime.date)
        body = article.body
        for start, end, _kind, _speaker, _places in article.quotes:
            assert body[start:end] and "\n" not in body[start:end]
        for start, end, _place in article.mentions:
            assert body[start:end]
