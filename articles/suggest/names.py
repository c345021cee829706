"""People's names in the article (not places, not speakers' roles)."""

from __future__ import annotations

import re

from .vocabulary import (
    _ARTICLE_NAME,
    _DAYS,
    _GROUP_WORDS,
    _HONORIFICS,
    _MONTHS,
    _ORG_WORDS,
    _ROLE_WORDS,
    _STOP_CAPS,
    _key,
    _wordset,
)

_NAME_TOKEN = (
    r"(?:(?:Dr|Gen|Col|Lt|Maj|Capt|Sgt|Adm|Sen|Rep|Gov|Mr|Mrs|Ms|Prof|St|Rev|Fr)\.|[A-Z]\.(?=\s[A-Z])|"
    r"[A-Z][\w’'-]*|{bound}" + _ARTICLE_NAME + "|"
    r"{bound}(?:bin|al|el|de|da|van|von|ibn|abu)(?=\s[A-Z]))"
)
# (the Arabic article joined to a surname is part of the name: "Omar al-Hadi", "Ali el-Sayed")


# A particle is a word of its own ("Mocímboa da Praia"); unbounded, the "de" of "outside Pemba"
# began a name "de Pemba". The place stage still reads names the unbounded way (the people it
# finds are names it does not take for places; its figures were measured so), the quote stage
# the bounded way.
_NAMES_RE = {
    bounded: re.compile(
        "{0}(?:[ ]+{0})+".format(_NAME_TOKEN.format(bound=r"\b" if bounded else ""))
    )
    for bounded in (False, True)
}


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
    text: str,
    lo: int,
    hi: int,
    major_places,
    place_keys=frozenset(),
    demonyms=frozenset(),
    bounded: bool = False,
) -> list[tuple[int, int, str, str]]:
    """People a stretch of text names: 'Colonel Teodor Vasse', 'Dr. Huda Salih', 'Carla Lima'.

    ``major_places`` holds the keys of names that are places whatever follows them (countries,
    regions, rivers, known places, multi-word place names): "Donbas Republics" is no person."""
    found = []
    for m in _NAMES_RE[bounded].finditer(text[lo:hi]):
        tokens = list(re.finditer(r"\S+", m.group()))
        role_words, words, tokens = _split_title(tokens)
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
        if all(w.isupper() for w in words if len(w.rstrip(".")) > 1):
            continue  # capitals throughout: a dateline ("PORT ELLEN, Scotland"), no one's name
        start = lo + m.start() + tokens[0].start()
        before = text[max(lo, start - 30) : start].split()
        if before and before[-1].casefold().rstrip(",") in _ORG_DESCRIPTORS:
            continue  # "the relief group Hands Across Borders", "an aid group, Nordhjelp Sverige"
        name = " ".join(words)
        found.append((start, lo + m.start() + tokens[-1].end(), name, " ".join(role_words)))
    return found


_LONGEST_KEY: list = [None, 0]


_LOCATIVE = _wordset("in near outside towards toward into around across through via")


_ATTACK_WORDS = _wordset(
    "attack attacks assault raid raids strike strikes offensive advance march shelling"
)


_MOTION_WORDS = _wordset(
    "fled flee fleeing returned return moved went travelled traveled walked evacuated escaped"
)


_PLACE_OF_WORDS = _wordset(
    "residents inhabitants villagers people outskirts edge centre center streets town city "
    "village villages camp mayor governor"
)


def _after_locative(text: str, start: int) -> bool:
    """Do the words before ``start`` put a place there: "in", "near", "attack on"? (A speaker's
    name is not read there; the place stage reads such names as it always has.)"""
    before = text[max(0, start - 30) : start].split()
    if not before:
        return False
    last = before[-1].casefold()
    if last in _LOCATIVE:
        return True
    previous = before[-2].casefold() if len(before) > 1 else ""
    if last == "to":  # "who fled to Kalma Nuri", not "said to Ana Ruiz"
        # "the road from Babanusa to El Nuhud": a route's end
        return previous in _MOTION_WORDS or "from" in (w.casefold() for w in before[-4:-2])
    if last == "of":  # "Residents of Ras Tamra", "the outskirts of Kalma Nuri"
        return previous in _PLACE_OF_WORDS
    return last == "on" and previous in _ATTACK_WORDS


def _is_role(word: str) -> bool:
    return word.casefold() in _ROLE_WORDS or word.casefold().rstrip(".") in _ROLE_WORDS


def _split_title(tokens: list[re.Match]) -> tuple[list[str], list[str], list[re.Match]]:
    """Titles and roles in front of a name ("Deputy Interior Minister Levan Gelovani"): the
    role (the run of role words right before the name, honorifics left out: "Staff Gen." ->
    "Gen."), the name's words and their tokens."""
    words = [t.group() for t in tokens]
    cut = 0
    for i, w in enumerate(words):
        if _is_role(w):
            cut = i + 1
    role_words, words, tokens = words[:cut], words[cut:], tokens[cut:]
    first_role = len(role_words)
    while first_role > 0 and _is_role(role_words[first_role - 1]):
        first_role -= 1
    role_words = [w for w in role_words[first_role:] if w.casefold() not in _HONORIFICS]
    return role_words, words, tokens


def _longest_key(keys) -> int:
    """The most words in any of ``keys`` (remembered per set: sentences share one)."""
    if _LONGEST_KEY[0] is not keys:
        _LONGEST_KEY[:] = [keys, max((len(k.split()) for k in keys), default=0)]
    return _LONGEST_KEY[1]
