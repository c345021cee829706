"""What a place mention points at, the mentions found so far, and the context the place stages
share (one object instead of long parameter lists)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
    feature: str = ""  # what a facility or feature is: "airport", "crossing", "river"


@dataclass
class _Mention:
    start: int
    end: int
    target: _Target
    rule: str = "place.gazetteer.city"


@dataclass
class _Context:
    """What every place stage reads and adds to: the body, the gazetteer (``None``: none), the
    known places, the characters already taken (by a person's name or a mention), the mentions
    so far (in the order found), the countries the article is about, and the names the article
    itself defined ("South Kivu" once it wrote "South Kivu province")."""

    body: str
    gaz: Any
    known_by_key: dict[str, _Target] = field(default_factory=dict)
    known_targets: dict[str, _Target] = field(default_factory=dict)
    taken: bytearray = field(default_factory=bytearray)
    mentions: list[_Mention] = field(default_factory=list)
    mentioned: set[str] = field(default_factory=set)  # country codes the article names
    nearby: set[str] = field(default_factory=set)  # ... and their neighbours
    focus: str = ""  # the country the article is about: its dateline's, or the most named
    dateline_country: tuple[int, int] = (-1, -1)  # where the dateline names its country
    learned: dict[str, tuple[_Target, str]] = field(default_factory=dict)  # name -> (target, rule)
    # where a run of capitalised words before a place word starts -> where it ends ("Kaman Aman
    # Setu" of "the Kaman Aman Setu crossing")
    named_runs: dict[int, int] = field(default_factory=dict)
    # a country's short name -> the country it means here (places._longer_namesake), remembered
    short_names: dict[tuple[str, str], Any] = field(default_factory=dict)
    # how often the article has named a place in each first-level division ("MX.16"), so a
    # namesake in the same country is the one in the article's region
    admin1_seen: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.taken:
            self.taken = bytearray(len(self.body) + 1)

    def free(self, s: int, e: int) -> bool:
        return not any(self.taken[s:e])

    def mark(self, s: int, e: int) -> None:
        self.taken[s:e] = b"\x01" * (e - s)

    def take(self, s: int, e: int, target: _Target, rule: str) -> None:
        self.mark(s, e)
        self.mentions.append(_Mention(s, e, target, rule))

    @property
    def context(self) -> tuple[set[str], set[str]]:
        return self.mentioned, self.nearby
