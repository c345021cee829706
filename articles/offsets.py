"""Offsets between the browser and the server. Pure.

Browsers count UTF-16 code units (a character outside the Basic Multilingual Plane, such as most
emoji, counts two); the server stores Python string indices (code points).
"""


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def from_utf16(text: str, offset: int) -> int:
    """The code-point index in ``text`` of UTF-16 offset ``offset``.

    Raises ValueError when the offset is outside the text or falls inside a surrogate pair.
    """
    if offset < 0:
        raise ValueError(f"offset {offset} is negative")
    units = 0
    for index, char in enumerate(text):
        if units == offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
        if units > offset:
            raise ValueError(f"offset {offset} falls inside the character at {index}")
    if units == offset:
        return len(text)
    raise ValueError(f"offset {offset} is past the end of the text ({units} UTF-16 units)")


def to_utf16(text: str, index: int) -> int:
    """The UTF-16 offset of code-point index ``index`` in ``text``."""
    return utf16_length(text[:index])


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` moved inwards past white space, as a double-click selection often has."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
