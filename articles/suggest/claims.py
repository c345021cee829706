"""Reported speech and claims: what follows a reporting cue, and where it ends."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .attribution import _sentence_subject
from .phrases import _RIGHT_PHRASE_RE, _np_word, _trailing_np
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
    from .sentences import _Context


@dataclass
class _Candidate:
    start: int
    end: int
    kind: str
    entity: _Entity | None
    cue: str
    priority: int  # lower wins an overlap
    rule: str  # the rule that made it (articles.suggest.rules)


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


# ... unless the "preposition" opens a number, the subject of a clause: "said about 2,000 wells
# had dried up", "said at least 300 families had fled", "said over 40 homes were burned"
_QUANTITY_RE = re.compile(
    r"(?:about|over|at least|at most|up to|in all)\s+(?:\d|(?:a|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|twelve|twenty|thirty|forty|fifty|a hundred|hundreds|dozens|"
    r"thousands|half|a third|a quarter)\b)"
)


# "promised to pay the fighters": an undertaking to act, not words reported
_INTENT_VERBS = _wordset("promised pledged vowed")
_TO_INFINITIVE_RE = re.compile(r"\s+to\s+[a-z]")


def _content_start_at(masked: str, cue: str, cue_end: int, hi: int) -> int | None:
    rest = masked[cue_end:hi]
    if cue in _INTENT_VERBS and _TO_INFINITIVE_RE.match(rest):
        return None
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
    if _PREPOSITION_AFTER_CUE_RE.match(masked, begin, hi) and not _QUANTITY_RE.match(
        masked, begin, hi
    ):
        return None  # "argued about the budget", "wrote about London": no reported speech
    if cue in _THAT_ONLY:
        return None
    return begin


_BOUNDARY_RE = re.compile(
    r"\s*;\s|,\s+(?:while|but|whereas|although|though|adding|saying|noting|insisting|warning|"
    r"blaming|citing|calling|describing|according to)\b|"
    r",?\s+with\s+[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*\s+"
    r"(?:saying|adding|noting|insisting)\b|,\s+there\s+(?:was|were|is|are|had)\b|"
    r"\s+but\s+(?:said|added|warned|insisted|noted)\b|"
    # the main verb after a relative clause: "X, which says it speaks for Y, said ..."
    r",\s+(?:said|says|told|added)\b(?!\s+to\s)"
)


_AND_THAT_RE = re.compile(r",?\s+and\s+that\s+")


_AND_CLAUSE_RE = re.compile(
    r",?\s+and\s+(?:(?:has|had|have)\s+)?(?:" + "|".join(sorted(_SPEECH_VERBS)) + r")\b|"
    r",\s+and\s+(?:[\w’'-]+\s+){1,3}?(?:" + "|".join(sorted(_SPEECH_VERBS)) + r")\b"
)


# a naming verb coordinated with the cue: "said X and called the raids 'unacceptable'" ends what
# was said, and the quotation after it is the subject's own words
_AND_NAMING_RE = re.compile(
    r",?\s+and\s+(?:called|described|dubbed|termed|branded|labell?ed|dismissed|denounced|"
    r"condemned|accused)\b"
)


def _content_spans(body: str, masked: str, begin: int, hi: int) -> list[tuple[int, int]]:
    """The reported speech from ``begin`` to the end of its clause; "X and that Y" gives two."""
    text = masked[begin:hi]
    cut = len(text)
    for regex in (_BOUNDARY_RE, _AND_CLAUSE_RE, _AND_NAMING_RE):
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


_BEFORE_QUOTATION_RE = re.compile(r",?\s+(?:and|but)\s+")


class _Emitter:
    """Turns the spans a rule found in one sentence into candidates: not where a quotation of
    two words or more is the suggestion itself, nor inside a quotation, nor of one word."""

    def __init__(self, ctx: _Context, candidates: list[_Candidate]):
        self.ctx = ctx
        self.candidates = candidates
        self.first = len(candidates)  # earlier sentences' candidates all start before ctx.lo

    def __call__(self, spans, kind_cue: str, entity, rule: str, cue_label: str) -> None:
        body, index = self.ctx.body, self.ctx.index
        for s, e in spans:
            inside = [q for q in index.inside(s, e) if _words(body[q.start : q.end]) >= 2]
            if inside:
                # the quotation itself is the suggestion; what was said before it, up to an
                # "and" or a comma, is one of its own: "had taken X and were 'within sight'"
                s, e = self._before_quotation(s, inside[0].open)
            if index.around(s) or _words(body[s:e]) < 2:
                continue
            kind = _claim_kind(kind_cue, body[s:e])
            priority = 1 if entity is not None else 3
            self.candidates.append(_Candidate(s, e, kind, entity, cue_label, priority, rule))

    def _before_quotation(self, s: int, mark: int) -> tuple[int, int]:
        """The reported speech from ``s`` up to the last "and" or "but" before a quotation's
        mark (an empty span when there is none, or the rest is under three words)."""
        cut = None
        for m in _BEFORE_QUOTATION_RE.finditer(self.ctx.masked, s, mark):
            cut = m.start()
        if cut is None:
            return s, s
        s, e = _trim_span(self.ctx.body, s, cut)
        return (s, e) if _words(self.ctx.body[s:e]) >= 3 else (s, s)

    def earlier(self, lo: int, hi: int) -> list[_Candidate]:
        """This sentence's candidates so far that start in lo:hi and have a speaker."""
        return [c for c in self.candidates[self.first :] if lo <= c.start < hi and c.entity]


