"""Source balance on the article and outlet pages: quotes by affiliation and by kind of source.

The pages' numbers are checked against counts made another way: every quote created here is
listed with what it is (its article's status, its own status, anchored or not, its speaker),
and the rule for what readers see (published, confirmed, anchored, attributed) is applied to
that list by hand; drafts, suggestions, rejected quotes and orphans never count."""

import re
from collections import Counter
from fractions import Fraction
from html import unescape

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles import operations
from articles.models import Affiliation, Article, Outlet, Quote, Span, Speaker
from tests.ops import affiliation, create, load_seed, save

pytestmark = pytest.mark.django_db

BODY = " ".join(f"word{i}." for i in range(60))
WORDS = [m.span() for m in re.finditer(r"word\d+", BODY)]

# (speaker, affiliation, side, country, kind of source)
SPEAKERS = [
    ("Peskov", "Government of Russia", "Russia", "RU", "official"),
    ("Shoigu", "Government of Russia", "Russia", "RU", "military"),
    ("Zaluzhnyi", "Armed Forces of Ukraine", "Ukraine", "UA", "military"),
    ("Guterres", "United Nations", "", "", "international"),
    ("Olena", None, "", "", "civilian"),
    ("Nobody", None, "", "", ""),
]
# (outlet, article status, [(speaker or None, quote status, anchored)])
CONFIRMED, SUGGESTED, REJECTED = Span.Status.CONFIRMED, Span.Status.SUGGESTED, Span.Status.REJECTED
ARTICLES = [
    (
        "ledger",
        "published",
        [
            ("Peskov", CONFIRMED, True),
            ("Peskov", CONFIRMED, True),
            ("Shoigu", CONFIRMED, True),
            ("Olena", CONFIRMED, True),
            (None, CONFIRMED, True),
            ("Guterres", SUGGESTED, True),
            ("Zaluzhnyi", REJECTED, True),
            ("Zaluzhnyi", CONFIRMED, False),
        ],
    ),
    (
        "ledger",
        "published",
        [
            ("Zaluzhnyi", CONFIRMED, True),
            ("Guterres", CONFIRMED, True),
            ("Nobody", CONFIRMED, True),
            ("Peskov", CONFIRMED, True),
        ],
    ),
    ("ledger", "draft", [("Guterres", CONFIRMED, True), ("Guterres", CONFIRMED, True)]),
    ("wire", "published", [("Olena", CONFIRMED, True), ("Guterres", SUGGESTED, True)]),
    ("wire", "published", [(None, CONFIRMED, True)]),
]


def build():
    outlets = {
        slug: create(Outlet, name=f"The {slug}", slug=slug, domain=f"{slug}.example")
        for slug in ("ledger", "wire")
    }
    speakers = {}
    for name, aff, side, country, category in SPEAKERS:
        group = affiliation(aff, side=side, country=country) if aff else None
        speakers[name] = create(
            Speaker, name=name, slug=name.lower(), affiliation=group, category=category
        )
    articles = []
    for i, (outlet, status, quotes) in enumerate(ARTICLES):
        article = create(
            Article,
            slug=f"a{i}",
            headline=f"A{i}",
            body=BODY,
            status=status,
            outlet=outlets[outlet],
        )
        for j, (who, span_status, anchored) in enumerate(quotes):
            start, end = WORDS[j]
            quote = create(
                Quote,
                article=article,
                start=start,
                end=end,
                exact=BODY[start:end],
                speaker=speakers[who] if who else None,
                status=span_status,
            )
            if not anchored:
                Quote.objects.filter(pk=quote.pk).update(anchored=False)  # as re-anchoring does
        articles.append(article)
    operations.rebuild_everything()  # the kept rows after the direct updates
    return outlets, articles


def expected(rows):
    """(by affiliation, by kind of source) counted from the table itself."""
    about = {name: (aff, category) for name, aff, _, _, category in SPEAKERS}
    seen = [
        about[who]
        for status, quotes in rows
        for who, span_status, anchored in quotes
        if status == "published" and span_status == CONFIRMED and anchored and who
    ]
    return Counter(a or "" for a, _ in seen), Counter(c for _, c in seen)


def table(html, table_id, attribute):
    """{row key: (quotes, percent)} of one balance table of a page."""
    match = re.search(rf'<table class="balance-table" id="{table_id}">(.*?)</table>', html, re.S)
    assert match, table_id
    rows = re.findall(
        rf'<tr data-{attribute}="([^"]*)">.*?<td class="num">(\d+)</td><td class="num">'
        r"([\d.]+)%</td></tr>",
        match.group(1),
        re.S,
    )
    return {unescape(key): (int(n), percent) for key, n, percent in rows}


