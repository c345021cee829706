"""Timelines on the speaker, place, outlet and search pages: their figures equal counts made
another way (every span read in Python under the rule for what readers see), every page renders
the table without JavaScript, hostile names stay inert, the queries do not grow with the data, and
a public change retires the figures kept in the cache."""

import datetime
import re
from collections import Counter
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import charts, operations, timelines
from articles.models import Article, Outlet, Place, PlaceMention, Quote, Span, Speaker
from tests.ops import add_places, create

pytestmark = pytest.mark.django_db
D = datetime.date
BODY = "Peskov said Kyiv was calm. Zelensky said Odesa held. Kyiv again and Odesa again."
HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(1)> "quoted" & </svg>'
DATES = [D(2024, 1, 3), D(2024, 1, 3), D(2024, 1, 9), D(2024, 2, 20), D(2024, 3, 1), None]


def span(model, article, word, nth=0, **kw):
    start = [m.start() for m in re.finditer(re.escape(word), article.body)][nth]
    return create(model, article=article, start=start, end=start + len(word), exact=word, **kw)


@pytest.fixture
def corpus(db):
    """Articles on several dates (one undated), of two outlets, each with quotes of two speakers
    about two places and mentions of them; and a draft, a suggestion, a rejected quote and an
    orphan, none of which may count."""
    ledger = create(Outlet, name="Ledger", slug="ledger", domain="ledger.example")
    wire = create(Outlet, name="Wire", slug="wire", domain="wire.example")
    peskov = create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov")
    zelensky = create(Speaker, name="Volodymyr Zelensky", slug="volodymyr-zelensky")
    kyiv = create(Place, name="Kyiv", slug="kyiv", latitude=50.45, longitude=30.52)
    odesa = create(Place, name="Odesa", slug="odesa", latitude=46.48, longitude=30.72)
    for i, day in enumerate(DATES):
        article = create(
            Article,
            slug=f"a{i}",
            headline=f"Talks {i}",
            body=BODY,
            status="published",
            published_on=day,
            outlet=ledger if i % 2 == 0 else wire,
        )
        first = span(Quote, article, "Kyiv was calm", speaker=peskov)
        add_places(first, kyiv)
        if i % 3 != 2:
            second = span(Quote, article, "Odesa held", speaker=zelensky)
            add_places(second, kyiv, odesa)
        span(PlaceMention, article, "Kyiv", place=kyiv)
        span(PlaceMention, article, "Kyiv", 1, place=kyiv)
        span(PlaceMention, article, "Odesa", 1, place=odesa)
    draft = create(
        Article,
        slug="draft",
        headline="Draft talks",
        body=BODY,
        status="draft",
        published_on=D(2024, 1, 9),
        outlet=ledger,
    )
    add_places(span(Quote, draft, "Kyiv was calm", speaker=peskov), kyiv)
    span(PlaceMention, draft, "Kyiv", place=kyiv)
    unattributed = Article.objects.get(slug="a1")
    span(Quote, unattributed, "Kyiv again")  # no speaker: counted for its outlet and searches
    first = Article.objects.get(slug="a0")
    span(Quote, first, "Kyiv again", speaker=peskov, status=Span.Status.SUGGESTED)
    span(Quote, first, "Odesa again", speaker=zelensky, status=Span.Status.REJECTED)
    span(PlaceMention, first, "Odesa", place=odesa, status=Span.Status.SUGGESTED)
    orphan = span(Quote, first, "Peskov said", speaker=peskov)
    add_places(orphan, odesa)
    Quote.objects.filter(pk=orphan.pk).update(anchored=False)  # as re-anchoring leaves one
    mention_orphan = span(PlaceMention, first, "Zelensky", place=kyiv)
    PlaceMention.objects.filter(pk=mention_orphan.pk).update(anchored=False)
    operations.rebuild_everything()  # the kept rows after the direct updates
    return {"peskov": peskov, "zelensky": zelensky, "kyiv": kyiv, "odesa": odesa, "ledger": ledger}


def seen(span_) -> bool:
    """The rule for what readers see, written out again: published, confirmed, anchored."""
    return (
        span_.article.status == "published"
        and span_.status == "confirmed"
        and span_.anchored
        and span_.article.published_on is not None
    )


