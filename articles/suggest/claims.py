"""Reported speech and claims: what follows a reporting cue, and where it ends."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .attribution import _sentence_subject
from .sentences import _trim_span, _words
from .vocabulary import (
    _AUDIENCE,
    _CLAIM_VERBS,
    _CUE_RE,
    _DOUBLE_MARKS,
    _PARTICIPLES,
    _REQUEST_VERBS,
    _SPEECH_VERBS,
    _THAT_ONLY,
    _TIME,
    _TRAILING_TIME_RE,
    _URGE_VERBS,
    _wordset,
)

if TYPE_CHECKING:
    from .entities import _Entity
    from .phrases import _Speakers
    from .sentences import _Quote


@dataclass
class _Candidate:
    start: int
    end: int
    kind: str
    entity: _Entity | None
    cue: str
    priority: int  # lower wins an overlap


def _content_start(masked: str, cue: str, cue_end: int, hi: int) -> int | None:
    """Where reported speech begins after a cue, or None when none follows it."""
    begin = _content_start_at(masked, cue, cue_end, hi)
    return begin if begin is not None and begin < hi else None


_ADVERBIAL_START = _wordset(
    """
    in on at to by during last this earlier later late early also again through via after
    before overnight yesterday today publicly privately repeatedly
    """
)


# matched in place: a slice from ``begin`` to the body's end made each cue cost the text after it
_PREPOSITION_AFTER_CUE_RE = re.compile(
    r"(?:about|over|with|against|for|on|at|by|from|in|into|up|out|back)\b"
)


def _content_start_at(masked: str, cue: str, cue_end: int, hi: int) -> int | None:
    rest = masked[cue_end:hi]
    m = re.match(r"\s*(?:,\s*)?that\b\s*", rest)
    if m:
        return cue_end + m.end()
    # "that" a few words on: "said in a statement broadcast on state television that"
    m = re.match(r"((?:[\s,]+[\w’'.-]+){1,9}?)\s+that\s+", rest)
    if (
        m
        and m.group(1).split()[0].strip(",").casefold() in _ADVERBIAL_START | {"reporters"}
        and not re.search(r"[;:_\"“”]|\b(?:and|but|or)\b", m.group(1))
        and not _CUE_RE.search(m.group(1))
    ):
        return cue_end + m.end()
    skipped = 0
    if cue in {"told", "tells"}:
        m = re.match(rf"\s+{_AUDIENCE}", rest)
        if not m:
            return None
        skipped = m.end()
    while True:
        m = re.match(rf"\s*,?\s*{_TIME}\b", rest[skipped:], re.IGNORECASE)
        if m and m.end() > 0:
            skipped += m.end()
            continue
        m = re.match(
            r"\s+(?:in|at|from|to)\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*(?=[\s,.])",
            rest[skipped:],
        )
        if m and cue in {"told", "tells"}:
            skipped += m.end()
            continue
        break
    m = re.match(r"\s*(?:,\s*)?that\b\s*", rest[skipped:])
    if m:
        return cue_end + skipped + m.end()
    if cue in {"told", "tells"} and re.fullmatch(
        r"\s+(?:in|at|on|from|during|outside|near|after)\s+[^,;:_]{0,40}?[.!?]?\s*", rest[skipped:]
    ):
        return None
    m = re.match(r"\s*:?\s*", rest[skipped:])
    assert m is not None  # the pattern matches the empty string
    begin = cue_end + skipped + m.end()
    if begin >= hi or masked[begin] in ",.;!?)":
        return None
    if _PREPOSITION_AFTER_CUE_RE.match(masked, begin, hi):
        return None  # "argued about the budget", "wrote about London": no reported speech
    if cue in _THAT_ONLY:
        return None
    return begin


_BOUNDARY_RE = re.compile(
    r"\s*;\s|,\s+(?:while|but|whereas|although|though|adding|saying|noting|insisting|warning|"
    r"blaming|citing|according to)\b|,?\s+with\s+[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*\s+"
    r"(?:saying|adding|noting|insisting)\b|,\s+there\s+(?:was|were|is|are|had)\b|"
    r"\s+but\s+(?:said|added|warned|insisted|noted)\b"
)


_AND_THAT_RE = re.compile(r",?\s+and\s+that\s+")


_AND_CLAUSE_RE = re.compile(
    r",?\s+and\s+(?:(?:has|had|have)\s+)?(?:" + "|".join(sorted(_SPEECH_VERBS)) + r")\b|"
    r",\s+and\s+(?:[\w’'-]+\s+){1,3}?(?:" + "|".join(sorted(_SPEECH_VERBS)) + r")\b"
)


def _content_spans(body: str, masked: str, begin: int, hi: int) -> list[tuple[int, int]]:
    """The reported speech from ``begin`` to the end of its clause; "X and that Y" gives two."""
    text = masked[begin:hi]
    cut = len(text)
    for regex in (_BOUNDARY_RE, _AND_CLAUSE_RE):
        m = regex.search(text)
        if m and m.start() < cut:
            cut = m.start()
    text = text[:cut]
    pieces, offset = [], 0
    for m in _AND_THAT_RE.finditer(text):
        pieces.append((offset, m.start()))
        offset = m.end()
    pieces.append((offset, len(text)))
    spans = []
    for a, b in pieces:
        s, e = begin + a, begin + b
        s, e = _trim_span(body, s, e)
        trailing = _TRAILING_TIME_RE.search(masked[s:e])
        if trailing:
            e = s + trailing.start()
        s, e = _trim_span(body, s, e)
        # an unclosed quotation mark at either end belongs to a direct quote, not to this span
        if e > s:
            spans.append((s, e))
    return spans


def _claim_kind(cue: str, text: str) -> str:
    if cue in _CLAIM_VERBS or cue in {"according to", "reportedly", "concerns", "fears"}:
        if cue in {"announced", "announces"} and re.search(r"\b(?:would|will)\b", text):
            return "indirect"
        return "claim"
    if re.search(r"\b(?:would|will|should|must|could|might|may|can|cannot)\b", text):
        return "indirect"
    if re.search(r"\bhad\s+(?:been\s+)?\w+(?:ed|en|wn|ne|lt|ht|ck|un)\b", text):
        return "claim"
    return "indirect"


class _QuoteIndex:
    """The article's quotes (in body order, never overlapping), found by position in log time."""

    def __init__(self, quotes: list[_Quote]):
        self.quotes = quotes
        self.opens = [q.open for q in quotes]
        self.by_paragraph: dict[int, list[_Quote]] = {}
        self.resolved: dict[int, _Quote] = {}  # paragraph -> its last quote attributed so far
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


