"""What a place mention points at, and the mentions found so far."""

from __future__ import annotations

from dataclasses import dataclass


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
