"""Speakers within one article: who is who, by full name, surname, role and short form."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .vocabulary import _GROUP_WORDS, _ORG_WORDS, _ROLE_WORDS, _clean, _is_cap, _key, _wordset

if TYPE_CHECKING:
    from .types import KnownSpeaker


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
        """Keep the first role the text gives, unless it was only a title ("Gen.", "Mayor"); a
        rank of several words ("Chief Inspector") keeps the office described after it too
        ("Chief Inspector, acting police commander"), so "the inspector" and "the commander"
        both mean the person."""
        role = role.strip()
        title_only = len(self.role.split()) == 1 and len(role.split()) > 1 and not self.known
        if title_only and _is_cap(self.role) and role[:1].islower() and "," not in role:
            # "Major X, a spokesman for the operation": "the major" and "the spokesman" both
            self.role = f"{self.role}, {role}"
        elif role and (not self.role or title_only):
            self.role = role
        elif role and not self.known and _rank(self.role) and role[:1].islower():
            if "," not in self.role:
                self.role = f"{self.role}, {role}"
        else:
            return
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


# possessors that stand for the place the article is about, not a rival owner
_GENERIC_OWNERS = frozenset(
    ["country's", "nation's", "city's", "state's", "region's", "province's", "town's"]
)
_NATIONALITY_RE = re.compile(r"[\w-]+(?:an|ian|ese|ish|i|ic|ch)")


def _qualifier(key: str) -> tuple[str, str]:
    """What sets an organisation apart from others of its kind: its leading nationality
    adjective ("lebanese army") or its owner ("ombudsman's office"), as (kind, word)."""
    words = key.split()
    while words and words[0] in _GENERIC_OWNERS:
        words = words[1:]
    if len(words) < 2 or words[0] in _ORG_WORDS:
        return "", ""
    if words[0].endswith("'s"):
        return "owner", words[0]
    if _NATIONALITY_RE.fullmatch(words[0]):
        return "adjective", words[0]
    return "", ""


def _rivals(key: str, names: set[str]) -> bool:
    """Is ``key`` another body than the one named ``names``, though both end alike ("the
    Lebanese army" after "the Israeli army", "the Ombudsman's Office" after "the mayor's
    office")? Only a qualifier of the same kind, and a different one, tells them apart."""
    kind, word = _qualifier(key)
    if not kind:
        return False
    theirs = [_qualifier(k) for k in names]
    same_kind = [w for k, w in theirs if k == kind]
    return bool(same_kind) and word not in same_kind


def _name_start(word: str) -> bool:
    """A word that may open an organisation's name: a capitalised one or an ordinal ("33rd")."""
    return _is_cap(word) or re.fullmatch(r"\d+(?:st|nd|rd|th)", word) is not None


def _rank(role: str) -> bool:
    """A rank or title of several capitalised words, with no office: "Chief Inspector"."""
    words = role.split()
    return len(words) > 1 and all(_is_cap(w) and w.casefold() in _ROLE_WORDS for w in words)


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


_ABBREVIATION_RE = re.compile(r"\s+\(([A-Z][A-Za-z0-9-]{1,9})\)$")


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
        self._unnamed: dict[str, list[int]] = {}  # role head -> positions of unnamed sources
        self._unnamed_people: list[int] = []  # positions of every unnamed person, in order
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
        for word in _key(entity.role).replace(",", " ").split():
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
        """The entity of ``kind`` mentioned last before ``position``: what "he" or "it" means;
        no person when an unnamed one ("a resident said") came after the last person named."""
        items = self._by_position.get(kind, [])
        i = bisect.bisect_left(items, (position, 0), key=lambda m: m[:2]) - 1
        if i < 0:
            return None
        if kind == "person":
            k = bisect.bisect_left(self._unnamed_people, position) - 1
            if k >= 0 and self._unnamed_people[k] > items[i][0]:
                return None
        return items[i][2]

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
        return next(
            (e for e in self._keys.get(key) if key in e.names() and self.counts(e, key)), None
        )

    def counts(self, entity: _Entity, key: str) -> bool:
        """Does ``key`` name ``entity`` here? A stored speaker's descriptive alias ("army",
        "Kremlin spokesman") counts only once the text has named them by a name of theirs."""
        return not entity.known or self.named(entity) or not _descriptive(key)

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
        # "the Kenya-led X mission", "the Saudi-backed X": who leads it is no part of its name
        name = re.sub(r"^[A-Z][\w]*-(?:led|backed|based|run|sponsored)\s+(?=[A-Z])", "", name)
        # "Front for the Liberation of the Enclave of Cabinda (FLEC)": the name, and its
        # abbreviation as another name of it
        abbreviated = _ABBREVIATION_RE.search(name)
        short = abbreviated.group(1) if abbreviated else ""
        if abbreviated:
            name = name[: abbreviated.start()]
        words = name.split()
        if words and _is_cap(words[-1]) and not _name_start(words[0]):
            # "the fictional Levant Monitoring Group" -> "Levant Monitoring Group"; a number
            # opens a unit's name ("the army's 6th Infantry Division")
            first = next(i for i, w in enumerate(words) if _name_start(w))
            # (but "government of the Republic of Ghana" is the government, not the country)
            head_of = any(w in {"of", "for"} for w in words[:first])
            if not head_of and all(
                _name_start(w) or w in {"of", "for", "and", "the"} for w in words[first:]
            ):
                name = " ".join(words[first:])
        entity = self.find(name)
        if entity is None:
            core = _org_core(name)
            for candidate in reversed(self._cores.get(core)):
                if (
                    candidate.kind == "organisation"
                    and core in {_org_core(k) for k in candidate.names()}
                    and self.counts(candidate, core)
                    and not _rivals(_key(name), candidate.names())
                ):
                    entity = candidate
                    break
        if entity is None:
            entity = self._add(_Entity(name, "organisation"))
        core = _org_core(name)
        if core != _key(name) and len(core.split()) > 1:
            entity.aliases.add(core)
        if _key(name) != _key(entity.name):
            entity.aliases.add(name)
        if short:
            entity.aliases.add(short)
        self._index(entity)
        return entity

    def named(self, entity: _Entity) -> bool:
        """Has the article named ``entity`` so far? Only then may a role noun, a short form or a
        pronoun mean it: a stored speaker's role is not borrowed by an article that never
        names them."""
        return entity.serial in self._last_mention

    def by_head(self, head: str, kind: str) -> _Entity | None:
        """ "the ministry" -> the last organisation named so far whose name ends in "ministry"."""
        head = head.casefold()
        return self._latest(
            self._name_words.get(head),
            lambda e: e.kind == kind and head in _key(e.name).split() and self.named(e),
        )

    def unnamed(self, position: int, head: str) -> None:
        """An unnamed source at ``position``: "a migration official said". A later "the
        official" means them, not someone named before them."""
        self._unnamed.setdefault(head.casefold(), []).append(position)
        bisect.insort(self._unnamed_people, position)

    def by_role(self, role: str, position: int) -> _Entity | None:
        """ "the Kremlin spokesman", "the envoy", "the UN official" -> the person named so far
        with that role; "the official" -> the last person named with a title of office."""
        words = [w for w in _key(role).split() if w not in {"a", "an", "the"}]
        if not words:
            return None
        head, modifiers = words[-1], words[:-1]

        def fits(entity: _Entity, generic: bool) -> bool:
            if entity.kind != "person" or not entity.role or not self.named(entity):
                return False
            have = _key(entity.role).replace(",", " ").split()
            if not generic and head not in have:
                return False
            if generic and (set(have) & _NOT_OFFICIAL or have[-1:] == ["resident"]):
                return False
            return all(_modifier_fits(w, entity.role) for w in modifiers)

        found = self._latest(self._roles.get(head), lambda e: fits(e, False))
        if found is None and head in _GENERIC_ROLES:
            found = self._last_fitting(position, lambda e: fits(e, True))
        if found is not None and self._unnamed_since(head, found, position):
            return None
        return found

    def _last_fitting(self, position: int, test, depth: int = 40) -> _Entity | None:
        """The person mentioned last before ``position`` that passes ``test`` (of the last
        ``depth`` mentions)."""
        items = self._by_position.get("person", [])
        i = bisect.bisect_left(items, (position, 0), key=lambda m: m[:2]) - 1
        for k in range(i, max(-1, i - depth), -1):
            if test(items[k][2]):
                return items[k][2]
        return None

    def _unnamed_since(self, head: str, entity: _Entity, position: int) -> bool:
        """Was an unnamed source with this head mentioned after ``entity``, before ``position``?"""
        mentions = self._of_entity.get(entity.serial, [])
        last = max((p for p, _ in mentions if p < position), default=-1)
        return any(last < p < position for p in self._unnamed.get(head, ()))


@functools.lru_cache(maxsize=1 << 12)
def _descriptive(key: str) -> bool:
    """A name key made of role and organisation words only: "army", "kremlin spokesman"."""
    words = key.replace("'s", "").split()
    return bool(words) and all(w in _DESCRIPTIVE_WORDS for w in words)


# Role heads that stand for anyone in office: "the official said" after a named governor.
_GENERIC_ROLES = frozenset({"official", "officer"})


# Roles of people who hold no office, whom "the official" never means.
_NOT_OFFICIAL = _wordset(
    """
    resident witness trader farmer shopkeeper driver student teacher fisherman worker nurse
    doctor surgeon paediatrician pediatrician monk priest imam activist journalist
    correspondent reporter analyst researcher economist expert
    """
)


_DESCRIPTIVE_WORDS = (
    _ORG_WORDS
    | _ROLE_WORDS
    | _GROUP_WORDS
    | _wordset("the of for and national regional provincial local state federal central rebel")
)


def _modifier_fits(word: str, role: str) -> bool:
    """Does a word before a role noun fit a person's role: one of its words, or the initials of
    its capitalised words ("UN" for "the United Nations deputy coordinator")?"""
    have = _key(role).replace("'s", "").split()
    if word in have or word.rstrip("'s") in have:
        return True
    letters = word.replace(".", "")
    if not letters.isalpha() or len(letters) < 2:
        return False
    capitals = [w[0].casefold() for w in role.split() if w[:1].isupper()]
    initials = "".join(capitals)
    return letters in initials
