"""Parse plain-text articles. Pure: bytes in, a ParsedArticle (or an ArticleFormatError) out.

The format, as delivered by our sources::

    Headline on the first line

    A dek: one short line (optional)

    Body paragraph, separated from the next by a blank line.

    Another body paragraph.

    Jane Doe is a reporter at ... (optional: becomes the Author and their bio)

Line endings and Unicode (NFC) are normalised, and lines within a paragraph are joined with one
space, before any offset exists: the body returned here is what annotation offsets index.

Normalisation takes time linear in the text: it is put into the Stream-Safe Text Format of
UAX #15 first (a U+034F COMBINING GRAPHEME JOINER after every 30 non-starters in a row), so no
run of combining marks is longer than 30 when NFC reorders and composes it. Real text never has
such runs and is not changed by this; a file crafted with thousands of marks on one letter
would otherwise take minutes (CPython's canonical reordering is an insertion sort).
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MAX_BYTES = 2 * 1024 * 1024  # an article's text (the text format's file, a page's extracted body)
# A web page (fetched, saved, uploaded) carries far more markup than text: scripts, styles,
# inline SVG, JSON state. The issue says "5 MB"; decimal, as HTTP lengths and browsers show it.
PAGE_MAX_BYTES = 5 * 1000 * 1000
DEK_MAX_CHARS = 200

# "Connor Freeman is the assistant editor ...": a capitalised name of two to five words
# (particles such as "von" and "al-" allowed), then "is a/an/the".
_AUTHOR_BIO = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]*(?:\s+(?:(?:de|da|del|der|van|von|la|le|bin|al|ibn)\s+)?"
    r"[A-Z][\w.'’-]*){1,4})\s+is\s+(?:a|an|the)\s",
)
# ... and the sentence says what they do, so "Dmitry Peskov is a liar, Zelensky said." stays body.
_BIO_ROLE = re.compile(
    r"\b(?:writer|editor|journalist|reporter|correspondent|author|contributor|columnist|"
    r"analyst|host|co-host|fellow|researcher|director|professor|producer|photographer|"
    r"freelance|founder|staff|bureau|chief|senior|intern)\b",
    re.IGNORECASE,
)
_BLANK_LINE = re.compile(r"\n\s*\n")
# Control characters other than tab, newline and carriage return mean a binary file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ArticleFormatError(ValueError):
    """The file is not an article we can import; the message says why, for a person."""


@dataclass(frozen=True)
class ParsedArticle:
    headline: str
    dek: str
    body: str
    author_name: str = ""
    author_bio: str = ""
    # What a web page says of itself (articles.extract); empty for the text format.
    source_url: str = ""  # canonical, normalised (articles.extract.canonical_url)
    language: str = ""
    published_on: datetime.date | None = None
    site_name: str = ""
    domain: str = ""  # the outlet's: the canonical URL's host without "www."


MAX_NON_STARTERS = 30  # UAX #15, the Stream-Safe Text Format
CGJ = "\u034f"  # COMBINING GRAPHEME JOINER: a starter that renders as nothing


@lru_cache(maxsize=8192)
def non_starters(char: str) -> tuple[int, int, int]:
    """(leading, trailing, length): the non-starters that begin and end ``char``'s NFKD
    decomposition, and its length, as UAX #15 (UAX15-D4) counts them."""
    if not unicodedata.combining(char) and not unicodedata.decomposition(char):
        return 0, 0, 1  # a starter with no decomposition: most characters
    decomposed = unicodedata.normalize("NFKD", char)
    classes = [unicodedata.combining(c) != 0 for c in decomposed]
    leading = next((i for i, non in enumerate(classes) if not non), len(classes))
    trailing = next((i for i, non in enumerate(reversed(classes)) if not non), len(classes))
    return leading, trailing, len(decomposed)


def stream_safe(text: str) -> str:
    """UAX #15's Stream-Safe Text Process: a CGJ wherever more than 30 non-starters would
    follow one another (counted in NFKD). Text with no such run is returned unchanged."""
    if text.isascii():
        return text
    pieces, count, since = [], 0, 0
    for index, char in enumerate(text):
        leading, trailing, length = non_starters(char)
        if count + leading > MAX_NON_STARTERS:
            pieces += [text[since:index], CGJ]
            since, count = index, 0
        count = count + length if leading == length else trailing
    if not pieces:
        return text
    pieces.append(text[since:])
    return "".join(pieces)


def normalise(text: str) -> str:
    """Newlines as ``\\n``, Unicode as stream-safe NFC, no trailing spaces on lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", stream_safe(text))
    return "\n".join(line.rstrip() for line in text.split("\n"))


def decode(data: bytes) -> str:
    if not data.strip():
        raise ArticleFormatError("the file is empty")
    if len(data) > MAX_BYTES:
        raise ArticleFormatError(
            f"the file is {len(data):,} bytes; an article may be at most {MAX_BYTES:,} bytes"
        )
    if b"\x00" in data:
        raise ArticleFormatError("the file contains NUL bytes: it is binary, not plain text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleFormatError(
            f"the file is not UTF-8 text (invalid byte 0x{data[error.start]:02x} "
            f"at byte {error.start})"
        ) from None
    control = _CONTROL.search(text)
    if control:
        raise ArticleFormatError(
            f"the file contains the control character U+{ord(control.group()):04X}: "
            "it is binary, not plain text"
        )
    return text


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of ``text``, each with its lines joined by one space."""
    paragraphs = []
    for block in _BLANK_LINE.split(text.strip()):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines:
            paragraphs.append(" ".join(lines))
    return paragraphs


def parse_text(text: str) -> ParsedArticle:
    text = normalise(text)
    lines = text.strip().split("\n")
    headline = lines[0].strip()
    paragraphs = split_paragraphs("\n".join(lines[1:]))
    if not headline:
        raise ArticleFormatError("the first line (the headline) is empty")
    if not paragraphs:
        raise ArticleFormatError("the file has a headline but no body")

    dek = ""
    first = paragraphs[0]
    first_is_one_line = "\n" not in _first_block(lines[1:])
    if len(paragraphs) > 1 and first_is_one_line and len(first) <= DEK_MAX_CHARS:
        dek = paragraphs.pop(0)

    author_name = author_bio = ""
    if len(paragraphs) > 1:
        match = _AUTHOR_BIO.match(paragraphs[-1])
        first_sentence = re.split(r"(?<=[.!?])\s", paragraphs[-1], maxsplit=1)[0]
        if match and _BIO_ROLE.search(first_sentence):
            author_name = " ".join(match.group("name").split())
            author_bio = paragraphs.pop()

    return ParsedArticle(
        headline=headline,
        dek=dek,
        body="\n\n".join(paragraphs),
        author_name=author_name,
        author_bio=author_bio,
    )


def _first_block(lines: list[str]) -> str:
    """The first paragraph after the headline, as its lines were written."""
    text = "\n".join(lines).strip()
    return _BLANK_LINE.split(text, maxsplit=1)[0] if text else ""


def parse(data: bytes) -> ParsedArticle:
    """Parse the bytes of one file; raises ArticleFormatError saying what is wrong."""
    return parse_text(decode(data))