def _reported(ctx: _Context, candidates: list[_Candidate]) -> None:
    """Reported speech and claims in one sentence, rule by rule."""
    emit = _Emitter(ctx, candidates)
    _according_to(ctx, emit)
    _reportedly(ctx, emit)
    _seen_by(ctx, emit)
    _concerned(ctx, emit)
    _decree(ctx, emit)
    for c in _CUE_RE.finditer(ctx.text):
        _cue_verb(ctx, c, emit)
    _concerns_that(ctx, emit)


def _spans(ctx: _Context, begin: int) -> list[tuple[int, int]]:
    return _content_spans(ctx.body, ctx.masked, begin, ctx.hi)


def _according_to(ctx: _Context, emit: _Emitter) -> None:
    """ "According to X, CONTENT." and "CONTENT, according to X." """
    masked, s_lo, who = ctx.masked, ctx.lo, ctx.who
    for m in re.finditer(r"\b[Aa]ccording to\s+", ctx.text):
        at, np_start = s_lo + m.start(), s_lo + m.end()
        segs = list(re.finditer(r"[^,]+", masked[np_start : ctx.hi]))
        if not segs:
            continue
        found, entity = who.interpret(segs[0].group(), np_start, ctx.p_hi)
        if not found:
            continue
        who.registry.mention(np_start, entity)
        opening = at == s_lo or re.fullmatch(r"\s*", masked[s_lo:at])
        # "According to X, a Y, CONTENT": the appositive is no content
        appositive = len(segs) > (2 if opening else 1) and who._appositive(segs[1].group())
        role = who.appositive_role(segs[1].group()) if appositive else ""
        if entity is not None and role and who._org_appositive(role):
            who.registry.set_kind(entity, "organisation")
        if opening:
            k = 2 if appositive else 1
            if len(segs) > k:
                spans = _spans(ctx, np_start + segs[k].start())
                emit(spans, "according to", entity, "claim.according-to", "according to")
            continue
        if not re.search(r"[,—–-]\s*$", masked[s_lo:at]):
            continue  # "would treat prisoners according to the Geneva Conventions": a manner
        content_end = at
        while content_end > s_lo and masked[content_end - 1] in " ,":
            content_end -= 1
        span = _trim_span(ctx.body, s_lo, content_end)
        emit([span], "according to", entity, "claim.according-to", "according to")