def _reported(body, masked, s_lo, s_hi, p_hi, index: _QuoteIndex, who: _Speakers, candidates):
    """Reported speech and claims in one sentence."""
    registry = who.registry
    sentence = masked[s_lo:s_hi]
    quotes = index.between(s_lo, s_hi)
    first = len(candidates)  # earlier sentences' candidates all start before s_lo

    def emit(spans, kind_cue, entity, priority, cue_label):
        for s, e in spans:
            inside = index.inside(s, e)
            if any(_words(body[q.start : q.end]) >= 2 for q in inside):
                continue  # the quotation itself is the suggestion
            if index.around(s):
                continue
            if _words(body[s:e]) < 2:
                continue
            kind = _claim_kind(kind_cue, body[s:e])
            pr = priority if entity is not None else priority + 2
            candidates.append(_Candidate(s, e, kind, entity, cue_label, pr))

    # "According to X, CONTENT." and "CONTENT, according to X."
    for m in re.finditer(r"\b[Aa]ccording to\s+", sentence):
        at = s_lo + m.start()
        np_start = s_lo + m.end()
        segs = list(re.finditer(r"[^,]+", masked[np_start:s_hi]))
        if not segs:
            continue
        found, entity = who.interpret(segs[0].group(), np_start, p_hi)
        if not found:
            continue
        registry.mention(np_start, entity)
        if at == s_lo or re.fullmatch(r"\s*", masked[s_lo:at]):
            k = 1
            if len(segs) > 2 and who._appositive(segs[1].group()):
                if entity is not None and who._org_appositive(who.appositive_role(segs[1].group())):
                    registry.set_kind(entity, "organisation")
                k = 2
            if len(segs) <= k:
                continue
            begin = np_start + segs[k].start()
            emit(
                _content_spans(body, masked, begin, s_hi), "according to", entity, 1, "according to"
            )
        else:
            appositive = len(segs) > 1 and who._appositive(segs[1].group())
            if (
                appositive
                and entity is not None
                and who._org_appositive(who.appositive_role(segs[1].group()))
            ):
                registry.set_kind(entity, "organisation")
            content_end = at
            while content_end > s_lo and masked[content_end - 1] in " ,":
                content_end -= 1
            emit([_trim_span(body, s_lo, content_end)], "according to", entity, 1, "according to")

    # "X reportedly did Y": a claim without a source
    for m in re.finditer(r"\b(?:reportedly|allegedly|purportedly)\s+", sentence):
        begin = s_lo + m.end()
        spans = _content_spans(body, masked, begin, s_hi)
        if re.search(r",\s*(?:which|who)\s+$", sentence[: m.start()]):
            # in a relative clause: ", which reportedly saw ..., is"
            comma = masked.find(",", begin, s_hi)
            if comma != -1:
                spans = [_trim_span(body, begin, comma)]
        emit(spans, "reportedly", None, 1, m.group().strip())

    # "is seen by some officials, including X, as Y"
    for m in re.finditer(
        r"\b(?:is|are|was|were)\s+(?:seen|viewed|regarded|described)\s+by\s+(.+?)\s+as\s+", sentence
    ):
        group = m.group(1)
        inc = re.search(r"including\s+(.+?),?$", group)
        phrase = inc.group(1) if inc else group
        found, entity = who.interpret(phrase, s_lo + m.start(1), p_hi)
        if found:
            begin = s_lo + m.end()
            emit(_content_spans(body, masked, begin, s_hi), "said", entity, 1, "seen by")

    # "X was concerned (that) Y"
    for m in re.finditer(
        r"\b(?:is|are|was|were)\s+(?:concerned|worried|afraid)\s+(?:that\s+)?", sentence
    ):
        found, entity, _ = who.left(s_lo, s_lo + m.start(), p_hi)
        if found:
            begin = s_lo + m.end()
            emit(_content_spans(body, masked, begin, s_hi), "said", entity, 1, "was concerned")

    # "signed a decree ruling out Y"
    for m in re.finditer(
        r"\b(?:decree|statement|resolution|order|law|letter|declaration)\s+"
        r"((?:ruling out|calling for|banning|ordering|declaring|demanding|rejecting)\b)",
        sentence,
    ):
        found, entity = _sentence_subject(masked, s_lo, s_lo + m.start(), who)
        begin = s_lo + m.start(1)
        emit(_content_spans(body, masked, begin, s_hi), "said", entity, 1, m.group(1))

    # reporting verbs
    for c in _CUE_RE.finditer(sentence):
        cue = c.group()
        c_lo, c_hi = s_lo + c.start(), s_lo + c.end()
        if "_" in masked[c_hi : c_hi + 1]:
            continue
        if cue in _PARTICIPLES:
            # ", adding the decision was made by ..." / "with Peskov saying ..."
            found, entity, _ = who.left(s_lo, c_lo, p_hi)
            if not found:
                prior = [
                    x for x in candidates[first:] if s_lo <= x.start < c_lo and x.entity is not None
                ]
                prior_q = [q for q in quotes if s_lo <= q.open < c_lo and q.resolved and q.speaker]
                entity = prior[-1].entity if prior else (prior_q[-1].speaker if prior_q else None)
                if entity is None:
                    entity = _sentence_subject(masked, s_lo, c_lo, who)[1]
            begin = _content_start(masked, "said", c_hi, s_hi)
            if begin is not None:
                emit(_content_spans(body, masked, begin, s_hi), "said", entity, 1, cue)
            continue
        if cue in _REQUEST_VERBS:
            found, entity, _ = who.left(who.clause_start(s_lo, c_lo), c_lo, p_hi)
            if not found:
                found, entity = _sentence_subject(masked, s_lo, c_lo, who)
            begin = c_hi
            while begin < s_hi and masked[begin] == " ":
                begin += 1
            emit(_content_spans(body, masked, begin, s_hi), "said", entity, 1, cue)
            continue
        if cue in _URGE_VERBS or cue in {"pressured", "pressed", "called on"}:
            obj = re.match(r"\s+(.{1,60}?)\s+to\s+\w", masked[c_hi:s_hi])
            if obj and "_" not in obj.group(1) and not re.search(r"[,;:]", obj.group(1)):
                found, entity, _ = who.left(s_lo, c_lo, p_hi)
                if not found:
                    found, entity = _sentence_subject(masked, s_lo, c_lo, who)
                begin = c_hi + obj.start(1)
                emit(_content_spans(body, masked, begin, s_hi), "said", entity, 1, cue)
            continue
        begin = _content_start(masked, cue, c_hi, s_hi)
        if begin is not None:
            # preposed: "X said (that) CONTENT"
            if masked[begin] in _DOUBLE_MARKS or masked[begin] == "_":
                continue  # a direct quote follows; it carries the attribution
            lo = who.clause_start(s_lo, c_lo)
            found, entity, _ = who.left(lo, c_lo, p_hi)
            if not found:
                found, entity = _sentence_subject(masked, lo, c_lo, who)
                if not found:
                    continue
            spans = _content_spans(body, masked, begin, s_hi)
            if lo > s_lo and re.search(r"\b(?:After|While|When|As|Before)\s+$", masked[s_lo:lo]):
                # the cue sits in an introductory clause: its content ends at the comma
                comma = masked.find(",", begin, s_hi)
                if comma != -1:
                    spans = [_trim_span(body, begin, comma)]
            emit(spans, cue, entity, 1, cue)
        else:
            # postposed: "CONTENT, X said." / "CONTENT, said X."
            _postposed(body, masked, s_lo, s_hi, p_hi, c, quotes, who, emit)

    # "there were concerns that Y": the concern of whoever spoke before in the sentence
    for m in re.finditer(r"\b(?:concerns?|fears?|worries)\s+that\s+", sentence):
        begin = s_lo + m.end()
        earlier = [
            c for c in candidates[first:] if s_lo <= c.start < begin and c.entity is not None
        ]
        entity = earlier[-1].entity if earlier else None
        emit(_content_spans(body, masked, begin, s_hi), "concerns", entity, 1, "concerns that")


