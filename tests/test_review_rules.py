"""Review data: every suggestion keeps its rule and confidence; the review view accepts all above
a chosen confidence in one operation; each rule's acceptances and rejections are tallied, and the
admin lists the rules annotators reject, weakest first."""

import random
from collections import Counter

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import annotate, operations, suggestions
from articles.models import Article, PlaceMention, Quote, RuleTally, Span, StaleEdit
from articles.suggest import PlaceSuggestion, QuoteSuggestion
from tests.ops import create

pytestmark = pytest.mark.django_db

WORD = "Kyiv said talks. "  # 17 characters: "Kyiv" at 0, "talks" at 10


def body_of(n: int) -> str:
    return (WORD * n).strip()


def quote_at(i: int, rule: str, confidence: float, speaker="Olena Hostile") -> QuoteSuggestion:
    start = i * len(WORD) + 10
    return QuoteSuggestion(
        start=start,
        end=start + 5,
        text="talks",
        kind="indirect",
        speaker=speaker,
        speaker_is_new=True,
        rule=rule,
        confidence=confidence,
    )


def place_at(i: int, rule: str, confidence: float, place="Kyiv") -> PlaceSuggestion:
    start = i * len(WORD)
    return PlaceSuggestion(
        start=start,
        end=start + 4,
        text="Kyiv",
        place=place,
        is_new=True,
        latitude=50.45,
        longitude=30.52,
        rule=rule,
        confidence=confidence,
    )


@pytest.fixture
def suggester(monkeypatch):
    """The suggester's answer for the next ``store``, given by hand through its dataclasses
    (the rules and confidences are the suggester's business; these tests are about what the
    database keeps of them)."""
    found: dict = {"quotes": [], "places": []}
    monkeypatch.setattr(
        suggestions, "find", lambda body: (list(found["quotes"]), list(found["places"]))
    )
    return found


def tallies() -> dict:
    return {
        (t.kind, t.rule): (t.suggested, t.accepted, t.rejected) for t in RuleTally.objects.all()
    }


def pending(article) -> list[Span]:
    return [
        *Quote.objects.filter(article=article, status="suggested"),
        *PlaceMention.objects.filter(article=article, status="suggested"),
    ]


def review(client, article, htmx=True, **data):
    url = reverse("admin:articles_article_annotate_review", args=[article.pk])
    return client.post(url, data, headers={"HX-Request": "true"} if htmx else {})


def annotate_page(client, article) -> str:
    return client.get(
        reverse("admin:articles_article_annotate", args=[article.pk])
    ).content.decode()


# Rule and confidence on the spans


def test_stored_suggestions_keep_rule_and_confidence_also_once_accepted(make_article, suggester):
    article = make_article(body=body_of(3))
    suggester["quotes"] = [quote_at(0, "quote.said", 0.6), quote_at(1, "quote.marks", 0.95)]
    suggester["places"] = [place_at(2, "place.gazetteer", 0.7)]
    assert operations.store_suggestions(article) == (2, 1)
    stored = {(s.rule, s.confidence, s.status) for s in pending(article)}
    assert stored == {
        ("quote.said", 0.6, "suggested"),
        ("quote.marks", 0.95, "suggested"),
        ("place.gazetteer", 0.7, "suggested"),
    }
    assert tallies() == {
        ("quote", "quote.said"): (1, 0, 0),
        ("quote", "quote.marks"): (1, 0, 0),
        ("place", "place.gazetteer"): (1, 0, 0),
    }
    operations.accept_suggestions(pending(article))
    accepted = Quote.objects.get(rule="quote.marks")
    assert (accepted.status, accepted.confidence, accepted.proposal) == ("confirmed", 0.95, {})
    assert accepted.speaker.name == "Olena Hostile"  # the proposal was carried out
    assert PlaceMention.objects.get().rule == "place.gazetteer"
    assert tallies()[("place", "place.gazetteer")] == (1, 1, 0)


def test_confidence_is_kept_between_0_and_1_and_rule_names_fit(make_article, suggester):
    article = make_article(body=body_of(3))
    long_rule = "quote." + "x" * 200
    suggester["quotes"] = [
        quote_at(0, "quote.a", 1.7),
        quote_at(1, "quote.b", -0.2),
        quote_at(2, long_rule, float("nan")),
    ]
    operations.store_suggestions(article)
    kept = {q.rule: q.confidence for q in Quote.objects.all()}
    assert kept == {"quote.a": 1.0, "quote.b": 0.0, long_rule[:64]: 0.0}


