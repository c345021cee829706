"""W3C Web Annotation in: ``import_annotations FILE --article SLUG`` anchors each annotation by
its quote (the position a hint), keeps what cannot be anchored as a listed orphan, and an
article's export imported into an empty database gives back the same spans, speakers, kinds and
places. Drafts, suggestions, rejected spans and orphans never reach an anonymous client."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles import operations
from articles.exports import w3c_import
from articles.models import Article, Place, PlaceMention, Quote, Span, Speaker
from tests.ops import create, delete_all_articles, load_seed


def run(path, slug):
    out = StringIO()
    call_command("import_annotations", str(path), article=slug, stdout=out)
    return out.getvalue()


def snapshot(article):
    """What the round trip must give back, by value (no ids)."""
    quotes = sorted(
        (
            q.start,
            q.end,
            q.exact,
            q.kind,
            q.note,
            (
                q.speaker.name,
                q.speaker.kind,
                q.speaker.role,
                q.speaker.affiliation,
                q.speaker.wikidata_id,
            )
            if q.speaker
            else None,
            tuple(
                sorted(
                    (p.name, p.kind, p.latitude, p.longitude, p.country_code, p.geonames_id)
                    for p in q.places.all()
                )
            ),
        )
        for q in article.quotes.shown()
    )
    mentions = sorted(
        (
            m.start,
            m.end,
            m.exact,
            m.place.name,
            m.place.kind,
            m.place.latitude,
            m.place.longitude,
            m.place.country_code,
            m.place.geonames_id,
        )
        for m in article.place_mentions.shown()
    )
    return quotes, mentions


@pytest.mark.django_db(transaction=True)
def test_round_trip_export_import_into_an_empty_database(client, tmp_path):
    load_seed()
    article = Article.objects.published().get()
    expected = snapshot(article)
    assert len(expected[0]) > 10 and len(expected[1]) > 10
    exported = client.get(f"/articles/{article.slug}/annotations.jsonld").content
    (tmp_path / "seed.jsonld").write_bytes(exported)
    fields = {f: getattr(article, f) for f in ("slug", "headline", "body")}
    delete_all_articles()
    for model in (Speaker, Place):
        for obj in model.objects.all():
            operations.delete_name(obj)
    assert (
        not Quote.objects.exists() and not Speaker.objects.exists() and not Place.objects.exists()
    )
    empty = create(Article, status=Article.Status.PUBLISHED, **fields)
    output = run(tmp_path / "seed.jsonld", empty.slug)
    assert "0 orphan" in output
    assert snapshot(Article.objects.get(pk=empty.pk)) == expected
    # ... and again: nothing is made twice
    assert f"{len(expected[0]) + len(expected[1])} already there" in run(
        tmp_path / "seed.jsonld", empty.slug
    )
    assert snapshot(Article.objects.get(pk=empty.pk)) == expected


def hypothesis_row(exact, prefix, suffix, start, text="", tags=()):
    return {
        "id": "hyp-1",
        "uri": "https://example.org/article",
        "text": text,
        "tags": list(tags),
        "target": [
            {
                "source": "https://example.org/article",
                "selector": [
                    {
                        "type": "RangeSelector",
                        "startContainer": "/p[1]",
                        "endContainer": "/p[1]",
                        "startOffset": 0,
                        "endOffset": 4,
                    },
                    {"type": "TextPositionSelector", "start": start, "end": start + len(exact)},
                    {
                        "type": "TextQuoteSelector",
                        "exact": exact,
                        "prefix": prefix,
                        "suffix": suffix,
                    },
                ],
            }
        ],
    }


BODY = (
    "Kyiv said it would talk.\n\nMoscow said no. Kyiv said it would talk.\n\n"
    "The ministry said the bridge over the river at Kherson was destroyed on Friday night by "
    "shelling, and that repairs would take months."
)


EDITED = "the bridge over the river at Kherson was destroyed on Thursday night by shelling"


def test_hypothesis_export_anchored_by_quote_orphans_listed(make_article, tmp_path):
    article = make_article(body=BODY, slug="target")
    second = BODY.index("Kyiv said", 5)
    rows = [
        # the second "Kyiv said it would talk.": the context says which; the hint is off (the
        # other tool counted the page's headline too)
        hypothesis_row(
            "Kyiv said it would talk.",
            "Moscow said no. ",
            "\n\nThe ministry",
            second + 40,
            text="Repeated",
            tags=["claim"],
        ),
        # a paragraph break that the other tool saw as one space
        hypothesis_row("talk. Moscow said", "Kyiv said it would ", " no.", 999),
        # edited text, found by its context
        hypothesis_row(
            EDITED, "would talk.\n\nThe ministry said ", ", and that repairs would take mo", 0
        ),
        # words the article does not hold: an orphan, kept
        hypothesis_row("Minsk agreed to nothing at all", "", "", 3),
    ]
    path = tmp_path / "hypothesis.json"
    path.write_text(json.dumps({"total": 4, "rows": rows}), encoding="utf-8")
    output = run(path, "target")
    quotes = list(Quote.objects.filter(article=article).order_by("pk"))
    assert [(q.start, q.anchored) for q in quotes[:1]] == [(second, True)]
    assert quotes[0].kind == "claim" and quotes[0].note == "Repeated"
    assert quotes[1].exact == "talk.\n\nMoscow said" and quotes[1].anchored
    assert quotes[2].anchored and quotes[2].exact == EDITED.replace("Thursday", "Friday")
    orphan = quotes[3]
    assert not orphan.anchored and orphan.exact == "Minsk agreed to nothing at all"
    assert f"#4 orphan as quote-{orphan.pk}" in output
    assert f"1 orphan(s) kept for repair: quote-{orphan.pk}" in output
    assert "3 anchored, 1 orphan" in output


def test_locate_prefers_context_then_the_hint():
    body = "A said yes. B said yes. C said yes."
    parsed = w3c_import.Parsed(1, "", "said yes", prefix="B ", suffix=". C", start=0, end=8)
    assert w3c_import.locate(body, parsed).start == body.index("B said") + 2
    near = w3c_import.Parsed(1, "", "said yes", start=25, end=33)
    assert w3c_import.locate(body, near).start == body.index("C said") + 2
    wrong = w3c_import.Parsed(1, "", "said yes", prefix="Z ", suffix=" Q", start=0, end=8)
    placed = w3c_import.locate(body, wrong)
    assert placed.anchored is False  # three copies, none in its context: not guessed


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"{not json", "not JSON"),
        (b'{"type": "AnnotationPage", "items": []}', "holds no W3C annotation"),
        (b"[1, 2, 3]", "holds no W3C annotation"),
    ],
)
def test_a_bad_file_is_one_clear_error(make_article, tmp_path, content, message):
    make_article(slug="target")
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as error:
        run(path, "target")
    assert str(path) in str(error.value)
    assert not Quote.objects.exists()


def test_a_missing_file_or_article_is_a_clear_error(make_article, tmp_path):
    make_article(slug="target")
    with pytest.raises(CommandError, match="no article has this slug"):
        run(tmp_path / "x.json", "nope")
    with pytest.raises(CommandError, match="x.json: No such file"):
        run(tmp_path / "x.json", "target")


# --- Never public: drafts, suggestions, rejected spans, orphans ------------------------------


def _quote(article, word, **fields):
    start = article.body.index(word)
    return create(Quote, article=article, start=start, end=start + len(word), exact=word, **fields)


@pytest.fixture
def hidden(make_article, place):
    """One of each thing readers must never see, beside one public quote and mention."""
    body = "Suggested said. Rejected said. Orphan said." + " filler" * 10 + " Visible said Kyiv."
    public = make_article(body=body, slug="public")
    draft = make_article(body="Draftword said Kyiv.", slug="draft", status=Article.Status.DRAFT)
    _quote(public, "Visible")
    kyiv = body.index("Kyiv")
    create(PlaceMention, article=public, start=kyiv, end=kyiv + 4, exact="Kyiv", place=place)
    _quote(public, "Suggested", status=Span.Status.SUGGESTED)
    _quote(public, "Rejected", status=Span.Status.REJECTED)
    _quote(public, "Orphan", anchored=False)
    create(
        PlaceMention,
        article=public,
        start=16,
        end=24,
        exact="Rejected",
        place=place,
        status=Span.Status.REJECTED,
    )
    _quote(draft, "Draftword")
    create(PlaceMention, article=draft, start=15, end=19, exact="Kyiv", place=place)
    return public, draft


SECRETS = ["Suggested", "Rejected", "Orphan", "Draftword"]
CASES = [
    ("article collection", "/articles/public/annotations.jsonld", {}),
    ("article page", "/articles/public/annotations.jsonld?page=1", {}),
    ("article URL negotiated", "/articles/public/", {"HTTP_ACCEPT": "application/ld+json"}),
    ("corpus first page", "/annotations.jsonld?page=first", {}),
    ("corpus last page", "/annotations.jsonld?page=last", {}),
    ("corpus after", "/annotations.jsonld?after=q0&index=0", {}),
]


@pytest.mark.parametrize("name, url, headers", CASES, ids=[c[0] for c in CASES])
def test_nothing_hidden_reaches_an_anonymous_client(client, hidden, name, url, headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    text = response.content.decode()
    items = list(json.loads(text).get("items", json.loads(text).get("first", {}).get("items", [])))
    exacts = {i["target"]["selector"][0]["exact"] for i in items}
    assert exacts == {"Visible", "Kyiv"}
    for secret in SECRETS:
        assert secret not in text, (name, secret)


@pytest.mark.parametrize(
    "url, headers",
    [
        ("/articles/draft/annotations.jsonld", {}),
        ("/articles/draft/annotations.jsonld?page=1", {}),
        ("/articles/draft/", {"HTTP_ACCEPT": "application/ld+json"}),
        ("/articles/public/annotations.jsonld?page=2", {}),
    ],
)
def test_drafts_have_no_jsonld(client, hidden, url, headers):
    assert client.get(url, **headers).status_code == 404


def test_hidden_spans_iris_answer_nothing(client, hidden, annotator):
    # not even an annotator, who may preview drafts on the HTML pages, gets them as JSON-LD
    assert client.get("/articles/draft/", HTTP_ACCEPT="application/ld+json").status_code == 404
    client.logout()
    for quote in Quote.objects.exclude(exact="Visible"):
        url = f"/articles/{quote.article.slug}/quotes/{quote.pk}/"
        assert client.get(url, HTTP_ACCEPT="application/ld+json").status_code == 404
    for mention in PlaceMention.objects.exclude(
        status=Span.Status.CONFIRMED, article__slug="public"
    ):
        url = f"/articles/{mention.article.slug}/mentions/{mention.pk}/"
        assert client.get(url, HTTP_ACCEPT="application/ld+json").status_code == 404
    collection = client.get("/annotations.jsonld").json()
    assert collection["total"] == 2


def test_recogito_place_tags_become_mentions(make_article, tmp_path):
    article = make_article(body="Shelling hit Kherson and Kyiv overnight.", slug="recogito")
    kherson = create(
        Place, name="Kherson", slug="kherson", latitude=46.6, longitude=32.6, geonames_id=706448
    )
    annotations = [
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "id": f"https://recogito.example/annotation/{n}",
            "type": "Annotation",
            "body": [
                {"type": "SpecificResource", "purpose": "identifying", "source": iri},
                {"type": "TextualBody", "purpose": "commenting", "value": "checked"},
            ],
            "target": {
                "source": "https://recogito.example/document/1",
                "selector": [
                    {"type": "TextQuoteSelector", "exact": exact},
                    {"type": "TextPositionSelector", "start": start, "end": start + len(exact)},
                ],
            },
        }
        for n, (exact, start, iri) in enumerate(
            [
                ("Kherson", 13, "http://sws.geonames.org/706448"),
                ("Kyiv", 25, "http://sws.geonames.org/703448"),
            ]
        )
    ]
    path = tmp_path / "recogito.jsonld"
    path.write_text(json.dumps(annotations), encoding="utf-8")
    output = run(path, "recogito")
    known = PlaceMention.objects.get(exact="Kherson")
    assert (known.place, known.status, known.anchored) == (kherson, Span.Status.CONFIRMED, True)
    unknown = PlaceMention.objects.get(exact="Kyiv")  # not here, no gazetteer: to complete
    assert unknown.place is None and unknown.status == Span.Status.SUGGESTED
    assert unknown.proposal["unknown_place"]["iri"] == "http://sws.geonames.org/703448"
    assert "1 anchored, 0 orphan, 1 suggested" in output
    assert not Quote.objects.filter(article=article).exists()
    # accepting it cannot confirm a mention of no place: it waits for a person to choose one
    assert operations.accept_suggestions([unknown]) == 0
    unknown.refresh_from_db()
    assert unknown.status == Span.Status.SUGGESTED and unknown.place is None
