"""Text direction: every user-supplied string sits in a direction context of its own.

An unclosed RIGHT-TO-LEFT OVERRIDE (U+202E) in a name reverses everything after it up to the end
of its paragraph, unless the name is isolated: ``<bdi>`` inline, ``dir="auto"`` on an element
that holds only that value (or, where no element can be, U+2068 ... U+2069 as in ``<title>``).
These tests render each page with every name, role, headline, quote and note starting with
U+202E, and check with an HTML parser that each such text is isolated, and isolated alone.

Two things are exempt. The article body: it is the article's own text, split into ``<p>``
blocks (an embedding ends with its paragraph), each taking its own direction (``unicode-bidi:
plaintext``). And ``.visually-hidden`` text: never drawn, only read out, in logical order.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from articles.models import Article, Author, Place, PlaceMention, Quote, Speaker
from tests.ops import add_places, affiliation, create, save

RLO = "\u202e"
FSI, PDI = "\u2068", "\u2069"
BODIES = {"article-body", "annotate-body"}  # the article's own text; see the module docstring
NOT_RENDERED = {"script", "style", "template"}
# A field's value, like an <input>'s: in a box of its own, its direction set by css/admin.css.
FIELD_VALUES = {"textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def rlo(label: str) -> str:
    """``label`` behind an override that is never closed."""
    return RLO + label


@dataclass(frozen=True)
class Hostile:
    """One published article with every kind of user-supplied text passed through ``text``."""

    article: Article
    quote: Quote
    speaker: Speaker
    other: Speaker
    place: Place
    values: tuple[str, ...]  # every user-supplied string on the pages, as stored


def build_hostile(text: Callable[[str], str] = rlo) -> Hostile:
    author = create(Author, name=text("Author Zorya"), slug="author-zorya", bio=text("Author bio"))
    speaker = create(
        Speaker,
        name=text("Speaker Zorya"),
        slug="speaker-zorya",
        role=text("Spokesman"),
        affiliation=affiliation("Kremlin"),  # plain: the text after a hostile role is ours
        description=text("Speaker description"),
        aliases=[text("Alias one"), text("Alias two")],
    )
    other = create(
        Speaker,
        name=text("Other Zorya"),
        slug="other-zorya",
        role="Minister",
        affiliation=affiliation(text("Ministry"), side=text("Side Zorya")),
    )
    place = create(
        Place,
        name=text("Place Zorya"),
        slug="place-zorya",
        kind="city",
        latitude=46.64,
        longitude=32.61,
        country_code="UA",
        aliases=[text("Place alias")],
    )
    said, denied = text("Quote Zorya talks resume"), text("Denial Zorya")
    body = (
        f"The spokesman said {said} on Monday.\n\nIn {place.name} a minister said {denied} at once."
    )
    article = create(
        Article,
        slug="zorya-talks",
        headline=text("Headline Zorya"),
        dek=text("Dek Zorya"),
        body=body,
        author=author,
        status=Article.Status.PUBLISHED,
        published_on=date(2025, 1, 2),
    )
    quote = add_quote(article, said, speaker, note=text("Quote note"))
    add_places(quote, place)
    add_places(add_quote(article, denied, other, kind=Quote.Kind.INDIRECT), place)
    start = body.index(place.name)
    create(
        PlaceMention,
        article=article,
        start=start,
        end=start + len(place.name),
        exact=place.name,
        place=place,
    )
    earlier_said = text("Earlier Zorya words")
    earlier = create(
        Article,
        slug="zorya-earlier",
        headline=text("Earlier headline"),
        body=f"Before that he said {earlier_said} twice.",
        status=Article.Status.PUBLISHED,
        published_on=date(2024, 12, 1),
    )
    add_places(add_quote(earlier, earlier_said, speaker), place)
    values = (
        *[author.name, author.bio, article.headline, article.dek, earlier.headline, body],
        *[speaker.name, speaker.role, speaker.description, *speaker.aliases, quote.note],
        *[other.name, other.affiliation.name, other.affiliation.side, place.name],
        *[*place.aliases, earlier.body],
    )
    return Hostile(article, quote, speaker, other, place, values)


def add_quote(article, exact, speaker, kind=Quote.Kind.DIRECT, **fields) -> Quote:
    start = article.body.index(exact)
    return create(
        Quote,
        article=article,
        start=start,
        end=start + len(exact),
        exact=exact,
        speaker=speaker,
        kind=kind,
        **fields,
    )


class DirectionContexts(HTMLParser):
    """Each piece of rendered text holding U+202E, with the text of the innermost element that
    isolates it (``<bdi>``, ``dir="auto"``), or of its U+2068 ... U+2069 run; None if neither."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, list[str] | None, bool]] = []  # tag, isolate's text, skipped
        self.found: list[tuple[str, str | None]] = []
        self.isolates: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        isolating = tag == "bdi" or (attrs.get("dir") or "").lower() == "auto"
        skipped = (
            tag in NOT_RENDERED | FIELD_VALUES
            or attrs.get("id") in BODIES
            or "visually-hidden" in (attrs.get("class") or "").split()
        )
        self.open.append((tag, [] if isolating else None, skipped))

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                return

    def handle_data(self, data):
        if any(skipped for _, _, skipped in self.open):
            return
        for _, texts, _ in self.open:
            if texts is not None:
                texts.append(data)
        if RLO not in data:
            return
        innermost = next((texts for _, texts, _ in reversed(self.open) if texts is not None), None)
        if innermost is not None:
            self.found.append((data, innermost))
        else:
            runs = re.findall(f"{FSI}([^{PDI}]*){PDI}", data)
            outside = re.sub(f"{FSI}[^{PDI}]*{PDI}", "", data)
            self.found.extend((data, [run]) for run in runs if RLO in run)
            if RLO in outside:
                self.found.append((data, None))


