"""The source balance's arithmetic (articles.balance): pure, no database."""

from hypothesis import given
from hypothesis import strategies as st

from articles.balance import NO_AFFILIATION, NOT_CATEGORISED, Counted, balance, tenths

LABELS = {"official": "Official (government)", "civilian": "Civilian", "military": "Military"}


def test_shares_by_affiliation_and_by_kind_most_first_and_none_last():
    counted = [
        Counted("Government of Russia", "Russia", "RU", "official", 3),
        Counted("Government of Russia", "Russia", "RU", "military", 1),
        Counted(None, "", "", "civilian", 4),
        Counted("United Nations", "", "", "", 2),
    ]
    result = balance(counted, LABELS)
    assert result.total == 10
    assert [(s.label, s.n, s.percent, s.none) for s in result.by_affiliation] == [
        ("Government of Russia", 4, "40.0", False),
        ("United Nations", 2, "20.0", False),
        (NO_AFFILIATION, 4, "40.0", True),
    ]
    assert result.by_affiliation[0].side == "Russia" and result.by_affiliation[0].country == "RU"
    assert [(s.key, s.label, s.n, s.percent) for s in result.by_category] == [
        ("civilian", "Civilian", 4, "40.0"),
        ("official", "Official (government)", 3, "30.0"),
        ("military", "Military", 1, "10.0"),
        ("", NOT_CATEGORISED, 2, "20.0"),
    ]


def test_ties_go_by_name_and_empty_rows_are_left_out():
    result = balance([Counted("b", "", "", "x", 1), Counted("A", "", "", "x", 1)], {})
    assert [s.label for s in result.by_affiliation] == ["A", "b"]
    assert [s.label for s in result.by_category] == ["x"]  # an unknown value is its own label
    empty = balance([Counted("A", "", "", "x", 0)], {})
    assert empty.total == 0 and empty.by_affiliation == () and empty.by_category == ()


def test_thirds_add_up_to_a_hundred():
    assert tenths([1, 1, 1]) == [334, 333, 333]
    assert tenths([2, 1]) == [667, 333]
    assert tenths([]) == [] and tenths([0, 0]) == [0, 0]


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30))
def test_tenths_always_add_up_and_each_is_within_one_of_its_exact_share(counts):
    shares = tenths(counts)
    total = sum(counts)
    if total == 0:
        assert shares == [0] * len(counts)
        return
    assert sum(shares) == 1000
    for n, share in zip(counts, shares, strict=True):
        assert abs(share - n * 1000 / total) < 1
