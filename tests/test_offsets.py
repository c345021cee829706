import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.offsets import from_utf16, to_utf16, trim, utf16_length

TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=60)


def test_astral_characters_count_two_units():
    text = "a😀b\u0301c"  # emoji (two units), then a combining accent (one unit)
    assert utf16_length(text) == 6
    assert [from_utf16(text, o) for o in (0, 1, 3, 4, 5, 6)] == [0, 1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match="inside the character at 1"):
        from_utf16(text, 2)
    with pytest.raises(ValueError, match="past the end"):
        from_utf16(text, 7)
    with pytest.raises(ValueError, match="negative"):
        from_utf16(text, -1)


@settings(max_examples=300, deadline=None)
@given(text=TEXT, data=st.data())
def test_round_trip(text, data):
    index = data.draw(st.integers(0, len(text)))
    assert from_utf16(text, to_utf16(text, index)) == index
    # What a browser slices with UTF-16 offsets is what Python slices with the converted ones.
    start = data.draw(st.integers(0, index))
    units = text.encode("utf-16-le")
    browser_slice = units[2 * to_utf16(text, start) : 2 * to_utf16(text, index)].decode("utf-16-le")
    assert browser_slice == text[start:index]


def test_trim_moves_past_white_space_including_nbsp():
    text = "said \u00a0Kyiv\n "
    assert trim(text, 4, len(text)) == (6, 10)
    assert trim("   ", 0, 3) == (3, 3)