def check(found, counts):
    assert {k: n for k, (n, _) in found.items()} == dict(counts)
    total = sum(counts.values())
    for key, (n, percent) in found.items():  # each within a tenth of its exact share
        assert abs(Fraction(percent) - Fraction(100 * n, total)) < Fraction(1, 10), key
    assert sum(Fraction(p) for _, p in found.values()) == 100


@pytest.mark.parametrize("outlet", ["ledger", "wire"])
def test_an_outlets_balance_counts_what_a_count_by_hand_finds(client, outlet):
    outlets, _ = build()
    html = client.get(outlets[outlet].get_absolute_url()).content.decode()
    by_affiliation, by_category = expected([(s, q) for o, s, q in ARTICLES if o == outlet])
    check(table(html, "outlet-balance-affiliations", "affiliation"), by_affiliation)
    check(table(html, "outlet-balance-categories", "category"), by_category)


@pytest.mark.parametrize("index", [0, 1, 3])
def test_an_articles_balance_counts_what_a_count_by_hand_finds(client, index):
    _, articles = build()
    html = client.get(articles[index].get_absolute_url()).content.decode()
    by_affiliation, by_category = expected([ARTICLES[index][1:]])
    check(table(html, "article-balance-affiliations", "affiliation"), by_affiliation)
    check(table(html, "article-balance-categories", "category"), by_category)
    unattributed = sum(
        1 for who, status, anchored in ARTICLES[index][2] if not who and status == CONFIRMED
    )
    assert (f"({unattributed} unattributed not counted)" in html) == bool(unattributed)


def test_the_tables_are_labelled_for_every_reader(client):
    outlets, articles = build()
    html = client.get(articles[0].get_absolute_url()).content.decode()
    assert "<caption" in html and "Quotes by affiliation" in html
    assert '<th scope="col">Affiliation</th>' in html
    assert (
        '<th scope="row"><bdi>Government of Russia</bdi></th><td><bdi>Russia</bdi> · RU</td>'
        in (html)
    )
    assert '<tr data-category=""><th scope="row">Not categorised</th>' not in html  # none here
    assert '<th scope="row">Civilian</th>' in html and '<th scope="row">Military</th>' in html
    page = client.get(outlets["ledger"].get_absolute_url()).content.decode()
    assert '<tr data-affiliation=""><th scope="row">No affiliation</th>' in page
    assert '<tr data-category=""><th scope="row">Not categorised</th>' in page


def test_renaming_an_affiliation_shows_on_the_pages_at_once(client):
    outlets, articles = build()
    for url in (articles[0].get_absolute_url(), outlets["ledger"].get_absolute_url()):
        assert "Government of Russia" in client.get(url).content.decode()
    russia = Affiliation.objects.get(name="Government of Russia")
    russia.name = "Russian Federation"
    save(russia)
    for url in (articles[0].get_absolute_url(), outlets["ledger"].get_absolute_url()):
        html = client.get(url).content.decode()
        assert "Russian Federation" in html and "Government of Russia" not in html, url
    speaker_page = client.get(reverse("articles:speaker_detail", args=["peskov"])).content
    assert b"Russian Federation" in speaker_page


def test_deleting_an_affiliation_unsets_it_with_history(client, admin_client):
    outlets, articles = build()
    un = Affiliation.objects.get(name="United Nations")
    operations.delete_name(un)
    guterres = Speaker.objects.get(slug="guterres")
    assert guterres.affiliation is None
    assert guterres.history.first().history_change_reason == "affiliation United Nations deleted"
    # the history that named it still reads, the version that had it too
    history = reverse("admin:articles_speaker_history", args=[guterres.pk])
    assert admin_client.get(history).status_code == 200
    older = guterres.history.order_by("history_id").first()
    version = reverse("admin:articles_speaker_simple_history", args=[guterres.pk, older.history_id])
    assert admin_client.get(version).status_code == 200
    html = client.get(outlets["ledger"].get_absolute_url()).content.decode()
    assert "United Nations" not in html


