"""Keep spans attached to their text when an article's body is edited. Pure: no database.

Each span is re-attached by the first of these that works, and otherwise becomes an orphan
(``anchored = False``, kept with its last text for a person to repair). Never a span silently on
other words:

1. mapped: its offsets carried through a diff of the old and new body hold exactly its text
   (the common case: the edit was elsewhere); or the same text stands a few characters away (a
   diff of repetitive text can align an insertion on either side of equal characters) with its
   context on at least one side unchanged. When the diff carried the text but not its context
   and a copy of the text with all its context stands elsewhere, the span goes to that copy (a
   repeated sentence: the diff may pair one speaker's words with another's);
2. edited: the text was itself edited; the diff maps its ends to a stretch of the new body that
   is still similar to the old text. Word characters typed onto an end (a typo fixed in a
   quote's last word) join the span, when the diff says they are new;
3. moved: another occurrence of its text whose context still fits, the nearest the mapped
   position. The context of a span is the stored 32 characters on each side, cut at the nearest
   paragraph break (the body's start and end count as ones). It fits when both sides are
   unchanged (a paragraph cut and pasted elsewhere), or when one side's whole 32 characters are
   unchanged and on the other side the span starts (or ends) a sentence or paragraph both
   before and after the edit (a sentence moved);
4. fuzzy: the text was edited and moved. Candidates come from exact pieces of the text (probes)
   found in the new body: starts that two probes agree on, at most ``MAX_CANDIDATES`` per span.
   Each is aligned by a diff of the text with its context against a window of the new body a
   quarter longer, and is taken only when the text and the context on each side are all similar
   (``MIN_SIMILARITY``, ``MIN_CONTEXT_SIMILARITY``).

In every case a span's ends must fall on word boundaries: an end that was on a word boundary in
the old body is never placed inside a word of the new one (an end an annotator put inside a word
is held to no more than the text). An offset ``i`` of ``body`` is *inside a word* when
``0 < i < len(body)`` and either

* ``body[i - 1]`` and ``body[i]`` are both word characters: Unicode letters, digits or marks
  (categories L*, N*, M*) or ``_``; or
* ``body[i]`` is a combining mark (it belongs to the character before), or either side is a
  zero-width joiner, or both are regional indicators (a flag such as 🇺🇦);

otherwise it is on a word boundary (the body's start and end, a space, a punctuation or quote
mark on either side: ``"`` before ``Talks`` or ``,`` after ``said``).

Similarity is the Dice coefficient of the two texts' character trigrams, computed in time linear
in their length. The diff is diff-match-patch's (the algorithm family Hypothesis uses for the
same job), in three levels so that its cost follows what changed: paragraphs, then the words of
each replaced stretch of paragraphs, then the characters of each short replaced stretch of words.
Its time is bounded (``DIFF_SECONDS`` per 100 KB; past it the diff is coarser and the steps above
find the spans by their text and context). The work per span is linear in its length plus a few
scans of the body (``str.find``); fuzzy matching has one time budget per edit, proportional to
the body (``FUZZY_SECONDS`` per 100 KB), past which a span that needs one becomes an orphan.
"""

import re
import time
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from diff_match_patch import diff_match_patch

MIN_SIMILARITY = 0.6  # of a span's text, edited or fuzzily found
MIN_CONTEXT_SIMILARITY = 0.6  # of the context on each side, for a fuzzy match
CONTEXT = 32  # characters, as stored with every span
NEARBY = 16  # characters
PARAGRAPH = "\n\n"
WIDEN = 24  # characters of typed-on word a span's end may take in
PROBES = 8  # exact pieces of a span's text looked up for a fuzzy match
PROBE_LENGTH = 24
MAX_OCCURRENCES = 64  # of a span's text, checked one by one for a move
MAX_HITS = 16  # a probe found more often than this says nothing about where the span went
MAX_CANDIDATES = 2  # windows aligned per span
WINDOW_DIFF_SECONDS = 0.2  # for one window's diff, and as much per 1,000 characters of the span