def _reportedly(ctx: _Context, emit: _Emitter) -> None:
    """ "X reportedly did Y": a claim without a source."""
    sentence = ctx.text
    for m in re.finditer(r"\b(?:reportedly|allegedly|purportedly)\s+", sentence):
        begin = ctx.lo + m.end()
        spans = _spans(ctx, begin)
        if re.search(r",\s*(?:which|who)\s+$", sentence[: m.start()]):
            # in a relative clause: ", which reportedly saw ..., is"
            comma = ctx.masked.find(",", begin, ctx.hi)
            if comma != -1:
                spans = [_trim_span(ctx.body, begin, comma)]
        emit(spans, "reportedly", None, "claim.reportedly", m.group().strip())


def _seen_by(ctx: _Context, emit: _Emitter) -> None:
    """ "is seen by some officials, including X, as Y" """
    pattern = r"\b(?:is|are|was|were)\s+(?:seen|viewed|regarded|described)\s+by\s+(.+?)\s+as\s+"
    for m in re.finditer(pattern, ctx.text):
        inc = re.search(r"including\s+(.+?),?$", m.group(1))
        phrase = inc.group(1) if inc else m.group(1)
        found, entity = ctx.who.interpret(phrase, ctx.lo + m.start(1), ctx.p_hi)
        if found:
            emit(_spans(ctx, ctx.lo + m.end()), "said", entity, "indirect.seen-by", "seen by")


def _concerned(ctx: _Context, emit: _Emitter) -> None:
    """ "X was concerned (that) Y" """
    pattern = r"\b(?:is|are|was|were)\s+(?:concerned|worried|afraid)\s+(?:that\s+)?"
    for m in re.finditer(pattern, ctx.text):
        found, entity, _ = ctx.who.left(ctx.lo, ctx.lo + m.start(), ctx.p_hi)
        if found:
            spans = _spans(ctx, ctx.lo + m.end())
            emit(spans, "said", entity, "indirect.concerned", "was concerned")


def _decree(ctx: _Context, emit: _Emitter) -> None:
    """ "signed a decree ruling out Y" """
    pattern = (
        r"\b(?:decree|statement|resolution|order|law|letter|declaration)\s+"
        r"((?:ruling out|calling for|banning|ordering|declaring|demanding|rejecting)\b)"
    )
    for m in re.finditer(pattern, ctx.text):
        _, entity = _sentence_subject(ctx.masked, ctx.lo, ctx.lo + m.start(), ctx.who)
        spans = _spans(ctx, ctx.lo + m.start(1))
        emit(spans, "said", entity, "indirect.decree", m.group(1))


def _concerns_that(ctx: _Context, emit: _Emitter) -> None:
    """ "there were concerns that Y": the concern of whoever spoke before in the sentence."""
    for m in re.finditer(r"\b(?:concerns?|fears?|worries)\s+that\s+", ctx.text):
        begin = ctx.lo + m.end()
        earlier = emit.earlier(ctx.lo, begin)
        entity = earlier[-1].entity if earlier else None
        emit(_spans(ctx, begin), "concerns", entity, "claim.concerns-that", "concerns that")


_NEGATED_RE = re.compile(r"\b(?:not|never|n[’']t|declined to|refused to)\s+$")


def _cue_verb(ctx: _Context, c: re.Match, emit: _Emitter) -> None:
    """A reporting verb: a participle, a request, an urging, or what was said before or after."""
    cue = c.group()
    c_lo, c_hi = ctx.lo + c.start(), ctx.lo + c.end()
    if "_" in ctx.masked[c_hi : c_hi + 1]:
        return
    if _NEGATED_RE.search(ctx.masked, max(ctx.lo, c_lo - 20), c_lo):
        return  # "It did not say who had laid them": nothing was said
    if cue in _PARTICIPLES:
        _participle(ctx, cue, c_lo, c_hi, emit)
    elif cue in _REQUEST_VERBS:
        _request(ctx, cue, c_lo, c_hi, emit)
    elif cue in _URGE_VERBS or cue in {"pressured", "pressed", "called on"}:
        _urge(ctx, cue, c_lo, c_hi, emit)
    else:
        begin = _content_start(ctx.masked, cue, c_hi, ctx.hi)
        if begin is not None and not _inverted(ctx, c_lo, c_hi):
            _preposed(ctx, cue, c_lo, begin, emit)
        else:
            _postposed(ctx, c, emit)