def test_a_page_runs_the_same_queries_however_many_speakers_and_quotes(
    client, django_assert_num_queries
):
    outlets, articles = build()

    def cold(url):
        cache.clear()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = (cold(outlets["ledger"].get_absolute_url()), cold(articles[0].get_absolute_url()))
    ledger = outlets["ledger"]
    for i in range(12):
        group = affiliation(f"Group {i}", side=f"Side {i}")
        speaker = create(Speaker, name=f"Extra {i}", slug=f"extra-{i}", affiliation=group)
        article = create(
            Article,
            slug=f"extra-{i}",
            headline=f"E{i}",
            body=BODY,
            status="published",
            outlet=ledger,
        )
        for j in range(3):
            start, end = WORDS[j]
            create(
                Quote, article=article, start=start, end=end, exact=BODY[start:end], speaker=speaker
            )
            start, end = WORDS[10 + j]
            create(
                Quote,
                article=articles[0],
                start=start,
                end=end,
                exact=BODY[start:end],
                speaker=speaker,
            )
    after = (cold(ledger.get_absolute_url()), cold(articles[0].get_absolute_url()))
    assert after == before
    html = client.get(ledger.get_absolute_url()).content.decode()
    assert len(table(html, "outlet-balance-affiliations", "affiliation")) == 4 + 12
    cache.clear()
    with django_assert_num_queries(before[0]):
        client.get(ledger.get_absolute_url())


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_hostile_names_stay_inert(client, admin_client):
    outlets, articles = build()
    russia = Affiliation.objects.get(name="Government of Russia")
    russia.name, russia.side = HOSTILE, HOSTILE + " side"
    save(russia)
    peskov = Speaker.objects.get(slug="peskov")
    peskov.name = HOSTILE + " speaker"
    save(peskov)
    ledger = outlets["ledger"]
    ledger.name = HOSTILE + " outlet"
    save(ledger)
    urls = [
        articles[0].get_absolute_url(),
        ledger.get_absolute_url(),
        reverse("articles:speaker_detail", args=["peskov"]),
        reverse("articles:speaker_list"),
        "/compare/?group=affiliation&show=all",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img" not in html, url
        assert "&lt;script&gt;alert(1)" in html, url
    # JSON carries the text as it is, as data
    answer = client.get("/api/v1/speakers/peskov")
    assert answer["Content-Type"].startswith("application/json")
    assert (answer.json()["affiliation"], answer.json()["affiliation_side"]) == (
        HOSTILE,
        HOSTILE + " side",
    )
    admin_urls = [
        reverse("admin:articles_affiliation_changelist"),
        reverse("admin:articles_speaker_changelist"),
        reverse("admin:articles_speaker_change", args=[peskov.pk]),
        reverse("admin:articles_article_annotate", args=[articles[0].pk]),
    ]
    for url in admin_urls:
        html = admin_client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;alert(1)" in html, url


def test_the_seed_has_its_sides():
    load_seed()
    peskov = Speaker.objects.select_related("affiliation").get(slug="dmitry-peskov")
    assert (peskov.affiliation.name, peskov.affiliation.country, peskov.category) == (
        "Government of Russia",
        "RU",
        "official",
    )
    milley = Speaker.objects.select_related("affiliation").get(slug="mark-milley")
    assert (milley.affiliation.name, milley.category) == ("United States Armed Forces", "military")
    assert not Speaker.objects.filter(category="").exists()  # every seed speaker is categorised


def test_the_seed_articles_balance(client):
    load_seed()
    article = Article.objects.get()
    html = client.get(article.get_absolute_url()).content.decode()
    found = table(html, "article-balance-affiliations", "affiliation")
    visible = Quote.objects.visible().exclude(speaker=None).select_related("speaker__affiliation")
    counts = Counter(q.speaker.affiliation.name if q.speaker.affiliation else "" for q in visible)
    check(found, counts)
    assert found["Government of Russia"][0] == max(n for n, _ in found.values())


def test_the_exports_name_the_affiliation_and_kind_of_source(client):
    import csv
    import io

    load_seed()
    quotes = b"".join(client.get("/export/quotes.csv").streaming_content).decode()
    rows = [r for r in csv.DictReader(io.StringIO(quotes)) if r["speaker"] == "Dmitry Peskov"]
    assert rows and {(r["speaker_affiliation"], r["speaker_category"]) for r in rows} == {
        ("Government of Russia", "official")
    }
    speakers = b"".join(client.get("/export/speakers.csv").streaming_content).decode()
    found = {r["speaker"]: r for r in csv.DictReader(io.StringIO(speakers))}
    assert (found["mark-milley"]["affiliation"], found["mark-milley"]["category"]) == (
        "United States Armed Forces",
        "military",
    )
    assert found["associated-press"]["affiliation"] == ""  # none: an empty cell
    article = Article.objects.get()
    document = client.get(f"{article.get_absolute_url()}annotations.jsonld").json()
    sources = [
        body["source"]
        for item in document["first"]["items"]
        for body in item["body"]
        if isinstance(body, dict)
        and body.get("purpose") == "identifying"
        and body["source"].get("name") == "Dmitry Peskov"
    ]
    assert sources and {s["affiliation"] for s in sources} == {"Government of Russia"}
    api = client.get("/api/v1/speakers/dmitry-peskov").json()
    assert (api["affiliation"], api["affiliation_country"], api["category"]) == (
        "Government of Russia",
        "RU",
        "official",
    )
