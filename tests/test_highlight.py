"""highlight.render: escaping, well-formed HTML and exact span coverage, by example and property.

Every check parses the output with the standard library's HTMLParser (character references
converted), so a test sees what a browser's tokenizer sees, not the string ``render`` built.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.utils.safestring import SafeString
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.highlight import Highlight, render

ALLOWED_TAGS = {"p", "mark", "a"}
PROPERTY_SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@dataclass
class Element:
    tag: str
    attrs: list[tuple[str, str | None]]
    position: int  # document order

    def attr(self, name):
        return dict(self.attrs).get(name)


class StrictTree(HTMLParser):
    """Records every element, the text, and the elements open around each character.

    Anything but well-formed p/mark/a markup is recorded in ``problems``: an end tag that does not
    close the most recently opened element, a self-closing tag, a comment, a declaration, a
    processing instruction, another tag, a duplicate attribute, or an element left open.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[Element] = []
        self.elements: list[Element] = []
        self.chars: list[tuple[str, tuple[Element, ...]]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"unexpected tag <{tag}>")
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.problems.append(f"duplicate attribute in <{tag} {attrs}>")
        if tag == "p" and self.stack:
            self.problems.append("<p> opened inside another element")
        if tag != "p" and not self.stack:
            self.problems.append(f"<{tag}> opened outside a paragraph")
        element = Element(tag, attrs, len(self.elements))
        self.elements.append(element)
        self.stack.append(element)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1].tag != tag:
            open_tag = self.stack[-1].tag if self.stack else None
            self.problems.append(f"</{tag}> closes <{open_tag}>")
            return
        self.stack.pop()

    def handle_startendtag(self, tag, attrs):
        self.problems.append(f"self-closing <{tag}/>")

    def handle_data(self, data):
        snapshot = tuple(self.stack)
        self.chars.extend((char, snapshot) for char in data)

    def handle_comment(self, data):
        self.problems.append(f"comment {data!r}")

    def handle_decl(self, decl):
        self.problems.append(f"declaration {decl!r}")

    def handle_pi(self, data):
        self.problems.append(f"processing instruction {data!r}")

    def unknown_decl(self, data):
        self.problems.append(f"unknown declaration {data!r}")

    @property
    def text(self):
        return "".join(char for char, _ in self.chars)


def parse(html: str) -> StrictTree:
    """Parse ``html``; fail the test unless it is well-formed p/mark/a markup."""
    tree = StrictTree()
    tree.feed(html)
    tree.close()
    assert not tree.problems, (tree.problems, html)
    assert not tree.stack, (f"left open: {[e.tag for e in tree.stack]}", html)
    return tree


def span_id(element: Element) -> int | None:
    value = element.attr("data-i")
    return None if value is None else int(value)


# --- Property tests -----------------------------------------------------------------------------

# Pieces that stress the escaper, the paragraph splitter and code-point offsets.
AWKWARD = [
    "<",
    ">",
    "&",
    '"',
    "'",
    "&lt;",
    "&amp;",
    "</mark>",
    "<p>",
    "\n",
    "\n\n",
    "\n \n",
    "\n\t\n\n",
    " ",
    "\t",
    "\r",
    "\xa0",  # NBSP
    "\u0301",  # combining acute accent
    "e\u0301",
    "\u200d",  # zero-width joiner
    "\u202e",  # right-to-left override
    "\ufeff",
    "\U0001f600",  # astral: one code point, two UTF-16 units
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # ZWJ family
    "\U0001f1fa\U0001f1e6",  # flag: two regional indicators
    "Kyiv",
    "a",
    "b",
]
any_char = st.characters(exclude_categories=("Cs",))  # lone surrogates cannot be encoded
bodies = st.lists(
    st.one_of(st.sampled_from(AWKWARD), st.text(any_char, min_size=1, max_size=4)),
    min_size=1,
    max_size=25,
).map("".join)
attribute_values = st.one_of(st.sampled_from(AWKWARD), st.text(any_char, max_size=8))