# what an inverted cue's speaker may be followed by to the sentence's end: nothing, or a time
_INVERTED_END_RE = re.compile(rf"\s*(?:,?\s*{_TIME}\s*)?[.!?]?\s*$", re.IGNORECASE)


def _inverted(ctx: _Context, c_lo: int, c_hi: int) -> bool:
    """ "CONTENT, said Ana Ruiz, the head teacher." : a comma before the cue, and after it only
    the speaker (with an apposition or a relative clause) to the end of the sentence, so what
    follows is no speech."""
    masked = ctx.masked
    if not re.search(r"[^\s,]\s*,\s*$", masked[ctx.lo : c_lo]):
        return False
    end = ctx.hi  # without a relative clause on the speaker: "said Ana Ruiz, who heads ..."
    relative = re.search(r",\s+(?:who|whose)\s[^;:!?_]*$", masked[c_hi : ctx.hi])
    if relative:
        end = c_hi + relative.start()
    m = _RIGHT_PHRASE_RE.match(masked, c_hi, end)
    if not m or re.match(r"\s*(?:that|to|in|on|at|by)\b", masked[c_hi:end]):
        return False
    if _FINITE_RE.search(masked, m.start(), m.end()):
        return False  # "X, the mayor, said the road was closed": a clause, not a speaker
    phrase = re.sub(r"^(?:its|his|her|their|our)\s+", "", m.group(1).strip())
    if _trailing_np(phrase)[0]:
        return False  # "X, 29, said the first bomb fell ...": a clause, no speaker's phrase
    return _INVERTED_END_RE.fullmatch(masked, m.end(), end) is not None


def _subject_of(ctx: _Context, lo: int, c_lo: int, subject_lo: int | None = None):
    """The speaker right before a cue (its clause starting at ``lo``), or else the subject of
    the clause (or of the text from ``subject_lo``): (found, entity)."""
    found, entity, _ = ctx.who.left(lo, c_lo, ctx.p_hi)
    if not found:
        lo = lo if subject_lo is None else subject_lo
        found, entity = _sentence_subject(ctx.masked, lo, c_lo, ctx.who)
    if not found and re.search(r"\band\s+$", ctx.masked[ctx.lo : c_lo]):
        found, entity = _leading_subject(ctx, c_lo)
    return found, entity


def _leading_subject(ctx: _Context, c_lo: int) -> tuple[bool, _Entity | None]:
    """The subject of a verb coordinated with the sentence's first ("The army blamed X and
    said ...", "The government of Y, which ..., said ... and urged ..."): the noun phrase the
    sentence opens with, up to its first word that can be no part of one."""
    comma = ctx.masked.find(",", ctx.lo, c_lo)
    words = list(_WORD_RE.finditer(ctx.masked, ctx.lo, c_lo if comma == -1 else comma))
    n = 0
    while n < len(words) and _np_word(words[n].group()):
        n += 1
    if n == 0 or (n < len(words) and not _FINITE_RE.fullmatch(words[n].group())):
        return False, None  # the phrase must end at a verb: "The army blamed"
    named = _NAME_SET_OFF_RE.match(ctx.masked, comma, c_lo) if comma != -1 else None
    if n == len(words) and named and _ROLE_OPENING_RE.fullmatch(ctx.masked, ctx.lo, comma):
        # "Its spokesman, Emmanuel Ruiz, called the town 'free' and said ...": the name
        found, entity = ctx.who.interpret(named.group(1), named.start(1), ctx.p_hi)
        return (True, entity) if found and entity is not None else (False, None)
    if n == len(words) and not (
        comma != -1 and re.match(r",\s+(?:which|who|whose)\b", ctx.masked[comma:c_lo])
    ):
        return False, None  # "In Port Sudan, ...", "The commander, Name, ...": not the subject
    phrase = ctx.masked[words[0].start() : words[n - 1].end()]
    found, entity = ctx.who.interpret(phrase, words[0].start(), ctx.p_hi)
    return (True, entity) if found and entity is not None else (False, None)