Diff = list[tuple[int, str]]  # diff-match-patch's (operation, text) pairs

LEVELS = (re.compile(r"[^\n]+\n*|\n+"), re.compile(r"\w+|\s+|.", re.DOTALL))  # paragraphs, words
DIFF_SECONDS = 1.0  # for the body diff, per 100 KB of body (and once more)
FUZZY_SECONDS = 2.0  # for all fuzzy matches of one edit, per 100 KB of body (and once more)
REDIFF = 400  # characters: a replaced stretch this short is diffed character by character
INSERT, DELETE = diff_match_patch.DIFF_INSERT, diff_match_patch.DIFF_DELETE
JOINERS = {"\u200d"}


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Placement:
    """Where a span now is. An orphan (``anchored`` False) keeps its old offsets."""

    start: int
    end: int
    exact: str
    anchored: bool
    how: str  # mapped | unchanged | edited | moved | fuzzy | orphan


# Word boundaries


def _is_word(char: str) -> bool:
    return char == "_" or unicodedata.category(char)[0] in "LNM"


def _regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def inside_word(body: str, i: int) -> bool:
    """Whether offset ``i`` cuts a word of ``body`` (see the module's docstring)."""
    if i <= 0 or i >= len(body):
        return False
    before, after = body[i - 1], body[i]
    if _is_word(before) and _is_word(after):
        return True
    if unicodedata.category(after).startswith("M") or {before, after} & JOINERS:
        return True
    return _regional(before) and _regional(after)


@dataclass(frozen=True)
class Needs:
    """What a span's placement must keep: word boundaries at its ends, its context."""

    start_boundary: bool
    end_boundary: bool
    before: str  # the context before it, up to the nearest paragraph break
    after: str

    def ends_fit(self, body: str, start: int, end: int) -> bool:
        if start >= end:
            return False
        if self.start_boundary and inside_word(body, start):
            return False
        return not (self.end_boundary and inside_word(body, end))


def _trim_before(text: str, at_start: bool) -> str:
    if at_start:
        text = PARAGRAPH + text
    cut = text.rfind(PARAGRAPH)
    return text[cut:] if cut != -1 else text


def _trim_after(text: str, at_end: bool) -> str:
    if at_end:
        text += PARAGRAPH
    cut = text.find(PARAGRAPH)
    return text[: cut + len(PARAGRAPH)] if cut != -1 else text


def context_before(body: str, pos: int) -> str:
    """Up to ``CONTEXT`` characters before ``pos``, from the nearest paragraph break on (the
    body's start counts as one)."""
    return _trim_before(body[max(0, pos - CONTEXT) : pos], pos <= CONTEXT)


def context_after(body: str, pos: int) -> str:
    """Up to ``CONTEXT`` characters after ``pos``, up to the nearest paragraph break."""
    return _trim_after(body[pos : pos + CONTEXT], pos + CONTEXT >= len(body))


def _needs(old_body: str, anchor: Anchor) -> Needs:
    """From the old body when the anchor matches it, else from the stored context."""
    start, end = anchor.start, anchor.end
    if old_body[start:end] == anchor.exact:
        return Needs(
            not inside_word(old_body, start),
            not inside_word(old_body, end),
            context_before(old_body, start),
            context_after(old_body, end),
        )
    prefix, exact, suffix = anchor.prefix, anchor.exact, anchor.suffix
    return Needs(
        not inside_word(prefix + exact[:1], len(prefix)),
        not inside_word(exact[-1:] + suffix, 1),
        _trim_before(prefix, len(prefix) < CONTEXT),
        _trim_after(suffix, len(suffix) < CONTEXT),
    )


# Similarity


