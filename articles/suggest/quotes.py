"""The quote suggester's entry point: quotes and claims with their speakers."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .attribution import _attribute, _Lookback
from .claims import _Candidate, _reported
from .entities import _Registry
from .names import _after_locative, _person_names
from .phrases import _GAVE_NAME, _WORD_CHAR_RE, _Speakers
from .places import _default_gazetteer, _major_places, _place_keys
from .rules import confidence
from .sentences import (
    _Context,
    _find_quotes,
    _find_single_quotes,
    _mask,
    _paragraph_bounds,
    _Quote,
    _QuoteIndex,
    _sentences,
    _trim_span,
    _words,
)
from .types import QuoteSuggestion
from .vocabulary import (
    _CUE_RE,
    _DOUBLE_MARKS,
    _GROUP_WORDS,
    _ROLE_WORDS,
    _STOP_CAPS,
    _key,
    _wordset,
)

if TYPE_CHECKING:
    from .entities import _Entity
    from .types import KnownSpeaker


def suggest_quotes(body: str, speakers: Sequence[KnownSpeaker] = ()) -> list[QuoteSuggestion]:
    """Quotes and claims in ``body``, each with the speaker the text gives, in body order."""
    if not body.strip():
        return []
    gaz = _default_gazetteer()
    place_keys = _place_keys(body, gaz)
    demonyms = gaz.demonyms if gaz is not None else frozenset()
    paragraphs = _paragraph_bounds(body)
    quotes = _find_quotes(body, paragraphs)
    quotes += _find_single_quotes(body, paragraphs, quotes)
    quotes += _block_quotes(body, paragraphs, quotes)
    quotes.sort(key=lambda q: q.start)
    masked = _mask(body, quotes)
    major = (_major_places(body, gaz) | _used_as_places(masked), place_keys, demonyms)
    registry = _Registry(speakers, place_keys)
    who = _Speakers(registry, body, masked)
    index = _QuoteIndex(quotes)
    candidates = _read_sentences(body, masked, paragraphs, index, who, major)
    candidates += _direct_candidates(body, masked, quotes)
    return [_suggestion(body, c) for c in _choose(body, candidates)]


# a run of two to four capitalised words: a name, a person's or a place's
_CAPITALISED_RUN_RE = re.compile(r"[A-Z][\w’'-]+(?:[ ][A-Z][\w’'-]+){1,3}")


def _used_as_places(masked: str) -> set[str]:
    """Keys of the names the text uses as places somewhere ("fled to Nur Amal", "the Nur Amal
    camp"): no person's name elsewhere either, so "he" never means the place."""
    keys = set()
    for m in _CAPITALISED_RUN_RE.finditer(masked):
        words, start = m.group().split(" "), m.start()
        while words and words[0].casefold() in _STOP_CAPS:
            start += len(words.pop(0)) + 1  # "In Nur Amal": "in" is before the name
        if len(words) < 2:
            continue
        if _after_locative(masked, start) or _names_a_people(masked, m.end()):
            keys.add(_key(" ".join(words)))
    return keys


def _read_sentences(body, masked, paragraphs, index: _QuoteIndex, who: _Speakers, major):
    """Each sentence in turn: the people it names, its reported speech, its quotes' speakers."""
    candidates: list[_Candidate] = []
    lookback = _Lookback(body)
    for number, (p_lo, p_hi) in enumerate(paragraphs):
        for s_lo, s_hi in _sentences(masked, p_lo, p_hi):
            ctx = _Context(body, masked, s_lo, s_hi, p_hi, index, who)
            _note_people(ctx, major)
            first = len(candidates)
            _reported(ctx, candidates)
            _note_said(index, number, candidates[first:])
            for q in ctx.quotes():
                _attribute(ctx, q, lookback)
                if q.resolved:
                    index.resolved[q.paragraph] = q
    return candidates


def _note_said(index: _QuoteIndex, paragraph: int, found: list[_Candidate]) -> None:
    """Keep the speaker of a paragraph's last reported speech that has one (a civilian's own
    words often follow in paragraphs of their own: 'X said ... .' then '"..."')."""
    named = [c for c in found if c.entity is not None]
    if named:
        last = max(named, key=lambda c: c.end)
        if last.entity is not None:
            index.said[paragraph] = (last.end, last.entity)


def _direct_candidates(body: str, masked: str, quotes: list[_Quote]) -> list[_Candidate]:
    """The quotations themselves: attributed ones of two words or more; attributed single
    words by their own cue or after a naming verb ("called it 'fiction'"), which reported speech
    around them outranks; unattributed ones of four words or more, without a speaker."""
    found = []
    for q in quotes:
        words = _words(body[q.start : q.end])
        if q.resolved and words >= 2:
            found.append(
                _Candidate(q.start, q.end, "direct", q.speaker, "quotation marks", 0, q.rule)
            )
        elif q.resolved and words == 1 and _short_quote(masked, q):
            rule = "quote.marks.short"
            found.append(
                _Candidate(q.start, q.end, "direct", q.speaker, "quotation marks", 2, rule)
            )
        elif not q.resolved and words >= 4:
            rule = "quote.marks.unattributed"
            found.append(_Candidate(q.start, q.end, "direct", None, "quotation marks", 3, rule))
    return found


def _short_quote(masked: str, q: _Quote) -> bool:
    """Is a one-word quotation someone's word rather than a scare quote? Its speaker was found
    by a cue beside it or by the verb that names it ("called the claims 'propaganda'")."""
    return q.speaker is not None and q.rule in {
        "quote.marks.cue-after",
        "quote.marks.cue-before",
        "quote.marks.naming",
    }


def _choose(body: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """Of overlapping candidates, the one of lowest priority (then the longest), in body order."""
    chosen: list[_Candidate] = []
    taken = bytearray(len(body) + 1)  # the characters a chosen candidate covers
    for c in sorted(candidates, key=lambda c: (c.priority, -(c.end - c.start))):
        if c.end <= c.start or taken.find(1, c.start, c.end) != -1:
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    return chosen


def _suggestion(body: str, c: _Candidate) -> QuoteSuggestion:
    entity = c.entity
    return QuoteSuggestion(
        start=c.start,
        end=c.end,
        text=body[c.start : c.end],
        kind=c.kind,
        speaker=entity.name if entity else None,
        speaker_is_new=entity is not None and not entity.known,
        speaker_kind=entity.kind if entity else "person",
        speaker_role=entity.role if entity else "",
        cue=c.cue,
        rule=c.rule,
        confidence=confidence(c.rule),
    )


def _block_quotes(body: str, paragraphs, quotes: list[_Quote]) -> list[_Quote]:
    """A paragraph of its own, without quotation marks, after one that ends 'said:'."""
    found = []
    paragraphs_with_quotes = {q.paragraph for q in quotes}
    for number in range(1, len(paragraphs)):
        prev_lo, prev_hi = paragraphs[number - 1]
        lo, hi = paragraphs[number]
        if not body[prev_lo:prev_hi].rstrip().endswith(":"):
            continue
        tail = body[max(prev_lo, prev_hi - 60) : prev_hi]
        if not _CUE_RE.search(tail):
            continue
        if body[lo] in _DOUBLE_MARKS or number in paragraphs_with_quotes:
            continue
        s, e = _trim_span(body, lo, hi)
        if e > s:
            found.append(_Quote(lo, None, s, e, number, marked=False))
    return found


# a person who gives one name only: "who gave her name as Hawa", "identified himself as Musa"
_GAVE_NAME_RE = re.compile(
    rf"\b{_GAVE_NAME}|\bidentif(?:ied|ying)\s+(?:himself|herself)\s+(?:only\s+)?as\s+"
    r"([A-Z][\w’'-]+)|"
    # "Hawa, a 52-year-old trader who gave only her first name, ...": the name before
    r"(?<![\w’'-])([A-Z][\w’'-]+),\s+(?:a|an)\s+[^,.;:]{0,60}?\bwho\s+gave\s+(?:only\s+)?"
    r"(?:his|her)\s+(?:first\s+)?name\b"
)
# a name before one of these names a people or a place, not the person: "Bawm villages"
_MODIFIED_NOUNS = _GROUP_WORDS | {
    "men", "women", "children", "villages", "village", "towns", "community", "communities",
    "areas", "area", "land", "lands", "homeland", "language", "clan", "clans", "tribe", "tribes",
    "camp", "camps", "district", "districts", "neighbourhood", "neighborhood", "settlement",
    "municipality", "commune", "county", "province", "region", "valley",
    "bridge", "dam", "crossing", "highway", "road", "river", "border", "airport", "port",
}  # fmt: skip
_MODIFIED_NOUN_RE = re.compile(r"\s+([a-z]+)\b")


def _note_people(ctx: _Context, major) -> None:
    """Register the people a sentence names, so pronouns and surnames find them later."""
    masked, lo, hi, registry = ctx.masked, ctx.lo, ctx.hi, ctx.who.registry
    major, place_keys, demonyms = major
    names = _person_names(masked, lo, hi, major, place_keys, demonyms, bounded=True)
    for start, end, name, role in names:
        if _after_locative(masked, start):
            continue  # "an attack on Mocímboa da Praia", "a camp near Hamid Village"
        if re.search(r"\b\d+(?:st|nd|rd|th)\s+$", masked[max(0, start - 8) : start]):
            continue  # "the 6th Infantry Division", "the 33rd Front": a unit, no one's name
        if any(w.casefold() in _INSTITUTION_WORDS for w in name.split()):
            continue  # "Gondar Comprehensive Specialized Hospital": a building, no one's name
        if _names_a_people(masked, end):
            continue  # "had hit Kalma Nuri camp", "in the Ras Tamra district": a place's name
        entity = registry.find(name) or registry.person(name, role)
        entity.offer_role(role or _role_before(masked, lo, start))
        registry.mention(start, entity)
    for m in _GAVE_NAME_RE.finditer(masked, lo, hi):
        # "He gave his name as Yakobus and said": one name, the sentence's subject's (so it
        # counts from the sentence's start, where "he" stands)
        entity = registry.person(m.group(1) or m.group(2) or m.group(3))
        if not entity.known:
            registry.set_kind(entity, "person")  # "Guadalupe" is a town too, but here hers
        registry.mention(max(0, lo - 1), entity)
    # later references by a registered name or alias: only names whose first words the sentence
    # has can be in it (a name's first two words are runs of \w in the text too). Mentions go in
    # the order of their entities, each one's longer names first (what "he" finds last wins).
    text = masked[lo:hi].casefold()
    words = re.findall(r"\w+", text)
    leads = {(), *((w,) for w in words), *itertools.pairwise(words)}
    found: list[tuple[int, int, int, _Entity]] = []
    for key in registry.keys_led_by(leads):
        if len(key) < 3:
            continue
        at_starts = [
            lo + at
            for at in _references(text, key)
            if (masked[lo + at].isupper() or not key[:1].isalpha())
            and not _names_a_people(masked, lo + at + len(key))
        ]
        if at_starts:
            for entity in registry.owners(key):
                if registry.counts(entity, key):
                    found.extend((entity.serial, -len(key), at, entity) for at in at_starts)
    for _serial, _length, at, entity in sorted(found, key=lambda f: f[:3]):
        registry.mention(at, entity)


# words that make a capitalised name a building or an institution's, not a person's
_INSTITUTION_WORDS = _wordset(
    "hospital clinic school university college academy market airport airstrip mosque "
    "cathedral stadium camp prison"
)
# a role set off before a name: "The governor of Cabo Delgado, Celestino Mucavele, visited"
_ROLE_BEFORE_RE = re.compile(r"(?<!\w)(?:The|the)\s+([a-z][^,;:.!?_]{2,60}),\s*$")


def _role_before(masked: str, lo: int, start: int) -> str:
    """The role a name's apposition before it gives ("the governor of X, NAME"), or ""."""
    m = _ROLE_BEFORE_RE.search(masked, max(lo, start - 70), start)
    if m is None:
        return ""
    role = m.group(1)
    head = re.split(r"\s+(?:of|for|in|at)\s+", role, maxsplit=1)[0].split()[-1]
    return role if head.casefold() in _ROLE_WORDS else ""


def _names_a_people(masked: str, end: int) -> bool:
    """Whether the name that ends at ``end`` is a people's or a place's: "Bawm villages"."""
    m = _MODIFIED_NOUN_RE.match(masked, end)
    return m is not None and m.group(1) in _MODIFIED_NOUNS


def _references(text: str, key: str) -> list[int]:
    r"""Where ``key`` stands as words of its own in ``text``: the starts of
    ``re.finditer(rf"(?<![\w’']){re.escape(key)}(?!\w)", text)``, without compiling a pattern
    per name (a new name in every sentence made that the suggester's main cost)."""
    found = []
    at = text.find(key)
    while at != -1:
        end = at + len(key)
        if (at == 0 or (text[at - 1] not in "’'" and not _WORD_CHAR_RE.match(text[at - 1]))) and (
            end == len(text) or not _WORD_CHAR_RE.match(text[end])
        ):
            found.append(at)
            at = text.find(key, end)
        else:
            at = text.find(key, at + 1)
    return found