_WORD_RE = re.compile(r"[^\s,;:()]+")
# a name set off by commas after the sentence's opening role, a verb after it
_NAME_SET_OFF_RE = re.compile(r",\s+((?:[A-Z][\w’'.-]*\s+){1,4}[A-Z][\w’'-]*),\s+[a-z]")
# an opening role: "Its spokesman", "The group's commander", "A spokeswoman for the army"
_ROLE_OPENING_RE = re.compile(r"(?:Its|Their|His|Her|The|A|An)\s+[^,]{2,60}")


_ADDING_TO_RE = re.compile(r"\s+to\b")


def _participle(ctx: _Context, cue: str, c_lo: int, c_hi: int, emit: _Emitter) -> None:
    """ ", adding the decision was made by ..." / "with Peskov saying ..." """
    if cue == "adding" and _ADDING_TO_RE.match(ctx.masked, c_hi):
        return  # ", adding to the thousands already there": a sum grows, nobody speaks
    found, entity, _ = ctx.who.left(ctx.lo, c_lo, ctx.p_hi)
    if not found:
        prior = emit.earlier(ctx.lo, c_lo)
        prior_q = [q for q in ctx.quotes() if ctx.lo <= q.open < c_lo and q.resolved and q.speaker]
        entity = prior[-1].entity if prior else (prior_q[-1].speaker if prior_q else None)
        if entity is None:
            entity = _sentence_subject(ctx.masked, ctx.lo, c_lo, ctx.who)[1]
    begin = _content_start(ctx.masked, "said", c_hi, ctx.hi)
    if begin is not None:
        emit(_spans(ctx, begin), "said", entity, "indirect.participle", cue)


def _request(ctx: _Context, cue: str, c_lo: int, c_hi: int, emit: _Emitter) -> None:
    """ "X called for ...", "appealed for", "demanded" """
    _, entity = _subject_of(ctx, ctx.who.clause_start(ctx.lo, c_lo), c_lo, ctx.lo)
    begin = c_hi
    while begin < ctx.hi and ctx.masked[begin] == " ":
        begin += 1
    emit(_spans(ctx, begin), "said", entity, "indirect.request", cue)


def _urge(ctx: _Context, cue: str, c_lo: int, c_hi: int, emit: _Emitter) -> None:
    """ "X urged Y to ..." """
    obj = re.match(r"\s+(.{1,60}?)\s+to\s+\w", ctx.masked[c_hi : ctx.hi])
    if obj and "_" not in obj.group(1) and not re.search(r"[,;:]", obj.group(1)):
        _, entity = _subject_of(ctx, ctx.lo, c_lo)
        emit(_spans(ctx, c_hi + obj.start(1)), "said", entity, "indirect.urge", cue)


# Reporting verbs that also take a plain noun as object: what follows is reported speech only
# when it is a clause ("claimed the town had fallen", not "claimed responsibility"). ("announced
# the completion of its withdrawal" is a claim, by the seed's conventions: not here.)
_NOUN_VERBS = _wordset("claimed claims declared declares")


_FINITE_RE = re.compile(
    r"\b(?:is|was|were|are|had|has|have|would|will|could|should|can|may|might|must|did|does|"
    r"do|[a-z]+ed)\b"
)