def test_spans_made_by_hand_have_no_rule_and_are_not_tallied(make_article, speaker):
    article = make_article(body=body_of(1))
    quote = create(Quote, article=article, start=10, end=15, exact="talks", status="suggested")
    assert (quote.rule, quote.confidence) == ("", None)
    operations.accept_suggestions([quote])
    assert not RuleTally.objects.exists()


# Accept all above a confidence

CONFIDENCES = [0.0, 0.5, 0.6, 0.79, 0.8, 0.95, 1.0]


@pytest.mark.parametrize(
    ("above", "accepted"),
    [
        ("0", CONFIDENCES),
        ("0.5", [0.5, 0.6, 0.79, 0.8, 0.95, 1.0]),
        ("0.6", [0.6, 0.79, 0.8, 0.95, 1.0]),
        ("0.6000001", [0.79, 0.8, 0.95, 1.0]),
        ("0.79", [0.79, 0.8, 0.95, 1.0]),
        ("0.8", [0.8, 0.95, 1.0]),
        (" 0.80 ", [0.8, 0.95, 1.0]),
        ("0.81", [0.95, 1.0]),
        ("1", [1.0]),
        ("1.0", [1.0]),
    ],
)
def test_accept_above_takes_exactly_those_at_or_over_the_threshold(
    client, annotator, make_article, suggester, above, accepted
):
    article = make_article(body=body_of(len(CONFIDENCES) + 1))
    suggester["quotes"] = [quote_at(i, f"rule.{c}", c) for i, c in enumerate(CONFIDENCES)]
    suggester["places"] = [place_at(len(CONFIDENCES), "rule.place", 0.8)]
    operations.store_suggestions(article)
    # A suggestion stored before rules and confidences (none) is never "above" any threshold.
    create(
        Quote,
        article=article,
        start=len(CONFIDENCES) * 17 + 10,
        end=len(CONFIDENCES) * 17 + 15,
        exact="talks",
        status="suggested",
    )
    response = review(client, article, decision="accept", above=above)
    n = len(accepted) + (float(above) <= 0.8)  # the place mention, at 0.8
    assert f"Accepted {n} suggestion{'s' if n != 1 else ''}" in response.content.decode()
    confirmed = sorted(
        q.confidence for q in Quote.objects.filter(article=article, status="confirmed")
    )
    assert confirmed == sorted(accepted)
    place = PlaceMention.objects.get(article=article)
    assert place.status == ("confirmed" if float(above) <= 0.8 else "suggested")
    assert Quote.objects.filter(confidence__isnull=True, status="suggested").count() == 1
    assert not Quote.objects.filter(status="rejected").exists()


@pytest.mark.parametrize("above", ["", "abc", "nan", "inf", "-0.01", "1.01", "1e400"])
def test_a_threshold_that_is_not_a_confidence_accepts_nothing(
    client, annotator, make_article, suggester, above
):
    article = make_article(body=body_of(2))
    suggester["quotes"] = [quote_at(0, "quote.a", 0.9), quote_at(1, "quote.b", 0.1)]
    operations.store_suggestions(article)
    html = review(client, article, decision="accept", above=above).content.decode()
    assert "Give a confidence between 0 and 1" in html
    assert len(pending(article)) == 2


def test_above_only_accepts(client, annotator, make_article, suggester):
    article = make_article(body=body_of(1))
    suggester["quotes"] = [quote_at(0, "quote.a", 0.9)]
    operations.store_suggestions(article)
    review(client, article, decision="reject", above="0.5")
    assert [s.status for s in Quote.objects.all()] == ["suggested"]


def test_accept_above_is_one_operation_with_constant_queries(
    client, annotator, make_article, suggester
):
    counts = []
    for n in (3, 30):
        article = make_article(body=body_of(2 * n))
        # New names each time, so that each round creates one speaker and one place.
        who, where = f"Speaker {n}", f"Place {n}"
        suggester["quotes"] = [quote_at(i, f"quote.r{i % 3}", 0.9, who) for i in range(n)]
        suggester["quotes"] += [quote_at(n + i, "quote.low", 0.3, who) for i in range(n)]
        suggester["places"] = [
            place_at(i, f"place.r{i % 2}", 0.5 + i % 2 * 0.4, where) for i in range(n)
        ]
        operations.store_suggestions(article)
        revision = Article.objects.get(pk=article.pk).revision
        with CaptureQueriesContext(connection) as queries:
            response = review(client, article, decision="accept", above="0.8")
        assert f"Accepted {n + n // 2} suggestions" in response.content.decode()
        # One operation: the article's revision moves once, however many were accepted.
        assert Article.objects.get(pk=article.pk).revision == revision + 1
        assert len(pending(article)) == n + (n - n // 2)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_accept_above_without_javascript_redirects_with_a_message(
    client, annotator, make_article, suggester
):
    article = make_article(body=body_of(2))
    suggester["quotes"] = [quote_at(0, "quote.a", 0.9), quote_at(1, "quote.b", 0.1)]
    operations.store_suggestions(article)
    response = review(client, article, htmx=False, decision="accept", above="0.85")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Accepted 1 suggestion with a confidence of 0.85 or more." in page
    assert Quote.objects.get(rule="quote.a").status == "confirmed"
    assert Quote.objects.get(rule="quote.b").status == "suggested"