@st.composite
def bodies_and_spans(draw):
    """A body and up to 8 spans; most bounds come from a few shared points, so spans nest, cross,
    coincide and touch far more often than independent random bounds would."""
    body = draw(bodies)
    n = len(body)
    points = sorted(set(draw(st.lists(st.integers(0, n), min_size=2, max_size=6))) | {0, n})
    spans = []
    for k in range(draw(st.integers(0, 8))):
        if draw(st.booleans()):
            start, end = sorted(
                draw(st.lists(st.sampled_from(points), min_size=2, max_size=2, unique=True))
            )
        else:
            start = draw(st.integers(0, n - 1))
            end = draw(st.integers(start + 1, n))
        attrs = (("data-i", str(k)),)
        if draw(st.booleans()):
            attrs += (("title", draw(attribute_values)),)
        first_attrs = (("id", f"span-{k}"),) if draw(st.booleans()) else ()
        tag = draw(st.sampled_from(["mark", "a"]))
        spans.append(Highlight(start, end, tag, attrs, first_attrs))
    return body, spans


@PROPERTY_SETTINGS
@given(bodies_and_spans())
def test_render_keeps_the_text_and_covers_exactly_the_spans(case):
    body, spans = case
    html = render(body, spans)
    tree = parse(html)  # (b) well-formed, only p/mark/a, nothing left open

    # (a) The text content is the body, exactly.
    assert tree.text == body

    # Paragraphs: text outside <p> is only the whitespace between paragraphs; no paragraph is
    # empty or holds a blank line; every pair of neighbouring paragraphs has a blank line between.
    in_paragraph = [bool(stack) and stack[0].tag == "p" for _, stack in tree.chars]
    assert all(body[i].isspace() for i in range(len(body)) if not in_paragraph[i])
    p_runs = []
    for i, inside in enumerate(in_paragraph):
        p = tree.chars[i][1][0] if inside else None
        if p is not None and (not p_runs or p_runs[-1][0] is not p):
            p_runs.append([p, i, i + 1])
        elif p is not None:
            p_runs[-1][2] = i + 1
    paragraph_elements = [e for e in tree.elements if e.tag == "p"]
    assert [run[0] for run in p_runs] == paragraph_elements  # no empty <p>
    for (_, _, end), (_, start, _) in zip(p_runs, p_runs[1:], strict=False):
        assert re.search(r"\n[ \t]*\n", body[end:start])
    for _, start, end in p_runs:
        assert not re.search(r"\n[ \t]*\n", body[start:end])

    # (c) Inside a paragraph, the elements open around each character are exactly the spans
    # covering it, each with its tag, outer spans (earlier start, then longer) outside inner ones.
    for i, (_, stack) in enumerate(tree.chars):
        covering = {k for k, h in enumerate(spans) if h.start <= i < h.end}
        if not in_paragraph[i]:
            assert stack == ()
            continue
        open_spans = [span_id(e) for e in stack[1:]]
        assert set(open_spans) == covering, (i, body, spans, html)
        assert len(open_spans) == len(covering)
        for element in stack[1:]:
            assert element.tag == spans[span_id(element)].tag
        order = sorted(open_spans, key=lambda k: (spans[k].start, -spans[k].end, k))
        assert open_spans == order

    # Every element of a span carries its attributes verbatim (escaping round-trips); (d) its
    # first_attrs appear exactly once, on its first element, if it covers any paragraph text.
    for k, h in enumerate(spans):
        pieces = [e for e in tree.elements if e.tag != "p" and span_id(e) == k]
        shown = any(in_paragraph[i] for i in range(h.start, h.end))
        assert bool(pieces) == shown
        for n, element in enumerate(pieces):
            expected = h.attrs + (h.first_attrs if n == 0 else ())
            assert element.attrs == list(expected)
        ids = [e for e in tree.elements if h.first_attrs and e.attr("id") == h.first_attrs[0][1]]
        assert len(ids) == (1 if h.first_attrs and shown else 0)


@PROPERTY_SETTINGS
@given(bodies)
def test_render_without_spans_is_the_escaped_body_in_paragraphs(body):
    tree = parse(render(body, []))
    assert tree.text == body
    assert {e.tag for e in tree.elements} <= {"p"}


