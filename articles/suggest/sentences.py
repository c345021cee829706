"""Quotation marks paired by their context, the quotes masked out, and the sentences between
them."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .vocabulary import (
    _ABBREVIATIONS,
    _CLOSING_GLYPHS,
    _DOUBLE_MARKS,
    _OPENING_GLYPHS,
    _wordset,
)

if TYPE_CHECKING:
    from .entities import _Entity
    from .phrases import _Speakers


@dataclass
class _Quote:
    open: int  # index of the opening mark (or of the paragraph start, for an unmarked block)
    close: int | None  # index of the closing mark; None when it runs to the paragraph's end
    start: int  # the span: words inside the marks
    end: int
    paragraph: int
    marked: bool = True
    speaker: _Entity | None = None
    resolved: bool = False
    rule: str = ""  # the rule that attributed it (articles.suggest.rules)
    single: bool = False  # in single marks (British style), not double ones


class _QuoteIndex:
    """The article's quotes (in body order, never overlapping), found by position in log time."""

    def __init__(self, quotes: list[_Quote]):
        self.quotes = quotes
        self.opens = [q.open for q in quotes]
        self.by_paragraph: dict[int, list[_Quote]] = {}
        self.resolved: dict[int, _Quote] = {}  # paragraph -> its last quote attributed so far
        # paragraph -> where its last reported speech with a speaker ends, and that speaker
        self.said: dict[int, tuple[int, _Entity]] = {}
        for q in quotes:
            self.by_paragraph.setdefault(q.paragraph, []).append(q)

    def between(self, lo: int, hi: int) -> list[_Quote]:
        """The quotes that open in lo:hi."""
        i, j = bisect.bisect_left(self.opens, lo), bisect.bisect_left(self.opens, hi)
        return self.quotes[i:j]

    def inside(self, s: int, e: int) -> list[_Quote]:
        """The marked quotes within s:e (a closing mark right after e included)."""
        return [q for q in self.between(s, e + 2) if (q.close or q.end) <= e + 1 and q.marked]

    def around(self, s: int) -> bool:
        """Does a marked quote hold position ``s`` (strictly between its marks)?"""
        i = bisect.bisect_left(self.opens, s) - 1
        if i < 0:
            return False
        q = self.quotes[i]  # quotes do not overlap: only the last to open before s can hold it
        return q.marked and s < (q.close or q.end)

    def next_open(self, position: int) -> int | None:
        """Where the first quote opening after ``position`` opens."""
        i = bisect.bisect_right(self.opens, position)
        return self.opens[i] if i < len(self.opens) else None


@dataclass
class _Context:
    """One sentence and what every stage reads about it: the body, the body with the quotes
    masked, the sentence's bounds, the end of its paragraph (how far a speaker named later may
    be looked for), the article's quotes and its speakers."""

    body: str
    masked: str
    lo: int
    hi: int
    p_hi: int
    index: _QuoteIndex
    who: _Speakers

    @property
    def text(self) -> str:
        """The sentence, masked."""
        return self.masked[self.lo : self.hi]

    def quotes(self) -> list[_Quote]:
        """The quotes that open in the sentence."""
        return self.index.between(self.lo, self.hi)