def direction_contexts(html: str) -> list[tuple[str, str | None]]:
    parser = DirectionContexts()
    parser.feed(html)
    parser.close()
    return [(data, None if texts is None else "".join(texts)) for data, texts in parser.found]


def check_isolated(html: str, values: tuple[str, ...], expected: list[str]) -> None:
    """Every text with U+202E is isolated, its context holds one value (or part of one: a
    truncated quote, a snippet) and nothing of ours, and each of ``expected`` is among them."""
    found = direction_contexts(html)
    leaks = [data for data, context in found if context is None]
    assert not leaks, f"not isolated: {leaks}"
    shared = [
        context
        for _, context in found
        if not any(context.strip().strip("…").strip() in value for value in values)
    ]
    assert not shared, f"isolated together with other text: {shared}"
    contexts = {context.strip() for _, context in found}
    missing = [value for value in expected if not any(value in c for c in contexts)]
    assert not missing, f"not on the page, or not isolated alone: {missing}"


def test_the_checker_finds_what_leaks():
    values = (rlo("Name"),)
    leaking = f"<p>By {rlo('Name')} today</p><p>By <bdi>{rlo('Name')}</bdi> today</p>"
    assert [context for _, context in direction_contexts(leaking)] == [None, rlo("Name")]
    with pytest.raises(AssertionError, match="isolated together"):
        check_isolated(f'<main dir="auto">By {rlo("Name")} today</main>', values, [])
    check_isolated(f"<title>{FSI}{rlo('Name')}{PDI} · Newsroom</title>", values, [rlo("Name")])


@pytest.fixture
def hostile(db):
    return build_hostile()