# --- Hostile text ---------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "</mark><img src=x onerror=alert(1)>",
    "</p></mark></a><script>",
    '" onmouseover="x',
    "' onmouseover='x",
    '"><svg onload=alert(1)>',
    'hx-get="/evil"',
    "javascript:alert(1)",
    "&lt;script&gt;",
    "&#60;script&#62;",
    "<!-- comment -->",
    "<![CDATA[x]]>",
    "\u202eevil\u202c",
    "\u200d\u200b\u2060",
    "\x07\x1b[31m",
    "`${x}`",
    "{{ 7|add:1 }}{% now 'Y' %}",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_body_text_is_only_ever_text(hostile):
    body = f"Before {hostile} after.\n\n{hostile}"
    spans = [
        Highlight(7, 7 + len(hostile), "mark", (("class", "quote"),), (("id", "q-1"),)),
        Highlight(len(body) - len(hostile), len(body), "a", (("href", "/places/kyiv/"),)),
    ]
    html = render(body, spans)
    tree = parse(html)
    assert tree.text == body
    assert [e.tag for e in tree.elements] == ["p", "mark", "p", "a"]
    assert [e.attrs for e in tree.elements] == [
        [],
        [("class", "quote"), ("id", "q-1")],
        [],
        [("href", "/places/kyiv/")],
    ]
    lowered = html.lower()
    for needle in ("<script", "<img", "<svg", "<!", "</p></mark>"):
        assert needle not in lowered


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_attribute_values_stay_inside_their_attribute(hostile):
    attrs = (("title", hostile), ("data-speaker", hostile), ("hx-get", hostile))
    html = render("Peskov said no.", [Highlight(0, 6, "mark", attrs, (("id", hostile),))])
    tree = parse(html)
    assert tree.text == "Peskov said no."
    assert [e.tag for e in tree.elements] == ["p", "mark"]
    assert tree.elements[1].attrs == [*attrs, ("id", hostile)]
    # Only the delimiting quotes of the four attributes are raw quotes.
    assert html.count('"') == 8
    assert "'" not in html
    lowered = html.lower()
    for needle in ("<script", "<img", "<svg", "<!"):
        assert needle not in lowered


def test_literal_entity_text_is_shown_as_written():
    html = render("&lt; is not <", [])
    assert html == "<p>&amp;lt; is not &lt;</p>"
    assert parse(html).text == "&lt; is not <"


def test_render_returns_a_safe_string():
    assert isinstance(render("a < b", []), SafeString)


# --- Paragraphs -----------------------------------------------------------------------------------


def test_a_blank_line_separates_paragraphs_and_is_kept_between_them():
    assert render("a\n\nb", []) == "<p>a</p>\n\n<p>b</p>"
    assert render("a\nb", []) == "<p>a\nb</p>"
    assert render("a\n \t\n\n  b", []) == "<p>a</p>\n \t\n\n  <p>b</p>"
    assert render("\n\na\n\n", []) == "\n\n<p>a</p>\n\n"
    assert render("", []) == ""


def test_a_span_crossing_a_paragraph_break_is_split_with_its_id_on_the_first_piece():
    body = "One two.\n\nThree four.\n\nFive."
    span = Highlight(4, 15, "mark", (("class", "quote"),), (("id", "q-7"),))
    html = render(body, [span])
    assert html == (
        '<p>One <mark class="quote" id="q-7">two.</mark></p>\n\n'
        '<p><mark class="quote">Three</mark> four.</p>\n\n<p>Five.</p>'
    )
    tree = parse(html)
    assert tree.text == body
    marks = [e for e in tree.elements if e.tag == "mark"]
    assert len(marks) == 2
    assert [m.attr("id") for m in marks] == ["q-7", None]


def test_a_span_over_three_paragraphs_gets_one_element_per_paragraph():
    body = "aa\n\nbb\n\ncc"
    tree = parse(render(body, [Highlight(1, 9, "a", (("href", "/x"),), (("id", "m"),))]))
    anchors = [e for e in tree.elements if e.tag == "a"]
    assert len(anchors) == 3
    assert [a.attr("id") for a in anchors] == ["m", None, None]
    assert all(a.attr("href") == "/x" for a in anchors)


@pytest.mark.parametrize(
    ("start", "end"),
    [(-1, 2), (0, 6), (3, 3), (4, 2), (5, 6), (0, 100)],
)
def test_spans_outside_the_body_are_refused(start, end):
    with pytest.raises(ValueError, match="outside"):
        render("Kyiv.", [Highlight(start, end)])


def test_any_span_on_an_empty_body_is_refused():
    with pytest.raises(ValueError):
        render("", [Highlight(0, 1)])


@pytest.mark.parametrize(
    "tag",
    [
        "",
        "mark onclick=alert(1)",
        "mark>",
        "a/",
        'a"',
        "1a",
        "-a",
        "mark\n",  # "$" alone would let a trailing newline through
        "ma rk",
        "mark\x00",
    ],
)
def test_unsafe_tag_names_are_refused(tag):
    with pytest.raises(ValueError, match="unsafe tag"):
        render("Kyiv.", [Highlight(0, 4, tag)])


