"""Entries of an RSS or Atom feed. Pure: the feed's bytes in, its entries' links out
(feedparser reads the feed; it is never given a URL, so it never fetches)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import feedparser

from .importer import ArticleFormatError


@dataclass(frozen=True)
class FeedEntry:
    url: str  # the entry's link, absolute
    title: str
    published_on: datetime.date | None


def _date(entry: dict) -> datetime.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.date(value.tm_year, value.tm_mon, value.tm_mday)
    return None


def parse_feed(data: bytes, url: str = "") -> list[FeedEntry]:
    """The entries of the feed ``data`` (fetched from ``url``), in the feed's order; raises
    ArticleFormatError when it is not a feed. Entries with no http(s) link are left out."""
    if not data.strip():
        raise ArticleFormatError("the feed is empty")
    headers = {"content-location": url} if url else {}
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=True)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        detail = f" ({reason})" if reason else ""
        raise ArticleFormatError(f"not an RSS or Atom feed{detail}")
    entries = []
    for entry in parsed.entries:
        link = str(entry.get("link") or "").strip()
        if not link.startswith(("http://", "https://")):
            continue
        entries.append(FeedEntry(link, str(entry.get("title") or ""), _date(entry)))
    return entries
