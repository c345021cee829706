"""The kept rows (``articles.kept``) always equal what the spans say, through any sequence of
operations, and the speaker and place pages read them in a constant number of queries."""

import datetime
import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import kept, operations
from articles.models import (
    UNDATED,
    Article,
    ArticleOutlet,
    ArticlePlace,
    ArticleSpeaker,
    Outlet,
    OutletPlace,
    OutletSpeaker,
    Place,
    PlaceMention,
    PlaceQuote,
    Quote,
    Span,
    Speaker,
    SpeakerPair,
    SpeakerPlace,
)
from tests.ops import create, save

BODY = "Alpha said the talks failed in Kyiv. Beta said Kherson was calm. Gamma spoke of Odesa."
WORDS = [(0, 5), (6, 10), (11, 14), (15, 20), (37, 41), (42, 46), (66, 71), (72, 77)]


def kept_rows():
    return (
        set(ArticleSpeaker.objects.values_list("article", "speaker", "n_quotes")),
        set(
            PlaceQuote.objects.values_list(
                "place", "quote", "speaker", "article", "article_date", "start"
            )
        ),
        set(SpeakerPlace.objects.values_list("speaker", "place", "n_quotes")),
        set(SpeakerPair.objects.values_list("speaker", "other", "n_articles", "n_quotes")),
        set(ArticlePlace.objects.values_list("article", "place", "article_date", "n_mentions")),
        set(Speaker.objects.filter(n_quotes__gt=0).values_list("pk", "n_quotes")),
        set(
            Place.objects.exclude(n_mentions=0, n_quotes=0).values_list(
                "pk", "n_mentions", "n_quotes"
            )
        ),
        set(ArticleOutlet.objects.values_list("article", "outlet")),
        set(Outlet.objects.filter(n_articles__gt=0).values_list("pk", "n_articles")),
        set(OutletSpeaker.objects.values_list("outlet", "speaker", "n_quotes", "n_articles")),
        set(OutletPlace.objects.values_list("outlet", "place", "n_mentions", "n_articles")),
        set(Article.objects.values_list("pk", "n_quotes", "n_mentions")),
    )


def expected_rows():
    """The same, counted in Python from the visible quotes (an independent reading)."""
    quotes = list(Quote.objects.visible().prefetch_related("places"))
    appear = Counter((q.article_id, q.speaker_id) for q in quotes if q.speaker_id)
    about = {
        (p.pk, q.pk, q.speaker_id, q.article_id, q.article_date, q.start)
        for q in quotes
        for p in q.places.all()
    }
    topics = Counter((s, p) for p, _, s, *_ in about if s is not None)
    pairs: Counter = Counter()
    for (article, speaker), _ in appear.items():
        for (other_article, other), n in appear.items():
            if other_article == article and other != speaker:
                pairs[speaker, other, "articles"] += 1
                pairs[speaker, other, "quotes"] += n
    mentions = Counter(
        PlaceMention.objects.visible().filter(place__isnull=False).values_list("article", "place")
    )
    by_speaker = Counter(q.speaker_id for q in quotes if q.speaker_id)
    mentions_of = Counter(place for _, place in mentions.elements())
    quotes_about = Counter(place for place, *_ in about)
    outlet_of = dict(
        Article.objects.published().filter(outlet__isnull=False).values_list("pk", "outlet")
    )
    outlet_speakers: Counter = Counter()
    for (article, speaker), n in appear.items():
        if article in outlet_of:
            outlet_speakers[outlet_of[article], speaker, "quotes"] += n
            outlet_speakers[outlet_of[article], speaker, "articles"] += 1
    outlet_places: Counter = Counter()
    for (article, place), n in mentions.items():
        if article in outlet_of:
            outlet_places[outlet_of[article], place, "mentions"] += n
            outlet_places[outlet_of[article], place, "articles"] += 1
    dates = dict(Article.objects.values_list("pk", "published_on"))  # the articles' own
    shown_quotes = Counter(Quote.objects.shown().values_list("article", flat=True))
    shown_mentions = Counter(PlaceMention.objects.shown().values_list("article", flat=True))
    return (
        {(a, s, n) for (a, s), n in appear.items()},
        about,
        {(s, p, n) for (s, p), n in topics.items()},
        {
            (s, o, n, pairs[s, o, "quotes"])
            for (s, o, what), n in pairs.items()
            if what == "articles"
        },
        {(a, p, dates.get(a) or UNDATED, n) for (a, p), n in mentions.items()},
        set(by_speaker.items()),
        {(p, mentions_of[p], quotes_about[p]) for p in {*mentions_of, *quotes_about}},
        set(outlet_of.items()),
        set(Counter(outlet_of.values()).items()),
        {
            (o, s, n, outlet_speakers[o, s, "articles"])
            for (o, s, what), n in outlet_speakers.items()
            if what == "quotes"
        },
        {
            (o, p, n, outlet_places[o, p, "articles"])
            for (o, p, what), n in outlet_places.items()
            if what == "mentions"
        },
        {
            (a, shown_quotes[a], shown_mentions[a])
            for a in Article.objects.values_list("pk", flat=True)
        },
    )


