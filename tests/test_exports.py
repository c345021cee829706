"""CSV exports (``articles.exports.tabular``, ``copy``): what readers see, for any list, read
back with ``csv``, streamed in chunks, never a draft or a suggestion, and safe to open in a
spreadsheet."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.exports import copy, query, tabular
from articles.models import Article, Outlet, Place, PlaceMention, Quote, Span, Speaker
from tests.ops import add_places, affiliation, create, load_seed, save

pytestmark = pytest.mark.django_db
BODY = "Peskov said Kyiv was calm. Kovalenko said Kherson was shelled. Odesa waited."


def read(response) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def quotes_csv(client, **query) -> list[dict[str, str]]:
    return read(client.get(reverse("articles:export_quotes"), query))


def mentions_csv(client, **query) -> list[dict[str, str]]:
    return read(client.get(reverse("articles:export_mentions"), query))


def world():
    """Two published articles of two outlets and a draft, with quotes, mentions and places."""
    ledger = create(Outlet, name="Ledger", slug="ledger", domain="ledger.example")
    wire = create(Outlet, name="Wire", slug="wire", domain="wire.example")
    peskov = create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov", role="spokesman")
    kovalenko = create(Speaker, name="Taras Kovalenko", slug="taras-kovalenko")
    kyiv = create(Place, name="Kyiv", slug="kyiv", latitude=50.45, longitude=30.52)
    kherson = create(Place, name="Kherson", slug="kherson", latitude=46.63, longitude=32.61)
    articles = [
        create(
            Article,
            slug=f"story-{n}",
            headline=f"Story {n}",
            body=BODY,
            status=status,
            outlet=outlet,
            published_on=f"2024-0{n + 1}-01",
        )
        for n, (outlet, status) in enumerate(
            [(ledger, "published"), (wire, "published"), (ledger, "draft")]
        )
    ]
    for article in articles:
        first = create(Quote, article=article, start=0, end=25, exact=BODY[:25], speaker=peskov)
        add_places(first, kyiv)
        second = create(
            Quote, article=article, start=27, end=62, exact=BODY[27:62], speaker=kovalenko
        )
        add_places(second, kherson)
        create(PlaceMention, article=article, start=12, end=16, exact="Kyiv", place=kyiv)
        create(PlaceMention, article=article, start=46, end=53, exact="Kherson", place=kherson)
    return articles, (peskov, kovalenko), (kyiv, kherson)


def test_the_seeds_quotes_read_back_as_they_are(client):
    load_seed()
    rows = quotes_csv(client)
    quotes = Quote.objects.visible().select_related("article", "speaker")
    assert len(rows) == quotes.count() > 20
    assert list(rows[0]) == tabular.QUOTE_HEADER
    by_id = {int(row["quote_id"]): row for row in rows}
    for quote in quotes:
        row = by_id[quote.pk]
        assert row["text"].lstrip("'") == quote.exact
        assert (int(row["start"]), int(row["end"])) == (quote.start, quote.end)
        assert row["speaker"] == (quote.speaker.name if quote.speaker else "")
        assert row["kind"] == quote.kind and row["status"] == "confirmed"
        assert row["article_url"] == f"http://testserver{quote.article.get_absolute_url()}"
        assert row["quote_url"].endswith(f"/articles/{quote.article.slug}/quotes/{quote.pk}/")
        assert row["places"] == "; ".join(sorted(p.name for p in quote.places.all()))
        assert row["outlet"] == "The Libertarian Institute"
    mentions = mentions_csv(client)
    assert len(mentions) == PlaceMention.objects.visible().filter(place__isnull=False).count()
    assert list(mentions[0]) == tabular.MENTION_HEADER


def test_filters_choose_the_lists_quotes_and_mentions(client):
    world()
    assert {r["article"] for r in quotes_csv(client)} == {"story-0", "story-1"}  # no draft
    assert {r["speaker"] for r in quotes_csv(client, speaker="dmitry-peskov")} == {"Dmitry Peskov"}
    about = quotes_csv(client, place="kherson")
    assert {r["places"] for r in about} == {"Kherson"} and len(about) == 2
    assert {r["article"] for r in quotes_csv(client, outlet="wire")} == {"story-1"}
    assert {r["place"] for r in mentions_csv(client, place="kyiv")} == {"Kyiv"}
    assert {r["article"] for r in mentions_csv(client, outlet="ledger.example")} == {"story-0"}
    assert {r["article"] for r in quotes_csv(client, year="2024", q="Kherson")} == {
        "story-0",
        "story-1",
    }
    assert quotes_csv(client, q="nowhere-to-be-found") == []


def test_no_draft_suggestion_rejected_or_orphaned_span_is_ever_exported(client):
    articles, (peskov, _), (kyiv, _) = world()
    published = articles[0]
    for status in (Span.Status.SUGGESTED, Span.Status.REJECTED):
        create(Quote, article=published, start=64, end=76, exact=BODY[64:76], status=status)
        create(
            PlaceMention,
            article=published,
            start=64,
            end=69,
            exact="Odesa",
            status=status,
            place=kyiv,
        )
    for orphan in (
        create(Quote, article=published, start=64, end=76, exact=BODY[64:76]),
        create(PlaceMention, article=published, start=64, end=69, exact="Odesa", place=kyiv),
    ):
        orphan.anchored = False
        save(orphan)
    staff = User.objects.create_user("editor", is_staff=True, is_superuser=True)
    for who in (None, staff):
        if who:
            client.force_login(who)
        rows = quotes_csv(client)
        assert {(r["article"], r["text"]) for r in rows} == {
            (a.slug, text) for a in articles[:2] for text in (BODY[:25], BODY[27:62])
        }, who
        assert {r["text"] for r in mentions_csv(client)} == {"Kyiv", "Kherson"}
        assert "story-2" not in {r["article"] for r in mentions_csv(client, place="kyiv")}


def test_formula_cells_are_escaped_and_numbers_are_not(client, make_article):
    body = "=HYPERLINK(1) said +Danger. @once -minus"
    article = make_article(body=body)
    speaker = create(Speaker, name="+SUM(A1)", slug="sum", role="=cmd|' /C calc'!A0")
    west = create(Place, name="@Westville", slug="west", latitude=-33.5, longitude=-70.6)
    quote = create(Quote, article=article, start=0, end=13, exact=body[:13], speaker=speaker)
    add_places(quote, west)
    create(PlaceMention, article=article, start=34, end=40, exact="-minus", place=west)
    row = quotes_csv(client)[0]
    assert row["text"] == "'=HYPERLINK(1)"
    assert row["speaker"] == "'+SUM(A1)" and row["speaker_role"] == "'=cmd|' /C calc'!A0"
    assert row["places"] == "'@Westville"
    mention = mentions_csv(client)[0]
    assert mention["text"] == "'-minus" and mention["place"] == "'@Westville"
    assert (mention["latitude"], mention["longitude"]) == ("-33.5", "-70.6")
    places = read(client.get(reverse("articles:export_places")))
    assert places[0]["name"] == "'@Westville" and places[0]["longitude"] == "-70.6"


HOUSEKEEPING = ("SAVEPOINT", "RELEASE SAVEPOINT", "SET LOCAL")


def test_an_export_is_one_query_streamed_a_chunk_at_a_time(client, make_article, monkeypatch):
    speaker = create(Speaker, name="Peskov", slug="peskov")
    kyiv = create(Place, name="Kyiv", slug="kyiv", latitude=50.45, longitude=30.52)

    def export() -> tuple[list[bytes], int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("articles:export_quotes"))
            pieces = list(response.streaming_content)
        # What reads the rows; not the savepoint and the SET LOCAL work_mem around a COPY.
        reads = [q for q in queries.captured_queries if not q["sql"].startswith(HOUSEKEEPING)]
        return pieces, len(reads)

    for n in range(33):
        article = make_article(body=BODY)
        quote = create(Quote, article=article, start=0, end=25, exact=BODY[:25], speaker=speaker)
        if n % 2:
            add_places(quote, kyiv)
    # Python writes a piece per chunk of rows; PostgreSQL's COPY a piece per so many bytes.
    monkeypatch.setattr(query, "CHUNK", 1000)
    monkeypatch.setattr(copy, "PIECE_BYTES", 1_000_000)
    whole, queries = export()
    monkeypatch.setattr(query, "CHUNK", 10)
    monkeypatch.setattr(copy, "PIECE_BYTES", 2_000)
    pieces, chunked_queries = export()
    assert queries == chunked_queries == 1  # places and annotators are subqueries of it
    assert len(whole) <= 2 < 4 <= len(pieces)  # never the whole at once (the header apart)
    assert b"".join(pieces) == b"".join(whole) and b"".join(whole).count(b"\n") == 34


def test_the_annotator_is_whoever_created_the_quote(client, make_article):
    article = make_article(body=BODY)
    quote = create(Quote, article=article, start=0, end=25, exact=BODY[:25])
    ines = User.objects.create_user("ines")
    quote.history.filter(history_type="+").update(history_user=ines)  # as the admin records it
    save(quote)  # a later change by someone else is not who annotated it
    (row,) = quotes_csv(client)
    assert row["annotated_by"] == "ines" and row["annotated_at"][:4].isdigit()


def test_the_speaker_and_place_lists_export_only_public_names(client):
    world()
    create(Speaker, name="Only In Drafts", slug="only-in-drafts")
    speakers = read(client.get(reverse("articles:export_speakers")))
    assert [r["speaker"] for r in speakers] == ["dmitry-peskov", "taras-kovalenko"]
    assert speakers[0]["quotes"] == "2" and speakers[0]["url"].endswith("/speakers/dmitry-peskov/")
    places = read(client.get(reverse("articles:export_places")))
    assert {r["place"] for r in places} == {"kyiv", "kherson"}
    assert {r["mentions"] for r in places} == {"2"}


def test_every_list_links_its_export(client):
    articles, (peskov, _), (kyiv, _) = world()
    pages = {
        reverse("articles:article_list") + "?outlet=wire": ["quotes.csv?outlet=wire"],
        peskov.get_absolute_url(): ["quotes.csv?speaker=dmitry-peskov"],
        kyiv.get_absolute_url(): [
            "quotes.csv?place=kyiv",
            "mentions.csv?place=kyiv",
            "places.geojson?place=kyiv",
            "mentions.geojson?place=kyiv",
        ],
        Outlet.objects.get(slug="ledger").get_absolute_url(): ["mentions.csv?outlet=ledger"],
        reverse("articles:speaker_list"): ["/export/speakers.csv"],
        reverse("articles:place_list"): ["/export/places.csv"],
    }
    for page, links in pages.items():
        html = client.get(page).content.decode()
        for link in links:
            assert link in html, (page, link)


# GeoJSON, read by the ``geojson`` package (an independent implementation of RFC 7946)


def geojson_of(client, name: str, **query):
    import geojson

    response = client.get(reverse(f"articles:{name}"), query)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/geo+json; charset=utf-8"
    collection = geojson.loads(b"".join(response.streaming_content).decode("utf-8"))
    assert isinstance(collection, geojson.FeatureCollection)
    assert collection.is_valid, collection.errors()
    return collection


def test_places_and_mentions_as_geojson_longitude_first(client):
    articles, _, (kyiv, kherson) = world()
    places = geojson_of(client, "export_places_geojson")
    by_name = {f["properties"]["name"]: f for f in places["features"]}
    assert set(by_name) == {"Kyiv", "Kherson"}
    assert by_name["Kyiv"]["geometry"]["coordinates"] == [30.52, 50.45]  # longitude, latitude
    assert by_name["Kyiv"]["properties"]["mentions"] == 2  # the draft's is not counted
    assert by_name["Kyiv"]["properties"]["url"] == "http://testserver/places/kyiv/"
    # A filter counts within its list.
    wire = geojson_of(client, "export_places_geojson", outlet="wire")
    assert {f["properties"]["mentions"] for f in wire["features"]} == {1}
    assert {f["properties"]["quotes_about"] for f in wire["features"]} == {1}
    mentions = geojson_of(client, "export_mentions_geojson", place="kherson")
    assert [f["properties"]["article"] for f in mentions["features"]] == ["story-0", "story-1"]
    assert mentions["features"][0]["geometry"]["coordinates"] == [32.61, 46.63]
    assert mentions["features"][0]["properties"]["text"] == "Kherson"


def test_geojson_holds_no_hidden_span_and_escapes_names(client, make_article):
    body = 'Odesa waited. "</script><b>x</b>" said nobody.'
    article = make_article(body=body)
    odd = create(Place, name='Odesa "</script>', slug="odesa", latitude=46.48, longitude=30.73)
    create(PlaceMention, article=article, start=0, end=5, exact="Odesa", place=odd)
    draft = make_article(body=body, status=Article.Status.DRAFT)
    create(PlaceMention, article=draft, start=0, end=5, exact="Odesa", place=odd)
    create(PlaceMention, article=article, start=0, end=5, exact="Odesa", status="suggested")
    mentions = geojson_of(client, "export_mentions_geojson")
    assert [f["properties"]["article"] for f in mentions["features"]] == [article.slug]
    places = geojson_of(client, "export_places_geojson")
    assert places["features"][0]["properties"]["name"] == 'Odesa "</script>'


def test_geojson_exports_take_the_same_queries_however_many_places(client, make_article):
    def queries(name: str, **query) -> int:
        cache.clear()  # filtered counts are kept until a commit retires them: count them all
        with CaptureQueriesContext(connection) as captured:
            geojson_of(client, name, **query)
        return len(captured)

    def add_place(n: int) -> None:
        article = make_article(body=BODY)
        place = create(Place, name=f"Place {n}", slug=f"place-{n}", latitude=n, longitude=n)
        create(PlaceMention, article=article, start=12, end=16, exact="Kyiv", place=place)

    add_place(0)
    few = [
        queries(name, **q)
        for name in ("export_places_geojson", "export_mentions_geojson")
        for q in ({}, {"year": "2024"})
    ]
    for n in range(1, 12):
        add_place(n)
    many = [
        queries(name, **q)
        for name in ("export_places_geojson", "export_mentions_geojson")
        for q in ({}, {"year": "2024"})
    ]
    assert few == many and max(many) <= 3  # the places (and, filtered, two counts) or mentions


HOSTILE = [
    "plain",
    'a "quoted" word, and a comma',
    "two\nlines",
    "windows\r\nline",
    "a lone\rreturn",
    "=1+1",
    "+SUM(A1)",
    "-minus",
    "@at",
    "\ttab first",
    "\rreturn first",
    "",
    "back\\slash \\.",
    "\\.",
    "  spaces  ",
    "ünïcode – “curly” 😀 שלום",
    "'already quoted",
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_postgresql_writes_the_same_csv_as_python_byte_for_byte(make_article):
    """The COPY writer is checked against Python's csv writer, the reference, on hostile text
    in every kind of column: text, numbers (negative, fractional, missing), dates, times, URLs."""
    for n, text in enumerate(HOSTILE):
        outlet = create(Outlet, name=text or "x", slug=f"o{n}", domain=f"o{n}.example")
        article = make_article(body=f"{text or 'x'} said Kyiv.", outlet=outlet)
        article.headline = text or "untitled"
        article.published_on = None if n % 3 == 0 else f"2024-0{n % 9 + 1}-1{n % 10}"
        save(article)
        speaker = create(
            Speaker,
            name=text or "Someone",
            slug=f"s{n}",
            role=text,
            affiliation=affiliation(text),
            category=["", *Speaker.Category.values][n % 10],
        )
        place = create(
            Place,
            name=text or "Nowhere",
            slug=f"p{n}",
            latitude=-33.5 + n / 7,
            longitude=1e-05 * n - 70.6,
            geonames_id=None if n % 2 else 700 + n,
            country_code="UA" if n % 2 else "",
        )
        end = len(text or "x")
        quote = create(
            Quote, article=article, start=0, end=end, exact=(text or "x"), speaker=speaker
        )
        add_places(quote, place)
        create(PlaceMention, article=article, start=0, end=end, exact=text or "x", place=place)
        create(Quote, article=article, start=0, end=end, exact=text or "x", speaker=None)
    filters = search_filters()

    def absolute(path: str) -> str:
        return "https://newsroom.example" + path

    for table, spans in (
        (tabular.QUOTES, tabular.quote_source(query.quotes_for(filters))),
        (tabular.MENTIONS, tabular.mention_source(query.mentions_for(filters))),
    ):
        by_python = "".join(
            tabular.csv_pieces(tabular.span_rows(absolute, table, spans), table.header)
        )
        for whole in (False, True):  # joined for the chosen spans, or whole in parallel
            by_postgresql = b"".join(copy.copy_pieces(absolute, table, spans, whole)).decode()
            assert by_postgresql == by_python, whole
        rows = list(csv.reader(io.StringIO(by_python, newline="")))
        assert len(rows) == 1 + len(HOSTILE) * (2 if table is tabular.QUOTES else 1)


def search_filters():
    from articles import search

    return search.Filters()
