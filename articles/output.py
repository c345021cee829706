"""Names (of files, URLs) as one line of a command's output: nothing in them can break the line
or hide what it says. Pure."""

import re

# What would break a line of output or hide what it says: control characters (newlines
# included), line and paragraph separators, bidirectional overrides, lone surrogates (bytes of
# a file name that were not UTF-8), and the backslash that introduces an escape.
_UNSAFE = re.compile(r"[\\\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(name: str) -> str:
    """``name`` for one line of output: control characters and the like as backslash escapes."""
    return _UNSAFE.sub(lambda m: _ESCAPES.get(m.group()) or _escape(m.group()), name)


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