def _postposed(body, masked, s_lo, s_hi, p_hi, c, quotes, who: _Speakers, emit):
    """ "CONTENT, the Interior Ministry said." / "CONTENT, said X." / "CONTENT, X added." """
    cue = c.group()
    c_lo, c_hi = s_lo + c.start(), s_lo + c.end()
    head = masked[s_lo:c_lo]
    tail = masked[c_hi:s_hi]
    if re.match(r"\s*:", tail):
        return  # "Hrun said:" introduces a quotation
    if re.search(r"\bthat\b", tail) and not re.match(r"\s*,\s*citing", tail):
        return
    if re.search(r"[”\"]\s*,?\s*$", head) or re.search(r"[”\"][,.!?]?\s*[^,.;:!?_]*$", head):
        return  # it attributes a direct quote, handled there
    if masked[s_lo] in _DOUBLE_MARKS or masked[s_lo] == "_":
        return
    found, entity, np_start = who.left(s_lo, c_lo, p_hi)
    gap = re.search(r",((?:\s+[a-z][\w-]*){0,2})\s*$", masked[s_lo:np_start])
    if found and gap:
        content_end = s_lo + gap.start() + 1
    elif re.search(r",\s*$", head):
        # inverted: "CONTENT, said X"
        found, entity = who.right(c_hi, s_hi, p_hi)
        content_end = c_lo
    else:
        return
    if not found:
        return
    while content_end > s_lo and masked[content_end - 1] in " ,":
        content_end -= 1
    if re.match(r"(?:Asked|Speaking|Pressed|Questioned)\b", masked[s_lo:content_end]):
        return
    s, e = _trim_span(body, s_lo, content_end)
    emit([(s, e)], cue, entity, 1, cue)
