"""The server-rendered article page: what works without JavaScript and what newsroom.js wires."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles import operations
from articles.models import PlaceMention, Quote, Speaker
from tests.ops import create, delete_all_articles

from .test_views import annotate, count_queries, long_body

pytestmark = pytest.mark.django_db


class Tags(HTMLParser):
    """Every start tag as (name, attrs), in document order."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def find(self, tag=None, **attrs):
        return [
            a
            for t, a in self.tags
            if (tag is None or t == tag) and all(a.get(k) == v for k, v in attrs.items())
        ]


@pytest.fixture
def page(make_article, speaker, place):
    """An article quoting Peskov twice (direct, claim), an unattributed paraphrase, a place."""
    body = "Peskov said Kyiv was wrong. He said talks were over.\n\nOthers said it was not so."
    article = make_article(body=body)
    other = create(Speaker, name="Maria Zakharova", slug="maria-zakharova")
    quotes = [
        create(Quote, article=article, start=12, end=26, exact="Kyiv was wrong", speaker=speaker),
        create(
            Quote,
            article=article,
            start=36,
            end=51,
            exact="talks were over",
            speaker=speaker,
            kind=Quote.Kind.CLAIM,
        ),
        create(
            Quote,
            article=article,
            start=65,
            end=80,
            exact="it was not so",
            speaker=None,
            kind=Quote.Kind.INDIRECT,
        ),
    ]
    # A speaker quoted only in a suggestion is not in the legend.
    create(
        Quote,
        article=article,
        start=0,
        end=6,
        exact="Peskov",
        speaker=other,
        status=Quote.Status.SUGGESTED,
    )
    create(PlaceMention, article=article, start=12, end=16, exact="Kyiv", place=place)
    return article, quotes


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


def test_legend_lists_speakers_with_counts_as_links_and_hidden_toggles(client, page):
    article, quotes = page
    html = get(client, article.get_absolute_url())
    legend = html[html.index('class="legend legend--speakers"') :]
    legend = legend[: legend.index("</ul>")]
    entries = re.findall(r"<li.*?</li>", legend, re.S)
    assert len(entries) == 2  # Peskov and Unattributed; not the suggested Zakharova
    assert (
        '<a href="/speakers/dmitry-peskov/" dir="auto">Dmitry Peskov</a> '
        '<span class="count">2</span>' in (entries[0])
    )
    assert 'Unattributed <span class="count">1</span>' in entries[1]
    assert "Zakharova" not in legend
    toggles = Tags(legend).find("button")
    assert [t["data-toggle-speaker"] for t in toggles] == ["dmitry-peskov", ""]
    for toggle in toggles:
        # Only newsroom.js can run them, so it reveals them: no dead buttons without it.
        assert "hidden" in toggle and toggle["aria-pressed"] == "true"
        assert toggle["type"] == "button"
    assert "Highlight: Dmitry Peskov" in entries[0]


def test_kind_switch_lists_the_kinds_present_with_counts(client, page, speaker):
    article, quotes = page
    html = get(client, article.get_absolute_url())
    toggles = Tags(html).find("button", **{"class": "hl-toggle"})
    kinds = [t["data-toggle-kind"] for t in toggles if "data-toggle-kind" in t]
    assert kinds == ["direct", "indirect", "claim"]
    for kind, label in [
        ("direct", "Direct quote"),
        ("indirect", "Indirect (paraphrase)"),
        ("claim", "Reported claim"),
    ]:
        assert (
            f'<span class="sample sample--{kind}">{label}</span> <span class="count">1</span>'
            in html
        )

    # Only the kinds the article has.
    for quote in Quote.objects.filter(kind=Quote.Kind.CLAIM):
        operations.delete_span(quote)
    html = get(client, article.get_absolute_url())
    assert 'data-toggle-kind="claim"' not in html
    assert 'data-toggle-kind="direct"' in html


def test_navigation_buttons_and_key_hint_wait_for_javascript(client, page):
    article, _ = page
    html = get(client, article.get_absolute_url())
    tags = Tags(html)
    (hint,) = tags.find(id="hl-hint")
    assert "hidden" in hint and "data-js-only" in hint
    assert "<kbd>j</kbd> next highlight, <kbd>k</kbd> previous" in html
    assert "<kbd>Esc</kbd> closes them" in html
    (nav,) = tags.find("div", **{"class": "hl-nav"})
    assert "hidden" in nav
    moves = tags.find("button", **{"class": "hl-move"})
    assert [m["data-move"] for m in moves] == ["-1", "1"]
    assert ">Previous highlight</button>" in html and ">Next highlight</button>" in html
    (shortcuts,) = tags.find("button", **{"class": "shortcuts-toggle"})
    assert "data-shortcuts" in shortcuts
    assert shortcuts["aria-pressed"] == "true"
    (howto,) = tags.find(id="hl-howto")
    assert "hidden" in howto


