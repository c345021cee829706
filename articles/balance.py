"""Source balance: of the quotes readers see (in an article, or in an outlet's articles), the
share said by speakers of each affiliation and of each kind of source (officials, military,
civilians, experts...), the question the Gender Gap Tracker asks of the news, asked here of
conflict reporting. Pure: counted rows in, tables of counts and percentages out.

Only attributed quotes are shared out: an unattributed quote has no speaker to count.
Percentages are in tenths and add up to exactly 100.0 (the largest remainders get the
rounding), so a column of them never reads 99.9 or 100.1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

NO_AFFILIATION = "No affiliation"
NOT_CATEGORISED = "Not categorised"


@dataclass(frozen=True)
class Counted:
    """Quotes of speakers of one affiliation (its name, side and country; ``name`` None for
    none) and one kind of source (``category`` "" for none)."""

    name: str | None
    side: str
    country: str
    category: str
    n: int


@dataclass(frozen=True)
class Share:
    """One row of a balance table: what it counts, how many quotes, their share in tenths of a
    percent (``percent``: as text, "33.3")."""

    key: str
    label: str
    n: int
    tenths: int
    side: str = ""
    country: str = ""
    none: bool = False  # the row of quotes with no affiliation or no kind of source

    @property
    def percent(self) -> str:
        return f"{self.tenths // 10}.{self.tenths % 10}"


@dataclass(frozen=True)
class Balance:
    total: int
    by_affiliation: tuple[Share, ...]
    by_category: tuple[Share, ...]


def tenths(counts: Sequence[int]) -> list[int]:
    """Each count's share of their sum in tenths of a percent, adding up to 1000 (the largest
    remainder method: each gets its floor, the largest remainders one more, earlier first on a
    tie); all zeros for a sum of zero."""
    total = sum(counts)
    if total <= 0:
        return [0] * len(counts)
    floors = [n * 1000 // total for n in counts]
    remainders = [n * 1000 % total for n in counts]
    left = 1000 - sum(floors)
    for i in sorted(range(len(counts)), key=lambda i: -remainders[i])[:left]:
        floors[i] += 1
    return floors


def _table(rows: Mapping[str, tuple[str, bool, str, str]], counts: Mapping[str, int]) -> tuple:
    """Shares of ``counts`` (key -> quotes), most first, then by label; the "none" row last."""
    keys = sorted(counts, key=lambda k: (rows[k][1], -counts[k], rows[k][0].casefold(), k))
    shares = tenths([counts[k] for k in keys])
    return tuple(
        Share(k, rows[k][0], counts[k], t, rows[k][2], rows[k][3], rows[k][1])
        for k, t in zip(keys, shares, strict=True)
    )


def balance(counted: Iterable[Counted], categories: Mapping[str, str]) -> Balance:
    """The balance of these counted rows (several may share an affiliation or a kind), each
    kind of source labelled from ``categories`` (value -> label)."""
    affiliations: dict[str, int] = {}
    kinds: dict[str, int] = {}
    affiliation_rows: dict[str, tuple[str, bool, str, str]] = {}
    kind_rows: dict[str, tuple[str, bool, str, str]] = {}
    for row in counted:
        if row.n <= 0:
            continue
        key = row.name if row.name is not None else ""
        affiliations[key] = affiliations.get(key, 0) + row.n
        if row.name is None:
            affiliation_rows[key] = (NO_AFFILIATION, True, "", "")
        else:
            affiliation_rows[key] = (row.name, False, row.side, row.country)
        kinds[row.category] = kinds.get(row.category, 0) + row.n
        label = categories.get(row.category, row.category) if row.category else NOT_CATEGORISED
        kind_rows[row.category] = (label, not row.category, "", "")
    return Balance(
        sum(affiliations.values()),
        _table(affiliation_rows, affiliations),
        _table(kind_rows, kinds),
    )
