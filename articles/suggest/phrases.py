"""Noun phrases that name a speaker: a name, a role before or after it, a pronoun; a
sentence's subject."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from .vocabulary import (
    _ARTICLE_NAME,
    _CUE_RE,
    _DAYS,
    _GROUP_WORDS,
    _HONORIFICS,
    _MONTHS,
    _ORG_WORDS,
    _PARTICLES,
    _PRONOUNS,
    _ROLE_WORDS,
    _STOP_CAPS,
    _clean,
    _is_cap,
    _is_name_word,
    _key,
    _wordset,
)

if TYPE_CHECKING:
    from .entities import _Entity, _Registry


_PARENTHETICAL_RE = re.compile(
    r"(?:while|who|which|whose|although|though|speaking|citing|after|before|when|despite|"
    r"because|if|as|wearing|standing|asked|remaining|having|still|based|located|"
    r"headquartered|(?:north|south|east|west)(?:-?(?:east|west))?\s+of|near|outside|"
    r"\d+)\b"
    r"|(?:a|an|the)\s+(?:[\w’'-]+\s+){0,3}?(?:village|town|city|district|suburb|"
    r"neighbou?rhood|camp|province|region|area|port)\b(?:\s+(?:south|north|east|west|near|"
    r"outside|in|of|on)\b.*)?$"
)


_OWNED_HEAD_RE = re.compile(r"\b[A-Z][\w-]*['’]s\s+(?:[a-z][\w-]*\s+){0,2}([a-z][\w-]*)$")


# what ends a noun phrase's head: a preposition or relative word, or a participle with its own
# preposition ("Residents reached by telephone", "a mother waiting outside the morgue")
_HEAD_END_RE = re.compile(
    r"\s+(?:of|for|at|in|on|from|with|who|whose|which|that|where|when|near|outside|around)\s+|"
    r"\s+[a-z]{3,}(?:ed|ing)\s+(?:by|in|at|near|from|outside|around|along)\s+"
)


def _head_word(phrase: str) -> str:
    """The head noun: the last word before "of", "for", "at", "in", "who", "where" ...; after a
    possessive, the noun it ends on ("the Republic of Ghana's government": "government")."""
    owned = _OWNED_HEAD_RE.search(phrase)
    if owned:
        return owned.group(1)
    part = _HEAD_END_RE.split(phrase, maxsplit=1)[0]
    words = part.split()
    return re.sub(r"['’]s$", "", words[-1]) if words else ""


_NP_FUNCTION = _wordset("the a an of for in and at on to de al")


_LEADING_FUNCTION = _wordset("of for in and at on to")


def _np_word(word: str) -> bool:
    w = word.casefold().rstrip(".")
    base = re.sub(r"['’]s$", "", word)
    return (
        _is_name_word(word)
        or w in _NP_FUNCTION
        or w in _ROLE_WORDS
        or word.casefold() in _ROLE_WORDS
        or w in _ORG_WORDS
        or w in _GROUP_WORDS
        or w in {"local", "regional", "state", "national", "military", "foreign", "ministry"}
        or w in {"neighbouring", "neighboring", "nearby", "northern", "southern", "eastern"}
        or w in {"western", "central", "occupied", "peacekeeping", "health", "interior"}
        or base != word
        or w in _PRONOUNS
        or w in {"which", "who"}
        or _ORDINAL_RE.fullmatch(w) is not None  # "the 6th Infantry Division", "33rd Front"
    )


_ORDINAL_RE = re.compile(r"\d+(?:st|nd|rd|th)")


# words that make the place after them an object, not a speaker: "a group banned by Islamabad,
# said", "reached in San Pedro Sula, said", "goods from Lomé to Burkina Faso, Niger and Mali said"
_PLACE_OBJECT_WORDS = _wordset(
    "by in to with from at near of for into across towards toward outside inside beyond"
)


# a noun phrase and the participle or relative pronoun that starts what describes it
_DESCRIBED_HEAD_RE = re.compile(
    r"((?:A|An|The|a|an|the)\s+(?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*)\s+"
    r"(?:[a-z]{3,}ing|[a-z]{3,}ed|who|that|which)\b"
)
# someone unnamed described by what they are doing: "A nurse carrying a child", "an aid worker
# loading a lorry"
_DESCRIBED_BY_PARTICIPLE_RE = re.compile(
    r"(?:A|An|a|an)\s+(?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*\s+[a-z]{3,}ing\s"
)
# a whole segment that is someone unnamed, by any lowercase noun: "a paramedic", "an old cook"
_UNNAMED_NP_RE = re.compile(r"(?:A|An|a|an)\s+(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*")
# a phrase opening with its possessor and a lowercase noun: "the group's armed wing" aside,
# "al-Qaeda's affiliate in the Sahel"
_POSSESSOR_RE = re.compile(r"[\w-]+['’]s\s+[a-z]")
# the plain reporting verbs ("promised", "declared" also follow things: "A referendum promised")
_SAID_RE = re.compile(r"(?:said|says|told|tells)\b")
_WHO_CLAUSE_RE = re.compile(r"(?<=\w)\s+who\s+(?!gave\b|gives\b).*$")


def _object_of_preposition(before: str) -> bool:
    """Whether the words ``before`` a name end on a preposition, past any other names of a list
    ("to Burkina Faso, Niger and"); "Kyiv and" or "the army" do not."""
    for word in reversed(before.replace(",", " ").split()):
        low = word.casefold()
        if low in {"and", "or"} or _is_cap(word):
            continue
        return low in _PLACE_OBJECT_WORDS
    return False


# "reached in San Pedro Sula", "banned by X": a participle's object, whatever the name is
_PARTICIPLE_OBJECT_RE = re.compile(r"\b[a-z]{3,}(?:ed|ing)\s+(?:in|at|near|from|by)\s+$")


# locatives that are no part of a name: "A grower near X" is the grower, not X
_NEAR_WORDS = frozenset({"near", "outside", "around"})
_LOCATIVE_WORDS = _NEAR_WORDS | {"in", "from"}


# a role noun and "to" after it: "an adviser to the commander", "a spokesman to the envoy"
_ROLE_TO_RE = re.compile(
    r"(?:a|an|the|his|her|its|their)\s+(?:[a-z][\w-]*\s+){0,2}?([a-z][\w-]*)\s+to\s"
)


def _trailing_np(text: str) -> tuple[int, str]:
    """The noun phrase that ends ``text``: (its start within text, the phrase)."""
    words = list(re.finditer(r"[^\s,;:()]+", text))
    start = len(words)
    while start > 0:
        if _np_word(words[start - 1].group()):
            start -= 1
            continue
        # one or two lowercase modifiers between a name and its head: "the Congolese aid group",
        # "The United Nations refugee agency", "aid agencies"
        leftmost = words[start].group() if start < len(words) else ""
        # "A Baptist pastor in X", "a grower near X": the person so described, not X
        at = start - 1 if start >= 3 and words[start - 1].group() in _NEAR_WORDS else start
        lead = words[at].group() if at < len(words) else ""
        if lead in _LOCATIVE_WORDS and at >= 2 and words[at - 1].group().islower():
            k = next(
                (
                    j
                    for j in range(at - 2, max(-1, at - 5), -1)
                    if words[j].group().casefold() in {"a", "an"}
                ),
                -1,
            )
            if k >= 0:
                start = k
                continue
        if leftmost.islower() and leftmost in _ORG_WORDS | _ROLE_WORDS | _GROUP_WORDS:
            k = start - 1
            while k >= 0 and k >= start - 2 and words[k].group().islower():
                k -= 1
            if k < 0:
                start = 0  # "aid agencies" opening its segment
                continue
            if _is_cap(words[k].group()) or words[k].group() in {"the", "a", "an"}:
                start = k
                continue
        break
    # a phrase does not start with "of", "for", "in" or "and"
    while start < len(words) and words[start].group().casefold() in _LEADING_FUNCTION:
        start += 1
    if start >= len(words):
        return len(text), ""
    # a phrase starts after a lowercase preposition that is followed by lowercase words
    # ("leaving hundreds of thousands of people"), and after sentence adverbs ("However")
    phrase_start = words[start].start()
    phrase = text[phrase_start:].strip()
    first = words[start].group().casefold()
    if first in _STOP_CAPS and first not in {"the", "a", "an", "it", "he", "she", "they", "we"}:
        rest = phrase.split(None, 1)
        if len(rest) < 2:
            return len(text), ""
        phrase = rest[1]
        phrase_start = text.index(phrase, phrase_start)
    return phrase_start, phrase


# "Inspector Nadeem Akhtar of the Levies": a ranked person of an organisation
_PERSON_OF_RE = re.compile(r"^([A-Z][\w.]*(?:\s+[A-Z][\w’'.-]*)+)\s+of\s+(?:the\s+)?[A-Z]")


def _ranked_person_of(phrase: str) -> str:
    """The person of "Inspector Nadeem Akhtar of the Levies", a title and a name before "of";
    the phrase itself otherwise ("Front for the Liberation of the Enclave of Cabinda")."""
    m = _PERSON_OF_RE.match(phrase)
    if not m:
        return phrase
    words = m.group(1).split()
    titled = words[0].casefold().rstrip(".") in _ROLE_WORDS | _HONORIFICS
    names = words[1:]
    if (
        titled
        and names
        and all(_is_name_word(w) and w.casefold() not in _ROLE_WORDS for w in names)
    ):
        return m.group(1)
    return phrase


def _split_role_name(phrase: str) -> tuple[str, str]:
    """ "Kremlin spokesman Dmitry Peskov" -> ("Kremlin spokesman", "Dmitry Peskov")."""
    words = phrase.split()
    last_role = -1
    for i, word in enumerate(words):
        w = word.casefold()
        is_role = w in _ROLE_WORDS or w.rstrip(".") in _ROLE_WORDS or not _is_name_word(word)
        if is_role and w not in _PARTICLES:
            last_role = i
    name_words = words[last_role + 1 :]
    role_words = words[: last_role + 1]
    while role_words and role_words[-1].casefold() in _HONORIFICS:
        role_words.pop()
    while role_words and role_words[0].casefold() in {"the", "a", "an"}:
        role_words.pop(0)
    role = " ".join(role_words)
    # "Chairman of the Joint Chiefs of Staff Gen." -> keep the office, not the abbreviation
    if len(role_words) > 1 and role_words[-1].endswith(".") and len(role_words[-1]) <= 5:
        role = " ".join(role_words[:-1])
    return role, " ".join(name_words)


_WORD_CHAR_RE = re.compile(r"\w")


# _subject_plan's answer: the (lo, cue start) pairs for _Speakers.left, then (phrase, position)
_SubjectPlan = tuple[list[tuple[int, int]], tuple[str, int] | None]


class _NamedLater:
    r"""Where ``masked`` says "the <role>, <Name>", per role word, so each look for a later name is
    a bisection rather than a search through the rest of the paragraph (which, once per "the
    envoy", made a long paragraph quadratic).

    ``first`` answers as ``re.search(r"\b[Tt]he <role>,\s+(Name)", masked[position:scope_end])``
    would, offsets into ``masked``."""

    def __init__(self, masked: str):
        self.masked = masked
        self._starts: dict[str, tuple[list[int], set[int], re.Pattern]] = {}

    def _index(self, head: str) -> tuple[list[int], set[int], re.Pattern]:
        if head not in self._starts:
            phrase = rf"[Tt]he {re.escape(head)},\s+"
            starts = [m.start() for m in re.finditer(rf"(?=(?:{phrase})[A-Z])", self.masked)]
            # \b before "The": a word character before it rules a start out (but for a search
            # that starts right there, where the slice had no character before it)
            bounded = [s for s in starts if s == 0 or not _WORD_CHAR_RE.match(self.masked[s - 1])]
            name = r"([A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,3})"
            self._starts[head] = (bounded, set(starts), re.compile(phrase + name))
        return self._starts[head]

    def first(self, head: str, position: int, scope_end: int) -> re.Match | None:
        bounded, starts, pattern = self._index(head)
        if position in starts:
            m = pattern.match(self.masked, position, scope_end)
            if m:
                return m
        i = bisect.bisect_right(bounded, position)
        while i < len(bounded) and bounded[i] < scope_end:
            m = pattern.match(self.masked, bounded[i], scope_end)
            if m:
                return m
            i += 1
        return None


class _Speakers:
    """Turns noun phrases into entities of the registry."""

    def __init__(self, registry: _Registry, body: str, masked: str):
        self.registry = registry
        self.body = body
        self.masked = masked
        self._later = _NamedLater(masked)
        self._no_speaker: set[tuple[int, int]] = set()
        self._clause_starts: dict[tuple[int, int], int] = {}
        self._subject_plans: dict[tuple[int, int], _SubjectPlan] = {}
        self._cues: dict[tuple[int, int], tuple[list[re.Match], list[int]]] = {}

    def interpret(self, phrase: str, position: int, scope_end: int) -> tuple[bool, _Entity | None]:
        """(is this a speaker phrase, the entity or None for an unnamed source)."""
        phrase = _clean(phrase.strip(" ,.;:"))
        if not phrase or "_" in phrase:
            return False, None
        words = phrase.split()
        low = [w.casefold() for w in words]
        reg = self.registry
        if len(words) == 1 and low[0] in (_PRONOUNS.keys() | {"which", "who"}):
            return True, self._pronoun(low[0], position)
        phrase = _strip_location(phrase)
        words = phrase.split()
        low = [w.casefold() for w in words]
        if all(w in _STOP_CAPS for w in low) or _TIME_PHRASE_RE.fullmatch(phrase):
            return False, None  # "Monday", "late on Tuesday": when, not who
        head = _head_word(phrase).casefold()
        determiner = low[0] if low[0] in {"the", "a", "an"} else ""
        head_part = re.split(
            r"\s+(?:of|for|at|in|on|from|with|who|whose|which|that)\s+", phrase, maxsplit=1
        )[0].split()
        # a title after the head part means a name follows: "Chairman of ... Gen. Mark Milley";
        # not a title word a preposition follows or that ends the phrase, inside the name:
        # "Office of the Adviser on Peace", "Secretariat of National Defence"
        tail = words[len(head_part) :]
        titled = any(
            (w.casefold() in _ROLE_WORDS or w.casefold().rstrip(".") in _HONORIFICS)
            and _is_cap(w)
            and i + 1 < len(tail)
            and _is_cap(tail[i + 1])
            for i, w in enumerate(tail)
        )
        # unnamed sources: "officials", "aid workers", "officials in Tbilisi", "traders"
        head_word = _head_word(phrase)
        if (
            _group(head)
            and determiner != "the"
            and (head_word == words[0] or head_word.islower())
            and (head_word.islower() or reg.find(head_word) is None)  # not a surname: "Peters"
        ):
            return True, None
        if head in _ORG_WORDS and not titled:
            if len(words) <= 2 and determiner == "the" and not any(_is_cap(w) for w in words[1:]):
                return True, reg.by_head(head, "organisation") or reg.organisation(phrase)
            if determiner in {"a", "an"}:
                return True, None
            return True, reg.organisation(phrase)
        if head in _ROLE_WORDS and not titled:
            # "the envoy", "The Kremlin spokesman", "a spokeswoman for the ... Committee"
            named = self._named_later(head, position, scope_end)
            if named is not None:
                return True, named
            if determiner in {"a", "an"}:
                reg.unnamed(position, head)
                return True, None
            return True, reg.by_role(" ".join(head_part), position)
        if determiner in {"a", "an"} and head_word.islower():
            # "a schoolteacher who fled to X", "a Baptist pastor in X": someone unnamed, not X
            reg.unnamed(position, head)
            return True, None
        return self._named(phrase)

    def _pronoun(self, word: str, position: int) -> _Entity | None:
        """ "he", "she": the last person named; "it" the last organisation; "who" and "which"
        the last one of either; "they" and "we" no one in particular."""
        if word in {"which", "who"}:
            return self.registry.last(position + 1, "any")
        kind = _PRONOUNS[word]
        return None if kind == "any" else self.registry.last(position, kind)

    def _named(self, phrase: str) -> tuple[bool, _Entity | None]:
        """A name, with the role before it: "Kremlin spokesman Dmitry Peskov", "Moscow"."""
        reg = self.registry
        role, name = _split_role_name(_ranked_person_of(phrase))
        if not name or _TIME_PHRASE_RE.fullmatch(name):
            return False, None  # "... Haitians on Friday": no one's name
        if not all(_is_name_word(w) for w in name.split()):
            return False, None
        if _key(name) in reg.places:
            return True, reg.organisation(name)
        known = reg.find(name)
        if known is not None:
            known.offer_role(role)
            return True, known
        return True, reg.person(name, role)

    def _named_later(self, head: str, position: int, scope_end: int) -> _Entity | None:
        """ "A spokeswoman ... said. ..., said the spokeswoman, Naw Paw Htoo": named later."""
        m = self._later.first(head, position, scope_end)
        if not m:
            return None
        return self.registry.person(m.group(1), head)

    def appositive_role(self, text: str) -> str:
        text = _clean(text.strip(" ,"))
        text = re.sub(r"^(?:a|an|the)\s+", "", text, flags=re.IGNORECASE)
        text = re.split(r"\s+(?:who|which|whose|that)\s+", text, maxsplit=1)[0]
        return text

    def left(self, lo: int, cue_start: int, scope_end: int) -> tuple[bool, _Entity | None, int]:
        """The speaker phrase right before a cue at ``cue_start``; lo bounds the clause.

        Returns (found, entity, where the phrase starts, its role or appositive included).
        Text that holds no speaker phrase holds none whatever the registry has, and is turned
        down before the registry changes: such answers are remembered, as a sentence's cues are
        tried again for each of its quotes."""
        if (lo, cue_start) in self._no_speaker:
            return False, None, cue_start
        found, entity, start = self._left(lo, cue_start, scope_end)
        if not found:
            self._no_speaker.add((lo, cue_start))
        return found, entity, start

    def subject_plan(self, s_lo: int, limit: int) -> _SubjectPlan:
        """``_subject_plan`` over ``masked``, remembered (asked once per cue and quote)."""
        key = (s_lo, limit)
        if key not in self._subject_plans:
            self._subject_plans[key] = _subject_plan(self.masked, s_lo, limit)
        return self._subject_plans[key]

    def last_cues(self, s_lo: int, s_hi: int, end: int, count: int) -> list[re.Match]:
        """The last ``count`` cues of ``[c for c in _CUE_RE.finditer(masked[s_lo:end]) if "_" not
        in masked[s_lo:end][c.end() : c.end() + 1]]``, taken from the cues of the whole sentence
        s_lo:s_hi (found once) when the character at ``end`` can neither be part of a cue nor
        change a word boundary (a quotation mark opening there); else found afresh."""
        if end < s_hi and (_WORD_CHAR_RE.match(self.masked[end]) or self.masked[end].isspace()):
            head = self.masked[s_lo:end]
            cues = [c for c in _CUE_RE.finditer(head) if "_" not in head[c.end() : c.end() + 1]]
            return cues[-count:]
        if (s_lo, s_hi) not in self._cues:
            text = self.masked[s_lo:s_hi]
            cues = [c for c in _CUE_RE.finditer(text) if "_" not in text[c.end() : c.end() + 1]]
            self._cues[(s_lo, s_hi)] = (cues, [c.end() for c in cues])
        cues, ends = self._cues[(s_lo, s_hi)]
        j = bisect.bisect_right(ends, end - s_lo)
        return cues[max(0, j - count) : j]

    def clause_start(self, s_lo: int, at: int) -> int:
        """``_clause_start`` over ``masked``, remembered (each cue is asked by several quotes)."""
        key = (s_lo, at)
        if key not in self._clause_starts:
            self._clause_starts[key] = _clause_start(self.masked, s_lo, at)
        return self._clause_starts[key]

    def _left(self, lo: int, cue_start: int, scope_end: int) -> tuple[bool, _Entity | None, int]:
        gave = _GAVE_NAME_BEFORE_RE.search(self.masked, lo, cue_start)
        if gave:
            # "A spokesman for the militia, who gave his name only as Kpadyu, said"
            name = gave.group(1)
            given = self.registry.find(name) or self.registry.person(name)
            self.registry.mention(gave.start(1), given)
            return True, given, gave.start(1)
        segments = _subject_segments(self.masked, lo, cue_start)
        if not segments:
            return False, None, cue_start
        if len(segments) > 1 and self._renames_place(segments[-2][0], segments[-1][0]):
            segments = segments[:-1]  # "A trader in the county capital, Marsabit, said"
        last, last_start = segments[-1]
        # "A businessman in Lamu town who asked not to be named said": the one before "who"
        last = _WHO_CLAUSE_RE.sub("", last)
        prev = segments[-2] if len(segments) > 1 else None
        if (
            prev is not None
            and self._appositive_segment(last)
            and not re.match(r"(?:In|On|At|After|From|During|For|With)\s", prev[0])
            and self._set_off(cue_start)
        ):
            found = self._named_with_appositive(prev, last, scope_end)
            if found is not None:
                # the speaker again at the cue, after any name inside the appositive: "X, an
                # adviser to commander Y, said ... . '...,' he said": he is X, not Y
                self.registry.mention(cue_start, found[1])
                return found
            if last.startswith("one of ") and re.match(r"(?:A|An|a|an)\s", prev[0]):
                # "A mother waiting for her son, one of the fishermen, said": the mother
                return self._left(lo, prev[1] + len(prev[0]), scope_end)
        if _DESCRIBED_BY_PARTICIPLE_RE.match(last):
            # "A volunteer loading blankets into a van on the edge of the city": the volunteer
            described = self._described_head(last, last_start, scope_end)
            if described is not None:
                return described
        offset, phrase = self._speaker_phrase(last, cue_start)
        if not phrase:
            return False, None, cue_start
        if self._object_not_subject(lo, last_start + offset, phrase):
            # "a group banned by Islamabad, said": not Islamabad, but the segment before when
            # this one describes it or lists on ("..., Niger and Mali"); not a dateline
            describes = last[:1].islower() or offset == 0
            if last_start > lo and describes:
                return self._left(lo, last_start, scope_end)
            return self._described_head(last, last_start, scope_end) or (False, None, cue_start)
        position = last_start + offset
        found, entity = self.interpret(phrase, position, scope_end)
        if not found:
            return False, None, cue_start
        start = position
        person = entity is not None and entity.kind == "person"
        if phrase == last and prev is not None and self._role_like(prev[0]) and person and entity:
            # "the deputy head of the regional administration, Viktor Hrun, told"
            role = self.appositive_role(prev[0])
            role = re.sub(r"^[A-Z][\w-]*['’]s\s+", "", role)
            entity.offer_role(role)
            start = prev[1] + _role_offset(prev[0])
        self.registry.mention(position, entity)
        return True, entity, start

    def _set_off(self, cue_start: int) -> bool:
        """Whether a comma closes the segment before the cue: "X, the governor, said" has an
        appositive; "... between X and Y, the governor said" is a postposed cue, Y no name."""
        return self.masked[max(0, cue_start - 3) : cue_start].rstrip().endswith(",")

    def _speaker_phrase(self, last: str, cue_start: int) -> tuple[int, str]:
        """The speaker's noun phrase in the segment ``last`` before a cue: (offset, phrase)."""
        whole = re.match(r"(?:a|an|the|one)\s", last, re.IGNORECASE) and _head_word(
            last
        ).casefold() in (_ROLE_WORDS | _GROUP_WORDS | _ORG_WORDS)
        if whole or _group(last.split()[0].casefold()) or _capitalised_group(last):
            return 0, last  # "the spokesman", "officials at the Torkham border crossing"
        if _UNNAMED_NP_RE.fullmatch(last) and _SAID_RE.match(self.masked, cue_start):
            return 0, last  # "a paramedic", "an elderly cook": someone unnamed
        return _trailing_np(_strip_location(last) if _is_cap(last) else last)

    def _object_not_subject(self, lo: int, position: int, phrase: str) -> bool:
        """Whether ``phrase`` (at ``position``) ends on the object of a preposition, not on the
        subject: a participle's ("reached in San Pedro Sula"), or a place's ("banned by
        Islamabad", "goods from Lomé to Burkina Faso, Niger and Mali")."""
        before = self.masked[lo:position]
        if _PARTICIPLE_OBJECT_RE.search(before):
            return True
        places = self.registry.places
        words = phrase.replace(",", " ").split()
        name = _split_role_name(phrase)[1]
        if not name or _key(name) not in places:
            return False
        k = max((i for i, w in enumerate(words) if w.casefold() in _PLACE_OBJECT_WORDS), default=-1)
        if any(not (w in {"and", "or"} or _is_cap(w)) for w in words[k + 1 :]):
            return False
        if k < 0:  # "Ethiopia and Kenya", "Islamabad": what comes before says
            return _object_of_preposition(before)
        # "Lomé to Burkina Faso", not "the UN Mission in South Sudan" (a name of its own)
        return k == 0 or _key(" ".join(words[:k])) in places

    def _renames_place(self, before: str, segment: str) -> bool:
        """Whether ``segment`` is a place's name set off after a place noun that ends the
        segment ``before`` as a locative's object ("in the county capital", "Marsabit"): the
        place's other name, not the speaker."""
        if _key(segment) not in self.registry.places:
            return False
        return bool(_LOCATIVE_PLACE_NOUN_RE.search(before))

    def _described_head(self, segment: str, start: int, scope_end: int):
        """ "A separatist group fighting for the independence of Cabinda": the group, before
        the words that describe it; (True, entity, start) or None."""
        m = _DESCRIBED_HEAD_RE.match(self.masked, start)
        if not m or m.end(1) > start + len(segment):
            return None
        found, entity = self.interpret(m.group(1), start, scope_end)
        if not found:
            return None
        self.registry.mention(start, entity)
        return True, entity, start

    def _named_with_appositive(self, prev, last: str, scope_end: int):
        """ "Serhiy Khlan, a deputy for Kherson Regional Council, said": the name before the
        appositive, which gives its role; (True, entity, start) or None."""
        offset, name_phrase = _trailing_np(prev[0])
        # a short form in brackets after the name: "the Front (NLF)"; or only the short form
        # is a name ("Jama'at ... (JNIM)" gives "JNIM)")
        name_phrase = re.sub(r"\s*\([^()]*\)$", "", name_phrase)
        if name_phrase.endswith(")") and "(" not in name_phrase:
            name_phrase = name_phrase[:-1]
        if not (name_phrase and (name_phrase == prev[0] or _is_cap(name_phrase[:1]))):
            return None
        position = prev[1] + offset
        if self._object_not_subject(prev[1], position, name_phrase):
            return None  # "close to the border with Burkina Faso, the statement said"
        role = self.appositive_role(last)
        bare_name = all(_is_name_word(w) for w in name_phrase.split())
        if (
            bare_name
            and _head_word(role).casefold() in _PLACE_APPOSITIVES
            and self.registry.find(name_phrase) is None
        ):
            # "Wabag, the provincial capital": a place, so later "from Wabag" is nobody's name
            self.registry.places.add(_key(name_phrase))
            return None
        found, entity = self.interpret(name_phrase, position, scope_end)
        if not found:
            return None
        if entity is not None and entity.kind == "person":
            if not self._org_appositive(role):
                entity.offer_role(role)
            if self._org_appositive(role) and not entity.known and bare_name:
                # "Meridian Wire, a regional news agency": a name, but no person's
                self.registry.set_kind(entity, "organisation")
        self.registry.mention(position, entity)
        return True, entity, position

    def _appositive_segment(self, text: str) -> bool:
        """ "a deputy for Kherson Regional Council", "the network's logistics coordinator",
        "spokeswoman for the rebel alliance"."""
        if _bare_role(text):
            return True
        if _POSSESSOR_RE.match(text):
            # "JNIM, al-Qaeda's affiliate in the Sahel, said": describes JNIM
            return _head_word(text).casefold() not in _ORG_WORDS
        if text.startswith("part of "):
            return True  # "The M23, part of the X coalition, said": describes the M23
        m = re.match(r"(a|an|the|his|her|its|their|one of)\s", text)
        if not m:
            return False
        role_to = _ROLE_TO_RE.match(text)
        if role_to and role_to.group(1) in _ROLE_WORDS:
            return True  # "X, an adviser to RSF commander Y, said": describes X
        head = _head_word(text)
        if _is_cap(head):
            return False
        if m.group(1) == "the" and re.search(r"\s(?:that|which|who)\s", text):
            return True  # "X, the armed group that controls the north, said": describes X
        if head.casefold() in _GROUP_WORDS:
            return False
        # "the health ministry" is a subject; "a regional news agency" describes one
        return not (head.casefold() in _ORG_WORDS and m.group(1) == "the")

    def right(self, cue_end: int, hi: int, scope_end: int) -> tuple[bool, _Entity | None]:
        """The speaker after an inverted cue: '... ," said Ines Calder, the coordinator.'"""
        text = self.masked[cue_end:hi]
        gave = _GAVE_NAME_AFTER_RE.match(text)
        if gave:
            name = gave.group(1)
            given = self.registry.find(name) or self.registry.person(name)
            self.registry.mention(cue_end + gave.start(1), given)
            return True, given
        m = _RIGHT_PHRASE_RE.match(text)
        if not m:
            return False, None
        first = m.group(1).strip()
        second = (m.group(2) or "").strip()
        position = cue_end + m.start(1)
        if re.match(r"(?:that|it|in|on|at|to|by|last|this|the (?:decision|move))\b", first):
            return False, None
        if self._appositive(first) and second and _is_cap(second[:1]):
            # 'said the spokeswoman, Naw Paw Htoo'
            found, entity = self.interpret(second, cue_end + m.start(2), scope_end)
            if found and entity is not None and entity.kind == "person":
                role = self.appositive_role(first)
                entity.offer_role(role)
                self.registry.mention(position, entity)
                return True, entity
        found, entity = self.interpret(first, position, scope_end)
        if found and entity is not None and second and self._appositive(second):
            role = self.appositive_role(second)
            if entity.kind == "person":
                entity.offer_role(role)
        if found:
            self.registry.mention(position, entity)
        return found, entity

    @staticmethod
    def _appositive(text: str) -> bool:
        text = text.strip()
        return bool(re.match(r"(?:a|an|the|his|her|its|their|one of)\s", text)) or _bare_role(text)

    @staticmethod
    def _org_appositive(role: str) -> bool:
        """ "a regional news agency" describes an organisation; "a deputy for ... Council" not."""
        head = _head_word(role).casefold()
        return head in _ORG_WORDS | {"charity", "outlet", "newspaper"}

    @staticmethod
    def _role_like(text: str) -> bool:
        words = [re.sub(r"['’]s$", "", w).casefold() for w in text.split()]
        return any(w in _ROLE_WORDS for w in words) and len(words) <= 10


# the phrase after an inverted cue, and an appositive after it: 'said the Rev. Markus Wonda, a
# pastor' (a title's full stop is no end)
# (nor an initial's: "L. Premchand Singh")
_TITLE_DOT = (
    r"\b(?:Dr|Gen|Col|Lt|Maj|Capt|Sgt|Adm|Sen|Rep|Gov|Mr|Mrs|Ms|Prof|St|Rev|Fr)\."
    r"|\b[A-Z]\.(?=\s*[A-Z])"
)
_RIGHT_PHRASE_RE = re.compile(
    rf"\s*((?:{_TITLE_DOT}|[^,.;:!?])+)(?:,\s*((?:{_TITLE_DOT}|[^,.;:!?])+))?"
)


_LOCATED_RE = re.compile(
    r"^(.*?)\s+(?:in|from|at|near|outside|around)\s+(?:the\s+)?(?:[a-z]+\s+)?"
    r"(?:[A-Z][\w’'-]*|area|region|city|town|country)(?:\s+(?:[A-Z][\w’'-]*|and))*$"
)


def _role_offset(segment: str) -> int:
    """Where the role in a segment before a name starts: the whole of "the head of the Berd
    community", else the noun phrase it ends on ("... said the mayor")."""
    if re.match(r"(?:the|a|an|its|his|her|their)\s", segment, re.IGNORECASE):
        return 0
    return _trailing_np(segment)[0]


def _strip_location(phrase: str) -> str:
    """Without a trailing location: "officials in Tbilisi", "Traders in Sanaa", "Emir Hodžić
    from Novi Pazar in southern Serbia", "Shopkeepers near the Old Bazaar" (a group's, an
    organisation's or a name's)."""
    while True:
        located = _LOCATED_RE.match(phrase)
        if not located:
            return phrase
        last = located.group(1).split()[-1]
        low = last.casefold()
        source = low in _ORG_WORDS or _group(low)
        if not source and (not _is_cap(last) or low in _STOP_CAPS):
            return phrase
        if low == "mission" and _is_cap(last):
            return phrase  # "the UN Mission in X" is named for where it is
        phrase = located.group(1)


# heads of an appositive that makes the name before it a place: "X, the provincial capital"
_PLACE_APPOSITIVES = _wordset(
    "capital town city village province district region state county port island camp"
)


# a place noun that ends a locative: "in the county capital", "near the border town"
_LOCATIVE_PLACE_NOUN_RE = re.compile(
    r"\b(?:in|near|from|at|outside|around)\s+(?:the|a|an)\s+(?:[a-z]+\s+)?(?:"
    + "|".join(sorted(_PLACE_APPOSITIVES))
    + r")$"
)


def _group(word: str) -> bool:
    """A plural noun for unnamed sources: "officials", a role's plural ("traders"), or a plural
    of people by what they do ("motorists", "exporters")."""
    return word in _GROUP_WORDS or (
        word.endswith("s")
        and word not in _ROLE_WORDS
        and (word[:-1] in _ROLE_WORDS or bool(_PEOPLE_PLURAL_RE.search(word)))
    )


# plurals of nouns for people by what they do: "motorists", "exporters" (not "-ians": "Haitians")
_PEOPLE_PLURAL_RE = re.compile(r"[a-z]{3}(?:ists|ers|ors|ants|ents)$")


_TIME_PHRASE_RE = re.compile(
    rf"(?:(?:late|early|on|last|this|next|by|since|until)\s+)*(?:{_DAYS}|{_MONTHS})"
    r"(?:\s+(?:night|morning|afternoon|evening|\d{1,2}))?(?:['’]s)?",
    re.IGNORECASE,
)


def _subject_segments(masked: str, lo: int, cue_start: int) -> list[tuple[str, int]]:
    """The comma-separated segments before a cue, each with where it starts, without the
    adverbs and auxiliaries before the verb and the parentheticals after the subject; none
    when the verb is coordinated ("and said": its subject is further back) or nothing is there."""
    text = masked[lo:cue_start]
    stripped = re.sub(
        r"(?:\s+(?:also|later|then|previously|again|has|had|have|was|were|is|once|"
        r"publicly|repeatedly|earlier|only|had also|has also))+\s*$",
        "",
        text,
    )
    stripped = re.sub(
        r"\s+(?:in|on|at)\s+the\s+(?:area|region|field|ground|north|south|east|west)\s*$",
        "",
        stripped,
    )
    if re.search(r"(?:\band|\bbut|\bor)\s*$", stripped):
        return []
    if re.search(r"[.;:]\s*$|^\s*$", stripped) or "_" in stripped[-3:]:
        return []
    segments = []
    for m in re.finditer(r"[^,]+", stripped):
        seg = m.group()
        lead = len(seg) - len(seg.lstrip())
        if seg.strip():
            segments.append((seg.strip(), lo + m.start() + lead))
    # parentheticals between the subject and the verb: "the Kremlin, while ..., disputes"
    while len(segments) > 1 and _PARENTHETICAL_RE.match(segments[-1][0]):
        segments.pop()
    return _join_listed_name(segments)


# a name's last word after "of"/"on"/"for": "Office of the Adviser on Water"
_NAME_OF_END_RE = re.compile(r"^[A-Z].*\b(?:of|on|for)\s+(?:the\s+)?[A-Z][\w’'-]*$")
_CAPITALISED_RE = re.compile(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*")
_LISTED_LAST_RE = re.compile(rf"(?:and\s+)?{_CAPITALISED_RE.pattern}\s+and\s+[A-Z][\w’'-]*")


def _join_listed_name(segments: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """A name whose last words are a list is one segment, not several: "Office of the Adviser
    on Water", "Sanitation and Health" -> "Office of the Adviser on Water, Sanitation and
    Health" (the list's items capitalised, its last two joined by "and")."""
    if len(segments) < 2 or not _LISTED_LAST_RE.fullmatch(segments[-1][0]):
        return segments
    first = len(segments) - 2
    while first > 0 and _CAPITALISED_RE.fullmatch(segments[first][0]):
        first -= 1
    if not _NAME_OF_END_RE.match(segments[first][0]):
        return segments
    joined = ", ".join(seg for seg, _ in segments[first:])
    return [*segments[:first], (joined, segments[first][1])]


# "who gave his name only as Kpadyu", "who gave only her first name, Mahnaz", "who asked to be
# identified only as Musa"; a name of two words when both are capitalised ("as Umm Khaled")
_GAVE_NAME = (
    r"(?:(?:gave|gives|giving)\s+(?:only\s+)?(?:his|her|their)\s+(?:first\s+)?name(?:\s+only)?"
    r"(?:\s+as\s+|,\s*)|asked\s+to\s+be\s+(?:identified|named|called)\s+(?:only\s+)?as\s+)"
    r"([A-Z][\w’'-]+(?:[ ][A-Z][\w’'-]+)?)"
)
_GAVE_NAME_BEFORE_RE = re.compile(rf"(?:,\s+|\s)who\s+{_GAVE_NAME},?\s*$")
# after an inverted cue: 'said a shopkeeper who gave his name only as Alberto.'
_GAVE_NAME_AFTER_RE = re.compile(
    rf"\s*(?:a|an|one)\s[^.;:!?\"“”_]{{0,80}}?\bwho\s+{_GAVE_NAME}\b(?![’'-])"
)


def _capitalised_group(text: str) -> bool:
    """ "Aid workers in the camps": a group noun after a sentence's capitalised first word."""
    words = text.split()
    return len(words) > 1 and _is_cap(words[0]) and words[1].islower() and _group(words[1])


def _bare_role(text: str) -> bool:
    """A role without an article, as wire copy writes it after a name: "spokeswoman for the
    rebel alliance", "commander of the garrison" (a role word, lowercase, heading its phrase)."""
    words = text.split()
    if not words or not words[0].islower() or words[0] not in _ROLE_WORDS:
        return False
    if words[0] in _GROUP_WORDS or words[0].endswith("s") and words[0] != "spokesperson":
        return False  # "officials at the crossing": a subject of its own
    return _head_word(text).casefold() in _ROLE_WORDS and len(words) > 1


_SUBJECT_NOT_CUE_RE = re.compile(r"(?:On|In|At|After|Before|While|When|However)\b")


_INTRODUCTORY_RE = re.compile(
    r"(?:On|In|At|After|Before|While|When|However|Meanwhile|Asked|Speaking|Although|"
    r"Though|Since|During|Despite|As|If|Earlier|Later|Last|This|Then)\b"
)


_SUBJECT_PHRASE_RE = re.compile(
    rf"((?:[A-Z][\w’'.-]*|the|The|of|for)(?:\s+(?:[A-Z][\w’'.-]*|{_ARTICLE_NAME}|of|for|the))*)"
)


def _group_phrase(seg_text: str, phrase: str) -> str:
    """A sentence's first word with the lowercase words after it, when they end on a plural for
    unnamed sources ("Human rights groups have ..."): the group, not the capitalised word."""
    if " " in phrase:
        return phrase
    following = seg_text[len(phrase) :].split()[:3]
    for n, word in enumerate(following, 1):
        if not re.fullmatch(r"[a-z]+", word):
            break
        if _group(word):
            return " ".join([phrase, *following[:n]])
    return phrase


def _subject_plan(masked: str, s_lo: int, limit: int) -> _SubjectPlan:
    """What ``_sentence_subject`` tries, read from the text alone: the (clause start, cue) of
    each segment's first cue, for ``_Speakers.left``, in order; then the noun phrase to
    interpret and where it is, or None."""
    text = masked[s_lo:limit]
    segments = list(re.finditer(r"[^,]+", text))
    lefts = []
    for seg in segments:
        seg_text = seg.group().strip()
        first_cue = _CUE_RE.search(seg.group())
        if first_cue and not _SUBJECT_NOT_CUE_RE.match(seg_text):
            lefts.append((s_lo + seg.start(), s_lo + seg.start() + first_cue.start()))
        if _INTRODUCTORY_RE.match(seg_text) and seg is not segments[-1]:
            continue
        pronoun = re.match(r"(?:He|She|It)\b", seg_text)
        if pronoun:
            # "He gave his name as Yakobus and said ...": the pronoun is the subject
            return lefts, (pronoun.group(), s_lo + seg.start() + seg.group().index(seg_text))
        m = _SUBJECT_PHRASE_RE.match(seg_text)
        if not m or m.group(1).casefold() in _STOP_CAPS:
            return lefts, None
        return lefts, (_group_phrase(seg_text, m.group(1)), s_lo + seg.start())
    return lefts, None


def _clause_start(masked: str, s_lo: int, at: int) -> int:
    """Start of the clause holding ``at``: after ", while", ", but", "; " or an opening "After",
    unless a comma closes that clause before ``at`` (", while remaining open to talks, says")."""
    lo = s_lo
    for b in re.finditer(
        r",\s+(?:while|but|and|whereas)\s+|;\s+|\b(?:After|While|When|As|Before)\s+",
        masked[s_lo:at],
    ):
        if "," not in masked[s_lo + b.end() : at]:
            lo = s_lo + b.end()
    return lo
