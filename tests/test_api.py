"""The JSON API (/api/v1/): its schema and docs, lists and their filters, cursors, ETags,
tokens, the anonymous rate limit and its errors as problem documents."""

import csv
import io

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.urls import reverse

from articles.api.models import ApiToken, create_token, digest
from articles.models import Article, Outlet, PlaceMention, Quote, Speaker
from tests.ops import add_places, create, load_seed

API = "/api/v1"


def get(client, path, token=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.get(path if path.startswith(("http", API)) else API + path, **headers)


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/api/v1/problems/")
    assert body["title"] and body["detail"]
    return body


@pytest.fixture
def seeded(db):
    load_seed()


@pytest.fixture
def staff_token(db):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return create_token(user, "tests")[1]


# --- Schema and docs ----------------------------------------------------------------------------


def test_the_openapi_schema_lists_every_endpoint_with_problem_errors(client, db):
    schema = get(client, "/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for endpoint in ["articles", "quotes", "place-mentions", "speakers", "places", "outlets"]:
        assert f"{API}/{endpoint}" in paths
    assert {f"{API}/articles/{{slug}}", f"{API}/search", f"{API}/places/{{slug}}"} <= paths
    quotes = schema["paths"][f"{API}/quotes"]["get"]
    assert set(quotes["responses"]) >= {"200", "304", "400", "401", "429"}
    assert list(quotes["responses"]["429"]["content"]) == ["application/problem+json"]
    assert {} in quotes["security"]  # the token is optional
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_docs_use_our_own_static_files_under_the_csp(client, db):
    response = get(client, "/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for name in ["swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"]:
        assert finders.find(f"ninja/{name}"), name


# --- Content ------------------------------------------------------------------------------------


def test_an_article_with_its_spans(client, seeded):
    article = Article.objects.published().filter(n_quotes__gt=0).first()
    body = get(client, f"/articles/{article.slug}").json()
    assert body["body"] == article.body
    assert body["url"] == "http://testserver" + article.get_absolute_url()
    assert len(body["quotes"]) == article.quotes.shown().count() > 0
    assert len(body["place_mentions"]) == article.place_mentions.shown().count() > 0
    for span in body["quotes"] + body["place_mentions"]:
        assert article.body[span["start"] : span["end"]] == span["text"]
        assert span["status"] == "confirmed"
    speakers = {q["speaker"]["slug"] for q in body["quotes"] if q["speaker"]}
    assert speakers <= set(Speaker.objects.values_list("slug", flat=True))


def test_every_list_answers_on_the_seed(client, seeded):
    for path, model_count in [
        ("/articles", Article.objects.published().count()),
        ("/quotes", Quote.objects.visible().count()),
        ("/place-mentions", PlaceMention.objects.visible().count()),
        ("/speakers", Speaker.objects.filter(n_quotes__gt=0).count()),
        ("/outlets", Outlet.objects.filter(n_articles__gt=0).count()),
    ]:
        body = get(client, path).json()
        assert len(body["items"]) == model_count > 0, path
        assert body["next"] is None
    place = get(client, "/places").json()["items"][0]
    assert get(client, f"/places/{place['slug']}").json() == place
    speaker = get(client, "/speakers").json()["items"][0]
    assert get(client, f"/speakers/{speaker['slug']}").json() == speaker
    outlet = get(client, "/outlets").json()["items"][0]
    assert get(client, f"/outlets/{outlet['slug']}").json() == outlet


def test_search_ranks_as_the_page_does(client, seeded):
    word = Speaker.objects.filter(n_quotes__gt=0).first().name.split()[-1]
    body = get(client, f"/search?q={word}").json()
    page = client.get("/", {"q": word}).context["page"]
    assert [hit["slug"] for hit in body["items"]] == [a.slug for a in page]
    assert body["items"] and "<mark>" in body["items"][0]["snippet_html"]
    assert body["speakers"]
    assert get(client, "/search?q=%00").json()["items"] == []


# --- Filters: the pages' own -------------------------------------------------------------------

LIST_QUERIES = [
    {},
    {"kind": "direct"},
    {"kind": "claim"},
    {"kind": "nonsense"},
    {"year": "2024"},
    {"year": "²⁰²⁴"},
    {"speaker": "nobody-at-all"},
    {"q": "said"},
    {"q": "ceasefire OR talks"},
    {"q": "-"},
]


def _filter_queries():
    speaker = Speaker.objects.filter(n_quotes__gt=0).order_by("-n_quotes").first()
    quote = Quote.objects.visible().filter(places__isnull=False).first()
    place = quote.places.first()
    article = Article.objects.published().exclude(outlet=None).exclude(published_on=None).first()
    return [
        *LIST_QUERIES,
        {"speaker": speaker.slug},
        {"speaker": speaker.slug, "kind": "direct"},
        {"place": place.slug},
        {"place": place.slug, "q": "said"},
        {"outlet": article.outlet.slug},
        {"outlet": "www." + article.outlet.domain.upper()},
        {"year": str(article.published_on.year), "speaker": speaker.slug},
    ]


def _more_articles():
    """A second outlet and a few more articles, so that filters choose among several."""
    outlet = create(Outlet, name="Other Wire", slug="other-wire", domain="other.example")
    speaker = Speaker.objects.filter(n_quotes__gt=0).first()
    for n in range(3):
        article = create(
            Article,
            slug=f"extra-{n}",
            headline=f"Extra {n} ceasefire",
            body="Talks said nothing. They said more.",
            status="published",
            outlet=outlet if n else None,
        )
        if n != 1:
            create(
                Quote,
                article=article,
                start=0,
                end=19,
                exact="Talks said nothing.",
                speaker=speaker,
                kind="claim" if n else "direct",
            )


@pytest.mark.parametrize("index", range(len(LIST_QUERIES) + 7))
def test_the_article_list_filters_are_the_pages(client, seeded, index):
    _more_articles()
    query = _filter_queries()[index]
    page = client.get("/", query).context["page"]
    shown = {a.slug for a in page.paginator.object_list}
    body = get(client, "/articles?" + _encode(query)).json()
    assert {a["slug"] for a in body["items"]} == shown, query


@pytest.mark.parametrize("index", range(len(LIST_QUERIES) + 7))
def test_the_quote_and_mention_lists_are_the_exports(client, seeded, index):
    _more_articles()
    query = _filter_queries()[index]
    for path, export, column in [
        ("/quotes", "articles:export_quotes", "quote_id"),
        ("/place-mentions", "articles:export_mentions", "mention_id"),
    ]:
        exported = client.get(reverse(export), query)
        text = b"".join(exported.streaming_content).decode()
        ids = {int(row[column]) for row in csv.DictReader(io.StringIO(text))}
        body = get(client, path + "?" + _encode(query)).json()
        assert {item["id"] for item in body["items"]} == ids, (path, query)


def _encode(query):
    from urllib.parse import urlencode

    return urlencode(query)


# --- Cursors ------------------------------------------------------------------------------------


def test_cursors_walk_every_list_once_in_a_stable_order(client, seeded):
    _more_articles()
    for path, key in [
        ("/articles", "slug"),
        ("/quotes", "id"),
        ("/place-mentions", "id"),
        ("/speakers", "slug"),
        ("/places", "slug"),
        ("/outlets", "slug"),
    ]:
        whole = [item[key] for item in get(client, path).json()["items"]]
        walked, url, pages = [], f"{API}{path}?limit=2", 0
        while url:
            body = get(client, url).json()
            assert len(body["items"]) <= 2
            walked += [item[key] for item in body["items"]]
            url, pages = body["next"], pages + 1
        assert walked == whole and len(set(walked)) == len(walked), path
        assert pages == max(1, -(-len(whole) // 2))


def test_undated_articles_come_last_and_cursors_cross_them(client, seeded):
    _more_articles()
    Article.objects.filter(slug__startswith="extra-").update(published_on=None)
    slugs = [a["slug"] for a in get(client, "/articles").json()["items"]]
    assert slugs[-3:] == ["extra-2", "extra-1", "extra-0"]
    walked, url = [], f"{API}/articles?limit=1"
    while url:
        body = get(client, url).json()
        walked += [a["slug"] for a in body["items"]]
        url = body["next"]
    assert walked == slugs


@pytest.mark.parametrize("cursor", ["garbage", "e30", "", "a" * 300, "\x00"])
def test_a_forged_cursor_is_a_clear_400(client, seeded, cursor):
    good = get(client, "/speakers?limit=1").json()["next"].split("cursor=")[1]
    for bad in [cursor + good[len(cursor) :], cursor]:
        if not bad:
            continue
        response = get(client, "/quotes?" + _encode({"cursor": bad}))
        assert "cursor" in problem(response, 400)["detail"]
    # one list's cursor is no other's
    assert problem(get(client, f"/quotes?cursor={good}"), 400)


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "1e3"])
def test_a_bad_limit_names_the_parameter(client, db, limit):
    body = problem(get(client, f"/quotes?limit={limit}"), 400)
    assert body["errors"][0]["parameter"] == "limit"
    assert "limit" in body["detail"]


def test_the_default_and_largest_page_is_100(client, seeded):
    article = Article.objects.published().first()
    Quote.objects.bulk_create(
        Quote(article=article, start=0, end=1, exact=article.body[0]) for _ in range(105)
    )
    assert len(get(client, "/quotes").json()["items"]) == 100
    assert len(get(client, "/quotes?limit=100").json()["items"]) == 100


# --- ETags and conditional requests -------------------------------------------------------------


def test_etags_answer_conditional_requests_with_304(client, seeded):
    article = Article.objects.published().first()
    for path in ["/quotes", f"/articles/{article.slug}", "/speakers"]:
        first = get(client, path)
        tag = first["ETag"]
        assert tag.startswith('"') and "public" in first["Cache-Control"]
        assert "Authorization" in first["Vary"]
        again = get(client, path, HTTP_IF_NONE_MATCH=tag)
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == tag
        assert get(client, path, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    tag = get(client, f"/articles/{article.slug}")["ETag"]
    article.headline = "A new headline"
    from tests.ops import save

    save(article)
    changed = get(client, f"/articles/{article.slug}", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


def test_a_tokens_answers_are_private(client, seeded, staff_token):
    response = get(client, "/quotes", staff_token)
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


# --- Constant queries ---------------------------------------------------------------------------


def _quotes(n):
    article = Article.objects.published().first()
    place = article.place_mentions.shown().first().place
    speaker = Speaker.objects.filter(n_quotes__gt=0).first()
    for _ in range(n):
        quote = create(
            Quote, article=article, start=0, end=1, exact=article.body[0], speaker=speaker
        )
        add_places(quote, place)


@pytest.mark.parametrize("n", [2, 40])
def test_queries_do_not_grow_with_the_page(client, seeded, django_assert_num_queries, n):
    _quotes(n)
    article = Article.objects.published().first()
    expected = {
        "/quotes": 2,  # the quotes with article and speaker; their places
        # the speaker's key, then their quotes from their index, and the quotes' places
        "/quotes?speaker=" + Quote.objects.visible().exclude(speaker=None)[0].speaker.slug: 3,
        "/place-mentions?place=" + PlaceMention.objects.visible()[0].place.slug: 2,
        "/place-mentions": 1,
        "/articles": 1,
        # on PostgreSQL a search also finds the speakers and places it names (pg_trgm): two more
        "/articles?q=said&place=kyiv": 3 if connection.vendor == "postgresql" else 1,
        f"/articles/{article.slug}": 4,  # the article; its quotes; their places; its mentions
        "/speakers": 1,
        "/places": 1,
        "/outlets": 1,
    }
    for path, count in expected.items():
        with django_assert_num_queries(count):
            assert get(client, path).status_code == 200


def test_a_token_costs_a_fixed_number_of_queries(
    client, seeded, staff_token, django_assert_num_queries
):
    get(client, "/quotes", staff_token)  # its last use is written at most once a minute
    # the token and its user; the user's permissions (two); the quotes; their places
    with django_assert_num_queries(5):
        assert get(client, "/quotes", staff_token).status_code == 200


# --- Tokens -------------------------------------------------------------------------------------


def test_tokens_are_made_in_the_admin_shown_once_and_stored_hashed(client, db):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("anna", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Annotators"))
    client.force_login(user)
    response = client.post(
        reverse("admin:articles_apitoken_add"), {"name": "notebook"}, follow=True
    )
    assert response.status_code == 200
    message = next(str(m) for m in response.context["messages"])
    secret = next(word for word in message.split() if word.startswith("nr_"))
    token = ApiToken.objects.get()
    assert token.user == user and token.key_hash == digest(secret)
    stored = " ".join(str(v) for v in ApiToken.objects.values_list().get())
    assert secret not in stored and secret.split("_")[2] not in stored
    listing = client.get(reverse("admin:articles_apitoken_changelist")).content.decode()
    assert token.prefix in listing and secret not in listing
    client.logout()
    assert get(client, "/quotes", secret).status_code == 200
    client.force_login(user)
    client.post(
        reverse("admin:articles_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    client.logout()
    token.refresh_from_db()
    assert token.revoked_at is not None
    body = problem(get(client, "/quotes", secret), 401)
    assert "revoked" in body["detail"]


def test_a_non_superuser_sees_and_makes_only_their_own_tokens(client, db):
    from django.contrib.auth.models import Group, User

    other = User.objects.create_user("other", is_staff=True)
    create_token(other, "theirs")
    user = User.objects.create_user("anna", is_staff=True)
    user.groups.add(Group.objects.get(name="Annotators"))
    client.force_login(user)
    client.post(reverse("admin:articles_apitoken_add"), {"name": "mine", "user": other.pk})
    assert ApiToken.objects.get(name="mine").user == user
    listing = client.get(reverse("admin:articles_apitoken_changelist")).content.decode()
    assert "mine" in listing and "theirs" not in listing


@pytest.mark.parametrize(
    "header",
    ["Bearer nr_00000000_nothing", "Bearer x", "Basic YWxhZGRpbjpvcGVu", "Bearer ", "nr_x"],
)
def test_a_bad_token_is_refused_never_taken_as_anonymous(client, seeded, header):
    body = problem(client.get(f"{API}/quotes", HTTP_AUTHORIZATION=header), 401)
    assert "token" in body["detail"].lower()


def test_a_guessed_secret_with_a_real_prefix_is_refused(client, seeded, staff_token):
    prefix = staff_token.split("_")[1]
    problem(get(client, "/quotes", f"nr_{prefix}_wrong"), 401)


def test_an_inactive_users_token_is_refused(client, seeded, staff_token):
    ApiToken.objects.get().user.__class__.objects.update(is_active=False)
    problem(get(client, "/quotes", staff_token), 401)


# --- Rate limit and errors ----------------------------------------------------------------------


def test_anonymous_clients_are_rate_limited_with_retry_after(client, seeded, settings, staff_token):
    settings.API_ANON_RATE = "3/m"
    for _ in range(3):
        assert get(client, "/speakers").status_code == 200
    refused = get(client, "/speakers")
    body = problem(refused, 429)
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Retry-After"] in body["detail"]
    # another address is another client; a token is not limited
    assert get(client, "/speakers", REMOTE_ADDR="10.0.0.9").status_code == 200
    for _ in range(5):
        assert get(client, "/speakers", staff_token).status_code == 200
    # a forged X-Forwarded-For is not another client
    problem(get(client, "/speakers", HTTP_X_FORWARDED_FOR="10.1.2.3"), 429)


def test_not_found_is_a_problem_everywhere_under_the_api(client, seeded):
    assert "nothing" in problem(get(client, "/articles/nothing"), 404)["detail"]
    problem(get(client, "/speakers/nobody"), 404)
    problem(get(client, "/places/nowhere"), 404)
    problem(get(client, "/outlets/none"), 404)
    problem(get(client, "/no-such-endpoint"), 404)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, db, method):
    response = getattr(client, method)(f"{API}/quotes")
    assert "read-only" in problem(response, 405)["detail"]
    assert response["Allow"] == "GET"