def test_accept_above_needs_change_permission(client, make_article, suggester):
    user = User.objects.create_user("viewer", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "add_quote", "add_placemention"])
    )
    client.force_login(user)
    article = make_article(body=body_of(1))
    suggester["quotes"] = [quote_at(0, "quote.a", 0.9)]
    operations.store_suggestions(article)
    assert review(client, article, decision="accept", above="0.5").status_code == 403
    assert Quote.objects.get().status == "suggested"
    assert tallies()[("quote", "quote.a")] == (1, 0, 0)


def test_anonymous_cannot_review(client, make_article, suggester):
    article = make_article(body=body_of(1))
    suggester["quotes"] = [quote_at(0, "quote.a", 0.9)]
    operations.store_suggestions(article)
    response = review(client, article, htmx=False, decision="accept", above="0")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Quote.objects.get().status == "suggested"


# The review list


def test_the_list_shows_confidence_and_rule_most_confident_first(
    client, annotator, make_article, suggester
):
    article = make_article(body=body_of(3))
    suggester["quotes"] = [quote_at(0, "quote.low", 0.25), quote_at(1, "quote.high", 0.9)]
    suggester["places"] = [place_at(2, "place.mid", 0.5)]
    operations.store_suggestions(article)
    html = annotate_page(client, article)
    section = html[html.index('id="suggestions-heading"') : html.index("<h2>Annotations")]
    order = [section.index(rule) for rule in ("quote.high", "place.mid", "quote.low")]
    assert order == sorted(order)
    assert '<code class="rule" title="the rule that suggested it">quote.high</code>' in section
    assert ">0.90</span>" in section and ">0.25</span>" in section
    assert 'name="above"' in section and 'value="0.80"' in section


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_hostile_rule_and_speaker_names_are_escaped(client, annotator, make_article, suggester):
    article = make_article(body=body_of(1))
    suggester["quotes"] = [quote_at(0, "quote." + HOSTILE, 0.9, speaker=HOSTILE)]
    operations.store_suggestions(article)
    html = annotate_page(client, article)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    admin_html = client.get(reverse("admin:articles_ruletally_changelist")).content.decode()
    assert "<script>alert" not in admin_html and "<img src=x" not in admin_html
    assert "quote.&lt;script&gt;" in admin_html


