"""Keep spans attached to their text when an article's body is edited. Pure: no database.

Each span is re-attached by the first of these that works:

1. mapped: its offsets carried through a character diff of the old and new body still hold
   exactly its text (the common case: the edit was elsewhere);
2. unchanged: the text is still at the old offsets;
3. edited: the text was itself edited; the diff maps its ends to a stretch of the new body that
   is still similar enough to the old text;
4. moved: the occurrence of its text whose context (prefix, suffix) fits best, nearest the
   mapped position (a paragraph cut and pasted elsewhere);
5. fuzzy: a fuzzy search near the mapped position finds text similar enough;
6. otherwise it is an orphan: ``anchored = False``, kept with its last text for a person to repair.

The diff is diff-match-patch's, the algorithm family Hypothesis uses for the same job.
"""

from dataclasses import dataclass
from difflib import SequenceMatcher

from diff_match_patch import diff_match_patch

MIN_SIMILARITY = 0.6
CONTEXT = 32
NEARBY = 16  # characters


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


def _dmp():
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0
    dmp.Match_Threshold = 0.4
    dmp.Match_Distance = 5000
    return dmp


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _context_score(body: str, start: int, end: int, anchor: Anchor) -> float:
    before = body[max(0, start - CONTEXT) : start]
    after = body[end : end + CONTEXT]
    score = 0.0
    if anchor.prefix:
        score += _similarity(before[-len(anchor.prefix) :], anchor.prefix)
    if anchor.suffix:
        score += _similarity(after[: len(anchor.suffix)], anchor.suffix)
    return score


def _occurrences(body: str, text: str) -> list[int]:
    found, position = [], body.find(text)
    while position != -1:
        found.append(position)
        position = body.find(text, position + 1)
    return found


def place(new_body: str, anchor: Anchor, diffs, dmp) -> Placement:
    """Re-attach one span, given the diff from the old body to ``new_body``."""
    exact = anchor.exact
    if diffs is not None:
        start = dmp.diff_xIndex(diffs, anchor.start)
        # Map the end as the position after the last character, so an insertion right after
        # the span stays outside it.
        end = dmp.diff_xIndex(diffs, anchor.end - 1) + 1 if anchor.end > anchor.start else start
    else:
        start, end = anchor.start, anchor.end

    if new_body[start:end] == exact:
        return Placement(start, end, exact, True, "mapped")
    if new_body[anchor.start : anchor.end] == exact:
        return Placement(anchor.start, anchor.end, exact, True, "unchanged")

    # A diff of repetitive text can align an insertion on either side of equal characters:
    # the same text a few characters from the mapped position is the same words.
    candidates = _occurrences(new_body, exact) if exact else []
    nearby = [s for s in candidates if abs(s - start) <= NEARBY]
    if nearby:
        best = min(nearby, key=lambda s: abs(s - start))
        return Placement(best, best + len(exact), exact, True, "mapped")

    # The diff carries the span's ends through an edit of its own words.
    if diffs is not None and start < end <= len(new_body):
        text = new_body[start:end]
        if _similarity(text, exact) >= MIN_SIMILARITY:
            return Placement(start, end, text, True, "edited")

    if candidates:
        best = max(
            candidates,
            key=lambda s: (_context_score(new_body, s, s + len(exact), anchor), -abs(s - start)),
        )
        return Placement(best, best + len(exact), exact, True, "moved")

    fuzzy = _fuzzy_search(new_body, exact, start, dmp)
    if fuzzy is not None:
        return fuzzy
    return Placement(anchor.start, anchor.end, exact, False, "orphan")


def _fuzzy_search(body: str, exact: str, near: int, dmp) -> Placement | None:
    """diff-match-patch's bitap search for the start of ``exact``, then the best-fitting end."""
    if not exact or not body:
        return None
    pattern = exact[: dmp.Match_MaxBits]
    near = min(max(near, 0), len(body))
    found = dmp.match_main(body, pattern, near)
    if found == -1:
        return None
    best, best_score = None, 0.0
    for length in range(
        max(1, len(exact) * 3 // 4), min(len(body) - found, len(exact) * 5 // 4) + 1
    ):
        score = _similarity(body[found : found + length], exact)
        if score > best_score:
            best, best_score = length, score
    if best is None or best_score < MIN_SIMILARITY:
        return None
    return Placement(found, found + best, body[found : found + best], True, "fuzzy")


def reanchor(old_body: str, new_body: str, anchors) -> list[Placement]:
    """Where each of ``anchors`` (spans of ``old_body``) now is in ``new_body``, in order."""
    anchors = list(anchors)
    if old_body == new_body:
        return [Placement(a.start, a.end, a.exact, True, "unchanged") for a in anchors]
    dmp = _dmp()
    diffs = dmp.diff_main(old_body, new_body) if anchors else None
    if diffs is not None:
        dmp.diff_cleanupSemantic(diffs)
    return [place(new_body, anchor, diffs, dmp) for anchor in anchors]
