"""Articles out of web pages. Pure: the bytes of a page in, a ParsedArticle (or an
ArticleFormatError) out; nothing here fetches or writes.

The main text and the metadata (headline, standfirst, authors, canonical URL, site name) come
from trafilatura, the date from htmldate (through trafilatura, which calls it), so that
bylines, captions, share buttons, "Read more" boxes and related links stay out of the body.
Each block of text trafilatura keeps is a paragraph; the body is then normalised exactly as the
text format is (``importer.normalise``) before any offset exists.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit, urlunsplit

import courlan
import lxml.html
import trafilatura

from .importer import MAX_BYTES, PAGE_MAX_BYTES, ArticleFormatError, ParsedArticle, normalise

# Less main text than this is not an article (a section front, an index, an error page).
MIN_BODY_CHARS = 200
HEADLINE_MAX = 300
DEK_MAX = 500
AUTHOR_MAX = 200
_SPACES = re.compile(r"\s+")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_DATE_OPTIONS = {"original_date": True, "extensive_search": False}
# The headline is metadata; an <h1> left in the body would repeat it as its first paragraph.
_PRUNE = ["//h1"]
# The word a byline starts with, in the languages of the outlets we read.
_BYLINE_WORDS = {"by", "von", "par", "por", "di", "door", "av", "від", "автор", "от"}


def canonical_url(url: str) -> str:
    """``url`` as Newsroom stores it, so one article has one URL: scheme and host in lower
    case, the default port, the fragment and tracking parameters (``utm_*``, ``fbclid``,
    ``gclid`` and the like, as courlan knows them) dropped, the other parameters sorted."""
    url = url.strip()
    if not url:
        return ""
    try:
        normal = courlan.normalize_url(url, strict=False)
    except ValueError:
        return ""
    scheme, netloc, path, query, _ = urlsplit(normal)
    if scheme not in ("http", "https") or not netloc:
        return ""
    return urlunsplit((scheme, netloc, path or "/", query, ""))


def source_of(declared: str | None, fetched: str) -> str:
    """The article's canonical URL: the one the page declares (its canonical link or og:url,
    which an AMP twin uses to name its original), else the URL it was fetched from. A declared
    home page is not believed (some sites name it as every page's canonical): the fetched URL,
    or none, instead."""
    source = canonical_url(declared or "")
    if urlsplit(source).path in ("", "/") and not urlsplit(source).query:
        source = ""
    return source or canonical_url(fetched)


def domain_of(url: str) -> str:
    """The outlet's domain for ``url``: its host in lower case, without ``www.``."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def one_line(text: str | None, limit: int) -> str:
    """``text`` normalised, on one line, at most ``limit`` characters (cut at a word)."""
    text = _SPACES.sub(" ", normalise(text or "")).strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def authors_of(author: str | None) -> str:
    """trafilatura's "A; B" as a byline, "A and B" ("A, B and C")."""
    names = [one_line(name, AUTHOR_MAX) for name in (author or "").split(";")]
    names = [name for name in names if name]
    if len(names) <= 1:
        return names[0] if names else ""
    return one_line(", ".join(names[:-1]) + " and " + names[-1], AUTHOR_MAX)


def paragraphs_of(text: str | None) -> list[str]:
    """trafilatura's text, one block a line, as normalised paragraphs."""
    lines = normalise(text or "").split("\n")
    return [joined for line in lines if (joined := _SPACES.sub(" ", line).strip())]


def without_byline(paragraphs: list[str], author: str | None) -> list[str]:
    """``paragraphs`` without a byline ("By Jane Doe") that trafilatura left at the start."""
    names = {_SPACES.sub(" ", n).strip().casefold() for n in (author or "").split(";")}
    names.discard("")
    if not names:
        return paragraphs

    def is_byline(paragraph: str) -> bool:
        words = paragraph.casefold().replace(",", " ").split()
        if words and words[0] in _BYLINE_WORDS:
            words = words[1:]
        rest = " ".join(w for w in words if w != "and" and w != "und")
        return bool(rest) and all(word in " ".join(names).split() for word in rest.split())

    head = [p for p in paragraphs[:3] if not is_byline(p)]
    return head + paragraphs[3:]


def language_of(html: str | bytes) -> str:
    """The language the page declares (``<html lang>``), as a short tag such as ``en-GB``."""
    try:
        root = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return ""
    declared = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    declared = declared.strip()
    return declared[:15] if _LANGUAGE.fullmatch(declared) else ""


def parse_date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        return None


def check_page(data: bytes) -> None:
    if not data.strip():
        raise ArticleFormatError("the page is empty")
    if len(data) > PAGE_MAX_BYTES:
        raise ArticleFormatError(
            f"the page is {len(data):,} bytes; a web page may be at most {PAGE_MAX_BYTES:,} bytes"
        )
    if b"\x00" in data:
        raise ArticleFormatError("the page contains NUL bytes: it is binary, not HTML")


def decode_page(data: bytes, charset: str | None) -> str | bytes:
    """The page as text when its encoding is declared by the server (``charset``); otherwise
    the bytes, for trafilatura to read the page's own declaration."""
    if not charset:
        return data
    try:
        return data.decode(charset)
    except LookupError:
        raise ArticleFormatError(f"the page's encoding {charset!r} is unknown") from None
    except UnicodeDecodeError as error:
        raise ArticleFormatError(
            f"the page is not {charset} as it says (invalid byte 0x{data[error.start]:02x} "
            f"at byte {error.start})"
        ) from None


def parse_html(data: bytes, url: str = "", charset: str | None = None) -> ParsedArticle:
    """The article in the page ``data`` (fetched from ``url``, when it was); raises
    ArticleFormatError when there is none."""
    check_page(data)
    html = decode_page(data, charset)
    document = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        deduplicate=False,
        date_extraction_params=_DATE_OPTIONS,
        prune_xpath=_PRUNE,
    )
    if document is None or isinstance(document, dict):
        raise ArticleFormatError("no article text found on the page (a section front?)")
    paragraphs = without_byline(paragraphs_of(document.text), document.author)
    if sum(len(p) for p in paragraphs) < MIN_BODY_CHARS:
        raise ArticleFormatError(
            "no article text found on the page (a section front or an index of articles?)"
        )
    body = "\n\n".join(paragraphs)
    if len(body.encode()) > MAX_BYTES:
        raise ArticleFormatError(
            f"the page's article text is {len(body.encode()):,} bytes; an article may be at "
            f"most {MAX_BYTES:,} bytes"
        )
    headline = one_line(document.title, HEADLINE_MAX)
    if not headline:
        raise ArticleFormatError("the page has no headline (no <title>, <h1> or og:title)")
    dek = one_line(document.description, DEK_MAX)
    if dek and paragraphs[0].startswith(dek.rstrip("…")):
        dek = ""  # the description is the first paragraph's opening, not a standfirst
    source = source_of(document.url, url)
    return ParsedArticle(
        headline=headline,
        dek=dek,
        body=body,
        author_name=authors_of(document.author),
        source_url=source,
        language=language_of(html),
        published_on=parse_date(document.date),
        site_name=one_line(document.sitename, 200),
        domain=domain_of(source),
    )