def _clause_follows(masked: str, begin: int, hi: int, after_that: bool) -> bool:
    """Is there a verb in what follows the cue, before its first comma (or after "that")?"""
    if after_that:
        return True
    comma = masked.find(",", begin, hi)
    return _FINITE_RE.search(masked, begin, comma if comma != -1 else hi) is not None


def _preposed(ctx: _Context, cue: str, c_lo: int, begin: int, emit: _Emitter) -> None:
    """ "X said (that) CONTENT" """
    masked = ctx.masked
    if masked[begin] in _DOUBLE_MARKS or masked[begin] == "_":
        return  # a direct quote follows; it carries the attribution
    if cue in _NOUN_VERBS and not _clause_follows(
        masked, begin, ctx.hi, "that" in masked[c_lo:begin]
    ):
        return  # "claimed responsibility", "declared three days of mourning": a noun, no speech
    lo = ctx.who.clause_start(ctx.lo, c_lo)
    found, entity = _subject_of(ctx, lo, c_lo)
    if not found:
        return
    spans = _spans(ctx, begin)
    if lo > ctx.lo and re.search(r"\b(?:After|While|When|As|Before)\s+$", masked[ctx.lo : lo]):
        # the cue sits in an introductory clause: its content ends at the comma
        comma = masked.find(",", begin, ctx.hi)
        if comma != -1:
            spans = [_trim_span(ctx.body, begin, comma)]
    emit(spans, cue, entity, "indirect.said-that", cue)


# a participle cue that goes on after a postposed one: "..., OCHA said, adding that ..."
_PARTICIPLE_AFTER_RE = re.compile(r",\s*(?:adding|saying|noting|warning)\b")


def _postposed(ctx: _Context, c: re.Match, emit: _Emitter) -> None:
    """ "CONTENT, the Interior Ministry said." / "CONTENT, said X." / "CONTENT, X added." """
    masked, s_lo, who = ctx.masked, ctx.lo, ctx.who
    cue = c.group()
    c_lo, c_hi = s_lo + c.start(), s_lo + c.end()
    head, tail = masked[s_lo:c_lo], masked[c_hi : ctx.hi]
    if re.match(r"\s*:", tail):
        return  # "Hrun said:" introduces a quotation
    own = _PARTICIPLE_AFTER_RE.split(tail, maxsplit=1)[0]  # not ", adding that ...": its own
    if re.search(r"\bthat\b", own) and not re.match(r"\s*,\s*citing", tail):
        return
    if re.search(r"[”\"]\s*,?\s*$", head) or re.search(r"[”\"][,.!?]?\s*[^,.;:!?_]*$", head):
        return  # it attributes a direct quote, handled there
    if masked[s_lo] in _DOUBLE_MARKS or masked[s_lo] == "_":
        return
    found, entity, np_start = who.left(s_lo, c_lo, ctx.p_hi)
    if found and re.search(r"\b(?:that|which|who)\b", masked[np_start:c_lo]):
        # "X, the group that controls most of West Darfur, denied": the "speaker" sits in a
        # relative clause of an apposition, and what precedes is the subject, not speech
        return
    gap = re.search(r",((?:\s+[a-z][\w-]*){0,2})\s*$", masked[s_lo:np_start])
    if found and gap and _CUE_RE.search(gap.group(1)):
        return  # "X, who asked not to be named, said the NLF had told ...": X's speech
    if found and gap:
        content_end = s_lo + gap.start() + 1
    elif re.search(r",\s*$", head):
        # inverted: "CONTENT, said X"
        found, entity = who.right(c_hi, ctx.hi, ctx.p_hi)
        content_end = c_lo
    else:
        return
    if not found:
        return
    while content_end > s_lo and masked[content_end - 1] in " ,":
        content_end -= 1
    if re.match(r"(?:Asked|Speaking|Pressed|Questioned)\b", masked[s_lo:content_end]):
        return
    emit([_trim_span(ctx.body, s_lo, content_end)], cue, entity, "indirect.postposed", cue)
