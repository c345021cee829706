"""Drafts, suggestions, rejected spans and orphans never reach an anonymous client: a table of
cases, each hidden thing looked for in every API endpoint (lists with every filter that could
name it, its detail, the search), the reader pages and the exports. A staff token sees drafts and
suggestions, still never rejected spans or orphans; a revoked token is refused."""

import json
from urllib.parse import urlencode

import pytest

from articles.api.models import create_token
from articles.models import Article, Outlet, Place, PlaceMention, Quote, Speaker
from tests.ops import add_places, create, load_seed

BODY = (
    "Nadia Sillow said the road was open. Rolf Rejko said it was shut. Olga Orfan said nothing. "
    "Supplies reached Suggestburg, Rejectton and Orphanby by noon."
)


def _at(text):
    start = BODY.index(text)
    return {"start": start, "end": start + len(text), "exact": text}


def _speaker(name):
    return create(Speaker, name=name, slug=name.lower().replace(" ", "-"))


def _place(name):
    return create(Place, name=name, slug=name.lower(), latitude=48.0, longitude=37.0)


@pytest.fixture
def hidden(db):
    """Each case: what is hidden, its span (if any), and the names only it uses."""
    load_seed()
    outlet = create(Outlet, name="Shadow Wire", slug="shadow-wire", domain="shadow.example")
    article = create(
        Article, slug="leaky", headline="Leaky", body=BODY, status="published", outlet=outlet
    )
    draft = create(
        Article,
        slug="drafted-zebra",
        headline="Drafted Zebra Headline",
        body=BODY,
        status="draft",
        outlet=create(Outlet, name="Draft Only Wire", slug="draft-wire", domain="draft.example"),
    )
    cases = {}
    # (the names are not in the body: the article's text is public, its annotations are not)
    for status, said, where, who, place_name, orphan in [
        ("suggested", "Nadia Sillow", "Suggestburg", "Sybil Suggestova", "Suggestopol", False),
        ("rejected", "Rolf Rejko", "Rejectton", "Rhea Rejectova", "Rejectopol", False),
        ("confirmed", "Olga Orfan", "Orphanby", "Orla Orphanova", "Orphanopol", True),
    ]:
        speaker, place = _speaker(who), _place(place_name)
        kept = {"status": status, "anchored": not orphan}  # an orphan: kept, its text lost
        quote = create(Quote, article=article, speaker=speaker, **kept, **_at(f"{said} said"))
        add_places(quote, place)
        mention = create(PlaceMention, article=article, place=place, **kept, **_at(where))
        name = "orphan" if orphan else status
        cases[f"{name} quote"] = {
            "quotes": [quote.pk],
            "names": [who, place_name],
            "staff": name == "suggested",
        }
        cases[f"{name} mention"] = {
            "mentions": [mention.pk],
            "names": [place_name],
            "staff": name == "suggested",
        }
    draft_speaker, draft_place = _speaker("Dora Draftova"), _place("Draftham")
    quote = create(Quote, article=draft, speaker=draft_speaker, **_at("Nadia Sillow said"))
    add_places(quote, draft_place)
    mention = create(PlaceMention, article=draft, place=draft_place, **_at("Suggestburg"))
    cases["draft article"] = {
        "articles": ["drafted-zebra"],
        "quotes": [quote.pk],
        "mentions": [mention.pk],
        "names": ["Drafted Zebra Headline", "Dora Draftova", "Draftham", "Draft Only Wire"],
        "staff": True,
    }
    return cases


def _paths(case):
    """Every endpoint, with each filter and detail that could name what ``case`` hides."""
    slugs = [n.lower().replace(" ", "-") for n in case["names"]]
    words = [n.split()[-1] for n in case["names"]]
    filters = [{}] + [
        {key: value}
        for slug in slugs
        for key, value in [("speaker", slug), ("place", slug), ("outlet", slug)]
    ]
    filters += [{"q": word} for word in words] + [{"outlet": "draft.example"}]
    paths = ["/api/v1/articles/leaky", "/api/v1/speakers", "/api/v1/places", "/api/v1/outlets"]
    for query in filters:
        for endpoint in ["articles", "quotes", "place-mentions"]:
            paths.append(f"/api/v1/{endpoint}?{urlencode(query)}")
    paths += [f"/api/v1/search?{urlencode({'q': word})}" for word in words]
    for slug in slugs + case.get("articles", []):
        paths += [
            f"/api/v1/{kind}/{slug}" for kind in ["articles", "speakers", "places", "outlets"]
        ]
    return paths


