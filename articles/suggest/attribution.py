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
    from .sentences import _Quote


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


_LONGEST_KEY: list = [None, 0]


# a cue a few words after a quote: '," the minister said'
_CUE_AFTER_WORDS_RE = re.compile(
    r"((?:[^\s,;:!?_]+\s+){0,9}?[^\s,;:!?_]+)\s+(" + _CUE_RE.pattern + ")"
)


def _attribute(body, masked, q: _Quote, s_lo, s_hi, p_hi, index, who, lookback):
    """Find who said quote ``q`` (in the sentence s_lo:s_hi of its paragraph)."""
    after_close = (q.close + 1) if q.close is not None else q.end
    following = bisect.bisect_right(index.opens, q.open)
    limit = min(s_hi, index.opens[following]) if following < len(index.opens) else s_hi
    # 1. right after it: '," said X' / '," X said' / '," he said'
    tail = masked[after_close:limit]
    m = re.match(r"[,.!?]?\s*[”\"]?\s*", tail)
    rest_at = after_close + (m.end() if m else 0)
    rest = masked[rest_at:limit]
    cue = _CUE_RE.match(rest)
    if cue and cue.group() not in _PARTICIPLES:
        found, entity = who.right(rest_at + cue.end(), limit, p_hi)
        if found:
            q.speaker, q.resolved = entity, True
            return
    cue = _CUE_AFTER_WORDS_RE.match(rest)
    if cue and cue.group(2) not in _PARTICIPLES:
        found, entity, _ = who.left(rest_at, rest_at + cue.start(2), p_hi)
        if found:
            q.speaker, q.resolved = entity, True
            return
    # 2. before it, in its sentence: 'X said: "...' / 'X warned that "...' / '... he stated "'
    for c in reversed(who.last_cues(s_lo, s_hi, q.open, _MAX_CUES_BEFORE)):
        word = c.group()
        if word in _PARTICIPLES:
            # 'with Peskov saying "...' / '..., adding that he had "..."'
            found, entity, _ = who.left(s_lo, s_lo + c.start(), p_hi)
            if found:
                q.speaker, q.resolved = entity, True
                return
            continue
        found, entity, _ = who.left(
            who.clause_start(s_lo, s_lo + c.start()), s_lo + c.start(), p_hi
        )
        if found:
            q.speaker, q.resolved = entity, True
            return
        # a coordinated verb: 'The ministry said it ... and had urged "..."'
        subject = _sentence_subject(masked, s_lo, s_lo + c.start(), who)
        if subject[0]:
            q.speaker, q.resolved = subject[1], True
            return
    # 3. the quote before it in the same paragraph, or the paragraph before ("said:")
    earlier = index.resolved.get(q.paragraph)  # quotes are attributed in body order
    if earlier is not None:
        q.speaker, q.resolved = earlier.speaker, True
        return
    # a quotation that ran on from the paragraph before
    before = index.by_paragraph.get(q.paragraph - 1, [])
    if before and before[-1].resolved and before[-1].close is None:
        q.speaker, q.resolved = before[-1].speaker, True
        return
    if q.open == s_lo or not q.marked:
        # a paragraph that opens with a quote after one that ends "said:"
        prev_end = lookback.blank_line(q.open)
        if prev_end > 0 and lookback.ends_with_colon(prev_end):
            prev_sentence_start = max(lookback.full_stop(prev_end) + 2, 0, prev_end - _MAX_SENTENCE)
            lead = masked[prev_sentence_start:prev_end].rstrip()[:-1]
            cues = list(_CUE_RE.finditer(lead))
            if cues:
                c = cues[-1]
                at = prev_sentence_start + c.start()
                found, entity, _ = who.left(prev_sentence_start, at, p_hi)
                if found:
                    q.speaker, q.resolved = entity, True
                    return
    # 4. the subject of its sentence, when that is someone the article has named
    found, entity = _sentence_subject(masked, s_lo, q.open, who)
    if found and entity is not None:
        q.speaker, q.resolved = entity, True


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