def random_step(rng: random.Random, articles, speakers, places, outlets) -> None:
    """One operation, chosen at random, of those that change who says what about where."""
    quotes = list(Quote.objects.all())
    step = rng.choice(
        ["add", "add", "add", "delete", "places", "speaker", "status", "publish", "date"]
        + ["merge", "merge_places", "drop", "mention", "mention", "outlet", "drop_outlet"]
    )
    if step == "add" or not quotes:
        start, end = rng.choice(WORDS)
        article = rng.choice(articles)
        quote = create(
            Quote,
            article=article,
            start=start,
            end=end,
            exact=article.body[start:end],
            speaker=rng.choice([*speakers, None]),
            status=rng.choice(
                [Span.Status.CONFIRMED, Span.Status.CONFIRMED, Span.Status.SUGGESTED]
            ),
        )
        operations.set_quote_places(quote, rng.sample(places, rng.randint(0, min(2, len(places)))))
    elif step == "mention":
        start, end = rng.choice(WORDS)
        article = rng.choice(articles)
        mention = create(
            PlaceMention,
            article=article,
            start=start,
            end=end,
            exact=article.body[start:end],
            place=rng.choice(places),
            status=rng.choice([Span.Status.CONFIRMED, Span.Status.SUGGESTED]),
        )
        if rng.random() < 0.3:
            operations.delete_span(mention)
    elif step == "delete":
        operations.delete_span(rng.choice(quotes))
    elif step == "places":
        operations.set_quote_places(
            rng.choice(quotes), rng.sample(places, rng.randint(0, min(3, len(places))))
        )
    elif step == "speaker":
        quote = rng.choice(quotes)
        quote.speaker = rng.choice([*speakers, None])
        save(quote)
    elif step == "status":
        quote = rng.choice(quotes)
        if quote.status == Span.Status.SUGGESTED:
            operations.accept_suggestions([quote])
        else:
            quote.status = Span.Status.REJECTED
            save(quote)
    elif step == "publish":
        article = rng.choice(articles)
        article.refresh_from_db()
        if article.status == Article.Status.PUBLISHED:
            operations.unpublish([article])
        else:
            operations.publish([article])
    elif step == "date":
        article = rng.choice(articles)
        article.refresh_from_db()
        article.published_on = datetime.date(2024, rng.randint(1, 12), rng.randint(1, 28))
        operations.save_article(article)
    elif step == "drop":  # an article deleted, and a new one in its place
        n = rng.randrange(len(articles))
        operations.delete_article(articles[n])
        slug = f"new-{rng.randrange(10**9)}"
        outlet = rng.choice([*outlets, None])
        articles[n] = create(
            Article, slug=slug, headline=slug, body=BODY, status="published", outlet=outlet
        )
    elif step == "outlet":  # an article moved to another outlet, or to none
        article = rng.choice(articles)
        article.refresh_from_db()
        article.outlet = rng.choice([*outlets, None])
        operations.save_article(article)
    elif step == "drop_outlet" and len(outlets) > 1:  # its articles keep their text, no outlet
        operations.delete_name(outlets.pop(rng.randrange(len(outlets))))
    elif step == "merge_places" and len(places) > 2:
        gone = places.pop(rng.randrange(1, len(places)))
        operations.merge_places(places[0], [gone])
    elif step == "merge" and len(speakers) > 2:
        gone = speakers.pop(rng.randrange(1, len(speakers)))
        operations.merge_speakers(speakers[0], [gone])


