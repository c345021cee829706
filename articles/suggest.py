"""Suggest quotes and claims with their speakers, and place mentions with their places.

Pure: plain values in, plain values out; no database, no Django models. The importer, the admin and
``bench/quality.py`` all call the two entry points::

    suggest_quotes(body, speakers=()) -> list[QuoteSuggestion]
    suggest_places(body, places=(), gazetteer=DEFAULT) -> list[PlaceSuggestion]

Offsets are Python string indices into ``body`` (the importer's normalised body), and every
suggestion's ``text == body[start:end]``.

Span conventions (those of ``fixtures/seed.json``):

* a direct quote covers the words between the quotation marks, without the marks and without the
  comma or full stop that closes it inside the marks; a quote that runs on to the next paragraph
  without a closing mark is cut at the paragraph's end; a paragraph of its own after "said:" with
  no marks at all is a direct quote too;
* reported speech and claims cover what was said, without the speaker, the reporting verb, "that"
  and time phrases set off by a comma ("..., on Friday");
* a one-word quotation inside reported speech stays part of it; a quotation of two words or more
  is suggested as a direct quote, and the reported speech around it is not suggested again;
* place mentions cover the name as written ("Kherson region", "Kiev", "Kakhovka dam"), or the
  noun of a phrase that stands for a place named before ("the city", "the regional capital").

How it works, in short: quotation marks are paired by their context, not their glyph (sources mix
straight and curly marks); the text inside quotes is masked so sentence splitting and cue search
never look inside them; each sentence's reporting cues ("said", "according to", "reportedly", ...)
yield reported speech, and each quote is attributed to the speaker next to its nearest cue, or to
the quote before it. Speakers are resolved within the article: a full name, later its surname, a
role ("the Kremlin spokesman"), a pronoun (the last person named), an organisation and its short
forms ("Russia's Defense Ministry" = "the Russian Defense Ministry" = "the ministry"). Unnamed
sources ("officials said", "a ministry official") give a suggestion without a speaker.

Places: known places first (name and aliases, longest first, whole words), then capitalised words
looked up in the gazetteer (``articles.gazetteer``), choosing among places of one name by the
countries the article mentions (and their neighbours), then by population; a small city in a
country the article never mentions is not taken. "X region" / "region of X" become a region, "X
dam" a facility, named after the city X. People's names ("Carla Lima", later "Lima") are not
places; adjectives of nationality ("Russian") are not either. "The city" and its kin point at the
most-mentioned place of that kind so far.

Not handled: quotations in single marks at the top level (British style), reported speech with no
cue at all ("offered his readiness to talk"), pronoun gender, places the gazetteer does not list.
Quality, measured against hand annotations: ``bench/quality.py`` and ``bench/README.md``.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import gazetteer as gazetteer_module

# ---------------------------------------------------------------------------------------------
# The interface


@dataclass(frozen=True)
class KnownSpeaker:
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "person"  # person | organisation
    role: str = ""


@dataclass(frozen=True)
class KnownPlace:
    name: str
    latitude: float
    longitude: float
    aliases: tuple[str, ...] = ()
    kind: str = "city"
    country_code: str = ""


@dataclass(frozen=True)
class QuoteSuggestion:
    start: int
    end: int
    text: str
    kind: str  # direct | indirect | claim
    speaker: str | None  # canonical name: an existing speaker's name, or the proposed new name
    speaker_is_new: bool
    speaker_kind: str = "person"
    speaker_role: str = ""
    cue: str = ""  # what gave it away: "quotation marks", "said", "according to", ...


@dataclass(frozen=True)
class PlaceSuggestion:
    start: int
    end: int
    text: str
    place: str  # canonical name: an existing place's name, or the proposed new name
    is_new: bool
    latitude: float
    longitude: float
    kind: str = "city"
    country_code: str = ""
    aliases: tuple[str, ...] = ()  # for a new place: other names the text used for it
    note: str = ""  # e.g. why the coordinates are only approximate


class _Default:
    def __repr__(self):
        return "DEFAULT"


DEFAULT = _Default()  # the bundled gazetteer (fixtures/gazetteer.json)


# ---------------------------------------------------------------------------------------------
# Vocabulary

_DOUBLE_MARKS = '"“”„«»'
_OPENING_GLYPHS = "“„«"
_CLOSING_GLYPHS = "”»"

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"


def _wordset(text: str) -> frozenset[str]:
    """The words of ``text``, case-folded: keeps the vocabulary lists below readable."""
    return frozenset(re.findall(r"\S+", text.casefold()))


# Reporting verbs. Those in _CLAIM_VERBS introduce claims rather than paraphrases.
_CLAIM_VERBS = _wordset("claimed claims alleged alleges reported reports announced announces")
_CLAIM_VERBS |= _wordset("confirmed confirms")
_SPEECH_VERBS = _CLAIM_VERBS | _wordset(
    """
    said says say told tells added adds stated states warned warns insisted insists argued argues
    noted notes acknowledged acknowledges explained explains cautioned cautions predicted promised
    pledged vowed reaffirmed reiterated repeated wrote writes posted tweeted maintained maintains
    disputes disputed denied denies estimated believes believed fears feared hopes expects
    suggested asserted declared declares stressed emphasised emphasized conceded admitted revealed
    urged urges
    """
)
# Verbs whose object is only reported speech when "that" follows ("denied the accusation" is not).
_THAT_ONLY = _wordset("denied denies disputes disputed reported reports confirmed")
_PARTICIPLES = _wordset(
    "saying adding noting insisting warning claiming arguing stating stressing explaining declaring"
)
_URGE_VERBS = {"urged", "urges", "pressured", "pressed", "called on", "asked", "encouraged"}
_REQUEST_VERBS = {"appealed for", "called for", "demanded", "asked for"}

_CUE_RE = re.compile(
    r"\b(?:"
    + "|".join(
        sorted(_SPEECH_VERBS | _PARTICIPLES | {"pressured", "pressed"}, key=len, reverse=True)
    )
    + r"|called on|appealed for|called for|asked for)\b"
)

# Words of a speaker's role or title.
_ROLE_WORDS = _wordset(
    """
    president vice prime minister deputy secretary spokesman spokeswoman spokesperson official
    officials governor mayor general gen. gen colonel col. lieutenant lt. major maj. captain capt.
    sergeant sgt. admiral adm. commander chief head director envoy ambassador adviser advisor
    chairman chairwoman chair leader negotiator coordinator analyst researcher professor prof.
    dr. dr doctor senator sen. representative rep. gov. mr. mrs. ms. king queen prince sheikh pope
    foreign defense defence interior finance justice military senior special chancellor premier
    correspondent editor reporter lawyer judge prosecutor spokesmen aide manager founder member
    deputy-head paediatrician pediatrician surgeon nurse driver shopkeeper resident witness
    economist expert diplomat monk priest imam bishop activist journalist commissioner officer
    soldier fisherman farmer trader teacher engineer student worker
    """
)
_HONORIFICS = {"dr.", "dr", "mr.", "mrs.", "ms.", "prof.", "mr", "mrs", "ms"}
# Heads of organisation names.
_ORG_WORDS = _wordset(
    """
    ministry government kremlin pentagon agency press network council committee office army force
    forces military police association institute organization organisation union nations
    service department commission court party front brigade corps group foundation fund bank
    company corporation embassy secretariat cabinet parliament assembly congress senate
    administration authority authorities command mission wire news times post radio television
    tv reuters ap afp bureau directorate guard guards militia coalition alliance federation
    red cross crescent presidency chiefs staff junta regime movement university center centre
    """
)
# Plural or collective nouns for unnamed sources: "officials said" gives no speaker.
_GROUP_WORDS = _wordset(
    """
    officials residents workers agencies monitors witnesses analysts diplomats sources critics
    experts observers drivers doctors people villagers survivors activists locals families
    authorities soldiers troops fighters rebels volunteers medics teachers farmers refugees
    """
)
_STOP_CAPS = _wordset(
    """
    the a an in on at from to of for by with after before while when as however but and or so
    this that these those it its his her their our my we they he she i you also meanwhile
    although though since until if asked speaking according during despite yet still then there
    here what who which where why how one two three some many most other another both each
    """
)
_PRONOUNS = {"he": "person", "she": "person", "they": "any", "it": "organisation", "we": "any"}
_PARTICLES = {"bin", "al", "el", "de", "da", "del", "der", "van", "von", "la", "le", "ibn", "abu"}
_AUDIENCE = (
    r"(?:reporters|journalists|lawmakers|legislators|parliament|colleagues|supporters|diplomats|"
    r"delegates|the (?:media|press|public|nation|country)|state media|state television|"
    r"(?:a|an|the) (?:[\w’'-]+ ){0,3}(?:station|agency|conference|briefing|newspaper|channel|"
    r"broadcaster|outlet|audience|meeting|gathering|crowd|committee|council|interview|radio|"
    r"television|summit|forum|parliament|assembly)|[A-Z][\w’'-]*(?: [A-Z][\w’'-]*)*)"
)
_TIME = (
    rf"(?:(?:late |early |earlier |later )?(?:on |last |this |next )?(?:{_DAYS})"
    rf"(?: (?:night|morning|afternoon|evening))?|(?:last|this|next) (?:week|month|year|night|"
    rf"weekend|spring|summer|autumn|fall|winter)|(?:on |in )?(?:{_MONTHS})(?: \d{{1,2}})?|"
    rf"earlier|later|overnight|yesterday|today|on \w+day|in an? [\w ]{{0,30}}?(?:statement|"
    rf"interview|address|video|post|briefing|report|message|speech)(?: [\w ]{{0,40}}?)?|"
    rf"by (?:phone|telephone|email)|also|again|previously|once more)"
)
_TRAILING_TIME_RE = re.compile(
    rf",\s*(?:{_TIME}|on (?:{_DAYS})|(?:late|early) on \w+)\s*$", re.IGNORECASE
)
_ABBREVIATIONS = _wordset(
    """
    gen dr mr mrs ms col lt maj capt sgt adm sen rep gov st no prof jan feb mar apr jun jul aug
    sep sept oct nov dec vs etc inc co corp ltd
    """
)


def _clean(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=1 << 16)
def _key(name: str) -> str:
    """Compare names: case-insensitive, without a leading "the", curly apostrophes straightened."""
    name = _clean(name).replace("’", "'").casefold()
    return re.sub(r"^the\s+", "", name)


# ---------------------------------------------------------------------------------------------
# Quotation marks, masking and sentences


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


def _mask(body: str, quotes: list[_Quote]) -> str:
    """``body`` with the words inside quotation marks replaced by underscores (same length)."""
    chars = list(body)
    for q in quotes:
        for k in range(q.start, q.end):
            if chars[k] != "\n":
                chars[k] = "_"
    return "".join(chars)


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


# ---------------------------------------------------------------------------------------------
# Speakers: who is who within one article


@dataclass(eq=False)
class _Entity:
    name: str
    kind: str
    role: str = ""
    aliases: set[str] = field(default_factory=set)
    known: bool = False
    serial: int = 0  # its place in the registry's list of entities
    on_change: Callable[[_Entity], None] | None = field(default=None, repr=False)

    def offer_role(self, role: str) -> None:
        """Keep the first role the text gives, unless it was only a title ("Gen.", "Mayor")."""
        role = role.strip()
        title_only = len(self.role.split()) == 1 and len(role.split()) > 1 and not self.known
        if role and (not self.role or title_only):
            self.role = role
            if self.on_change is not None:
                self.on_change(self)

    def names(self) -> set[str]:
        """Its name and aliases, as comparison keys."""
        return {_key(self.name)} | {_key(a) for a in self.aliases}


def _org_core(name: str) -> str:
    """ "Russia's Defense Ministry" / "The Russian Defense Ministry" -> "defense ministry"."""
    return _org_core_of_key(_key(name))


@functools.lru_cache(maxsize=1 << 16)
def _org_core_of_key(key: str) -> str:
    key = re.sub(r"^[\w.-]+'s\s+", "", key)
    words = key.split()
    # a leading adjective of nationality: "russian defense ministry"
    adjective = re.fullmatch(r"[\w-]+(?:an|ian|ese|ish|i|ic|ch)", words[0]) if words else None
    if len(words) > 1 and adjective and words[0] not in _ORG_WORDS:
        words = words[1:]
    return " ".join(words)


def _lead_tokens(key: str) -> tuple[str, ...]:
    """The first two words (runs of \\w) of a name key: where a sentence may name it."""
    return tuple(m.group() for _, m in zip(range(2), re.finditer(r"\w+", key), strict=False))


class _EntityIndex:
    """Entities by some string of theirs, each list in registry order. Entries go stale when a
    name, alias, kind or role changes (the entity is then added under its new strings): callers
    check each candidate, as the scans of every entity this replaces did."""

    def __init__(self):
        self._lists: dict[object, list[_Entity]] = {}
        self._members: set[tuple[object, int]] = set()

    def add(self, key: object, entity: _Entity) -> None:
        if (key, entity.serial) in self._members:
            return
        self._members.add((key, entity.serial))
        bisect.insort(self._lists.setdefault(key, []), entity, key=lambda e: e.serial)

    def get(self, key: object) -> list[_Entity]:
        return self._lists.get(key, [])


class _Registry:
    def __init__(self, known: Sequence[KnownSpeaker], places: set[str]):
        self.entities: list[_Entity] = []
        self.places = places  # keys of place names: "Moscow announced" is an organisation
        # indexes: mentions in position order (all and by kind), the last mention of each entity,
        # and entities by name key, name word, last word of the name, organisation core, role word
        # and the first words of each name
        self._sequence = 0
        self._by_position: dict[str, list[tuple[int, int, _Entity]]] = {"any": []}
        self._of_entity: dict[int, list[tuple[int, int]]] = {}
        self._last_mention: dict[int, int] = {}
        self._keys, self._name_words, self._surnames = (_EntityIndex() for _ in range(3))
        self._full_names, self._cores, self._roles = (_EntityIndex() for _ in range(3))
        # name keys by their first words, and entities by (name key, kind)
        self._keys_led_by: dict[tuple[str, ...], set[str]] = {}
        self._owners = _EntityIndex()
        self._kinds: set[str] = set()
        for speaker in known:
            entity = _Entity(speaker.name, speaker.kind, speaker.role, set(speaker.aliases), True)
            self._add(entity)

    def _add(self, entity: _Entity) -> _Entity:
        self._kinds.add(entity.kind)
        entity.serial = len(self.entities)
        entity.on_change = self._index
        self.entities.append(entity)
        self._index(entity)
        return entity

    def _index(self, entity: _Entity) -> None:
        """(Re)index ``entity`` under its current name, aliases and role."""
        name_key = _key(entity.name)
        self._full_names.add(name_key, entity)
        for word in name_key.split():
            self._name_words.add(word, entity)
        self._surnames.add(tuple(name_key.split()[-1:]), entity)
        for key in entity.names():
            self._keys.add(key, entity)
            self._cores.add(_org_core_of_key(key), entity)
            self._keys_led_by.setdefault(_lead_tokens(key), set()).add(key)
            self._owners.add((key, entity.kind), entity)
        for word in _key(entity.role).split():
            self._roles.add(word, entity)

    def set_kind(self, entity: _Entity, kind: str) -> None:
        """Change what ``entity`` is, moving its mentions to the index of its new kind."""
        if entity.kind == kind:
            return
        old, new = self._by_position.get(entity.kind, []), self._by_position.setdefault(kind, [])
        for pos, sequence in self._of_entity.get(entity.serial, []):
            old.pop(bisect.bisect_left(old, (pos, sequence), key=lambda m: (m[0], m[1])))
            bisect.insort(new, (pos, sequence, entity), key=lambda m: (m[0], m[1]))
        entity.kind = kind
        self._index(entity)

    def mention(self, position: int, entity: _Entity | None) -> None:
        if entity is not None:
            self._sequence += 1
            item = (position, self._sequence, entity)
            for kind in ("any", entity.kind):
                bisect.insort(self._by_position.setdefault(kind, []), item, key=lambda m: m[:2])
            self._of_entity.setdefault(entity.serial, []).append((position, self._sequence))
            self._last_mention[entity.serial] = self._sequence

    def last(self, position: int, kind: str = "person") -> _Entity | None:
        """The entity of ``kind`` mentioned last before ``position``: what "he" or "it" means."""
        items = self._by_position.get(kind, [])
        i = bisect.bisect_left(items, (position, 0), key=lambda m: m[:2]) - 1
        return items[i][2] if i >= 0 else None

    def _latest(self, candidates: list[_Entity], test) -> _Entity | None:
        """Of the ``candidates`` that pass ``test``: the one mentioned last, or else the last
        registered (what scanning the mentions, then the entities, backwards found)."""
        passing = [e for e in candidates if test(e)]
        mentioned = [e for e in passing if e.serial in self._last_mention]
        if mentioned:
            return max(mentioned, key=lambda e: self._last_mention[e.serial])
        return passing[-1] if passing else None

    def find(self, name: str) -> _Entity | None:
        key = _key(name)
        return next((e for e in self._keys.get(key) if key in e.names()), None)

    def keys_led_by(self, leads: set[tuple[str, ...]]) -> set[str]:
        """The name keys (names and aliases) that start with one of ``leads`` (first words)."""
        return {key for lead in leads for key in self._keys_led_by.get(lead, ())}

    def owners(self, key: str) -> list[_Entity]:
        """Who a later reference by the name key ``key`` means: of the entities it names, the
        last registered of each kind (as a surname alone means the last person named in full
        with it). One per kind, however many share the name, keeps the work per reference
        bounded where a name shared by every other entity made it grow with the text."""
        found = []
        for kind in self._kinds:
            owner = next(
                (
                    e
                    for e in reversed(self._owners.get((key, kind)))
                    if e.kind == kind and key in e.names()
                ),
                None,
            )
            if owner is not None:
                found.append(owner)
        return sorted(found, key=lambda e: e.serial)

    def person(self, name: str, role: str = "") -> _Entity:
        name = _clean(name)
        entity = self.find(name)
        tokens = name.split()
        if entity is None and len(tokens) == 1:
            # a surname alone: someone named in full before
            key = _key(name)
            for candidate in reversed(self._surnames.get((key,))):
                if candidate.kind == "person" and _key(candidate.name).split()[-1:] == [key]:
                    entity = candidate
                    break
        if entity is None and len(tokens) > 1:
            suffixes = {_key(" ".join(tokens[i:])) for i in range(1, len(tokens))}
            matching = [
                c
                for suffix in suffixes
                for c in self._full_names.get(suffix)
                if c.kind == "person" and _key(c.name) in suffixes
            ]
            if matching:
                entity = min(matching, key=lambda c: c.serial)
                entity.name = name if not entity.known else entity.name
        if entity is None:
            kind = "organisation" if _key(name) in self.places else "person"
            entity = self._add(_Entity(name, kind))
        if entity.kind == "person" and len(tokens) > 1:
            entity.aliases.add(tokens[-1])
            if len(tokens) > 2:
                entity.aliases.add(" ".join(tokens[-2:]))
        self._index(entity)
        entity.offer_role(role)
        return entity

    def organisation(self, name: str) -> _Entity:
        name = _clean(re.sub(r"^(?:the|The)\s+", "", name))
        words = name.split()
        if words and _is_cap(words[-1]) and not _is_cap(words[0]):
            # "the fictional Levant Monitoring Group" -> "Levant Monitoring Group"
            first = next(i for i, w in enumerate(words) if _is_cap(w))
            if all(_is_cap(w) or w in {"of", "for", "and", "the"} for w in words[first:]):
                name = " ".join(words[first:])
        entity = self.find(name)
        if entity is None:
            core = _org_core(name)
            for candidate in reversed(self._cores.get(core)):
                if candidate.kind == "organisation" and core in {
                    _org_core(k) for k in candidate.names()
                }:
                    entity = candidate
                    break
        if entity is None:
            entity = self._add(_Entity(name, "organisation"))
        core = _org_core(name)
        if core != _key(name) and len(core.split()) > 1:
            entity.aliases.add(core)
        if _key(name) != _key(entity.name):
            entity.aliases.add(name)
        self._index(entity)
        return entity

    def by_head(self, head: str, kind: str) -> _Entity | None:
        """ "the ministry" -> the last organisation whose name ends in "ministry"."""
        head = head.casefold()
        return self._latest(
            self._name_words.get(head),
            lambda e: e.kind == kind and head in _key(e.name).split(),
        )

    def by_role(self, role: str) -> _Entity | None:
        """ "the Kremlin spokesman", "the envoy" -> the person with that role."""
        words = [w for w in _key(role).split() if w not in {"a", "an", "the"}]
        if not words:
            return None

        def test(entity: _Entity) -> bool:
            have = _key(entity.role).split()
            return (
                entity.kind == "person"
                and bool(entity.role)
                and words[-1] in have
                and all(w in have for w in words)
            )

        return self._latest(self._roles.get(words[-1]), test)


# ---------------------------------------------------------------------------------------------
# Noun phrases: who is speaking

_PARENTHETICAL_RE = re.compile(
    r"(?:while|who|which|whose|although|though|speaking|citing|after|before|when|despite|"
    r"because|if|as|wearing|standing|asked|remaining|having|still)\b"
)


def _head_word(phrase: str) -> str:
    """The head noun: the last word before "of", "for", "at", "in", "who" or "whose"."""
    part = re.split(
        r"\s+(?:of|for|at|in|on|from|with|who|whose|which|that)\s+", phrase, maxsplit=1
    )[0]
    words = part.split()
    return re.sub(r"['’]s$", "", words[-1]) if words else ""


_NP_FUNCTION = _wordset("the a an of for in and at on to de al")
_LEADING_FUNCTION = _wordset("of for in and at on to")


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _np_word(word: str) -> bool:
    w = word.casefold().rstrip(".")
    base = re.sub(r"['’]s$", "", word)
    return (
        _is_cap(word)
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


def _split_role_name(phrase: str) -> tuple[str, str]:
    """ "Kremlin spokesman Dmitry Peskov" -> ("Kremlin spokesman", "Dmitry Peskov")."""
    words = phrase.split()
    last_role = -1
    for i, word in enumerate(words):
        w = word.casefold()
        is_role = w in _ROLE_WORDS or w.rstrip(".") in _ROLE_WORDS or not _is_cap(word)
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
        if len(words) == 1 and low[0] in _PRONOUNS:
            kind = _PRONOUNS[low[0]]
            if kind == "organisation":
                return True, reg.last(position, "organisation")
            if kind == "any":
                return True, None
            return True, reg.last(position, "person")
        if len(words) == 1 and low[0] in {"which", "who"}:
            return True, reg.last(position + 1, "any")
        # "officials in Tbilisi": strip a trailing location
        located = re.match(
            r"^(.*?)\s+(?:in|from|at)\s+(?:the\s+)?(?:[a-z]+\s+)?"
            r"(?:[A-Z][\w’'-]*|area|region|city|town|country)(?:\s+(?:[A-Z][\w’'-]*|and))*$",
            phrase,
        )
        if located and located.group(1).split()[-1].casefold() in (_ORG_WORDS | _GROUP_WORDS):
            phrase = located.group(1)
            words = phrase.split()
            low = [w.casefold() for w in words]
        if all(w in _STOP_CAPS for w in low):
            return False, None
        head = _head_word(phrase).casefold()
        determiner = low[0] if low[0] in {"the", "a", "an"} else ""
        head_part = re.split(
            r"\s+(?:of|for|at|in|on|from|with|who|whose|which|that)\s+", phrase, maxsplit=1
        )[0].split()
        # a title after the head part means a name follows: "Chairman of ... Gen. Mark Milley"
        titled = any(
            w.casefold() in _ROLE_WORDS or w.casefold().rstrip(".") in _HONORIFICS
            for w in words[len(head_part) :]
            if _is_cap(w)
        )
        # unnamed sources: "officials", "aid workers", "officials in Tbilisi"
        if head in _GROUP_WORDS and determiner != "the":
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
                return True, None
            return True, reg.by_role(" ".join(head_part))
        role, name = _split_role_name(phrase)
        if not name:
            return False, None
        if not all(_is_cap(w) or w.casefold() in _PARTICLES for w in name.split()):
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
        text = self.masked[lo:cue_start]
        # adverbs and auxiliaries between the subject and the verb
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
            return False, None, cue_start  # a coordinated verb: its subject is further back
        if re.search(r"[.;:]\s*$|^\s*$", stripped) or "_" in stripped[-3:]:
            return False, None, cue_start
        segments = []
        for m in re.finditer(r"[^,]+", stripped):
            seg = m.group()
            lead = len(seg) - len(seg.lstrip())
            if seg.strip():
                segments.append((seg.strip(), lo + m.start() + lead))
        # parentheticals between the subject and the verb: "the Kremlin, while ..., disputes"
        while len(segments) > 1 and _PARENTHETICAL_RE.match(segments[-1][0]):
            segments.pop()
        if not segments:
            return False, None, cue_start
        last, last_start = segments[-1]
        prev = segments[-2] if len(segments) > 1 else None
        if (
            prev is not None
            and self._appositive_segment(last)
            and not re.match(r"(?:In|On|At|After|From|During|For|With)\s", prev[0])
        ):
            # "Serhiy Khlan, a deputy for Kherson Regional Council, said"
            offset, name_phrase = _trailing_np(prev[0])
            if name_phrase and name_phrase == prev[0] or (name_phrase and _is_cap(name_phrase[:1])):
                position = prev[1] + offset
                found, entity = self.interpret(name_phrase, position, scope_end)
                if found:
                    role = self.appositive_role(last)
                    bare_name = all(_is_cap(w) for w in name_phrase.split())
                    if entity is not None and entity.kind == "person":
                        if not self._org_appositive(role):
                            entity.offer_role(role)
                        if self._org_appositive(role) and not entity.known and bare_name:
                            # "Meridian Wire, a regional news agency": a name, but no person's
                            self.registry.set_kind(entity, "organisation")
                    self.registry.mention(position, entity)
                    return True, entity, position
        offset, phrase = _trailing_np(last)
        if re.match(r"(?:a|an|the|one)\s", last, re.IGNORECASE) and _head_word(last).casefold() in (
            _ROLE_WORDS | _GROUP_WORDS | _ORG_WORDS
        ):
            offset, phrase = 0, last
        if not phrase:
            return False, None, cue_start
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
            start = prev[1] + _trailing_np(prev[0])[0]
        self.registry.mention(position, entity)
        return True, entity, start

    def _appositive_segment(self, text: str) -> bool:
        """ "a deputy for Kherson Regional Council", "the network's logistics coordinator"."""
        m = re.match(r"(a|an|the|his|her|its|their|one of)\s", text)
        if not m:
            return False
        head = _head_word(text)
        if _is_cap(head) or head.casefold() in _GROUP_WORDS:
            return False
        # "the health ministry" is a subject; "a regional news agency" describes one
        return not (head.casefold() in _ORG_WORDS and m.group(1) == "the")

    def right(self, cue_end: int, hi: int, scope_end: int) -> tuple[bool, _Entity | None]:
        """The speaker after an inverted cue: '... ," said Ines Calder, the coordinator.'"""
        text = self.masked[cue_end:hi]
        m = re.match(r"\s*([^,.;:!?]+)(?:,\s*([^,.;:!?]+))?", text)
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
        return bool(re.match(r"(?:a|an|the|his|her|its|their|one of)\s", text.strip()))

    @staticmethod
    def _org_appositive(role: str) -> bool:
        """ "a regional news agency" describes an organisation; "a deputy for ... Council" not."""
        head = _head_word(role).casefold()
        return head in _ORG_WORDS | {"charity", "outlet", "newspaper"}

    @staticmethod
    def _role_like(text: str) -> bool:
        words = [re.sub(r"['’]s$", "", w).casefold() for w in text.split()]
        return any(w in _ROLE_WORDS for w in words) and len(words) <= 10


# ---------------------------------------------------------------------------------------------
# Quotes and claims


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


def suggest_quotes(body: str, speakers: Sequence[KnownSpeaker] = ()) -> list[QuoteSuggestion]:
    """Quotes and claims in ``body``, each with the speaker the text gives, in body order."""
    if not body.strip():
        return []
    gaz = _default_gazetteer()
    place_keys = _place_keys(body, gaz)
    major = (
        _major_places(body, gaz),
        place_keys,
        gaz.demonyms if gaz is not None else frozenset(),
    )
    paragraphs = _paragraph_bounds(body)
    quotes = _find_quotes(body, paragraphs)
    quotes += _block_quotes(body, paragraphs, quotes)
    quotes.sort(key=lambda q: q.start)
    masked = _mask(body, quotes)
    registry = _Registry(speakers, place_keys)
    who = _Speakers(registry, body, masked)
    candidates: list[_Candidate] = []
    index = _QuoteIndex(quotes)
    lookback = _Lookback(body)

    for p_lo, p_hi in paragraphs:
        for s_lo, s_hi in _sentences(masked, p_lo, p_hi):
            _note_people(body, masked, s_lo, s_hi, registry, who, major)
            _reported(body, masked, s_lo, s_hi, p_hi, index, who, candidates)
            for q in index.between(s_lo, s_hi):
                _attribute(body, masked, q, s_lo, s_hi, p_hi, index, who, lookback)
                if q.resolved:
                    index.resolved[q.paragraph] = q

    for q in quotes:
        if not q.resolved:
            continue
        if _words(body[q.start : q.end]) < 2:
            continue  # a one-word quotation is a scare quote or part of reported speech
        candidates.append(_Candidate(q.start, q.end, "direct", q.speaker, "quotation marks", 0))
    for q in quotes:
        if q.resolved or _words(body[q.start : q.end]) < 4:
            continue
        # an unattributed quotation of some length: offer it without a speaker
        candidates.append(_Candidate(q.start, q.end, "direct", None, "quotation marks", 3))

    chosen: list[_Candidate] = []
    taken = bytearray(len(body) + 1)  # the characters a chosen candidate covers
    for c in sorted(candidates, key=lambda c: (c.priority, -(c.end - c.start))):
        if c.end <= c.start:
            continue
        if taken.find(1, c.start, c.end) != -1:
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    out = []
    for c in chosen:
        entity = c.entity
        out.append(
            QuoteSuggestion(
                start=c.start,
                end=c.end,
                text=body[c.start : c.end],
                kind=c.kind,
                speaker=entity.name if entity else None,
                speaker_is_new=entity is not None and not entity.known,
                speaker_kind=entity.kind if entity else "person",
                speaker_role=entity.role if entity else "",
                cue=c.cue,
            )
        )
    return out


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


def _note_people(body, masked, lo, hi, registry: _Registry, who: _Speakers, major) -> None:
    """Register the people a sentence names, so pronouns and surnames find them later."""
    major, place_keys, demonyms = major
    for start, _end, name, role in _person_names(masked, lo, hi, major, place_keys, demonyms):
        entity = registry.find(name) or registry.person(name, role)
        entity.offer_role(role)
        registry.mention(start, entity)
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
            if masked[lo + at].isupper() or not key[:1].isalpha()
        ]
        if at_starts:
            for entity in registry.owners(key):
                found.extend((entity.serial, -len(key), at, entity) for at in at_starts)
    for _serial, _length, at, entity in sorted(found, key=lambda f: f[:3]):
        registry.mention(at, entity)


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


_NAME_TOKEN = (
    r"(?:(?:Dr|Gen|Col|Lt|Maj|Capt|Sgt|Adm|Sen|Rep|Gov|Mr|Mrs|Ms|Prof|St)\.|[A-Z]\.(?=\s[A-Z])|"
    r"[A-Z][\w’'-]*|(?:bin|al|el|de|da|van|von|ibn|abu)(?=\s[A-Z]))"
)
_FEATURE_WORDS = _wordset(
    """
    river sea lake dam bridge strait oblast region province district governorate state county
    city republic republics valley mountains airport plant gulf bay island islands peninsula
    heights strip
    """
)


_ORG_DESCRIPTORS = _wordset(
    """
    group charity organisation organization agency network committee party militia movement
    company newspaper outlet institute
    """
)


def _person_names(
    text: str, lo: int, hi: int, major_places, place_keys=frozenset(), demonyms=frozenset()
) -> list[tuple[int, int, str, str]]:
    """People a stretch of text names: 'Colonel Teodor Vasse', 'Dr. Huda Salih', 'Carla Lima'.

    ``major_places`` holds the keys of names that are places whatever follows them (countries,
    regions, rivers, known places, multi-word place names): "Donbas Republics" is no person."""
    found = []
    for m in re.finditer(rf"{_NAME_TOKEN}(?:[ ]+{_NAME_TOKEN})+", text[lo:hi]):
        tokens = list(re.finditer(r"\S+", m.group()))
        words = [t.group() for t in tokens]
        # titles and roles in front: "Deputy Interior Minister Levan Gelovani"
        cut = 0
        for i, w in enumerate(words):
            if w.casefold() in _ROLE_WORDS or w.casefold().rstrip(".") in _ROLE_WORDS:
                cut = i + 1
        role_words, words, tokens = words[:cut], words[cut:], tokens[cut:]
        # the role is the run of role words right before the name: "Staff Gen." -> "Gen."
        first_role = len(role_words)
        while first_role > 0 and (
            role_words[first_role - 1].casefold() in _ROLE_WORDS
            or role_words[first_role - 1].casefold().rstrip(".") in _ROLE_WORDS
        ):
            first_role -= 1
        role_words = [w for w in role_words[first_role:] if w.casefold() not in _HONORIFICS]
        while words and words[0].casefold() in _STOP_CAPS:
            words, tokens, role_words = words[1:], tokens[1:], []
        # possessives end a name: "Russia’s", "Kalmora’s"
        for i, w in enumerate(words):
            if re.search(r"['’]s$", w):
                words, tokens = words[:i], tokens[:i]
                break
        if len(words) < 2:
            continue
        low = [w.casefold().rstrip(".") for w in words]
        if any(w in _ORG_WORDS or w in _GROUP_WORDS or w in _FEATURE_WORDS for w in low):
            continue
        if low[0] in _STOP_CAPS:
            continue
        # (no key has more words than the longest place name: longer prefixes need no look-up)
        longest = min(len(words), _longest_key(major_places))
        if any(_key(" ".join(words[: k + 1])) in major_places for k in range(1, longest)):
            continue
        if _key(words[0]) in major_places and (
            # "Georgia Smith" is a person, "Donbas Republics" is not
            any(_key(w) in major_places or _key(w) in place_keys for w in words[1:])
            or low[0] in demonyms
        ):
            continue
        if any(re.fullmatch(_MONTHS + "|" + _DAYS, w) for w in words):
            continue
        start = lo + m.start() + tokens[0].start()
        before = text[max(lo, start - 30) : start].split()
        if before and before[-1].casefold() in _ORG_DESCRIPTORS:
            continue  # "the relief group Hands Across Borders"
        name = " ".join(words)
        found.append((start, lo + m.start() + tokens[-1].end(), name, " ".join(role_words)))
    return found


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


def _longest_key(keys) -> int:
    """The most words in any of ``keys`` (remembered per set: sentences share one)."""
    if _LONGEST_KEY[0] is not keys:
        _LONGEST_KEY[:] = [keys, max((len(k.split()) for k in keys), default=0)]
    return _LONGEST_KEY[1]


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


_SUBJECT_NOT_CUE_RE = re.compile(r"(?:On|In|At|After|Before|While|When|However)\b")
_INTRODUCTORY_RE = re.compile(
    r"(?:On|In|At|After|Before|While|When|However|Meanwhile|Asked|Speaking|Although|"
    r"Though|Since|During|Despite|As|If|Earlier|Later|Last|This|Then)\b"
)
_SUBJECT_PHRASE_RE = re.compile(
    r"((?:[A-Z][\w’'.-]*|the|The|of|for)(?:\s+(?:[A-Z][\w’'.-]*|of|for|the))*)"
)


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
        m = _SUBJECT_PHRASE_RE.match(seg_text)
        if not m or m.group(1).casefold() in _STOP_CAPS:
            return lefts, None
        return lefts, (m.group(1), s_lo + seg.start())
    return lefts, None


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


# ---------------------------------------------------------------------------------------------
# Places


@dataclass
class _Target:
    name: str
    latitude: float
    longitude: float
    kind: str
    country_code: str
    is_new: bool
    aliases: tuple[str, ...] = ()
    note: str = ""
    capital: _Target | None = None
    population: int = 0


@dataclass
class _Mention:
    start: int
    end: int
    target: _Target


_REGION_SUFFIX = r"(?:region|oblast|province|governorate|district|state|county|prefecture)"
_FACILITY_SUFFIX = (
    r"(?:nuclear power plant|nuclear power station|power plant|power station|nuclear plant|dam|"
    r"airport|air base|airbase|bridge|refinery)"
)
_FEATURE_SUFFIX = r"(?:River|Dam|Bridge|Lake|Mountains|Valley|Strait|Bay|Gulf|Pass|Airport)"
_ANAPHORA_RE = re.compile(
    r"\b[Tt]he\s+((?:(?:regional|provincial|commercial|economic|administrative)\s+)?capital|"
    r"city|town|village|region|province|oblast|territory|river)\b(?!\s+of\b)(?![\w-])"
)
_NOT_PLACE_NEXT = re.compile(r"^[’']s\s+(?:forces|army|military)\b")


def _default_gazetteer() -> gazetteer_module.Gazetteer | None:
    try:
        return gazetteer_module.load()
    except FileNotFoundError:  # pragma: no cover - the fixture ships with the code
        return None


def _place_keys(body: str, gaz) -> set[str]:
    """Keys of capitalised words and word pairs of ``body`` that name a place somewhere."""
    if gaz is None:
        return set()
    keys = set()
    for run in re.findall(r"[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*", body):
        words = run.split()
        for n in (1, 2):
            for i in range(len(words) - n + 1):
                part = " ".join(words[i : i + n])
                common = part.casefold() in gazetteer_module.COMMON_WORDS and not part.isupper()
                if part in gaz and not common:
                    keys.add(_key(part))
    return keys


def _major_places(body: str, gaz, known_keys=()) -> set[str]:
    """Keys of names in ``body`` that are places whatever word follows them: countries, regions,
    rivers, multi-word place names, known places; and adjectives of nationality."""
    keys = set(known_keys)
    if gaz is None:
        return keys
    for m in re.finditer(r"[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}", body):
        words = m.group().split()
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                phrase = " ".join(words[i:j])
                entries = gaz.lookup(phrase) if phrase in gaz else ()
                if any(e.kind != "city" for e in entries) or (entries and j - i > 1):
                    keys.add(_key(phrase))
                if j - i == 1 and phrase.casefold() in gaz.demonyms:
                    keys.add(_key(phrase))
    return keys


def _distance_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(min(1, math.sqrt(a)))


def suggest_places(
    body: str, places: Sequence[KnownPlace] = (), gazetteer=DEFAULT
) -> list[PlaceSuggestion]:
    """Place mentions in ``body``: known places and their aliases, then gazetteer places."""
    if not body.strip():
        return []
    gaz = _default_gazetteer() if gazetteer is DEFAULT else gazetteer
    known_targets: dict[str, _Target] = {}
    known_by_key: dict[str, _Target] = {}
    for place in places:
        target = _Target(
            place.name,
            place.latitude,
            place.longitude,
            place.kind,
            place.country_code,
            False,
        )
        known_targets[place.name] = target
        for name in {place.name, *place.aliases}:
            known_by_key.setdefault(_key(name), target)

    mentions: list[_Mention] = []
    taken = [False] * (len(body) + 1)

    def free(s, e):
        return not any(taken[s:e])

    def take(s, e, target):
        for k in range(s, e):
            taken[k] = True
        mentions.append(_Mention(s, e, target))

    # people are not places: "Carla Lima", and "Lima" once she is named
    people = _person_names(
        body,
        0,
        len(body),
        _major_places(body, gaz, known_by_key),
        _place_keys(body, gaz) | set(known_by_key),
        gaz.demonyms if gaz is not None else frozenset(),
    )
    surnames = set()
    for s, e, name, _role in people:
        for k in range(s, e):
            taken[k] = True
        surnames.add(name.split()[-1])
    _mark_surnames(body, surnames, taken)

    # 1. known places, longest name first
    names = sorted(known_by_key, key=len, reverse=True)
    if names:
        alias_forms: dict[str, str] = {}
        for place in places:
            for name in {place.name, *place.aliases}:
                alias_forms.setdefault(_key(name), name)
        pattern = "|".join(re.escape(alias_forms[k]) for k in names)
        for m in re.finditer(rf"(?<![\w-])(?:{pattern})(?![\w-])", body, re.IGNORECASE):
            text = m.group()
            form = alias_forms[_key(text)]
            if form[:1].isupper() and not text[:1].isupper():
                continue
            if free(m.start(), m.end()):
                take(m.start(), m.end(), known_by_key[_key(text)])

    # 2. gazetteer places
    if gaz is not None:
        _gazetteer_mentions(body, gaz, known_by_key, known_targets, free, take, mentions)

    # 3. "the city", "the regional capital": the place named before
    _anaphora(body, mentions, free, take, gaz, known_targets)

    out = []
    for mention in sorted(mentions, key=lambda m: m.start):
        t = mention.target
        out.append(
            PlaceSuggestion(
                start=mention.start,
                end=mention.end,
                text=body[mention.start : mention.end],
                place=t.name,
                is_new=t.is_new,
                latitude=t.latitude,
                longitude=t.longitude,
                kind=t.kind,
                country_code=t.country_code,
                aliases=t.aliases,
                note=t.note,
            )
        )
    return out


def _mark_surnames(body: str, surnames: set[str], taken: list[bool]) -> None:
    """Mark every whole-word occurrence of a surname, as one regex per surname did, in one pass:
    a surname starts with a capital not preceded by [\\w’'] and ends before a character other
    than [\\w’'-] (so only at a full stop inside a run of name characters, or at its end)."""
    if not surnames:
        return
    longest = max(map(len, surnames))
    for m in re.finditer(r"(?<![\w’'])(?=[A-Z])", body):
        p = m.start()
        found = re.match(r"[\w’'.-]*", body[p : p + longest + 1])
        run = found.group() if found else ""
        for end in [i for i, ch in enumerate(run) if ch == "."] + [len(run)]:
            if 0 < end <= longest and body[p : p + end] in surnames:
                for k in range(p, p + end):
                    taken[k] = True


def _context_countries(body: str, gaz, known_targets) -> tuple[set[str], set[str]]:
    codes = {t.country_code for t in known_targets.values() if t.country_code}
    for m in re.finditer(r"(?:[A-Z]\.){2,}|[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}", body):
        words = m.group().split()
        for n in range(len(words), 0, -1):
            for i in range(len(words) - n + 1):
                phrase = " ".join(words[i : i + n])
                entries = gaz.lookup(phrase)
                for entry in entries:
                    if entry.kind == "country":
                        codes.add(entry.country_code)
                # a large city that no other place shares its name with: "Bamako" says Mali
                if (
                    len(entries) == 1
                    and entries[0].kind == "city"
                    and entries[0].population >= 100_000
                    and gaz.is_primary(entries[0], phrase)
                    and phrase.casefold() not in gazetteer_module.COMMON_WORDS
                ):
                    codes.add(entries[0].country_code)
    for word in set(re.findall(r"\b[A-Z][a-z]+\b", body)):
        code = gaz.demonym_codes.get(word.casefold())
        if code:
            codes.add(code)
    nearby = {n for code in codes for n in gaz.neighbours.get(code, ())}
    return codes, nearby


def _gazetteer_mentions(body, gaz, known_by_key, known_targets, free, take, mentions):
    context = _context_countries(body, gaz, known_targets)
    tokens = list(re.finditer(r"(?:[A-Z]\.){2,}|[^\W\d_][\w'-]*", body))
    # joined[k]: only a space or a hyphen between tokens k and k + 1 (a name may run on)
    joined = [
        body[tokens[k].end() : tokens[k + 1].start()] in (" ", "-") for k in range(len(tokens) - 1)
    ]
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not tok.group()[:1].isupper():
            i += 1
            continue
        best = None
        run = 0  # how many tokens after tok are joined to it
        while run < gaz.max_words and i + run < len(joined) and joined[i + run]:
            run += 1
        for n in range(min(gaz.max_words + 1, len(tokens) - i, run + 1), 0, -1):
            last = tokens[i + n - 1]
            s, e = tok.start(), last.end()
            text = body[s:e]
            if text.endswith("'s"):
                text, e = text[:-2], e - 2
            if not text[-1:].isalpha() and not text.endswith("."):
                continue
            if text not in gaz:
                continue
            if n == 1 and text.casefold() in gazetteer_module.COMMON_WORDS and not text.isupper():
                continue
            if text.casefold() in gaz.demonyms:
                continue
            strong = _strong_place_context(body, s, e)
            entry = _choose(gaz, text, context, strong)
            if entry is None:
                continue
            best = (s, e, text, entry, n)
            break
        if best is None:
            i += 1
            continue
        s, e, text, entry, n = best
        i += n
        if not free(s, e):
            continue
        target, s, e = _shape(body, gaz, s, e, text, entry)
        if target is None or not free(s, e):
            continue
        # a gazetteer place the database already has under another name: use that one
        for name in (target.name, *target.aliases, text):
            known = known_by_key.get(_key(name))
            if known is None or known.kind != target.kind:
                continue
            if (
                _distance_km(known.latitude, known.longitude, target.latitude, target.longitude)
                < 50
            ):
                target = known
                break
        take(s, e, target)
    _unknown_features(body, gaz, free, take, mentions)


_STRONG_BEFORE_RE = re.compile(
    rf"\b(?:{_REGION_SUFFIX}|city|town|village|port|capital|outskirts|suburbs?) of\s+$",
    re.IGNORECASE,
)
_STRONG_AFTER_RE = re.compile(
    rf"\s+(?:{_REGION_SUFFIX}|{_FACILITY_SUFFIX}|Regional)\b|,\s+(?:a|the)\s+(?:city|town|port)",
    re.IGNORECASE,
)


def _strong_place_context(body: str, s: int, e: int) -> bool:
    """The text says it is a place: "the region of X", "the town of X", "X oblast", "X dam"."""
    return bool(
        _STRONG_BEFORE_RE.search(body[max(0, s - 40) : s]) or _STRONG_AFTER_RE.match(body, e)
    )


def _choose(gaz, text: str, context: tuple[set[str], set[str]], strong: bool = False):
    """The entry ``text`` most likely names here, or None when it is more likely no place.

    ``context`` holds the countries the article mentions, and their neighbours."""
    entries = gaz.lookup(text)
    if not entries:
        return None
    mentioned, nearby = context

    def score(entry):
        code = entry.country_code
        primary = gaz.is_primary(entry, text)
        rank = {"country": 3, "region": 2, "river": 2, "sea": 2, "lake": 2}.get(entry.kind, 1)
        return (not code or code in mentioned, code in nearby, primary, rank, entry.population)

    entry = max(entries, key=score)
    if entry.kind != "city" or strong:
        return entry
    if entry.country_code in mentioned or entry.country_code in nearby:
        return entry
    # a city in a country the article does not mention: only a well-known one, by its own name
    if gaz.is_primary(entry, text) and entry.population >= 100_000:
        return entry
    if entry.population >= 1_000_000:
        return entry
    return None


# what follows a city's name, matched in place (a slice to the body's end per name was quadratic)
_REGION_AFTER_RE = re.compile(rf"\s+({_REGION_SUFFIX})\b", re.IGNORECASE)
_FACILITY_AFTER_RE = re.compile(rf"\s+({_FACILITY_SUFFIX})\b", re.IGNORECASE)
_REGIONAL_AFTER_RE = re.compile(r"\s+Regional\b")


def _shape(body: str, gaz, s: int, e: int, text: str, entry):
    """The mention's extent and place: a city, or the region, dam, ... named after it."""
    before = body[max(0, s - 40) : s]
    if entry.kind == "city":
        m = _REGION_AFTER_RE.match(body, e)
        if m:
            suffix = m.group(1)
            region = gaz.region_of(entry)
            lat, lon = (region[0], region[1]) if region else (entry.latitude, entry.longitude)
            name = f"{text} {suffix.title()}"
            capital = _Target(
                entry.name, entry.latitude, entry.longitude, "city", entry.country_code, True
            )
            target = _Target(
                name, lat, lon, "region", entry.country_code, True, note="", capital=capital
            )
            return target, s, m.end()
        m = _FACILITY_AFTER_RE.match(body, e)
        if m:
            suffix = m.group(1)
            kind = "facility"
            name = f"{text} {suffix.title() if suffix.islower() else suffix}"
            target = _Target(
                name,
                entry.latitude,
                entry.longitude,
                kind,
                entry.country_code,
                True,
                note=f"coordinates of {entry.name}, the town it is named after",
            )
            return target, s, m.end()
        region_context = re.search(
            rf"\b{_REGION_SUFFIX}\s+of\s+$", before, re.IGNORECASE
        ) or _REGIONAL_AFTER_RE.match(body, e)
        if region_context:
            region = gaz.region_of(entry)
            lat, lon = (region[0], region[1]) if region else (entry.latitude, entry.longitude)
            word = "Region"
            m = re.search(rf"\b({_REGION_SUFFIX})\s+of\s+$", before, re.IGNORECASE)
            if m:
                word = m.group(1).title()
            capital = _Target(
                entry.name, entry.latitude, entry.longitude, "city", entry.country_code, True
            )
            return (
                _Target(
                    f"{text} {word}",
                    lat,
                    lon,
                    "region",
                    entry.country_code,
                    True,
                    (text,),
                    capital=capital,
                ),
                s,
                e,
            )
    aliases = (text,) if _key(text) != _key(entry.name) else ()
    return (
        _Target(
            entry.name,
            entry.latitude,
            entry.longitude,
            entry.kind,
            entry.country_code,
            True,
            aliases,
            population=entry.population,
        ),
        s,
        e,
    )


def _unknown_features(body, gaz, free, take, mentions):
    """ "the Moei River", "Lake Kivu": a named feature the gazetteer lacks, placed near what its
    sentence names."""
    anchors = _Anchors(body, mentions)
    for m in re.finditer(r"\b(Lake|Mount|Mt\.|River|Gulf of|Bay of)\s+([A-Z][\w-]+)\b", body):
        _unknown_feature(m, m.group(1).split()[0], free, take, anchors)
    for m in re.finditer(rf"\b([A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)\s+({_FEATURE_SUFFIX})\b", body):
        _unknown_feature(m, m.group(2), free, take, anchors)


class _Anchors:
    """The city and facility mentions by position, and where the body has ". " and line breaks,
    so the mention nearest a feature in its sentence is found by bisection, not by a look at
    every mention and a search back through the body for the sentence's start."""

    def __init__(self, body: str, mentions: list[_Mention]):
        self.body, self.mentions = body, mentions
        self.stops = [m.start() for m in re.finditer(r"\. ", body)]
        self.breaks = [m.start() for m in re.finditer(r"\n", body)]
        # (start, order found, mention): the order breaks a tie between two as near
        self.by_start = sorted(
            (x.start, i, x) for i, x in enumerate(mentions) if x.target.kind in {"city", "facility"}
        )

    def sentence(self, s: int, e: int) -> tuple[int, int]:
        """``(max(body.rfind(". ", 0, s), body.rfind("\\n", 0, s), 0)``, the first ". " or line
        break from ``e`` or the body's end)."""
        stop = bisect.bisect_right(self.stops, s - 2) - 1
        line = bisect.bisect_right(self.breaks, s - 1) - 1
        lo = max(self.stops[stop] if stop >= 0 else -1, self.breaks[line] if line >= 0 else -1, 0)
        after = [
            xs[k] for xs in (self.stops, self.breaks) if (k := bisect.bisect_left(xs, e)) < len(xs)
        ]
        return lo, min(after) if after else len(self.body)

    def nearest(self, s: int, e: int) -> _Target | None:
        """The target of the city or facility mention in s:e's sentence that starts nearest s
        (the one found first when two are as near)."""
        lo, hi = self.sentence(s, e)
        k = bisect.bisect_left(self.by_start, (s,))
        near = [x for x in self.by_start[max(0, k - 1) : k + 1] if lo <= x[0] < hi]
        if not near:
            return None
        return min(near, key=lambda x: (abs(x[0] - s), x[1]))[2].target

    def taken(self) -> None:
        """Take in the mention just added to ``mentions``."""
        x = self.mentions[-1]
        if x.target.kind in {"city", "facility"}:
            bisect.insort(self.by_start, (x.start, len(self.mentions) - 1, x))


_FEATURE_KINDS = {
    "river": "river",
    "dam": "facility",
    "bridge": "facility",
    "lake": "lake",
    "mount": "mountain",
    "mt.": "mountain",
    "gulf": "sea",
    "bay": "sea",
}


def _unknown_feature(m, feature, free, take, anchors: _Anchors):
    s, e = m.start(), m.end()
    if not free(s, e) or m.group(1).casefold() in gazetteer_module.COMMON_WORDS:
        return
    if m.group(1).split()[0].casefold() in _STOP_CAPS:
        return
    anchor = anchors.nearest(s, e)
    if anchor is None:
        return
    kind = _FEATURE_KINDS.get(feature.casefold(), "feature")
    note = f"approximate: placed at {anchor.name}, named in the same sentence"
    take(s, e, _Target(m.group(), anchor.latitude, anchor.longitude, kind, "", True, note=note))
    anchors.taken()


# "the city" looks among the places of these kinds; "town" and "village" only small ones
_ANAPHOR_POOL = {
    "city": "city",
    "town": "town",
    "village": "town",
    "region": "region",
    "province": "region",
    "oblast": "region",
    "territory": "region",
    "river": "river",
}
_COMMA_GAP_RE = re.compile(r",\s*")


def _pools(target: _Target) -> tuple[str, ...]:
    """The anaphor pools (``_ANAPHOR_POOL``'s values) a mention of ``target`` belongs to."""
    if target.kind == "city":
        return ("city", "town") if target.population < 200_000 else ("city",)
    return (target.kind,) if target.kind in {"region", "river"} else ()


class _Earlier:
    """The place mentions that end before a position, summed up as the position moves forward,
    so an anaphor is answered in O(1) instead of by a look through every earlier mention.

    "Last" means last in ``mentions``' order (the order they were found), as before. Kept: the
    mention ending last; the last of each kind; for each pool, per place name, how often it was
    mentioned and its last mention, and the name that wins (most mentions, then the latest last
    mention). A name's (count, start) only grows when it is mentioned, so the winner is kept by
    one comparison per mention.
    """

    def __init__(self, mentions: list[_Mention]):
        self.mentions = mentions
        self._pending = sorted(range(len(mentions)), key=lambda i: mentions[i].end)
        self._next = 0
        self.prev: _Mention | None = None
        self._prev_key = (-1, 0)
        self._last: dict[str, tuple[int, _Mention]] = {}
        self._groups: dict[str, dict[str, list]] = {}
        self._best: dict[str, list] = {}
        self._first: dict[tuple[str, str], _Target] = {}
        for mention in mentions:
            self._note_first(mention)

    def _note_first(self, mention: _Mention) -> None:
        target = mention.target
        self._first.setdefault((_key(target.name), target.kind), target)

    def advance(self, position: int) -> None:
        """Take in every mention found before the anaphora that ends by ``position``."""
        while self._next < len(self._pending):
            index = self._pending[self._next]
            if self.mentions[index].end > position:
                break
            self._add(index)
            self._next += 1

    def appended(self) -> None:
        """Take in the mention just appended (an anaphor's: it ends before the next one)."""
        self._note_first(self.mentions[-1])
        self._add(len(self.mentions) - 1)

    def _add(self, index: int) -> None:
        mention = self.mentions[index]
        target = mention.target
        if (mention.end, -index) > self._prev_key:
            self.prev, self._prev_key = mention, (mention.end, -index)
        if index > self._last.get(target.kind, (-1, None))[0]:
            self._last[target.kind] = (index, mention)
        for pool in _pools(target):
            group = self._groups.setdefault(pool, {}).setdefault(_key(target.name), [0, -1, None])
            group[0] += 1
            if index > group[1]:
                group[1], group[2] = index, mention
            best = self._best.get(pool)
            if best is None or (group[0], group[2].start) > (best[0], best[2].start):
                self._best[pool] = group

    def last(self, kind: str) -> _Target | None:
        """The target of the last mention of ``kind`` so far."""
        found = self._last.get(kind)
        return found[1].target if found else None

    def most_mentioned(self, pool: str) -> _Target | None:
        best = self._best.get(pool)
        return best[2].target if best else None

    def first(self, key: str, kind: str) -> _Target | None:
        """The target of the first mention (of all, in ``mentions``' order) of ``key``, ``kind``."""
        return self._first.get((key, kind))

    def same(self, target: _Target) -> _Target:
        """The first mention's target with ``target``'s name and kind, else ``target``."""
        return self.first(_key(target.name), target.kind) or target


def _anaphora(body, mentions, free, take, gaz, known_targets):
    earlier = _Earlier(mentions)
    known_cities: dict[str, _Target] = {}
    for target in known_targets.values():
        if target.kind == "city":
            known_cities.setdefault(_key(target.name), target)
    for m in _ANAPHORA_RE.finditer(body):
        s, e = m.start(1), m.end(1)
        if not free(s, e):
            continue
        earlier.advance(m.start())
        prev = earlier.prev
        if prev is None:
            continue
        target = _antecedent(body, m, prev, earlier, gaz, known_cities)
        if target is not None:
            take(s, e, target)
            earlier.appended()


def _antecedent(body, m, prev: _Mention, earlier: _Earlier, gaz, known_cities) -> _Target | None:
    """What the anaphor ``m`` ("the city", "the regional capital") refers to, if anything."""
    noun = m.group(1).casefold()
    # "Yangon, the commercial capital,": an appositive names the place itself
    if _COMMA_GAP_RE.fullmatch(body, prev.end, m.start()) and prev.target.kind == "city":
        return prev.target
    if noun in {"regional capital", "provincial capital"}:
        region = earlier.last("region")
        if region is None:
            return None
        capital = region.capital or _capital_of_known(region, earlier, known_cities)
        return earlier.same(capital) if capital is not None else None
    if "capital" in noun:
        country = earlier.last("country") if noun == "capital" else None
        if country is None or gaz is None:
            return None
        entry = gaz.capital_of(country.country_code)
        if entry is None:
            return None
        return earlier.same(
            _Target(entry.name, entry.latitude, entry.longitude, "city", entry.country_code, True)
        )
    return earlier.most_mentioned(_ANAPHOR_POOL[noun])


def _capital_of_known(region: _Target, earlier: _Earlier, known_cities) -> _Target | None:
    stem = _key(re.sub(rf"\s+{_REGION_SUFFIX}$", "", region.name, flags=re.IGNORECASE))
    return earlier.first(stem, "city") or known_cities.get(stem)