def expected(case, objects) -> dict[str, Counter]:
    """The counts per date of a case, from every span in Python."""
    quotes = [q for q in Quote.objects.select_related("article") if seen(q)]
    mentions = [m for m in PlaceMention.objects.select_related("article") if seen(m)]
    kind, name = case
    entity = objects.get(name)
    if kind == "speaker":
        return {"quotes": Counter(q.article.published_on for q in quotes if q.speaker == entity)}
    if kind == "place":
        return {
            "quotes": Counter(
                q.article.published_on for q in quotes if entity in list(q.places.all())
            ),
            "mentions": Counter(m.article.published_on for m in mentions if m.place == entity),
        }
    if kind == "outlet":
        keep = lambda s: s.article.outlet == entity  # noqa: E731
    elif kind == "filters":  # every article quoting Zelensky
        keep = lambda s: Quote.objects.filter(  # noqa: E731
            article=s.article, speaker__slug="volodymyr-zelensky", status="confirmed"
        ).exists()
    else:  # the search "Odesa held": every published article
        keep = lambda s: True  # noqa: E731
    return {
        "quotes": Counter(q.article.published_on for q in quotes if keep(q)),
        "mentions": Counter(m.article.published_on for m in mentions if keep(m)),
    }


def url_of(case, objects) -> str:
    kind, name = case
    if kind in ("speaker", "place", "outlet"):
        return objects[name].get_absolute_url()
    if kind == "filters":
        return reverse("articles:article_list") + "?speaker=volodymyr-zelensky"
    return reverse("articles:article_list") + "?q=Odesa+held"


CASES = [
    ("speaker", "peskov"),
    ("speaker", "zelensky"),
    ("place", "kyiv"),
    ("place", "odesa"),
    ("outlet", "ledger"),
    ("filters", None),
    ("search", None),
]


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def table_of(html: str) -> list[list[str]]:
    """The rows of the page's timeline table, as text: the period, then each series' value."""
    table = re.search(r'<details class="timeline-table">.*?</details>', html, re.S)
    assert table, "no timeline table"
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table[0], re.S)
    return [
        [unescape(re.sub(r"<[^>]+>", "", c)) for c in re.split(r"</t[hd]>", r)][:-1] for r in rows
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(filter(None, c)))
def test_each_view_counts_what_readers_see(client, corpus, case):
    want = expected(case, corpus)
    html = client.get(url_of(case, corpus)).content.decode()
    series = list(want)
    # the months (Jan to Mar 2024: a span of 58 days, so a bar a day), each series' count
    unit = charts.choose_unit(D(2024, 1, 3), D(2024, 3, 1))
    buckets: dict[D, list[int]] = {}
    for i, key in enumerate(series):
        for day, n in want[key].items():
            buckets.setdefault(charts.bucket_start(day, unit), [0] * len(series))[i] += n
    rows = {r[0]: [int(v) for v in r[1:]] for r in table_of(html)}
    nonzero = {label: values for label, values in rows.items() if any(values)}
    assert nonzero == {
        capfirst(charts.period_label(start, unit)): values
        for start, values in buckets.items()
        if any(values)
    }
    # empty days between are rows of zeros: the first to the last day, every day
    assert len(rows) == (D(2024, 3, 1) - D(2024, 1, 3)).days + 1
    assert "Articles without a date are left out." in html
    assert 'role="group"' in html and '<title id="timeline-title">' in html


def test_the_bars_announce_their_values(client, corpus):
    html = client.get(corpus["kyiv"].get_absolute_url()).content.decode()
    labels = re.findall(
        r'<g class="timeline-point" tabindex="0" role="img" aria-label="([^"]*)"', html
    )
    assert labels[0] == "3 January 2024: 4 quotes, 4 mentions"  # two articles that day
    assert "9 January 2024: 1 quote, 2 mentions" in labels  # not the draft's
    assert len(labels) == len(table_of(html))


def test_timeline_functions_match_the_expected_counts(corpus):
    """The query layer itself, on the same cases, for both series and without the page."""
    got = timelines.place_counts(corpus["kyiv"].pk)
    assert got == {k: dict(v) for k, v in expected(("place", "kyiv"), corpus).items()}
    got = timelines.outlet_counts(corpus["ledger"].pk)
    assert got == {k: dict(v) for k, v in expected(("outlet", "ledger"), corpus).items()}