@pytest.mark.parametrize(
    "name",
    [
        "",
        'onclick="alert(1)"',
        "a b",
        "x>",
        '"',
        "title=",
        "-x",
        "1x",
        "id\n",  # "$" alone would let a trailing newline through
        "data-x\t",
        "x/",
    ],
)
def test_unsafe_attribute_names_are_refused(name):
    with pytest.raises(ValueError, match="unsafe attribute"):
        render("Kyiv.", [Highlight(0, 4, "mark", ((name, "v"),))])
    with pytest.raises(ValueError, match="unsafe attribute"):
        render("Kyiv.", [Highlight(0, 4, "mark", (), ((name, "v"),))])


def test_the_attribute_names_the_presenters_use_are_accepted():
    attrs = tuple(
        (name, "v")
        for name in ("class", "data-quote", "title", "tabindex", "role", "hx-get", "hx-push-url")
    )
    html = render("Kyiv.", [Highlight(0, 4, "mark", attrs, (("id", "q-1"),))])
    assert parse(html).elements[1].attrs == [*attrs, ("id", "q-1")]


# --- Nesting and crossing -------------------------------------------------------------------------


def mark(i, **kw):
    return Highlight(attrs=(("data-i", str(i)),), **kw)


def test_nested_spans_nest_outer_outside_inner_whatever_the_input_order():
    inner, outer = mark(1, start=2, end=4), mark(0, start=0, end=6)
    expected = '<p><mark data-i="0">ab<mark data-i="1">cd</mark>ef</mark>gh</p>'
    assert render("abcdefgh", [inner, outer]) == expected
    assert render("abcdefgh", [outer, inner]) == expected


def test_spans_sharing_a_start_put_the_longer_outside():
    short, long = mark(1, start=0, end=2), mark(0, start=0, end=5)
    assert render("abcdef", [short, long]) == (
        '<p><mark data-i="0"><mark data-i="1">ab</mark>cde</mark>f</p>'
    )


def test_identical_spans_nest_in_input_order():
    first, second = mark(0, start=1, end=3), mark(1, start=1, end=3)
    assert render("abcd", [first, second]) == (
        '<p>a<mark data-i="0"><mark data-i="1">bc</mark></mark>d</p>'
    )


def test_crossing_spans_are_split_so_each_covers_exactly_its_text():
    body = "abcdefgh"
    left = Highlight(0, 4, "mark", (("data-i", "0"),), (("id", "q-0"),))
    right = Highlight(2, 7, "a", (("data-i", "1"),), (("id", "m-1"),))
    html = render(body, [right, left])
    assert html == (
        '<p><mark data-i="0" id="q-0">ab<a data-i="1" id="m-1">cd</a></mark>'
        '<a data-i="1">efg</a>h</p>'
    )
    tree = parse(html)
    for k, span in enumerate([left, right]):
        covered = "".join(c for c, stack in tree.chars if any(span_id(e) == k for e in stack))
        assert covered == body[span.start : span.end]


def test_spans_that_touch_do_not_overlap():
    html = render("abcd", [mark(0, start=0, end=2), mark(1, start=2, end=4)])
    assert html == '<p><mark data-i="0">ab</mark><mark data-i="1">cd</mark></p>'


def test_offsets_are_code_points_not_utf16_units():
    body = "\U0001f600 Kyiv"
    html = render(body, [mark(0, start=2, end=6)])
    assert html == '<p>\U0001f600 <mark data-i="0">Kyiv</mark></p>'


@pytest.mark.parametrize(
    "tag, attrs",
    [
        ("script", ()),
        ("img", ()),
        ("mark", (("onclick", "alert(1)"),)),
        ("mark", (("onmouseover", "x"),)),
        ("mark", (("style", "background:url(x)"),)),
        ("a", (("href", "javascript:alert(1)"),)),
        ("a", (("href", " javascript:alert(1)"),)),
        ("a", (("href", "//evil.example/"),)),
        ("a", (("href", "data:text/html,x"),)),
    ],
)
def test_only_inert_tags_attributes_and_links_are_rendered(tag, attrs):
    with pytest.raises(ValueError):
        render("Kyiv", [Highlight(0, 4, tag, attrs)])


def test_paths_fragments_and_web_links_are_allowed():
    for href in ["/places/kyiv/", "#q-1", "https://example.org/a?b=1&c=2", "http://x.test/"]:
        assert "href=" in render("Kyiv", [Highlight(0, 4, "a", (("href", href),))])