def _trigrams(text: str) -> Counter[str]:
    return Counter(text[i : i + 3] for i in range(len(text) - 2))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the character trigrams of ``a`` and ``b``: 1.0 for equal texts."""
    if a == b:
        return 1.0
    if len(a) < 3 or len(b) < 3:
        return 0.0
    ta, tb = _trigrams(a), _trigrams(b)
    shared = sum((ta & tb).values())
    return 2 * shared / (len(a) + len(b) - 4)


# Mapping offsets through a diff


class Mapper:
    """``diff_xIndex`` for many offsets: a binary search instead of a walk of the diff."""

    def __init__(self, diffs: Diff) -> None:
        self.ops: list[int] = []
        self.old_ends: list[int] = []  # the old and new offset at the end of each diff
        self.new_ends: list[int] = []
        old = new = 0
        for op, text in diffs:
            old += 0 if op == INSERT else len(text)
            new += 0 if op == DELETE else len(text)
            self.ops.append(op)
            self.old_ends.append(old)
            self.new_ends.append(new)

    def x_index(self, loc: int) -> int:
        """Where old offset ``loc`` is in the new text (diff-match-patch's ``diff_xIndex``)."""
        x = bisect_right(self.old_ends, loc)
        last_old = self.old_ends[x - 1] if x else 0
        last_new = self.new_ends[x - 1] if x else 0
        if x < len(self.ops) and self.ops[x] == DELETE:
            return last_new
        return last_new + (loc - last_old)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The new offsets of old ``start:end``; its end is mapped as the position after its
        last character, so an insertion right after the span stays outside it."""
        new_start = self.x_index(start)
        return new_start, (self.x_index(end - 1) + 1 if end > start else new_start)

    def inserted(self, start: int, end: int) -> bool:
        """Whether new ``start:end`` is text that one insertion of the diff added."""
        x = bisect_right(self.new_ends, start)
        return x < len(self.ops) and self.ops[x] == INSERT and end <= self.new_ends[x]


# The steps


def _nearby(body: str, exact: str, starts: tuple[int, ...], needs: Needs) -> int | None:
    """The same text within ``NEARBY`` of one of ``starts``, with its context unchanged on one
    side; the nearest the first."""
    found = []
    for near in starts:
        lo = max(0, near - NEARBY)
        position = body.find(exact, lo, near + NEARBY + len(exact))
        while position != -1:
            found.append(position)
            position = body.find(exact, position + 1, near + NEARBY + len(exact))
    fitting = [
        s
        for s in found
        if needs.ends_fit(body, s, s + len(exact))
        and (
            context_before(body, s) == needs.before
            or context_after(body, s + len(exact)) == needs.after
        )
    ]
    return min(fitting, key=lambda s: abs(s - starts[0])) if fitting else None


def _widen(body: str, start: int, end: int, mapper: Mapper) -> tuple[int, int]:
    """Take in word characters typed onto the span's ends, if the diff says they are new."""
    wide_start, wide_end = start, end
    while inside_word(body, wide_start) and start - wide_start < WIDEN:
        wide_start -= 1
    while inside_word(body, wide_end) and wide_end - end < WIDEN:
        wide_end += 1
    if wide_start < start and not mapper.inserted(wide_start, start):
        wide_start = start
    if wide_end > end and not mapper.inserted(end, wide_end):
        wide_end = end
    return wide_start, wide_end


def _edited(
    body: str, anchor: Anchor, mapped: tuple[int, int], mapper: Mapper, needs: Needs
) -> Placement | None:
    start, end = mapped
    if not 0 <= start < end <= len(body):
        return None
    start, end = _widen(body, start, end, mapper)
    text = body[start:end]
    if text == anchor.exact or not needs.ends_fit(body, start, end):
        return None
    if similarity(text, anchor.exact) < MIN_SIMILARITY:
        return None
    return Placement(start, end, text, True, "edited")


SENTENCE_END = ".!?…"
CLOSERS = "\"'”’»)]"


def _sentence_end(text: str) -> bool:
    last = text.rstrip(CLOSERS)[-1:]
    return bool(last) and last in SENTENCE_END


def _edge_before(before: str) -> bool:
    """Whether a span with this context before it starts a sentence or a paragraph."""
    if before.endswith(PARAGRAPH):
        return True
    text = before.rstrip()
    return len(text) < len(before) and _sentence_end(text)


def _edge_after(exact: str, after: str) -> bool:
    """Whether a span with this context after it ends a sentence or a paragraph."""
    if after.startswith(PARAGRAPH) or (_sentence_end(exact) and after[:1].isspace()):
        return True
    rest = after.lstrip(SENTENCE_END)
    if len(rest) == len(after):
        return False
    rest = rest.lstrip(CLOSERS)
    return not rest or rest[0].isspace()


def _context_fits(body: str, start: int, end: int, needs: Needs, exact: str) -> bool:
    """Both sides unchanged; or one side's whole ``CONTEXT`` characters unchanged and the span
    at a sentence or paragraph edge on the other side, before and after the edit."""
    before, after = context_before(body, start), context_after(body, end)
    same_before, same_after = before == needs.before, after == needs.after
    if same_before and same_after:
        return True
    if same_before and len(before) == CONTEXT:
        return _edge_after(exact, needs.after) and _edge_after(exact, after)
    if same_after and len(after) == CONTEXT:
        return _edge_before(needs.before) and _edge_before(before)
    return False


def _moved(body: str, exact: str, near: int, needs: Needs) -> int | None:
    """The occurrence of the text whose context fits (``_context_fits``), nearest ``near``."""
    starts: list[int] = []
    position = body.find(exact)
    while position != -1 and len(starts) <= MAX_OCCURRENCES:
        starts.append(position)
        position = body.find(exact, position + 1)
    if len(starts) > MAX_OCCURRENCES:  # repetitive text: only the text with all its context
        starts = _with_context(body, exact, near, needs)
    fitting = [
        s
        for s in starts
        if needs.ends_fit(body, s, s + len(exact))
        and _context_fits(body, s, s + len(exact), needs, exact)
    ]
    return min(fitting, key=lambda s: abs(s - near)) if fitting else None


@lru_cache(maxsize=1)
def _padded(body: str) -> str:
    """The body between two paragraph breaks, so that its start and end are ones too."""
    return PARAGRAPH + body + PARAGRAPH


def _with_context(body: str, exact: str, near: int, needs: Needs) -> list[int]:
    """The occurrences of the text with its context on both sides nearest ``near``."""
    padded = _padded(body)
    needle = needs.before + exact + needs.after
    shift = len(PARAGRAPH) - len(needs.before)  # from a start in body to its needle in padded
    at = max(0, near + shift)
    hits = (padded.find(needle, at), padded.rfind(needle, 0, at + len(needle)))
    return [hit - shift for hit in hits if hit != -1]


def _probes(exact: str) -> list[tuple[int, str]]:
    """Up to ``PROBES`` pieces of ``exact`` (offset, text), spread over it, at word starts."""
    if len(exact) <= PROBE_LENGTH:
        return [(0, exact)]
    last = len(exact) - PROBE_LENGTH
    offsets = {0, last}
    for k in range(1, PROBES - 1):
        offset = k * last // (PROBES - 1)
        while offset < last and not (offset == 0 or not _is_word(exact[offset - 1])):
            offset += 1
        offsets.add(offset)
    return [(o, exact[o : o + PROBE_LENGTH]) for o in sorted(offsets)]


def candidate_starts(body: str, exact: str, near: int) -> list[int]:
    """Where ``exact`` may now start: the start implied by each probe found in ``body``,
    grouped; the groups most probes agree on first, then the nearest ``near``."""
    implied: list[tuple[int, int]] = []
    probes = _probes(exact)
    for offset, probe in probes:
        hits: list[int] = []
        position = body.find(probe)
        while position != -1 and len(hits) <= MAX_HITS:
            hits.append(position)
            position = body.find(probe, position + 1)
        if len(hits) <= MAX_HITS:
            implied.extend((hit - offset, offset) for hit in hits)
    implied.sort()
    tolerance = max(NEARBY, len(exact) // 4)
    groups: list[list[tuple[int, int]]] = []
    for start, offset in implied:
        if groups and start - groups[-1][-1][0] <= tolerance:
            groups[-1].append((start, offset))
        else:
            groups.append([(start, offset)])
    # Two pieces of a long text found together, not one found by chance.
    agreeing = min(2, len(probes))
    groups = [g for g in groups if len({offset for _, offset in g}) >= agreeing]
    groups.sort(key=lambda g: (-len(g), abs(g[len(g) // 2][0] - near)))
    return [g[len(g) // 2][0] for g in groups[:MAX_CANDIDATES]]


def _align(
    body: str, exact: str, start: int, needs: Needs, dmp: diff_match_patch, deadline: float
) -> tuple[int, int] | None:
    """Align the text with its context against a window of ``body`` around ``start``."""
    slack = len(exact) // 4 + NEARBY
    padded = _padded(body)
    lo = max(0, start + len(PARAGRAPH) - len(needs.before) - slack)
    hi = start + len(PARAGRAPH) + len(exact) + len(needs.after) + slack
    core = body[max(0, start) : start + len(exact)]
    if similarity(core, exact) < MIN_SIMILARITY * 0.9:
        return None
    old, window = needs.before + exact + needs.after, padded[lo:hi]
    seconds = WINDOW_DIFF_SECONDS * (1 + len(exact) / 1000)
    mapper = Mapper(body_diff(old, window, dmp, min(deadline, time.time() + seconds)))
    new_start, new_end = mapper.span(len(needs.before), len(needs.before) + len(exact))
    new_start, new_end = _widen(window, new_start, new_end, mapper)
    shift = lo - len(PARAGRAPH)
    return max(0, new_start + shift), min(len(body), new_end + shift)


def _fuzzy(
    body: str, exact: str, near: int, needs: Needs, dmp: diff_match_patch, deadline: float
) -> Placement | None:
    for candidate in candidate_starts(body, exact, near):
        if time.time() > deadline:
            break
        aligned = _align(body, exact, candidate, needs, dmp, deadline)
        if aligned is None or not needs.ends_fit(body, *aligned):
            continue
        start, end = aligned
        text = body[start:end]
        close = (
            similarity(text, exact) >= MIN_SIMILARITY
            and similarity(context_before(body, start), needs.before) >= MIN_CONTEXT_SIMILARITY
            and similarity(context_after(body, end), needs.after) >= MIN_CONTEXT_SIMILARITY
        )
        if close:
            return Placement(start, end, text, True, "fuzzy")
    return None


def _mapped(body: str, exact: str, mapped: tuple[int, int], needs: Needs) -> Placement:
    """The diff carried the text; unless its context came along too, a copy of the text that
    kept all its context is where it went (a repeated quote moved with its paragraph)."""
    start, end = mapped
    if context_before(body, start) != needs.before or context_after(body, end) != needs.after:
        for other in _with_context(body, exact, start, needs):
            if other != start and needs.ends_fit(body, other, other + len(exact)):
                return Placement(other, other + len(exact), exact, True, "moved")
    return Placement(start, end, exact, True, "mapped")


def place(
    old_body: str,
    new_body: str,
    anchor: Anchor,
    mapper: Mapper,
    dmp: diff_match_patch,
    deadline: float,
) -> Placement:
    """Re-attach one span, given the diff from ``old_body`` to ``new_body``; fuzzy matching
    stops at ``deadline`` (``time.time()``)."""
    exact, needs = anchor.exact, _needs(old_body, anchor)
    if not exact:
        return Placement(anchor.start, anchor.end, exact, False, "orphan")
    mapped = mapper.span(anchor.start, anchor.end)
    start = mapped[0]
    if new_body[start : mapped[1]] == exact and needs.ends_fit(new_body, *mapped):
        return _mapped(new_body, exact, mapped, needs)
    # Near where the diff put its start, its end, or the old offsets.
    found = _nearby(new_body, exact, (start, mapped[1] - len(exact), anchor.start), needs)
    if found is not None:
        how = "unchanged" if found == anchor.start and found != start else "mapped"
        return Placement(found, found + len(exact), exact, True, how)
    edited = _edited(new_body, anchor, mapped, mapper, needs)
    if edited is not None:
        return edited
    found = _moved(new_body, exact, start, needs)
    if found is not None:
        return Placement(found, found + len(exact), exact, True, "moved")
    fuzzy = _fuzzy(new_body, exact, start, needs, dmp, deadline)
    if fuzzy is not None:
        return fuzzy
    return Placement(anchor.start, anchor.end, exact, False, "orphan")


def _dmp() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = WINDOW_DIFF_SECONDS  # > 0, or diff-match-patch skips its fast half-match
    return dmp


def _tokens_to_chars(old: str, new: str, pattern: re.Pattern[str]) -> tuple[str, str, list[str]]:
    """Each token (a paragraph, or a word) as one character: diff-match-patch's line mode."""
    tokens: list[str] = [""]
    codes: dict[str, str] = {}

    def encode(text: str) -> str:
        out: list[str] = []
        for token in pattern.findall(text):
            if token not in codes:
                codes[token] = chr(len(tokens))
                tokens.append(token)
            out.append(codes[token])
        return "".join(out)

    return encode(old), encode(new), tokens


def body_diff(old: str, new: str, dmp: diff_match_patch, deadline: float, level: int = 0) -> Diff:
    """A diff of paragraphs, then of the words of each replaced stretch of paragraphs, then of
    the characters of each short replaced stretch of words: the cost follows what changed."""
    if level == len(LEVELS):  # characters, kept minimal: a stretch this short has no context
        return dmp.diff_main(old, new, False, deadline)
    old_chars, new_chars, tokens = _tokens_to_chars(old, new, LEVELS[level])
    coarse = dmp.diff_main(old_chars, new_chars, False, deadline)
    dmp.diff_charsToLines(coarse, tokens)
    if level:  # not of paragraphs: it would merge a moved paragraph with its neighbours
        dmp.diff_cleanupSemantic(coarse)
    diffs: Diff = []
    deleted = inserted = ""
    for op, text in [*coarse, (diff_match_patch.DIFF_EQUAL, "")]:
        if op == DELETE:
            deleted += text
        elif op == INSERT:
            inserted += text
        else:
            diffs.extend(_refine(deleted, inserted, dmp, deadline, level + 1))
            deleted = inserted = ""
            diffs.append((op, text))
    return [(op, text) for op, text in diffs if text]


def _refine(
    deleted: str, inserted: str, dmp: diff_match_patch, deadline: float, level: int
) -> Diff:
    """A replaced stretch, diffed at the next level when there is one for it."""
    if not deleted or not inserted:
        return [(op, text) for op, text in ((DELETE, deleted), (INSERT, inserted)) if text]
    if level == len(LEVELS) and max(len(deleted), len(inserted)) > REDIFF:
        return [(DELETE, deleted), (INSERT, inserted)]
    return body_diff(deleted, inserted, dmp, deadline, level)


def reanchor(old_body: str, new_body: str, anchors: Iterable[Anchor]) -> list[Placement]:
    """Where each of ``anchors`` (spans of ``old_body``) now is in ``new_body``, in order."""
    spans = list(anchors)
    if old_body == new_body:
        return [Placement(a.start, a.end, a.exact, True, "unchanged") for a in spans]
    if not spans:
        return []
    dmp = _dmp()
    size = (len(old_body) + len(new_body)) / 200_000  # in 100 KB, old and new on average
    mapper = Mapper(body_diff(old_body, new_body, dmp, time.time() + DIFF_SECONDS * (1 + size)))
    deadline = time.time() + FUZZY_SECONDS * (1 + size)
    return [place(old_body, new_body, anchor, mapper, dmp, deadline) for anchor in spans]


def find_fuzzy(body: str, anchor: Anchor, near: int) -> Placement | None:
    """Where ``anchor``'s text, edited, now stands in ``body`` by its stored context (another
    tool's quote selector): the fuzzy step of ``place`` alone, or None."""
    needs = _needs(body, anchor)
    deadline = time.time() + FUZZY_SECONDS * (1 + len(body) / 100_000)
    return _fuzzy(body, anchor.exact, near, needs, _dmp(), deadline)