READER_PAGES = [
    "/",
    "/articles/leaky/",
    "/speakers/",
    "/places/",
    "/outlets/",
    "/export/quotes.csv",
    "/export/mentions.csv",
    "/export/speakers.csv",
    "/export/places.csv",
    "/export/places.geojson",
    "/export/mentions.geojson",
]


def _read(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _span_ids(document, key):
    """The ids of the spans a JSON answer holds under ``key`` (an article's lists, or a list's
    items)."""
    found = set()
    if isinstance(document, dict):
        for name, value in document.items():
            if name == key and isinstance(value, list):
                found |= {item["id"] for item in value if "start" in item}
            found |= _span_ids(value, key)
    elif isinstance(document, list):
        for value in document:
            found |= _span_ids(value, key)
    return found


def _seen(client, case, headers):
    """Everything an API client with ``headers`` gets for ``case``: the text, and the span ids
    by kind."""
    texts, quotes, mentions, slugs = [], set(), set(), set()
    for path in _paths(case):
        response = client.get(path, **headers)
        assert response.status_code in (200, 404), (path, response.content)
        texts.append(_read(response))
        body = json.loads(texts[-1])
        if response.status_code == 404:
            continue
        quotes |= _span_ids(body, "quotes") | (
            _span_ids(body, "items") if "/quotes" in path else set()
        )
        mentions |= _span_ids(body, "place_mentions")
        if "/place-mentions" in path:
            mentions |= _span_ids(body, "items")
        slugs |= {item["slug"] for item in body.get("items", []) if "headline" in item}
        slugs |= {body["slug"]} if "headline" in body else set()
    return "\n".join(texts), quotes, mentions, slugs


CASES = [
    "draft article",
    "suggested quote",
    "suggested mention",
    "rejected quote",
    "rejected mention",
    "orphan quote",
    "orphan mention",
]


@pytest.mark.parametrize("name", CASES)
def test_never_shown_to_an_anonymous_client_anywhere(client, hidden, name, settings):
    settings.API_ANON_RATE = "100000/m"
    case = hidden[name]
    text, quotes, mentions, slugs = _seen(client, case, {})
    for hidden_name in case["names"]:
        assert hidden_name not in text, hidden_name
    assert not quotes & set(case.get("quotes", []))
    assert not mentions & set(case.get("mentions", []))
    assert not slugs & set(case.get("articles", []))
    assert "Leaky" in text  # the published article is there, without what it hides
    for page in READER_PAGES:
        shown = _read(client.get(page, {"q": ""}))
        for hidden_name in case["names"]:
            assert hidden_name not in shown, (page, hidden_name)


@pytest.mark.parametrize("name", CASES)
def test_a_staff_token_sees_drafts_and_suggestions_never_rejected_or_orphaned(client, hidden, name):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    token, secret = create_token(user, "leaks")
    case = hidden[name]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    text, quotes, mentions, slugs = _seen(client, case, headers)
    expected_quotes, expected_mentions = set(case.get("quotes", [])), set(case.get("mentions", []))
    if case["staff"]:
        assert expected_quotes <= quotes and expected_mentions <= mentions
        assert set(case.get("articles", [])) <= slugs
        for hidden_name in case["names"]:
            assert hidden_name in text, hidden_name
    else:
        assert not quotes & expected_quotes and not mentions & expected_mentions
    token.revoke()
    response = client.get("/api/v1/quotes", **headers)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert "revoked" in response.json()["detail"]


def test_a_token_without_the_preview_permission_sees_what_readers_see(client, hidden):
    from django.contrib.auth.models import User

    user = User.objects.create_user("plain", is_staff=True)
    secret = create_token(user, "plain")[1]
    text, quotes, _, slugs = _seen(
        client, hidden["draft article"], {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    )
    assert "Drafted Zebra Headline" not in text and "drafted-zebra" not in slugs
