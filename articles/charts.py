"""Timelines as charts: counts per day, week or month, laid out as plain values for an SVG.

Pure: takes dated counts (one mapping per series, date -> count) and returns a ``Timeline``
that ``templates/articles/_timeline.html`` draws as server-rendered SVG (bars, axis ticks,
labels) and as a table of the same figures. The bucket is chosen by the span of the data: a
day for up to two months, a week (starting on Monday) for up to two years, a month beyond.
Every bucket between the first and the last is there, empty ones at zero, so the bars space
time evenly.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DAY, WEEK, MONTH = "day", "week", "month"
DAYS_MAX = 62  # up to this many days between the first and last date: one bar a day
WEEKS_MAX = 731  # up to this many: one a week; beyond, one a month

# The drawing, in the SVG's own units (its viewBox); CSS scales it to the width available.
WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 38
Y_TICKS = 4  # at most this many ticks above zero
MAX_SLOT = 40  # the widest a bucket's bars may be, together
X_LABELS = 5  # at most this many period labels under the bars


@dataclass(frozen=True)
class Series:
    key: str  # a CSS class suffix: "quotes", "mentions"
    label: str  # plural, lower case: "quotes"
    counts: Mapping[datetime.date, int]


@dataclass(frozen=True)
class Bar:
    series: str  # Series.key
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Bucket:
    start: datetime.date
    label: str  # the period in words: "3 March 2024", "week of 4 March 2024", "March 2024"
    values: tuple[int, ...]  # one per series
    aria: str  # the period and its values, as a screen reader announces the bar
    x: float
    width: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class XLabel:
    text: str
    x: float


@dataclass(frozen=True)
class Timeline:
    unit: str  # DAY, WEEK or MONTH
    series: tuple[Series, ...]
    buckets: tuple[Bucket, ...]
    totals: tuple[int, ...]
    ticks: tuple[Tick, ...]
    x_labels: tuple[XLabel, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM
    right_edge: int = WIDTH - RIGHT
    tick_x: int = LEFT - 6
    label_y: float = HEIGHT - BOTTOM + 18

    @property
    def empty(self) -> bool:
        return not self.buckets

    @property
    def summary(self) -> str:
        """What the chart shows, in words: its description."""
        if not self.buckets:
            return ""
        what = " and ".join(s.label for s in self.series)
        first, last = self.buckets[0].label, self.buckets[-1].label
        return (
            f"{what.capitalize()} per {self.unit}, from {first} to {last}; "
            f"in all {describe(self.totals, self.series, ' and ')}."
        )


def choose_unit(first: datetime.date, last: datetime.date) -> str:
    """The bucket for data from ``first`` to ``last``: day, week or month, by the span."""
    span = (last - first).days
    if span <= DAYS_MAX:
        return DAY
    if span <= WEEKS_MAX:
        return WEEK
    return MONTH


def bucket_start(day: datetime.date, unit: str) -> datetime.date:
    if unit == DAY:
        return day
    if unit == WEEK:
        return day - datetime.timedelta(days=day.weekday())
    return day.replace(day=1)


def next_start(start: datetime.date, unit: str) -> datetime.date:
    if unit == DAY:
        return start + datetime.timedelta(days=1)
    if unit == WEEK:
        return start + datetime.timedelta(days=7)
    return (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def bucket_counts(
    counts: Sequence[Mapping[datetime.date, int]], unit: str
) -> list[tuple[datetime.date, tuple[int, ...]]]:
    """Each bucket from the first dated count to the last, empty ones included, with the sum of
    each series' counts in it."""
    dates = [d for series in counts for d, n in series.items() if n]
    if not dates:
        return []
    sums: dict[datetime.date, list[int]] = {}
    for i, series in enumerate(counts):
        for day, n in series.items():
            sums.setdefault(bucket_start(day, unit), [0] * len(counts))[i] += n
    start, last = bucket_start(min(dates), unit), bucket_start(max(dates), unit)
    filled = []
    while start <= last:
        filled.append((start, tuple(sums.get(start, [0] * len(counts)))))
        start = next_start(start, unit)
    return filled


def period_label(start: datetime.date, unit: str) -> str:
    if unit == DAY:
        return f"{start.day} {start:%B %Y}"
    if unit == WEEK:
        return f"week of {start.day} {start:%B %Y}"
    return f"{start:%B %Y}"


def short_label(start: datetime.date, unit: str, year_too: bool = True) -> str:
    """What the axis says under a bucket: ``Mar 2024``, or ``4 Mar`` (``4 Mar 2024`` for the
    first label and where the year changes)."""
    if unit == MONTH:
        return f"{start:%b %Y}"
    return f"{start.day} {start:%b}" + (f" {start.year}" if year_too else "")


def nice_step(top: int, ticks: int = Y_TICKS) -> int:
    """A round step (1, 2 or 5 times a power of ten) so that ``ticks`` steps reach ``top``."""
    rough = max(1, -(-top // ticks))
    power = 1
    while True:
        for m in (1, 2, 5):
            if m * power >= rough:
                return m * power
        power *= 10


def describe(values: Sequence[int], series: Sequence[Series], joiner: str = ", ") -> str:
    """``12 quotes, 1 mention``."""
    return joiner.join(
        f"{n} {s.label if n != 1 else s.label.removesuffix('s')}"
        for n, s in zip(values, series, strict=True)
    )


def layout(series: Sequence[Series]) -> Timeline:
    """The chart of ``series``: buckets chosen by the span of the dates, bars scaled to the
    largest value, ticks at round numbers, at most X_LABELS period labels."""
    first_dates = [d for s in series for d, n in s.counts.items() if n]
    unit = choose_unit(min(first_dates), max(first_dates)) if first_dates else DAY
    filled = bucket_counts([s.counts for s in series], unit)
    totals = tuple(sum(s.counts.values()) for s in series)
    if not filled:
        return Timeline(unit, tuple(series), (), totals, (), ())
    top_value = max(max(values) for _, values in filled)
    step = nice_step(top_value)
    top = step * -(-top_value // step)
    plot_height = HEIGHT - TOP - BOTTOM
    base = HEIGHT - BOTTOM

    def y_of(value: int) -> float:
        return round(base - plot_height * value / top, 2)

    plot_width = WIDTH - LEFT - RIGHT
    slot = min(plot_width / len(filled), MAX_SLOT)  # a few buckets: bars of a bar's width
    offset = LEFT + (plot_width - slot * len(filled)) / 2
    bar_width = slot * 0.8 / len(series)
    buckets = []
    for i, (start, values) in enumerate(filled):
        x = offset + i * slot
        bars = tuple(
            Bar(
                s.key,
                round(x + slot * 0.1 + j * bar_width, 2),
                y_of(n),
                round(bar_width, 2),
                round(base - y_of(n), 2),
            )
            for j, (s, n) in enumerate(zip(series, values, strict=True))
        )
        label = period_label(start, unit)
        buckets.append(
            Bucket(
                start,
                label,
                values,
                f"{label}: {describe(values, series)}",
                round(x, 2),
                round(slot, 2),
                bars,
            )
        )
    every = -(-len(buckets) // X_LABELS)
    labelled = buckets[::every]
    x_labels = tuple(
        XLabel(
            short_label(b.start, unit, i == 0 or b.start.year != labelled[i - 1].start.year),
            round(b.x + b.width / 2, 2),
        )
        for i, b in enumerate(labelled)
    )
    ticks = tuple(Tick(v, y_of(v)) for v in range(0, top + 1, step))
    return Timeline(unit, tuple(series), tuple(buckets), totals, ticks, x_labels)
