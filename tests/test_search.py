"""Search and filters on /: one interface, PostgreSQL full-text search or the SQLite fallback."""

import datetime
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Author, Place, PlaceMention, Quote, Speaker
from articles.search import (
    START,
    STOP,
    Filters,
    marked_html,
    positive_lexemes,
    python_snippet,
    stemmed_snippet,
)
from tests.ops import add_places, create, save

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL full-text search (CI runs it there)"
)


class TagBalance(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.tags, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize(
    "raw",
    [
        f"a {START}b{STOP} c",
        f"{START}<script>alert(1)</script>{STOP}",
        f"{STOP}{START}x{START}y{STOP}{STOP} <b>",
        f"{START}unclosed <img src=x onerror=alert(1)>",
        "no marks & <tags>",
    ],
)
def test_marked_html_is_escaped_and_balanced(raw):
    html = marked_html(raw)
    parser = TagBalance()
    parser.feed(html)
    assert parser.stack == [] and set(parser.tags) <= {"mark"}
    assert "".join(parser.text) == raw.replace(START, "").replace(STOP, "")


def test_python_snippet_marks_every_term_in_a_window():
    text = "Intro. " + "filler " * 60 + "Peskov said peace talks were impossible; peskov again."
    raw = python_snippet(text, ["peskov", "talks"])
    assert raw.startswith("…")
    assert f"{START}Peskov{STOP} said peace {START}talks{STOP}" in raw
    assert f"{START}peskov{STOP}" in raw


def test_stemmed_snippets_mark_every_form_of_the_query_words_and_nothing_else():
    text = "Negotiators said the negotiations in two cities failed; a citizen and a city shrugged."
    raw = stemmed_snippet(text, {"negoti", "citi"})
    marked = [piece.split(STOP)[0] for piece in raw.split(START)[1:]]
    assert marked == ["Negotiators", "negotiations", "cities", "city"]  # not "citizen"
    assert raw.replace(START, "").replace(STOP, "") == text
    long = "Intro. " + "filler " * 60 + text
    assert stemmed_snippet(long, {"negoti"}).startswith("…")
    assert stemmed_snippet(text, set()) == text


@pytest.mark.parametrize(
    "tsquery, lexemes",
    [
        ("'ceasefir' & !'gaza'", {"ceasefir"}),
        ("'front' <-> 'line' & !( 'gaza' <-> 'citi' )", {"front", "line"}),
        ("'o''brien' | 'kovalenko'", {"o'brien", "kovalenko"}),
        ("", set()),
    ],
)
def test_positive_lexemes_leave_out_what_the_query_excludes(tsquery, lexemes):
    assert positive_lexemes(tsquery) == lexemes


def test_filters_from_the_query_string_are_sanitised():
    filters = Filters.from_query({"q": "  peace   talks ", "kind": "<script>", "year": "20x2"})
    assert (filters.q, filters.kind, filters.year) == ("peace talks", "", None)
    assert Filters.from_query({"year": "2022", "kind": "claim"}).year == 2022
    assert not Filters().active and Filters(author="x").active


@pytest.fixture
def corpus(db):
    peskov = create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov", aliases=["Peskov"])
    zelensky = create(Speaker, name="Volodymyr Zelensky", slug="volodymyr-zelensky")
    kyiv = create(
        Place, name="Kyiv", slug="kyiv", latitude=50.45, longitude=30.52, aliases=["Kiev"]
    )
    kherson = create(Place, name="Kherson", slug="kherson", latitude=46.6, longitude=32.6)
    author = create(Author, name="Connor Freeman", slug="connor-freeman")

    def article(slug, headline, body, year=2022, status=Article.Status.PUBLISHED):
        return create(
            Article,
            slug=slug,
            headline=headline,
            body=body,
            status=status,
            author=author if slug == "talks" else None,
            published_on=datetime.date(year, 11, 11),
        )

    talks = article(
        "talks", "Negotiations stall", "The Kremlin spokesman said negotiations were impossible."
    )
    quote = create(
        Quote,
        article=talks,
        start=27,
        end=55,
        exact=talks.body[27:55],
        speaker=peskov,
        kind="claim",
    )
    add_places(quote, kherson)
    flag = article(
        "flag", "A flag over the city", "A flag was raised in Kiev on Friday.", year=2023
    )
    create(PlaceMention, article=flag, start=20, end=24, exact="Kiev", place=kyiv)
    create(
        Quote, article=flag, start=0, end=15, exact=flag.body[:15], speaker=zelensky, kind="direct"
    )
    article("draft", "Secret negotiations", "Negotiations in secret with Peskov.", status="draft")
    for a in Article.objects.all():
        save(a)  # refresh search vectors now that spans exist
    return {"peskov": peskov, "kyiv": kyiv, "kherson": kherson}


def headlines(client, **params):
    response = client.get("/", params)
    assert response.status_code == 200
    return [a.headline for a in response.context["page"]]


def test_search_finds_body_text_and_never_drafts(client, corpus):
    assert headlines(client, q="negotiations") == ["Negotiations stall"]
    assert headlines(client, q="flag") == ["A flag over the city"]
    assert headlines(client, q="zzzz") == []


def test_search_finds_speakers_and_places_by_name_and_alias(client, corpus):
    assert headlines(client, q="Peskov") == ["Negotiations stall"]  # named only in annotations
    assert headlines(client, q="Kyiv") == ["A flag over the city"]  # the body says "Kiev"
    html = client.get("/", {"q": "Peskov"}).content.decode()
    assert '<a href="/speakers/dmitry-peskov/" dir="auto">Dmitry Peskov</a>' in html


def test_snippets_mark_the_matching_words(client, corpus):
    html = client.get("/", {"q": "negotiations"}).content.decode()
    assert '<p class="snippet" dir="auto">' in html
    assert "<mark>negotiations</mark>" in html


def test_filters_combine_with_each_other_and_with_the_query(client, corpus):
    assert headlines(client, speaker="dmitry-peskov") == ["Negotiations stall"]
    assert headlines(client, speaker="dmitry-peskov", kind="claim") == ["Negotiations stall"]
    assert headlines(client, speaker="dmitry-peskov", kind="direct") == []  # same quote
    assert headlines(client, place="kyiv") == ["A flag over the city"]
    assert headlines(client, place="kherson") == ["Negotiations stall"]  # a quote about it
    assert headlines(client, author="connor-freeman") == ["Negotiations stall"]
    assert headlines(client, year="2023") == ["A flag over the city"]
    assert headlines(client, q="flag", year="2022") == []
    assert headlines(client) == ["A flag over the city", "Negotiations stall"]  # newest first


def test_the_filter_form_offers_only_what_is_published(client, corpus):
    html = client.get("/").content.decode()
    assert '<option value="dmitry-peskov" dir="auto">Dmitry Peskov</option>' in html
    assert '<option value="2023">2023</option>' in html
    assert 'name="q"' in html and 'hx-push-url="true"' in html


def test_an_unpublished_articles_names_leave_the_filter_menus_at_once(
    client, corpus, django_capture_on_commit_callbacks
):
    """Issue #10, item 4: the menus are cached under the lists' generation, which the unpublish
    retires, so no name lingers for the cache's lifetime."""
    from articles import operations

    option = '<option value="dmitry-peskov" dir="auto">Dmitry Peskov</option>'
    assert option in client.get("/").content.decode()
    assert option in client.get("/").content.decode()  # now from the cache
    quoting = Article.objects.filter(quotes__speaker__slug="dmitry-peskov").distinct()
    with django_capture_on_commit_callbacks(execute=True):  # as when it commits
        operations.unpublish(list(quoting))
    assert option not in client.get("/").content.decode()


def test_htmx_gets_the_results_fragment_and_history_restores_get_the_page(client, corpus):
    fragment = client.get("/", {"q": "flag"}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="results"') and "<html" not in html
    assert "HX-Request" in fragment["Vary"]
    restore = client.get(
        "/", {"q": "flag"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()
    page = client.get("/", {"q": "flag"})
    assert 'value="flag"' in page.content.decode()  # the URL holds the state


def test_pagination_keeps_the_query(client, corpus, monkeypatch):
    monkeypatch.setattr("articles.views.ARTICLES_PER_PAGE", 1)
    html = client.get("/", {"q": "", "year": ""}).content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?q=&amp;year=&amp;page=2"' in html
    assert headlines(client, page="2") == ["Negotiations stall"]


def test_search_queries_do_not_grow_with_results(client, corpus):
    counts = []
    for extra in (0, 30):
        for i in range(extra):
            create(
                Article,
                slug=f"more-{i}",
                headline=f"More negotiations {i}",
                body="negotiations",
                status="published",
            )
        cache.clear()  # cold each time: the filter choices are cached
        with CaptureQueriesContext(connection) as queries:
            client.get("/", {"q": "negotiations"})
        counts.append(len(queries))
    assert counts[0] == counts[1]


HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(1)> hx-get="/x"'


def test_hostile_text_in_results_is_escaped(client, db):
    article = create(
        Article,
        slug="h",
        headline=HOSTILE,
        dek=HOSTILE,
        body=f"negotiations {HOSTILE}",
        status="published",
    )
    save(article)
    html = client.get("/", {"q": "negotiations"}).content.decode()
    assert "<script>alert" not in html and "<img" not in html and 'hx-get="/x"' not in html
    html = client.get("/", {"q": HOSTILE}).content.decode()
    assert "<script>alert" not in html and "<img" not in html


@postgres_only
def test_postgres_stems_and_ranks(client, corpus):
    assert headlines(client, q="negotiate") == ["Negotiations stall"]  # stemming
    create(
        Article,
        slug="later",
        headline="Later",
        body="Talk of negotiations, once.",
        status="published",
    )
    # The headline match ranks above a body-only match.
    assert headlines(client, q="negotiations")[0] == "Negotiations stall"


@postgres_only
def test_postgres_snippets_mark_the_stemmed_forms(client, db):
    create(
        Article,
        slug="s",
        headline="Talks",
        body="Negotiators said the negotiations in two cities failed; a citizen shrugged.",
        status="published",
    )
    html = client.get("/", {"q": "negotiate city -Gaza"}).content.decode()
    for word in ("Negotiators", "negotiations", "cities"):
        assert f"<mark>{word}</mark>" in html
    assert "<mark>citizen</mark>" not in html


@postgres_only
def test_postgres_websearch_syntax(client, corpus):
    assert headlines(client, q='"negotiations were impossible"') == ["Negotiations stall"]
    assert headlines(client, q='"were negotiations impossible"') == []
    assert headlines(client, q="flag -Friday") == []
    assert set(headlines(client, q="flag or negotiations")) == {
        "Negotiations stall",
        "A flag over the city",
    }


@postgres_only
def test_postgres_fuzzy_names(client, corpus):
    assert headlines(client, q="Peskow") == ["Negotiations stall"]
    html = client.get("/", {"q": "Khersn"}).content.decode()
    assert '<a href="/places/kherson/" dir="auto">Kherson</a>' in html


def test_a_search_ranks_the_newest_matches_and_says_when_more_match(client, db, monkeypatch):
    """Ranking every match of a common word does not scale; the newest SEARCH_WINDOW do."""
    monkeypatch.setattr("articles.search.SEARCH_WINDOW", 3)
    for day in range(1, 6):
        create(
            Article,
            slug=f"day-{day}",
            headline=f"Shelling on day {day}",
            body="Shelling was reported." + (" Shelling again." * 5 if day == 1 else ""),
            published_on=datetime.date(2024, 1, day),
            status="published",
        )
    html = client.get("/", {"q": "shelling"}).content.decode()
    # Day 1 matches best (six times) but is not among the three newest.
    assert headlines(client, q="shelling") == [
        "Shelling on day 5",
        "Shelling on day 4",
        "Shelling on day 3",
    ]
    assert "More than 3 articles for “<bdi>shelling</bdi>”: the 3 newest, best match first." in html
    # Older ones are reached by narrowing the search.
    assert headlines(client, q="shelling day 1") == ["Shelling on day 1"]
    monkeypatch.setattr("articles.search.SEARCH_WINDOW", 5)
    html = client.get("/", {"q": "shelling"}).content.decode()
    assert "5 articles for “<bdi>shelling</bdi>”" in html and "More than" not in html


@pytest.mark.parametrize("floors", ["computed", "stale: future", "stale: past"])
def test_the_newest_matches_are_found_whatever_the_recent_floors(client, db, monkeypatch, floors):
    """newest_window looks among recent articles first; the answer must not depend on where."""
    from articles import search

    monkeypatch.setattr(search, "SEARCH_WINDOW", 3)
    monkeypatch.setattr(search, "RECENT_STEPS", (2, 5))
    for day in range(1, 11):
        create(
            Article,
            slug=f"day-{day}",
            headline=f"Day {day}",
            body="Shelling was reported." if day <= 6 else "A calm day.",
            published_on=datetime.date(2024, 1, day),
            status="published",
        )
    create(Article, slug="undated", headline="Undated", body="Calm.", status="published")
    cache.clear()
    if floors == "stale: future":
        cache.set("search-floors", [(2, datetime.date(2030, 1, 1))], 60)
    elif floors == "stale: past":
        cache.set("search-floors", [(2, datetime.date(1990, 1, 1))], 60)

    def found(q):
        results = search.search(Article.objects.all(), Filters(q=q))
        return [a.headline for a in results.articles], results.more

    # "calm": more than three among the four newest days; "shelling": only older articles match.
    assert found("calm") == (["Day 10", "Day 9", "Day 8"], True)
    assert found("shelling") == (["Day 6", "Day 5", "Day 4"], True)
    assert found("shelling day 2") == (["Day 2"], False)
    if floors == "computed":
        assert search.recent_floors() == [
            (2, datetime.date(2024, 1, 8)),
            (5, datetime.date(2024, 1, 5)),
        ]


@postgres_only
def test_postgres_a_name_typed_right_does_not_bring_in_its_namesakes(client, db):
    for first in ("Olena", "Taras"):
        speaker = create(Speaker, name=f"{first} Kovalenko", slug=f"{first.lower()}-k")
        article = create(
            Article,
            slug=first.lower(),
            headline=f"{first}'s statement",
            body="The minister said talks would resume.",
            status="published",
        )
        save(article)
        create(Quote, article=article, start=22, end=37, exact="talks would res", speaker=speaker)
    assert headlines(client, q="Olena Kovalenko") == ["Olena's statement"]
    assert set(headlines(client, q="Kovalenco")) == {"Olena's statement", "Taras's statement"}


@postgres_only
def test_postgres_keeps_search_vectors_in_their_rows_and_has_the_newest_first_index(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'articles_article'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] == "m"  # STORAGE MAIN (migration 0008)
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'articles_article_published_newest'"
        )
        definition = cursor.fetchone()[0]
    assert "published_on DESC NULLS LAST, created_at DESC, id DESC" in definition
    assert "WHERE ((status)::text = 'published'::text)" in definition


HIDDEN_STATES = {
    "only in a draft": {"draft": True},
    "only in a suggestion": {"status": Quote.Status.SUGGESTED},
    "only in a rejected span": {"status": Quote.Status.REJECTED},
    "only in an orphan": {"anchored": False},
}


def span_on(model, article, text, **kw):
    start = article.body.index(text)
    return create(model, article=article, start=start, end=start + len(text), exact=text, **kw)


@pytest.mark.parametrize("state", HIDDEN_STATES.values(), ids=HIDDEN_STATES.keys())
def test_name_results_show_only_names_readers_may_see(client, db, state):
    """Searching part of a name must not list a speaker or a place whose pages are 404."""
    body = "Zorana Shown said the dam at Zorana Bay held. Zorana Hidden said Zorana Falls broke."
    published = create(Article, slug="dam", headline="The dam", body=body, status="published")
    draft = create(Article, slug="draft", headline="Draft", body=body, status="draft")
    shown = create(Speaker, name="Zorana Shown", slug="zorana-shown")
    hidden = create(Speaker, name="Zorana Hidden", slug="zorana-hidden")
    bay, falls, cove, ridge = (
        create(Place, name=f"Zorana {n}", slug=f"zorana-{n.lower()}", latitude=1, longitude=1)
        for n in ("Bay", "Falls", "Cove", "Ridge")
    )
    add_places(span_on(Quote, published, "the dam at Zorana Bay held", speaker=shown), cove)
    span_on(PlaceMention, published, "Zorana Bay", place=bay)
    state = dict(state)
    where = draft if state.pop("draft", False) else published
    add_places(span_on(Quote, where, "Zorana Falls broke", speaker=hidden, **state), ridge)
    span_on(PlaceMention, where, "Zorana Falls", place=falls, **state)
    for article in (published, draft):
        save(article)  # refresh search vectors now that spans exist

    html = client.get("/", {"q": "Zorana"}).content.decode()
    for visible in ("/speakers/zorana-shown/", "/places/zorana-bay/", "/places/zorana-cove/"):
        assert f'href="{visible}"' in html
        assert client.get(visible).status_code == 200
    for invisible in ("/speakers/zorana-hidden/", "/places/zorana-falls/", "/places/zorana-ridge/"):
        assert f'href="{invisible}"' not in html
        assert client.get(invisible).status_code == 404
    assert headlines(client, q="Zorana") == ["The dam"]


@pytest.mark.parametrize("state", HIDDEN_STATES.values(), ids=HIDDEN_STATES.keys())
def test_a_speaker_filter_lists_only_articles_where_readers_see_their_quote(client, db, state):
    """``?speaker=`` is answered from the kept ``ArticleSpeaker`` rows: an article whose quote by
    the speaker readers cannot see is not listed, on the page, in the exports or in the API;
    staff, whose API answers include drafts, still find a draft by its confirmed quote."""
    from django.contrib.auth.models import Group, User

    from articles.api.models import create_token

    body = "Vesna Kept said the bridge held."
    speaker = create(Speaker, name="Vesna Kept", slug="vesna-kept")
    shown = create(Article, slug="shown", headline="Shown", body=body, status="published")
    span_on(Quote, shown, "the bridge held", speaker=speaker)
    state = dict(state)
    draft = state.pop("draft", False)
    other = create(
        Article,
        slug="other",
        headline="Other",
        body=body,
        status="draft" if draft else "published",
        published_on=datetime.date(2024, 1, 2),
    )
    mention_place = create(Place, name="Bridgeton", slug="bridgeton", latitude=1, longitude=1)
    span_on(Quote, other, "the bridge held", speaker=speaker, **state)
    span_on(PlaceMention, other, "bridge", place=mention_place)
    assert headlines(client, speaker="vesna-kept") == ["Shown"]
    rows = client.get("/api/v1/articles", {"speaker": "vesna-kept"}).json()["items"]
    assert [row["slug"] for row in rows] == ["shown"]
    exported = client.get("/export/mentions.csv", {"speaker": "vesna-kept"})
    assert b"".join(exported.streaming_content).count(b"\n") == 1  # the header alone

    user = User.objects.create_user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    staff = {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, 'tests')[1]}"}
    rows = client.get("/api/v1/articles", {"speaker": "vesna-kept"}, **staff).json()["items"]
    mentions = client.get("/api/v1/place-mentions", {"speaker": "vesna-kept"}, **staff).json()
    found = {row["slug"] for row in rows}
    places = {row["place"]["slug"] for row in mentions["items"] if row["place"]}
    if draft:  # a draft's confirmed quote: staff see it, from the quotes themselves
        assert found == {"shown", "other"} and places == {"bridgeton"}
    else:
        assert found == {"shown"} and places == set()


def test_a_search_is_kept_until_a_change_readers_can_see(
    client, corpus, django_capture_on_commit_callbacks
):
    """What a search found is cached under the lists' generation: asking again runs no search,
    and a published article retires it (as any change readers can see does, on commit)."""
    with CaptureQueriesContext(connection) as first:
        assert headlines(client, q="negotiations") == ["Negotiations stall"]
    with CaptureQueriesContext(connection) as again:
        assert headlines(client, q="negotiations") == ["Negotiations stall"]

    def searching(queries):
        return [q for q in queries if "search_vector" in q["sql"] or " LIKE " in q["sql"]]

    assert searching(first) and not searching(again)
    with django_capture_on_commit_callbacks(execute=True):
        create(
            Article,
            slug="new-talks",
            headline="New negotiations",
            body="Negotiations resumed.",
            status="published",
            published_on=datetime.date(2030, 1, 1),
        )
    assert headlines(client, q="negotiations") == ["New negotiations", "Negotiations stall"]
