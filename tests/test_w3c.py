"""W3C Web Annotation out: the article's and the corpus's JSON-LD pass our checks of the W3C test
suite's MUSTs, expand with a JSON-LD processor (pyld) against the bundled context only, answer
content negotiation on the article URL (and the page cache keeps the two apart), run a constant
number of queries, and keep hostile text valid JSON."""

import json

import pytest
from django.core.cache import cache
from pyld import jsonld

from articles.exports import w3c
from articles.models import Article, Place, PlaceMention, Quote, Speaker
from tests import w3c_musts
from tests.ops import add_places, create, load_seed

OA = "http://www.w3.org/ns/oa#"
SCHEMA = "http://schema.org/"


def bundled_only(url, options=None):
    """A pyld document loader that serves the bundled W3C context and nothing else."""
    if url != w3c.ANNO_CONTEXT:
        raise AssertionError(f"a context was fetched: {url}")
    return {"contextUrl": None, "documentUrl": url, "document": w3c.bundled(url)}


def expand(document):
    return jsonld.expand(document, {"documentLoader": bundled_only})


@pytest.fixture
def seeded(db):
    load_seed()
    return Article.objects.published().get()


def article_doc(client, article):
    response = client.get(f"/articles/{article.slug}/annotations.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == w3c.CONTENT_TYPE
    return response.json()


def test_the_seed_articles_collection_passes_the_musts(client, seeded):
    document = article_doc(client, seeded)
    assert w3c_musts.collection_failures(document) == []
    n = seeded.n_quotes + seeded.n_mentions
    assert document["total"] == n == len(document["first"]["items"])
    page = client.get(document["last"]).json()
    assert w3c_musts.page_failures(page) == []
    assert page["items"] == document["first"]["items"]


def test_each_annotations_iri_answers_it_alone(client, seeded):
    items = article_doc(client, seeded)["first"]["items"]
    mention = next(i for i in items if i["motivation"] == "identifying")
    response = client.get(mention["id"], HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 200 and "Accept" in response["Vary"]
    alone = response.json()
    assert w3c_musts.standalone_annotation_failures(alone) == []
    assert {k: v for k, v in alone.items() if k != "@context"} == mention
    assert client.get(mention["id"]).status_code == 302  # a reader goes to the place's page
    quote = next(i for i in items if i["motivation"] == "classifying")
    panel = client.get(quote["id"])
    assert panel.status_code == 200 and "Accept" in panel["Vary"]  # the quote's panel
    response = client.get(quote["id"], HTTP_ACCEPT="application/ld+json")
    assert response["Content-Type"] == w3c.CONTENT_TYPE and "Accept" in response["Vary"]
    alone = response.json()
    assert w3c_musts.standalone_annotation_failures(alone) == []
    assert {k: v for k, v in alone.items() if k != "@context"} == quote


def test_the_checks_catch_broken_documents():
    """The MUST checks are not vacuous: each kind of breakage is named."""
    good = {
        "@context": w3c_musts.ANNO,
        "id": "http://example.org/a/1",
        "type": "Annotation",
        "target": "http://example.org/page",
    }
    assert w3c_musts.standalone_annotation_failures(good) == []
    cases = {
        "3.1-annotationContextValidated": {**good, "@context": "http://example.org/ctx"},
        "3.1-annotationTypeValidated": {**good, "type": "Note"},
        "3.1-targetKeyFound": {k: v for k, v in good.items() if k != "target"},
        "3.2.5-notBodyBodyValue": {**good, "body": "http://example.org/b", "bodyValue": "x"},
        "3.3.1-annotationCreatedValidated": {**good, "created": "yesterday"},
        "3.3.5-motivationRecognizedIfPresent": {**good, "motivation": "quoting"},
        "4-bodySpecificResourceNoValue": {
            **good,
            "body": {"type": "SpecificResource", "source": "http://x.org/", "value": "v"},
        },
        "3.3.5-bodyEWRNoPurpose": {
            **good,
            "body": {"id": "http://x.org/", "purpose": "tagging"},
        },
        "4.2.4-textQuoteSelectorValid": {
            **good,
            "target": {"source": "http://x.org/", "selector": {"type": "TextQuoteSelector"}},
        },
        "4.2-TextDataPositionSelectorValid": {
            **good,
            "target": {
                "source": "http://x.org/",
                "selector": {"type": "TextPositionSelector", "start": -1, "end": 2},
            },
        },
        "3.2.4-targNoTypeTextualBody": {**good, "target": {"type": "TextualBody", "value": "x"}},
    }
    for assertion, document in cases.items():
        broken = w3c_musts.standalone_annotation_failures(document)
        assert any(b.startswith(assertion) for b in broken), (assertion, broken)
    collection = {
        "@context": w3c_musts.ANNO,
        "id": "http://x.org/c",
        "type": "AnnotationCollection",
    }
    assert w3c_musts.collection_failures(collection) == []
    assert w3c_musts.collection_failures({**collection, "total": 3})[0].startswith(
        "5.1-collectionFirstValidated"
    )
    page = {"@context": w3c_musts.ANNO, "id": "http://x.org/p", "type": "AnnotationPage"}
    assert w3c_musts.page_failures(page)[0].startswith("5.2-pageItemsValidated")
    assert w3c_musts.page_failures({**page, "items": [], "partOf": {"id": "x"}})[0].startswith(
        "5.2-pagePartOfValidated"
    )


def test_it_expands_with_pyld_against_the_bundled_context(client, seeded):
    document = article_doc(client, seeded)
    [collection] = expand(document)
    assert collection["@type"] == ["http://www.w3.org/ns/activitystreams#OrderedCollection"]
    [page] = collection["http://www.w3.org/ns/activitystreams#first"]
    items = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    assert len(items) == document["total"]
    by_id = {item["@id"]: item for item in items}
    quote = next(i for i in document["first"]["items"] if i["motivation"] == "classifying")
    expanded = by_id[quote["id"]]
    assert expanded["@type"] == [OA + "Annotation"]
    assert expanded[OA + "motivatedBy"] == [{"@id": OA + "classifying"}]
    [target] = expanded[OA + "hasTarget"]
    assert target[OA + "hasSource"] == [{"@id": quote["target"]["source"]}]
    selectors = {s["@type"][0]: s for s in target[OA + "hasSelector"]}
    exact = selectors[OA + "TextQuoteSelector"][OA + "exact"][0]["@value"]
    position = selectors[OA + "TextPositionSelector"]
    start = int(position[OA + "start"][0]["@value"])
    end = int(position[OA + "end"][0]["@value"])
    assert seeded.body[start:end] == exact  # the position counts the body's code points
    bodies = expanded[OA + "hasBody"]
    purposes = {b[OA + "hasPurpose"][0]["@id"] for b in bodies}
    assert {OA + "identifying", OA + "tagging"} <= purposes
    speaker = next(b for b in bodies if b[OA + "hasPurpose"][0]["@id"] == OA + "identifying")
    source = speaker[OA + "hasSource"][0]
    assert source["@type"][0] in (
        "http://xmlns.com/foaf/0.1/Person",
        "http://xmlns.com/foaf/0.1/Organization",
    )
    assert source["http://xmlns.com/foaf/0.1/name"][0]["@value"]
    place = next(
        b[OA + "hasSource"][0]
        for item in items
        for b in item.get(OA + "hasBody", [])
        if b.get(OA + "hasSource", [{}])[0].get("@type") == [SCHEMA + "Place"]
    )
    assert isinstance(place[SCHEMA + "latitude"][0]["@value"], float)
    assert place[SCHEMA + "latitude"][0]["@type"] == "http://www.w3.org/2001/XMLSchema#double"


def test_wikidata_and_geonames_iris_where_known(client, make_article):
    article = make_article(body="Peskov said Kyiv would talk.", slug="iris")
    peskov = create(Speaker, name="Dmitry Peskov", slug="peskov", wikidata_id="Q1113435")
    kyiv = create(
        Place, name="Kyiv", slug="kyiv", latitude=50.45, longitude=30.52, geonames_id=703448
    )
    other = create(Place, name="Nowhere", slug="nowhere", latitude=1, longitude=2)
    quote = create(Quote, article=article, start=0, end=27, exact=article.body[:27], speaker=peskov)
    add_places(quote, kyiv, other)
    create(PlaceMention, article=article, start=12, end=16, exact="Kyiv", place=kyiv)
    items = article_doc(client, article)["first"]["items"]
    sources = [b["source"]["id"] for i in items for b in i["body"] if "source" in b]
    assert "http://www.wikidata.org/entity/Q1113435" in sources
    assert "https://sws.geonames.org/703448/" in sources
    assert "http://testserver/places/nowhere/" in sources  # our page where GeoNames is unknown


def test_the_corpus_pages_by_keyset(client, seeded, make_article, monkeypatch):
    monkeypatch.setattr(w3c, "PAGE_SIZE", 7)
    extra = make_article(body="Kyiv said it would talk.")
    create(Quote, article=extra, start=0, end=24, exact=extra.body[:24])
    collection = client.get("/annotations.jsonld").json()
    assert w3c_musts.collection_failures(collection) == []
    total = collection["total"]
    assert total == seeded.n_quotes + seeded.n_mentions + 1
    seen, url, index = [], collection["first"], 0
    while url:
        page = client.get(url).json()
        assert w3c_musts.page_failures(page) == []
        assert page["startIndex"] == index and page["partOf"] == collection["id"]
        assert len(page["items"]) <= 7
        seen += [i["id"] for i in page["items"]]
        index += len(page["items"])
        url = page.get("next")
    assert len(seen) == len(set(seen)) == total
    backwards, url = [], collection["last"]
    while url:
        page = client.get(url).json()
        assert w3c_musts.page_failures(page) == []
        assert page["startIndex"] == total - len(backwards) - len(page["items"])
        backwards = [i["id"] for i in page["items"]] + backwards
        url = page.get("prev")
    assert backwards == seen


@pytest.mark.parametrize(
    "query",
    [
        "page=2",
        "after=x1&index=0",
        "after=q1&index=-1",
        "after=q1",
        "before=q1&index=1e3",
        "after=q" + "9" * 30 + "&index=0",
        "index=3&after=%00",
    ],
)
def test_a_bad_corpus_page_is_a_clear_400(client, db, query):
    response = client.get(f"/annotations.jsonld?{query}")
    assert response.status_code == 400
    assert response.json()["error"].split(":")[0] in {"page", "after", "before", "index"}


def test_queries_do_not_grow_with_the_annotations(client, make_article, django_assert_num_queries):
    counts = []
    for n in (2, 30):
        article = make_article(body=" ".join(f"Word{i} said." for i in range(n)))
        speaker = create(Speaker, name=f"S{n}", slug=f"s{n}")
        place = create(Place, name=f"P{n}", slug=f"p{n}", latitude=1, longitude=1)
        position = 0
        for i in range(n):
            word = f"Word{i}"
            position = article.body.index(word, position)
            quote = create(
                Quote,
                article=article,
                start=position,
                end=position + len(word),
                exact=word,
                speaker=speaker,
            )
            add_places(quote, place)
            create(
                PlaceMention,
                article=article,
                start=position,
                end=position + 4,
                exact="Word",
                place=place,
            )
        cache.clear()
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/articles/{article.slug}/annotations.jsonld").status_code == 200
        counts.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/annotations.jsonld?page=first").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    assert counts[0] <= 5 and counts[1] <= 4, counts


def test_content_negotiation_on_the_article_url(client, seeded):
    url = f"/articles/{seeded.slug}/"
    html = client.get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert html["Content-Type"].startswith("text/html") and "Accept" in html["Vary"]
    for accept in (
        "application/ld+json",
        'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld", text/html;q=0.5',
    ):
        response = client.get(url, HTTP_ACCEPT=accept)
        assert response["Content-Type"] == w3c.CONTENT_TYPE and "Accept" in response["Vary"]
        assert response.json() == article_doc(client, seeded)
        assert response["ETag"] != html["ETag"]
        again = client.get(url, HTTP_ACCEPT=accept, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
    for accept in ("*/*", "text/html, application/ld+json", "application/ld+json;q=0", ""):
        assert client.get(url, HTTP_ACCEPT=accept)["Content-Type"].startswith("text/html")


def test_the_page_cache_keeps_html_and_jsonld_apart(client, seeded, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    url = f"/articles/{seeded.slug}/"
    for first, second in (
        ("text/html", "application/ld+json"),
        ("application/ld+json", "text/html"),
    ):
        cache.clear()
        warm = client.get(url, HTTP_ACCEPT=first)
        assert warm["X-Page-Cache"] == "miss"
        hit = client.get(url, HTTP_ACCEPT=first)
        assert hit["X-Page-Cache"] == "hit"
        other = client.get(url, HTTP_ACCEPT=second)
        assert other["X-Page-Cache"] == "miss"
        assert other["Content-Type"].split(";")[0] != warm["Content-Type"].split(";")[0]


def test_an_edit_retires_the_cached_jsonld(
    client, seeded, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    url = f"/articles/{seeded.slug}/annotations.jsonld"
    before = client.get(url).json()
    assert client.get(url)["X-Page-Cache"] == "hit"
    quote = seeded.quotes.shown().first()
    quote.note = "A note added after the page was cached."
    from articles import operations

    with django_capture_on_commit_callbacks(execute=True):
        operations.save_span(quote)
    after = client.get(url)
    assert after["X-Page-Cache"] == "miss" and after.json() != before


HOSTILE = [
    "</script><script>alert(1)</script>",
    "He said \"no\" \\ and 'yes'",
    "tab\tnew\nline\x01soh\x1b[31mesc\u2028sep\u202eRTL",
    "🇺🇦 e\u0301",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_valid_json(client, make_article, text):
    body = "Prefix words. " + text + " suffix words."
    article = make_article(body=body, headline=text[:100])
    speaker = create(Speaker, name=text[:100], slug="hostile", role=text[:100])
    start = body.index(text)
    create(
        Quote,
        article=article,
        start=start,
        end=start + len(text),
        exact=text,
        speaker=speaker,
        note=text,
    )
    response = client.get(f"/articles/{article.slug}/annotations.jsonld")
    raw = response.content.decode("utf-8")
    document = json.loads(raw)  # strict JSON: control characters must be escaped
    assert "\x01" not in raw and "\x1b" not in raw
    [item] = document["first"]["items"]
    assert item["target"]["selector"][0]["exact"] == text
    assert any(b.get("value") == text for b in item["body"])
    assert item["body"][0]["source"]["name"] == text[:100]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert w3c_musts.collection_failures(document) == []


def test_the_jsonld_built_once_per_revision_follows_a_renamed_speaker(
    client, seeded, django_assert_max_num_queries
):
    document = article_doc(client, seeded)
    with django_assert_max_num_queries(2):  # the article; its JSON-LD is kept per revision
        assert article_doc(client, seeded) == document
    speaker = Speaker.objects.get(slug="dmitry-peskov")
    speaker.name = "Dmitry S. Peskov"
    from articles import operations

    operations.save_name(speaker)
    names = {
        b["source"]["name"]
        for item in article_doc(client, seeded)["first"]["items"]
        for b in item["body"]
        if "source" in b
    }
    assert "Dmitry S. Peskov" in names and "Dmitry Peskov" not in names


def test_times_are_utc_to_the_second_as_the_database_keeps_them(client, make_article):
    """``created``/``modified`` are written by the database (``IsoSeconds``): the span's times
    in UTC, the fraction of a second cut, never rounded up into the next second."""
    import datetime

    article = make_article(body="Kyiv said it would talk.", slug="times")
    quote = create(Quote, article=article, start=0, end=24, exact=article.body)
    created = datetime.datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=datetime.UTC)
    modified = datetime.datetime(2024, 3, 1, 1, 2, 3, 500_000, tzinfo=datetime.UTC)
    Quote.objects.filter(pk=quote.pk).update(created_at=created, updated_at=modified)
    cache.clear()
    [item] = article_doc(client, article)["first"]["items"]
    assert (item["created"], item["modified"]) == ("2024-02-29T23:59:59Z", "2024-03-01T01:02:03Z")


@pytest.mark.parametrize("text", HOSTILE)
def test_dumps_writes_what_pythons_json_writes(text):
    document = {"a": [text, {"b": text, "n": 1.5, "i": -3, "t": True, "z": None}], text: 50.45}
    python = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    assert w3c.dumps(document) == python


def test_the_collector_is_paused_only_while_a_document_is_built():
    import gc

    assert gc.isenabled()
    with pytest.raises(ValueError), w3c.collector_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