def _paragraph_bounds(body: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", body)]


def _mark_role(body: str, i: int, lo: int, hi: int) -> str:
    prev = body[i - 1] if i > lo else " "
    nxt = body[i + 1] if i + 1 < hi else " "
    opens = prev.isspace() or prev in "([{—–-/:" or i == lo
    closes = nxt.isspace() or nxt in ",.;:!?)]}—–-" or i + 1 == hi
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    if body[i] in _OPENING_GLYPHS:
        return "open"
    if body[i] in _CLOSING_GLYPHS:
        return "close"
    return "either"


def _trim_span(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and (body[end - 1].isspace() or body[end - 1] in ".,;:"):
        end -= 1
    return start, end


def _find_quotes(body: str, paragraphs: list[tuple[int, int]]) -> list[_Quote]:
    quotes = []
    for number, (lo, hi) in enumerate(paragraphs):
        start = None
        for i in range(lo, hi):
            if body[i] not in _DOUBLE_MARKS:
                continue
            role = _mark_role(body, i, lo, hi)
            if start is None:
                if role in ("open", "either"):
                    start = i
            elif role in ("close", "either") or body[i] not in _OPENING_GLYPHS:
                s, e = _trim_span(body, start + 1, i)
                if e > s:
                    quotes.append(_Quote(start, i, s, e, number))
                start = None
            else:  # a second opening mark: the first was never closed
                start = i
        if start is not None:
            s, e = _trim_span(body, start + 1, hi)
            if e > s:
                quotes.append(_Quote(start, None, s, e, number))
    return quotes


# a dateline before the lead's first word: "CABINDA, Angola (Atlantic Coast Monitor) — ",
# "IMPHAL, 9 November (Northeast Despatch) – ": where the story was filed, nobody who speaks
_DATELINE_RE = re.compile(
    r"^[A-Z][A-Z'’.\-]+(?:[ -][A-Z][A-Z'’.\-]+)*(?:,[^\n()—–]{1,60}?)?\s*"
    r"(?:\([^()\n]{1,60}\)\s*)?[—–-]\s",
    re.MULTILINE,
)
_DATELINE_WITHIN = 1500  # characters from the top: a dateline heads the story


def _mask(body: str, quotes: list[_Quote]) -> str:
    """``body`` with the words inside quotation marks replaced by underscores (same length), and
    single marks that pair as quotation marks written as double ones, so later stages read
    one style; a dateline is blanked (spaces), so it is nobody's name."""
    chars = list(body)
    m = _DATELINE_RE.search(body, 0, _DATELINE_WITHIN)
    if m:
        chars[m.start() : m.end()] = " " * (m.end() - m.start())
    for q in quotes:
        for k in range(q.start, q.end):
            if chars[k] != "\n":
                chars[k] = "_"
        if q.single:
            chars[q.open] = '"'
            if q.close is not None:
                chars[q.close] = '"'
    return "".join(chars)


_SINGLE_OPEN = "'‘"
_SINGLE_CLOSE = "'’"


def _single_opens(body: str, i: int, lo: int) -> bool:
    """Can the single mark at ``i`` open a quotation: after a space or a bracket, before a
    word? (An apostrophe has a letter before it: "group's", "don't".)"""
    if body[i] not in _SINGLE_OPEN:
        return False
    prev = body[i - 1] if i > lo else " "
    nxt = body[i + 1] if i + 1 < len(body) else " "
    return (prev.isspace() or prev in '([{—–-/:"“') and (nxt.isalnum() or nxt in "…$£€")


def _single_closes(body: str, i: int, hi: int) -> bool:
    """Can the single mark at ``i`` close a quotation: after a word or its punctuation, before a
    space or punctuation?"""
    if body[i] not in _SINGLE_CLOSE or i == 0 or body[i - 1].isspace():
        return False
    nxt = body[i + 1] if i + 1 < hi else " "
    return nxt.isspace() or nxt in ',.;:!?)]}—–-"”'


def _possessive(body: str, i: int, hi: int) -> bool:
    """ "the fighters' positions": a plural's apostrophe before a lowercase word (not before a
    verb or a function word, which no possessive is: "'terrorist groups' had attacked")."""
    if body[i - 1] != "s":
        return False
    m = _NEXT_WORD_RE.match(body, i + 1, hi)
    return m is not None and m.group(1) not in _NOT_POSSESSED


_NEXT_WORD_RE = re.compile(r" ([a-z]+)")


_NOT_POSSESSED = _wordset(
    """
    had have has was were is are would will could should can may might must did do does and or
    but nor of to in on at for with by from as that which who when after before since while than
    into onto against about over under
    """
)


def _closed_later(opens: list[int], closes: list[int], i: int) -> bool:
    """Is there a later closing mark, with no opening mark before it (which would make the mark
    at ``i`` the close: "that 'terrorist groups' had ... 'inflicted heavy losses'")?"""
    k = bisect.bisect_right(closes, i)
    if k == len(closes):
        return False
    j = bisect.bisect_right(opens, i)
    return j == len(opens) or opens[j] > closes[k]


def _find_single_quotes(
    body: str, paragraphs: list[tuple[int, int]], quotes: list[_Quote]
) -> list[_Quote]:
    """Quotations in single marks outside double ones (the British style of wire copy). A
    quotation left open at its paragraph's end runs on when the next paragraph opens with a
    mark, as in that style; else the opening mark was none."""
    inside = bytearray(len(body) + 1)  # what double marks hold, their marks included
    for q in quotes:
        end = q.close if q.close is not None else paragraphs[q.paragraph][1]
        inside[q.open : end + 1] = b"\x01" * (end + 1 - q.open)
    found = []
    for number, (lo, hi) in enumerate(paragraphs):
        marks = [i for i in range(lo, hi) if body[i] in "'‘’" and not inside[i]]
        closes = [i for i in marks if _single_closes(body, i, hi)]
        opens = [i for i in marks if _single_opens(body, i, lo)]
        start = None
        for i in marks:
            if start is None:
                if _single_opens(body, i, lo):
                    start = i
                continue
            if i in closes and i > start + 1:
                if _possessive(body, i, hi) and _closed_later(opens, closes, i):
                    continue  # "the fighters' positions": a later mark closes it
                s, e = _trim_span(body, start + 1, i)
                if e > s:
                    found.append(_Quote(start, i, s, e, number, single=True))
                start = None
        following = paragraphs[number + 1][0] if number + 1 < len(paragraphs) else None
        if (
            start is not None
            and following is not None
            and _single_opens(body, following, following)
        ):
            s, e = _trim_span(body, start + 1, hi)
            if e > s:
                found.append(_Quote(start, None, s, e, number, single=True))
    return found


# The longest stretch treated as one sentence: news sentences are well under it (the gold set's
# longest is 300 characters); text without full stops is cut into pieces of this size, which
# bounds the work on each (cues, quotes and speakers are all looked for within a sentence).
_MAX_SENTENCE = 600


def _sentences(masked: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The sentences of the paragraph lo:hi, none longer than ``_MAX_SENTENCE``."""
    bounds = []
    for start, end in _full_sentences(masked, lo, hi):
        while end - start > _MAX_SENTENCE:
            cut = masked.rfind(" ", start + _MAX_SENTENCE // 2, start + _MAX_SENTENCE) + 1
            cut = cut or start + _MAX_SENTENCE
            bounds.append((start, cut))
            start = cut
        bounds.append((start, end))
    return bounds


def _full_sentences(masked: str, lo: int, hi: int) -> list[tuple[int, int]]:
    bounds, start = [], lo
    for m in re.finditer(r"[.!?][\"”’'»)]*\s+(?=[\"“‘'«(]?[A-Z_\d])", masked[lo:hi]):
        cut = lo + m.start()
        before = _word_before(masked, start, cut + 1).casefold().rstrip(".")
        if masked[cut] == "." and (
            before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()) or "." in before
        ):
            continue
        end = lo + m.end()
        bounds.append((start, end))
        start = end
    if start < hi:
        bounds.append((start, hi))
    return bounds


def _word_before(text: str, lo: int, end: int) -> str:
    """The word ``re.search(r"([\\w.]+)$", ...)`` finds at the end of ``text[lo:end]`` once the
    closing punctuation is stripped, or "": scanning back only as far as that word (a regex
    search for it from ``lo`` is quadratic)."""
    while end > lo and text[end - 1] in ".!?\"”’'»)":
        end -= 1
    if end > lo and text[end - 1] == "\n":
        end -= 1  # "$" also matches before a final newline
    start = end
    while start > lo and (text[start - 1].isalnum() or text[start - 1] in "_."):
        start -= 1
    return text[start:end]


def _words(text: str) -> int:
    return len(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text))