@pytest.mark.parametrize("seed", range(4))
def test_kept_rows_follow_any_sequence_of_operations(db, seed):
    rng = random.Random(seed)
    articles = [
        create(Article, slug=f"a{n}", headline=f"A{n}", body=BODY, status=Article.Status.PUBLISHED)
        for n in range(3)
    ]
    speakers = [create(Speaker, name=f"Speaker {n}", slug=f"s{n}") for n in range(5)]
    places = [
        create(Place, name=f"Place {n}", slug=f"p{n}", latitude=n, longitude=n) for n in range(5)
    ]
    outlets = [
        create(Outlet, name=f"Outlet {n}", slug=f"o{n}", domain=f"o{n}.example") for n in range(3)
    ]
    for article in articles[:2]:
        article.outlet = outlets[0]
        operations.save_article(article)
    for step in range(80):
        random_step(rng, articles, speakers, places, outlets)
        assert kept_rows() == expected_rows(), f"seed {seed}, after step {step}"
    kept.rebuild()
    assert kept_rows() == expected_rows()


def test_a_rebuild_gives_the_rows_the_operations_kept(db):
    from tests.ops import load_seed

    load_seed()
    before = kept_rows()
    assert all(before)  # the seed has appearances, quotes about places, topics, pairs, an outlet
    kept.rebuild()
    assert kept_rows() == before == expected_rows()


def _many_quotes(n_articles: int):
    """``n_articles`` articles, each quoting Speaker 0 about P0 and P1 or P2, and Speaker 1 or 2
    about that other place."""
    speakers = [create(Speaker, name=f"Speaker {n}", slug=f"s{n}") for n in range(3)]
    places = [create(Place, name=f"P{n}", slug=f"p{n}", latitude=n, longitude=n) for n in range(3)]
    for n in range(n_articles):
        article = create(
            Article, slug=f"many-{n}", headline=f"Many {n}", body=BODY, status="published"
        )
        other, about = speakers[1 + n % 2], places[1 + n % 2]
        for (start, end), speaker, where in zip(
            WORDS[:2], (speakers[0], other), ([places[0], about], [about]), strict=True
        ):
            quote = create(
                Quote,
                article=article,
                start=start,
                end=end,
                exact=BODY[start:end],
                speaker=speaker,
            )
            operations.set_quote_places(quote, where)
    return speakers, places


@pytest.mark.parametrize("n_articles", [2, 12])
def test_speaker_and_place_pages_take_the_same_queries_however_many_quotes(client, db, n_articles):
    speakers, places = _many_quotes(n_articles)
    with CaptureQueriesContext(connection) as speaker_queries:
        page = client.get(speakers[0].get_absolute_url())
    with CaptureQueriesContext(connection) as place_queries:
        place_page = client.get(places[0].get_absolute_url())
    assert page.status_code == place_page.status_code == 200
    # the speaker, a page of quotes, and a page and a count of places and of co-speakers; and
    # the timelines' own: the speaker's quotes by date, the place's quotes and mentions by date
    assert len(speaker_queries) <= 6 + 1
    assert len(place_queries) <= 4 + 2
    text = page.content.decode()
    assert f"{n_articles} quotes" in text  # about P0
    assert f"in {(n_articles + 1) // 2} shared article" in text
    assert place_page.content.decode().count('class="quote--') == n_articles


def test_the_lists_on_a_speakers_page_are_paged(client, db, monkeypatch):
    from articles import views

    monkeypatch.setattr(views, "ENTITY_ITEMS_PER_PAGE", 1)
    speakers, places = _many_quotes(4)
    first = client.get(speakers[0].get_absolute_url()).content.decode()
    second = client.get(speakers[0].get_absolute_url() + "?places_page=2").content.decode()
    assert 'aria-label="Place pages"' in first and 'aria-label="Quoted beside pages"' in first
    assert 'data-place="p0"' in first and 'data-place="p0"' not in second
    beside = client.get(speakers[0].get_absolute_url() + "?beside_page=2").content.decode()
    assert 'data-speaker="s1"' in first and 'data-speaker="s2"' in beside
