"""The words the rules read: reporting verbs, roles, titles, organisation heads, unnamed sources."""

from __future__ import annotations

import functools
import re

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


# Verbs whose object is only reported speech when "that" follows ("denied the accusation",
# "declared a state of emergency" are not).
_THAT_ONLY = _wordset(
    "denied denies disputes disputed reported reports confirmed declared declares"
)


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
    soldier fisherman farmer trader teacher engineer student worker rev. rev reverend fr. father
    delegate inspector superintendent constable brigadier corporal businessman businesswoman
    herder villager vendor pastor mechanic volunteer
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
    diocese archdiocese eparchy church vicariate parish league division
    """
)


# Plural or collective nouns for unnamed sources: "officials said" gives no speaker.
_GROUP_WORDS = _wordset(
    """
    officials residents workers agencies monitors witnesses analysts diplomats sources critics
    experts observers drivers doctors people villagers survivors activists locals families
    authorities soldiers troops fighters rebels volunteers medics teachers farmers refugees
    groups staff elders organisations organizations charities parents patients passengers
    protesters clerics merchants neighbours neighbors relatives mourners
    """
)


_STOP_CAPS = _wordset(
    """
    the a an in on at from to of for by with after before while when as however but and or so
    this that these those it its his her their our my we they he she i you also meanwhile
    although though since until if asked speaking according during despite yet still then there
    here what who which where why how one two three some many most other another both each
    separately elsewhere additionally similarly likewise nonetheless nevertheless instead
    finally initially overall otherwise more several few less nearly
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
    sep sept oct nov dec vs etc inc co corp ltd rev fr
    """
)


def _clean(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=1 << 16)
def _key(name: str) -> str:
    """Compare names: case-insensitive, without a leading "the", curly apostrophes straightened."""
    name = _clean(name).replace("’", "'").casefold()
    return re.sub(r"^the\s+", "", name)


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


# a surname with the Arabic article joined to it: "al-Hadi", "el-Sayed" (a name's word though
# it starts in lowercase)
_ARTICLE_NAME = r"(?:al|el|ad|ar|as|ash|at|az|an|ul|ud)-[A-Z][\w’'-]*"


def _is_name_word(word: str) -> bool:
    if _is_cap(word) or word.casefold() in _PARTICLES:
        return True
    return re.match(_ARTICLE_NAME, word) is not None
