"""articles.charts without a database: the bucket by span, empty buckets filled, the geometry."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles import charts
from articles.charts import DAY, MONTH, WEEK, Series

D = datetime.date


@pytest.mark.parametrize(
    ("first", "last", "unit"),
    [
        (D(2024, 3, 1), D(2024, 3, 1), DAY),
        (D(2024, 3, 1), D(2024, 5, 2), DAY),  # 62 days
        (D(2024, 3, 1), D(2024, 5, 3), WEEK),  # 63
        (D(2023, 1, 1), D(2024, 12, 31), WEEK),  # 730
        (D(2023, 1, 1), D(2025, 1, 2), MONTH),  # 732
        (D(2019, 1, 1), D(2024, 12, 31), MONTH),
    ],
)
def test_the_bucket_follows_the_span(first, last, unit):
    assert charts.choose_unit(first, last) == unit


def test_weeks_start_on_monday_and_months_on_the_first():
    assert charts.bucket_start(D(2024, 3, 10), WEEK) == D(2024, 3, 4)  # a Sunday
    assert charts.bucket_start(D(2024, 3, 4), WEEK) == D(2024, 3, 4)
    assert charts.bucket_start(D(2024, 3, 31), MONTH) == D(2024, 3, 1)
    assert charts.next_start(D(2024, 1, 1), MONTH) == D(2024, 2, 1)
    assert charts.next_start(D(2024, 12, 1), MONTH) == D(2025, 1, 1)
    assert charts.next_start(D(2024, 2, 26), WEEK) == D(2024, 3, 4)


def test_empty_buckets_are_filled_and_series_summed():
    quotes = {D(2024, 1, 5): 2, D(2024, 1, 20): 1, D(2024, 4, 2): 3}
    mentions = {D(2024, 3, 9): 4}
    filled = charts.bucket_counts([quotes, mentions], MONTH)
    assert filled == [
        (D(2024, 1, 1), (3, 0)),
        (D(2024, 2, 1), (0, 0)),
        (D(2024, 3, 1), (0, 4)),
        (D(2024, 4, 1), (3, 0)),
    ]
    assert charts.bucket_counts([{}, {}], DAY) == []


def test_layout_of_a_chart():
    quotes = {D(2024, 3, 1): 1, D(2024, 3, 3): 7}
    mentions = {D(2024, 3, 2): 2}
    timeline = charts.layout(
        [Series("quotes", "quotes", quotes), Series("mentions", "mentions", mentions)]
    )
    assert timeline.unit == DAY
    assert [b.values for b in timeline.buckets] == [(1, 0), (0, 2), (7, 0)]
    assert timeline.totals == (8, 2)
    assert [b.aria for b in timeline.buckets] == [
        "1 March 2024: 1 quote, 0 mentions",
        "2 March 2024: 0 quotes, 2 mentions",
        "3 March 2024: 7 quotes, 0 mentions",
    ]
    assert timeline.summary == (
        "Quotes and mentions per day, from 1 March 2024 to 3 March 2024; "
        "in all 8 quotes and 2 mentions."
    )
    # ticks at round steps up to at least the largest value; bars scale to the top tick
    assert [t.value for t in timeline.ticks] == [0, 2, 4, 6, 8]
    top = timeline.ticks[-1]
    tallest = timeline.buckets[2].bars[0]
    assert tallest.y + tallest.height == timeline.baseline
    assert tallest.height == pytest.approx(7 / 8 * (timeline.baseline - top.y), abs=0.02)
    assert timeline.buckets[0].bars[1].height == 0
    # the bars sit inside the plot, left to right, without overlapping
    xs = [bar.x for b in timeline.buckets for bar in b.bars]
    assert xs == sorted(xs) and xs[0] >= timeline.left
    last = timeline.buckets[-1].bars[-1]
    assert last.x + last.width <= timeline.right_edge


def test_labels_are_few_and_periods_named():
    quotes = {D(2019, 1, 15): 1, D(2024, 12, 1): 1}
    timeline = charts.layout([Series("quotes", "quotes", quotes)])
    assert timeline.unit == MONTH and len(timeline.buckets) == 72
    assert len(timeline.x_labels) <= charts.X_LABELS
    assert timeline.x_labels[0].text == "Jan 2019"
    assert timeline.buckets[1].label == "February 2019"
    across = charts.layout([Series("quotes", "quotes", {D(2023, 11, 1): 1, D(2024, 3, 1): 1})])
    assert across.unit == WEEK
    texts = [label.text for label in across.x_labels]
    # the year on the first label and where it changes, not on every one
    assert texts[0] == "30 Oct 2023" and [t[-4:] for t in texts].count("2024") == 1
    assert sum(t[-4:].isdigit() for t in texts) == 2
    weekly = charts.layout([Series("quotes", "quotes", {D(2024, 1, 3): 1, D(2024, 6, 3): 2})])
    assert weekly.buckets[0].label == "week of 1 January 2024"
    assert weekly.buckets[-1].aria == "week of 3 June 2024: 2 quotes"


def test_a_few_buckets_keep_narrow_bars_in_the_middle():
    timeline = charts.layout([Series("quotes", "quotes", {D(2022, 11, 11): 8})])
    (bucket,) = timeline.buckets
    assert bucket.width == charts.MAX_SLOT
    middle = (timeline.left + timeline.right_edge) / 2
    assert bucket.x + bucket.width / 2 == pytest.approx(middle)


def test_no_data_no_chart():
    timeline = charts.layout([Series("quotes", "quotes", {})])
    assert timeline.empty and timeline.summary == "" and timeline.totals == (0,)


@pytest.mark.parametrize(
    ("top", "step"), [(1, 1), (4, 1), (5, 2), (8, 2), (9, 5), (40, 10), (41, 20), (999, 500)]
)
def test_nice_steps(top, step):
    assert charts.nice_step(top) == step


dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2030, 12, 31))


@settings(deadline=None)  # a shared machine: time is no property here
@given(
    st.dictionaries(dates, st.integers(0, 10_000), max_size=40),
    st.dictionaries(dates, st.integers(0, 10_000), max_size=40),
)
def test_every_count_lands_in_one_bucket(quotes, mentions):
    timeline = charts.layout(
        [Series("quotes", "quotes", quotes), Series("mentions", "mentions", mentions)]
    )
    assert timeline.totals == (sum(quotes.values()), sum(mentions.values()))
    assert tuple(map(sum, zip(*(b.values for b in timeline.buckets), strict=True))) == (
        timeline.totals if timeline.buckets else ()
    )
    starts = [b.start for b in timeline.buckets]
    assert starts == sorted(set(starts))
    for bucket, following in zip(starts, starts[1:], strict=False):
        assert charts.next_start(bucket, timeline.unit) == following  # no bucket missing
    if timeline.buckets:
        top = timeline.ticks[-1].value
        assert top >= max(max(b.values) for b in timeline.buckets)
        assert all(bar.height >= 0 and bar.y >= 0 for b in timeline.buckets for bar in b.bars)
