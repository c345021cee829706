"""A quote's speaker: the cue nearest to it, the sentence's subject, or the quote before it."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from .sentences import _MAX_SENTENCE
from .vocabulary import _CUE_RE, _PARTICIPLES

if TYPE_CHECKING:
    from .entities import _Entity
    from .phrases import _Speakers
    from .sentences import _Context, _Quote


class _Lookback:
    """Where the last blank line or ". " before a position is, found by bisection rather than by
    scanning back through the body (which made each lookup as long as the text before it)."""

    def __init__(self, body: str):
        self.body = body
        self.blank_lines = [m.start() for m in re.finditer(r"(?=\n\n)", body)]
        self.full_stops = [m.start() for m in re.finditer(r"\. ", body)]
        self._colon: dict[int, bool] = {}

    @staticmethod
    def _last(starts: list[int], end: int) -> int:
        """``body.rfind(s, 0, end)`` for a two-character ``s`` found at ``starts``."""
        i = bisect.bisect_right(starts, end - 2) - 1
        return starts[i] if i >= 0 else -1

    def blank_line(self, end: int) -> int:
        return self._last(self.blank_lines, end)

    def full_stop(self, end: int) -> int:
        return self._last(self.full_stops, end)

    def ends_with_colon(self, end: int) -> bool:
        """``body[:end].rstrip().endswith(":")``"""
        if end not in self._colon:
            k = end - 1
            while k >= 0 and self.body[k].isspace():
                k -= 1
            self._colon[end] = k >= 0 and self.body[k] == ":"
        return self._colon[end]


# How many reporting cues before a quote are tried as its attribution (news has two or three in a
# sentence; without a bound, a long run of failing cues made attribution cubic).
_MAX_CUES_BEFORE = 3


# Right after a quote, "asked" reports the quoted words too: '"Who will pay?" the mayor asked'
# (elsewhere it is no cue: "asked not to be named", "asked them to leave").
_CUE_AFTER_RE = re.compile(r"\b(?:asked|asks)\b|" + _CUE_RE.pattern)


# a cue a few words after a quote: '," the minister said'
_CUE_AFTER_WORDS_RE = re.compile(
    r"((?:[^\s,;:!?_]+\s+){0,9}?[^\s,;:!?_]+)\s+(" + _CUE_AFTER_RE.pattern + ")"
)


# what a stage of attribution finds: the speaker and the rule, or None to try the next stage
_Found = tuple["_Entity | None", str] | None


def _attribute(ctx: _Context, q: _Quote, lookback: _Lookback) -> None:
    """Find who said quote ``q`` (in the sentence ``ctx``), trying each stage in turn."""
    stages = (
        _cue_after,
        _cue_before,
        _naming,
        _earlier_quote,
        _after_said_colon,
        _subject,
        _after_reported,
        _next_paragraph,
    )
    for stage in stages:
        found = stage(ctx, q, lookback)
        if found is not None:
            q.speaker, q.rule = found
            q.resolved = True
            return


def _cue_after(ctx: _Context, q: _Quote, _lookback: _Lookback) -> _Found:
    """Right after it: '," said X' / '," X said' / '," he said'."""
    masked, who = ctx.masked, ctx.who
    after_close = (q.close + 1) if q.close is not None else q.end
    following = ctx.index.next_open(q.open)
    limit = min(ctx.hi, following) if following is not None else ctx.hi
    m = re.match(r"[,.!?]?\s*[”\"]?\s*", masked[after_close:limit])
    rest_at = after_close + (m.end() if m else 0)
    rest = masked[rest_at:limit]
    cue = _CUE_AFTER_RE.match(rest)
    if cue and cue.group() not in _PARTICIPLES:
        found, entity = who.right(rest_at + cue.end(), limit, ctx.p_hi)
        if found:
            return entity, "quote.marks.cue-after"
    cue = _CUE_AFTER_WORDS_RE.match(rest)
    if cue and cue.group(2) not in _PARTICIPLES:
        found, entity, _ = who.left(rest_at, rest_at + cue.start(2), ctx.p_hi)
        if found:
            return entity, "quote.marks.cue-after"
    return None


# a cue word used as a noun: "claims of advances", "reports of shelling"
_NOUN_OF_RE = re.compile(r"\s+of\b")
_NOUN_CUES = frozenset(["claims", "claim", "reports", "report"])


def _cue_before(ctx: _Context, q: _Quote, _lookback: _Lookback) -> _Found:
    """Before it, in its sentence: 'X said: "...' / 'X warned that "...' / '... he stated "'."""
    s_lo, who = ctx.lo, ctx.who
    for c in reversed(who.last_cues(s_lo, ctx.hi, q.open, _MAX_CUES_BEFORE)):
        at = s_lo + c.start()
        if c.group() in _NOUN_CUES and _NOUN_OF_RE.match(ctx.masked, s_lo + c.end()):
            continue  # 'dismissed RSF claims of advances as "fantasy"': a noun, no cue
        if c.group() in _PARTICIPLES:
            # 'with Peskov saying "...' / '..., adding that he had "..."'
            found, entity, _ = who.left(s_lo, at, ctx.p_hi)
            if found:
                return entity, "quote.marks.cue-before"
            continue
        found, entity, _ = who.left(who.clause_start(s_lo, at), at, ctx.p_hi)
        if found:
            return entity, "quote.marks.cue-before"
        said = ctx.index.said.get(q.paragraph)
        if (
            said is not None
            and s_lo <= said[0] <= at
            and re.search(r"\band\s+$", ctx.masked[s_lo:at])
        ):
            # 'X said its patrols had gone ... and urged "...': X, who said the first part
            return said[1], "quote.marks.cue-before"
        # a coordinated verb: 'The ministry said it ... and had urged "..."'
        found, entity = _sentence_subject(ctx.masked, s_lo, at, who)
        if found:
            return entity, "quote.marks.cue-before"
    return None


# a verb that names what something is, in someone's words: 'called the offensive "stalled"',
# 'accused them of "ethnic cleansing"', 'described the attackers as "criminal armed groups"'
_NAMING_RE = re.compile(
    r"\b(?:call(?:ed|s|ing)|describ(?:ed|es|ing)|dubb(?:ed|ing)|term(?:ed|ing)|brand(?:ed|ing)|"
    r"label(?:l?ed|l?ing)|dismiss(?:ed|ing)|denounc(?:ed|ing)|condemn(?:ed|ing)|accus(?:ed|ing)|"
    r"regard(?:ed|s|ing)|consider(?:ed|s|ing))\b(?![ ]+(?:on|for)\b)"
)


def _naming(ctx: _Context, q: _Quote, _lookback: _Lookback) -> _Found:
    """A naming verb before it in its sentence: its subject said the quoted words."""
    window = max(ctx.lo, q.open - 100)
    verbs = list(_NAMING_RE.finditer(ctx.masked, window, q.open))
    if not verbs or re.search(r"[.;:!?]", ctx.masked[verbs[-1].end() : q.open]):
        return None
    at = verbs[-1].start()
    found, entity, _ = ctx.who.left(ctx.who.clause_start(ctx.lo, at), at, ctx.p_hi)
    if not found:
        found, entity = _sentence_subject(ctx.masked, ctx.lo, at, ctx.who)
    return (entity, "quote.marks.naming") if found and entity is not None else None


def _earlier_quote(ctx: _Context, q: _Quote, _lookback: _Lookback) -> _Found:
    """The quote before it in its paragraph, or one that ran on from the paragraph before."""
    earlier = ctx.index.resolved.get(q.paragraph)  # quotes are attributed in body order
    if earlier is not None:
        return earlier.speaker, "quote.marks.previous"
    before = ctx.index.by_paragraph.get(q.paragraph - 1, [])
    if before and before[-1].resolved and before[-1].close is None:
        return before[-1].speaker, "quote.marks.continued"
    return None


def _after_said_colon(ctx: _Context, q: _Quote, lookback: _Lookback) -> _Found:
    """A paragraph that opens with a quote after one that ends "X said:"."""
    if not (q.open == ctx.lo or not q.marked):
        return None
    prev_end = lookback.blank_line(q.open)
    if prev_end <= 0 or not lookback.ends_with_colon(prev_end):
        return None
    prev_sentence_start = max(lookback.full_stop(prev_end) + 2, 0, prev_end - _MAX_SENTENCE)
    lead = ctx.masked[prev_sentence_start:prev_end].rstrip()[:-1]
    cues = list(_CUE_RE.finditer(lead))
    if not cues:
        return None
    at = prev_sentence_start + cues[-1].start()
    found, entity, _ = ctx.who.left(prev_sentence_start, at, ctx.p_hi)
    rule = "quote.marks.said-colon" if q.marked else "quote.block"
    return (entity, rule) if found else None


def _subject(ctx: _Context, q: _Quote, _lookback: _Lookback) -> _Found:
    """The subject of its sentence, when that is someone the article has named."""
    found, entity = _sentence_subject(ctx.masked, ctx.lo, q.open, ctx.who)
    return (entity, "quote.marks.subject") if found and entity is not None else None


def _after_reported(ctx: _Context, q: _Quote, _lookback: _Lookback) -> _Found:
    """A quote that opens its sentence after reported speech with a speaker, in its paragraph:
    the same person goes on in their own words ('X said the road was cut. "We walked."')."""
    if not q.marked or q.open != ctx.lo:
        return None
    said = ctx.index.said.get(q.paragraph)
    if said is None or said[0] > q.open:
        return None
    return said[1], "quote.marks.after-reported"


def _next_paragraph(ctx: _Context, q: _Quote, lookback: _Lookback) -> _Found:
    """A paragraph that opens with a quote nothing attributes, right after a paragraph whose last
    quote has a speaker: the same speaker goes on talking ('"...," she said.' then '"..."')."""
    if not q.marked or lookback.blank_line(q.open + 1) < 0:
        return None
    if ctx.masked[lookback.blank_line(q.open + 1) : q.open].strip():
        return None  # the quote does not open its paragraph
    before = ctx.index.by_paragraph.get(q.paragraph - 1, [])
    said = ctx.index.said.get(q.paragraph - 1)
    if said is not None and (not before or before[-1].open < said[0]):
        # the paragraph before ends in reported speech: 'X said her house had burned.'
        return said[1], "quote.marks.next-paragraph"
    if not before or not before[-1].resolved or before[-1].speaker is None:
        return None
    return before[-1].speaker, "quote.marks.next-paragraph"


def _sentence_subject(masked, s_lo, limit, who: _Speakers) -> tuple[bool, _Entity | None]:
    """The subject of the main clause: the first noun phrase after any introductory phrase."""
    lefts, final = who.subject_plan(s_lo, limit)
    for lo, at in lefts:
        found, entity, _ = who.left(lo, at, limit)
        if found:
            return found, entity
    if final is None:
        return False, None
    found, entity = who.interpret(final[0], final[1], limit)
    if found and entity is not None:
        return True, entity
    return False, None