def test_readers_never_see_suggestions_or_their_rules(client, make_article, suggester):
    article = make_article(body=body_of(1), status=Article.Status.PUBLISHED)
    suggester["quotes"] = [quote_at(0, "quote.marks-secret", 0.9)]
    operations.store_suggestions(article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "quote.marks-secret" not in html and "<mark" not in html
    assert "Olena Hostile" not in html


# The tallies


def test_tallies_move_by_the_right_amounts_through_random_sequences(make_article, suggester):
    rules = ["quote.marks", "quote.said", "quote.according"]
    places = ["place.known", "place.gazetteer"]
    rng = random.Random(20261201)
    expected: Counter = Counter()
    seen = set()
    for round_ in range(8):
        n = rng.randint(1, 12)
        article = make_article(body=body_of(n))
        suggester["quotes"] = [
            quote_at(i, rng.choice(rules), rng.random()) for i in range(n) if rng.random() < 0.8
        ]
        suggester["places"] = [
            place_at(i, rng.choice(places), rng.random()) for i in range(n) if rng.random() < 0.6
        ]
        operations.store_suggestions(article)
        for s in [*suggester["quotes"], *suggester["places"]]:
            kind = "quote" if isinstance(s, QuoteSuggestion) else "place"
            expected[(kind, s.rule, "suggested")] += 1
        for _step in range(rng.randint(1, 5)):
            open_ = pending(article)
            if not open_:
                break
            chosen = rng.sample(open_, rng.randint(1, len(open_)))
            decision = rng.choice(["accept", "reject", "above"])
            if decision == "above":
                minimum = rng.random()
                chosen = [s for s in open_ if s.confidence >= minimum]
            already = chosen[0] if chosen and rng.random() < 0.3 else None
            seen.add("stale" if already is not None else decision)
            if already is not None:  # decided by someone else meanwhile: a stale lot
                operations.reject_suggestions([type(already).objects.get(pk=already.pk)])
                expected[(kind_of(already), already.rule, "rejected")] += 1
                with pytest.raises(StaleEdit):
                    decide(decision, chosen)
                continue
            decide(decision, chosen)
            column = "rejected" if decision == "reject" else "accepted"
            for s in chosen:
                expected[(kind_of(s), s.rule, column)] += 1
        if round_ % 2:  # suggested again: what exists already is not counted twice
            operations.store_suggestions(article)
        assert tallies() == as_tallies(expected), f"round {round_}"
    assert seen == {"accept", "reject", "above", "stale"}  # every path was taken


def kind_of(span) -> str:
    return "quote" if isinstance(span, Quote) else "place"


def decide(decision: str, spans) -> None:
    if decision == "reject":
        operations.reject_suggestions(spans)
    else:
        operations.accept_suggestions(spans)


def as_tallies(expected: Counter) -> dict:
    keys = {(kind, rule) for kind, rule, _ in expected}
    return {
        key: tuple(expected[(*key, c)] for c in ("suggested", "accepted", "rejected"))
        for key in keys
    }


def test_counts_survive_re_suggestion_and_the_article_going(make_article, suggester):
    article = make_article(body=body_of(4))
    suggester["quotes"] = [quote_at(i, "quote.said", 0.5) for i in range(4)]
    operations.store_suggestions(article)
    spans = sorted(pending(article), key=lambda s: s.start)
    operations.accept_suggestions(spans[:1])
    operations.reject_suggestions(spans[1:3])
    assert tallies() == {("quote", "quote.said"): (4, 1, 2)}
    assert operations.store_suggestions(article) == (0, 0)  # nothing is suggested twice
    assert tallies() == {("quote", "quote.said"): (4, 1, 2)}
    operations.delete_article(Article.objects.get(pk=article.pk))
    assert tallies() == {("quote", "quote.said"): (4, 1, 2)}


def test_decided_suggestions_are_not_counted_again(make_article, suggester):
    article = make_article(body=body_of(2))
    suggester["quotes"] = [quote_at(0, "quote.a", 0.5), quote_at(1, "quote.a", 0.5)]
    operations.store_suggestions(article)
    first, second = sorted(pending(article), key=lambda s: s.start)
    assert operations.reject_suggestions([first]) == 1
    first.refresh_from_db()
    assert operations.accept_suggestions([first]) == 0  # rejected already: not "accepted"
    assert operations.reject_suggestions([first, second]) == 1
    assert tallies() == {("quote", "quote.a"): (2, 0, 2)}


def test_a_stale_lot_moves_no_count(make_article, suggester):
    article = make_article(body=body_of(2))
    suggester["quotes"] = [quote_at(0, "quote.a", 0.9), quote_at(1, "quote.b", 0.9)]
    operations.store_suggestions(article)
    loaded = pending(article)
    operations.accept_suggestions([Quote.objects.get(pk=loaded[0].pk)])  # someone else, first
    with pytest.raises(StaleEdit):
        operations.reject_suggestions(loaded)
    assert tallies() == {("quote", "quote.a"): (1, 1, 0), ("quote", "quote.b"): (1, 0, 0)}
    assert Quote.objects.get(rule="quote.b").status == "suggested"


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_tallying_is_one_statement_however_many_rules(make_article, suggester, decision):
    counts = []
    for n in (2, 24):
        article = make_article(body=body_of(n))
        who, where = f"Speaker {n}", f"Place {n}"  # each round creates one of each
        suggester["quotes"] = [quote_at(i, f"quote.rule{i}", 0.5, who) for i in range(n)]
        suggester["places"] = [place_at(i, f"place.rule{i}", 0.5, where) for i in range(n)]
        with CaptureQueriesContext(connection) as stored:
            operations.store_suggestions(article)
        spans = pending(article)
        with CaptureQueriesContext(connection) as decided:
            decide(decision, spans)
        tally_statements = [
            q["sql"] for q in [*stored, *decided] if RuleTally._meta.db_table in q["sql"]
        ]
        assert len(tally_statements) == 2
        counts.append(len(decided))
    assert counts[0] == counts[1]


# The rules page


def rules_url() -> str:
    return reverse("admin:articles_ruletally_changelist")


def test_the_rules_page_lists_the_weakest_first(client, annotator):
    RuleTally.objects.bulk_create(
        [
            RuleTally(kind="quote", rule="quote.strong", suggested=10, accepted=9, rejected=1),
            RuleTally(kind="quote", rule="quote.unseen", suggested=5),
            RuleTally(kind="place", rule="place.weak", suggested=10, accepted=2, rejected=8),
            RuleTally(kind="quote", rule="quote.middling", suggested=4, accepted=2, rejected=2),
        ]
    )
    html = client.get(rules_url()).content.decode()
    order = [
        html.index(r) for r in ("place.weak", "quote.middling", "quote.strong", "quote.unseen")
    ]
    assert order == sorted(order)
    assert "20% (2 of 10)" in html and "90% (9 of 10)" in html and "not reviewed yet" in html
    add = reverse("admin:articles_ruletally_add")
    assert client.get(add).status_code == 403  # kept by the operations, never edited


def test_the_rules_page_queries_do_not_grow(client, annotator):
    counts = []
    for n in (3, 60):
        RuleTally.objects.all().delete()
        RuleTally.objects.bulk_create(
            [RuleTally(kind="quote", rule=f"quote.r{i}", suggested=i, accepted=i) for i in range(n)]
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(rules_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_rules_page_needs_staff_who_may_annotate(client, db):
    RuleTally.objects.create(kind="quote", rule="quote.secret", suggested=1)
    anonymous = client.get(rules_url())
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]

    reader = User.objects.create_user("reader", is_staff=False)
    reader.groups.add(Group.objects.get(name="Annotators"))  # the permissions, but not staff
    client.force_login(reader)
    response = client.get(rules_url())
    assert response.status_code == 302 and "quote.secret" not in response.content.decode()

    bystander = User.objects.create_user("bystander", is_staff=True)
    client.force_login(bystander)
    assert client.get(rules_url()).status_code == 403

    editor = User.objects.create_user("eddie", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    assert "quote.secret" in client.get(rules_url()).content.decode()
    assert annotate.can_annotate(editor)


# bench/quality.py --rules


def test_quality_rules_gives_precision_per_rule_weakest_first(monkeypatch, capsys):
    import dataclasses
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / "quality.py"
    spec = importlib.util.spec_from_file_location("bench_quality_rules", path)
    quality = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(quality)
    real_quotes, real_places = quality.suggest_quotes, quality.suggest_places

    def quotes(body, speakers):  # the real suggestions, with rules and confidences given here
        return [
            dataclasses.replace(
                q, rule=f"fake.{q.kind}", confidence=0.9 if q.kind == "direct" else 0.4
            )
            for q in real_quotes(body, speakers)
        ]

    def places(body, known):
        return [
            dataclasses.replace(p, rule="fake.place", confidence=0.7)
            for p in real_places(body, known)
        ]

    monkeypatch.setattr(quality, "suggest_quotes", quotes)
    monkeypatch.setattr(quality, "suggest_places", places)
    assert quality.rules_main(["--rules"]) == 0
    lines = capsys.readouterr().out.splitlines()[2:]
    rows = {}
    for line in lines:
        kind, rule, precision, fraction, confidence, *speaker = line.split()
        matched, made = fraction.split("/")
        rows[(kind, rule)] = (float(precision), int(matched), int(made), float(confidence))
    assert {rule for _, rule in rows} == {
        "fake.direct",
        "fake.indirect",
        "fake.claim",
        "fake.place",
    }
    precisions = [rows[key][0] for key in [(line.split()[0], line.split()[1]) for line in lines]]
    assert precisions == sorted(precisions)  # the weakest first
    assert rows[("quote", "fake.direct")][3] == 0.9 and rows[("place", "fake.place")][3] == 0.7
    totals = quality.score(quality.load_gold())["counts"]
    quote_rows = [v for (kind, _), v in rows.items() if kind == "quote"]
    assert sum(v[1] for v in quote_rows) == totals["q_matched"]
    assert sum(v[2] for v in quote_rows) == totals["q_suggested"]
    assert rows[("place", "fake.place")][1:3] == (totals["p_matched"], totals["p_suggested"])