def test_the_quote_index_reaches_every_quote_without_javascript(client, page):
    article, quotes = page
    html = get(client, article.get_absolute_url())
    index = html[html.index('<ol class="quote-index">') :]
    index = index[: index.index("</ol>")]
    links = re.findall(
        r'<a href="([^"]+)" dir="auto">([^<]+)</a> <span class="who">(.*?)</span>', index
    )
    assert [(url, text, re.sub("</?bdi>", "", who)) for url, text, who in links] == [
        (
            reverse("articles:quote_panel", args=[article.slug, q.pk]),
            q.exact,
            f"{q.speaker.name if q.speaker else 'Unattributed'}, {q.get_kind_display().lower()}",
        )
        for q in quotes
    ]
    assert '<h2 id="quotes-heading">3 quotes and claims, 1 place</h2>' in html


def test_marks_are_not_buttons_and_have_no_dead_tab_stops(client, page):
    article, quotes = page
    html = get(client, article.get_absolute_url())
    body = html[html.index('id="article-body"') :]
    body = body[: body.index("</article>")]
    marks = Tags(body).find("mark")
    assert len(marks) == 3
    for mark, quote in zip(marks, quotes, strict=True):
        assert "role" not in mark and "tabindex" not in mark
        assert mark["id"] == f"q-{quote.pk}"
        assert mark["hx-get"] == reverse("articles:quote_panel", args=[article.slug, quote.pk])
        assert mark["title"].endswith(quote.get_kind_display())
    # The place link inside the first quote is a plain link.
    assert re.search(
        r'<mark [^>]*id="q-\d+"><a class="place place--city" href="/places/kyiv/"', body
    )


def test_landmarks_and_headings(client, page):
    article, quotes = page
    html = get(client, reverse("articles:quote_panel", args=[article.slug, quotes[0].pk]))
    assert html.count("<h1") == 1
    assert '<aside class="panel" id="panel" aria-label="Quote details">' in html
    assert '<section class="highlights" id="highlights" aria-labelledby="highlights-heading">' in (
        html
    )
    levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    for landmark in ("<header", "<nav", "<main", "<aside", "<footer"):
        assert landmark in html


def test_the_quote_url_is_the_page_with_its_panel_open(client, page):
    article, quotes = page
    url = reverse("articles:quote_panel", args=[article.slug, quotes[1].pk])
    html = get(client, url)
    assert (
        f'<div class="panel-content" id="panel-content" tabindex="-1" data-quote="{quotes[1].pk}">'
        in (html)
    )
    assert 'class="legend legend--speakers"' in html and "talks were over</blockquote>" in html
    # htmx's Back/Forward restore asks with HX-Request too: it needs the whole page.
    restore = get(client, url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore and 'id="article-body"' in restore
    fragment = get(client, url, headers={"HX-Request": "true"})
    assert "<html" not in fragment and 'data-quote="' in fragment


def test_an_article_without_quotes_has_no_controls(client, make_article):
    article = make_article()
    html = get(client, article.get_absolute_url())
    assert 'id="highlights"' not in html and "hl-toggle" not in html
    assert '<h2 id="quotes-heading">0 quotes and claims</h2>' in html


def test_user_text_in_the_controls_is_escaped(client, make_article):
    hostile = '<b>"x"</b>'
    article = make_article(body="Someone said this.")
    speaker = create(Speaker, name=hostile, slug="hostile")
    create(Quote, article=article, start=13, end=17, exact="this", speaker=speaker)
    html = get(client, article.get_absolute_url())
    assert "<b>" not in html
    assert "Highlight: &lt;b&gt;&quot;x&quot;&lt;/b&gt;" in html


@pytest.mark.parametrize("htmx", [False, True])
def test_article_page_and_panel_run_constant_queries(client, make_article, speaker, place, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    counts = []
    for n in (2, 150):
        delete_all_articles()
        article = make_article(body=long_body())
        annotate(article, n, speaker, place)
        quote = Quote.objects.filter(speaker=speaker).first()
        urls = [
            article.get_absolute_url(),
            reverse("articles:quote_panel", args=[article.slug, quote.pk]),
        ]
        counts.append([count_queries(client, url, headers=headers) for url in urls])
        html = client.get(article.get_absolute_url()).content.decode()
        # Two speakers; kinds cycle direct, indirect, claim.
        assert html.count('class="hl-toggle"') == 2 + min(n, 3)
    assert counts[0] == counts[1]
    assert max(counts[0]) <= 7