def reader_pages(h: Hostile) -> dict[str, tuple[str, list[str]]]:
    """Each reader page type: its URL and the values it must show, isolated."""
    s, o, p, a = h.speaker, h.other, h.place, h.article
    return {
        "article": (
            a.get_absolute_url(),
            [a.headline, a.dek, a.author.name, a.author.bio, s.name, o.name, h.quote.exact]
            + [o.affiliation.name, o.affiliation.side],  # its source balance
        ),
        "quote panel": (
            h.quote.get_absolute_url(),
            [s.name, s.role, h.quote.exact, h.quote.note, p.name, "Earlier Zorya words"],
        ),
        "speakers": ("/speakers/", [s.name, s.role, o.name, o.affiliation.name]),
        "speaker": (
            s.get_absolute_url(),
            [s.name, s.role, s.description, *s.aliases, h.quote.exact, a.headline, p.name, o.name],
        ),
        "places": ("/places/", [p.name]),
        "place": (
            p.get_absolute_url(),
            [p.name, *p.aliases, h.quote.exact, s.name, o.name, a.headline, "Zorya"],
        ),
        "filters": ("/", [a.headline, a.dek, a.author.name, s.name, p.name]),
        "search": ("/?q=Zorya", [a.headline, a.dek, "Zorya", s.name, p.name]),
        "search with an override": (f"/?q={RLO}nothing", [rlo("nothing")]),
    }


@pytest.mark.parametrize(
    "name",
    [
        "article",
        "quote panel",
        "speakers",
        "speaker",
        "places",
        "place",
        "filters",
        "search",
        "search with an override",
    ],
)
def test_reader_pages_isolate_every_user_supplied_text(client, hostile, name):
    url, expected = reader_pages(hostile)[name]
    response = client.get(url)
    assert response.status_code == 200
    check_isolated(response.content.decode(), (*hostile.values, rlo("nothing")), expected)


def test_the_quote_panel_fragment_isolates_too(client, hostile):
    response = client.get(hostile.quote.get_absolute_url(), headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    expected = [hostile.speaker.name, hostile.quote.exact, hostile.quote.note]
    check_isolated(response.content.decode(), hostile.values, expected)


def test_page_titles_isolate_the_name_they_start_with(client, hostile):
    response = client.get(hostile.speaker.get_absolute_url())
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
    assert title == f"&#x2068;{hostile.speaker.name}&#x2069; · Newsroom"


def test_the_annotate_view_isolates_every_user_supplied_text(client, hostile, annotator):
    orphan = add_quote(hostile.article, hostile.place.name, hostile.other)
    orphan.anchored = False
    save(orphan)
    url = reverse("admin:articles_article_annotate", args=[hostile.article.pk])
    page = client.get(url, {"reselect": orphan.key})
    assert page.status_code == 200
    a, s, o, p = hostile.article, hostile.speaker, hostile.other, hostile.place
    check_isolated(page.content.decode(), hostile.values, [a.headline, s.name, o.name, p.name])
    form = client.get(
        reverse("admin:articles_article_annotate_form", args=[a.pk]),
        {"edit": hostile.quote.key},
        headers={"HX-Request": "true"},
    )
    assert form.status_code == 200
    check_isolated(form.content.decode(), hostile.values, [hostile.quote.exact])


def test_the_history_page_isolates_recorded_values(admin_client, hostile):
    speaker = hostile.speaker
    old_name, speaker.name = speaker.name, rlo("Renamed Zorya")
    save(speaker)
    url = reverse("admin:articles_speaker_history", args=[speaker.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<table id="change-history"')
    table = html[start : html.index("</table>", start)]
    check_isolated(table, (*hostile.values, speaker.name), [old_name, speaker.name])


def css_rules(css: str) -> list[tuple[list[str], str]]:
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return [
        ([s.strip() for s in selectors.split(",")], body)
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
    ]


def test_admin_pages_load_a_stylesheet_that_isolates_cells_and_fields(admin_client, hostile):
    response = admin_client.get(reverse("admin:articles_speaker_changelist"))
    assert response.status_code == 200
    assert hostile.speaker.name in response.content.decode()
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', response.content.decode())
    assert static("css/admin.css") in links
    css = Path(finders.find("css/admin.css")).read_text(encoding="utf-8")
    isolated = {
        selector
        for selectors, body in css_rules(css)
        if re.search(r"unicode-bidi:\s*(isolate|plaintext)", body)
        for selector in selectors
    }
    for selector in ["#result_list td", "#result_list th", "#result_list a", "input", "textarea"]:
        assert any(s.startswith(selector) for s in isolated), selector