def test_no_timeline_without_a_search_or_data(client, make_article):
    make_article(published_on=D(2024, 1, 1))
    html = client.get(reverse("articles:article_list")).content.decode()
    assert "timeline" not in html
    speaker = create(Speaker, name="Quiet", slug="quiet")
    article = make_article(body="Quiet words here.")  # undated: it has no place on a timeline
    span(Quote, article, "Quiet words", speaker=speaker)
    html = client.get(speaker.get_absolute_url()).content.decode()
    assert "No dated quotes or mentions yet." in html and "<svg" not in html


def test_hostile_names_stay_inert_in_every_chart_label(client, make_article):
    ledger = create(Outlet, name=HOSTILE, slug="evil", domain="evil.example")
    speaker = create(Speaker, name=HOSTILE, slug="evil-speaker")
    place = create(Place, name=HOSTILE, slug="evil-place", latitude=1, longitude=2)
    article = make_article(body=BODY, published_on=D(2024, 5, 1), outlet=ledger)
    add_places(span(Quote, article, "Kyiv was calm", speaker=speaker), place)
    span(PlaceMention, article, "Kyiv", place=place)
    for url in (speaker.get_absolute_url(), place.get_absolute_url(), ledger.get_absolute_url()):
        html = client.get(url).content.decode()
        chart = re.search(r'<section class="timeline".*?</section>', html, re.S)[0]
        assert "<script>" not in chart and "<img" not in chart and "</svg> " not in chart
        assert chart.count("<svg") == chart.count("</svg>") == 1
        title = re.search(r'<title id="timeline-title">(.*?)</title>', chart, re.S)[1]
        assert unescape(title).endswith("\u2068" + HOSTILE + "\u2069, by day")  # isolated
        caption = re.search(r"<caption>(.*?)</caption>", chart, re.S)[1]
        assert HOSTILE in unescape(caption) and "&lt;script&gt;" in caption
        assert " style=" not in chart  # the CSP allows no style attribute


def add_articles(n, speaker, place, outlet, start):
    for i in range(n):
        article = create(
            Article,
            slug=f"more-{start + i}",
            headline="More talks",
            body=BODY,
            status="published",
            published_on=D(2023, 1, 1) + datetime.timedelta(days=7 * (start + i)),
            outlet=outlet,
        )
        add_places(span(Quote, article, "Kyiv was calm", speaker=speaker), place)
        span(PlaceMention, article, "Kyiv", place=place)


KEPT_TABLES = ("articlespeaker", "articleplace", "placequote")


def timeline_queries(queries) -> int:
    """The timelines' own: by date, over kept rows or the articles' kept counts (not the
    outlet's source balance, which sums its kept speakers by their affiliation)."""
    return sum(
        "GROUP BY" in q["sql"]
        and "articles_affiliation" not in q["sql"]
        and (any(t in q["sql"] for t in KEPT_TABLES) or '"n_quotes")' in q["sql"])
        for q in queries
    )


def test_query_counts_do_not_grow_with_the_data(client, corpus):
    from django.core.cache import cache

    urls = [url_of(case, corpus) for case in CASES]
    counts = []
    for more in (0, 25):
        add_articles(more, corpus["peskov"], corpus["kyiv"], corpus["ledger"], 0)
        cache.clear()  # cold: every timeline computed again
        row = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            row.append((len(queries), timeline_queries(queries.captured_queries)))
        counts.append(row)
    assert counts[0] == counts[1]
    # the timeline's own: one for a speaker, two for a place, one for an outlet and a search
    assert [t for _, t in counts[0]] == [1, 1, 2, 2, 1, 1, 1]


def test_a_public_change_retires_the_kept_figures(
    client, corpus, django_capture_on_commit_callbacks
):
    place = corpus["odesa"]
    before = table_of(client.get(place.get_absolute_url()).content.decode())
    with django_capture_on_commit_callbacks(execute=True):  # as when it commits
        operations.unpublish(Article.objects.filter(slug="a0"))
    after = table_of(client.get(place.get_absolute_url()).content.decode())
    assert before != after
    assert after[0][0] == "3 January 2024" and after[0][1:] == ["1", "1"]
    with django_capture_on_commit_callbacks(execute=True):
        operations.publish(Article.objects.filter(slug="a0"))
    outlet = Outlet.objects.get(slug="ledger")
    before = table_of(client.get(outlet.get_absolute_url()).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        operations.unpublish(Article.objects.filter(slug="a4"))
    after = table_of(client.get(outlet.get_absolute_url()).content.decode())
    assert len(after) < len(before)  # its last day went with it
