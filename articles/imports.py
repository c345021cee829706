"""Importing articles: what the command (``import_articles``), the admin's import page and its
background job share. Parsing is pure (``importer`` for the text format, ``extract`` for web
pages, ``feeds``); fetching is ``fetch``; every write here goes through the operations.

An article is identified by its canonical URL (``Article.source_url``, unique, with tracking
parameters stripped and an AMP page's own canonical link followed) when it has one, else by the
resolved path of the file it came from (``Article.source_file``). Importing it again updates it
and its annotations follow the text.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from . import operations
from .anchoring import Anchor, reanchor
from .extract import canonical_url, parse_html
from .feeds import FeedEntry, parse_feed
from .fetch import FetchError, fetch_feed, fetch_page
from .importer import ArticleFormatError, ParsedArticle, parse
from .models import Article, Author, Outlet, PlaceMention, Quote, Span, unique_slug

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S
)


class ImportRefused(Exception):
    """Importing this file would do harm; the message says what, and how to do it anyway."""


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(name: str) -> bool:
    """A URL rather than a file name (any scheme: fetching refuses all but http and https)."""
    return bool(_SCHEME.match(name))


def looks_like_html(name: str, data: bytes) -> bool:
    """A saved web page: by its name, or by how it begins (a page saved as ``.txt``)."""
    return name.lower().endswith(HTML_SUFFIXES) or bool(_HTML_START.match(data[:4096]))


def parse_file(name: str, data: bytes) -> ParsedArticle:
    """The article in a file's bytes: a saved web page, or the text format."""
    if looks_like_html(name, data):
        return parse_html(data)
    return parse(data)


def parse_url(url: str) -> ParsedArticle:
    """Fetch ``url`` (safely: articles.fetch) and extract its article."""
    fetched = fetch_page(url)
    return parse_html(fetched.data, fetched.url, fetched.charset)


def feed_entries(url: str, since: datetime.date | None = None) -> list[FeedEntry]:
    """The entries of the feed at ``url``, those published before ``since`` left out."""
    fetched = fetch_feed(url)
    try:
        entries = parse_feed(fetched.data, fetched.url)
    except ArticleFormatError as error:
        raise FetchError(url, str(error)) from None
    if since is not None:
        entries = [e for e in entries if e.published_on is None or e.published_on >= since]
    return entries


def imported_as(url: str) -> Article | None:
    """The article already imported from ``url`` (its canonical form), if any."""
    canonical = canonical_url(url)
    return Article.objects.filter(source_url=canonical).first() if canonical else None


def author_for(parsed: ParsedArticle) -> Author | None:
    if not parsed.author_name:
        return None
    author = Author.objects.filter(name=parsed.author_name).first()
    if author is None:
        author = Author(name=parsed.author_name, slug=unique_slug(Author, parsed.author_name))
    elif not parsed.author_bio or author.bio == parsed.author_bio:
        return author
    author.bio = parsed.author_bio or author.bio
    author.full_clean()
    operations.save_name(author)
    return author


def outlet_for(parsed: ParsedArticle) -> Outlet | None:
    """The outlet of the page's domain, created (named after its site name) the first time."""
    if not parsed.domain:
        return None
    outlet = Outlet.objects.filter(domain=parsed.domain).first()
    if outlet is not None:
        if outlet.name == outlet.domain and parsed.site_name:
            outlet.name = parsed.site_name  # a better name than the bare domain
            operations.save_name(outlet)
        return outlet
    name = parsed.site_name or parsed.domain
    parts = urlsplit(parsed.source_url)
    outlet = Outlet(
        name=name,
        slug=unique_slug(Outlet, name),
        domain=parsed.domain,
        homepage=f"{parts.scheme}://{parts.netloc}/" if parts.netloc else "",
    )
    outlet.full_clean()
    operations.save_name(outlet)
    return outlet


def existing_article(parsed: ParsedArticle, source_file: str) -> Article | None:
    """The article imported from this page or file before, locked: by its canonical URL, by
    the file's resolved path, or, for an import that stored only the bare file name, by that
    name and the same headline."""
    articles = Article.objects.select_for_update()
    if parsed.source_url:
        article = articles.filter(source_url=parsed.source_url).first()
        if article is not None:
            return article
    if not source_file:
        return None
    article = articles.filter(source_file=source_file).first()
    if article is None:
        bare = bare_name(source_file)
        article = articles.filter(source_file=bare, headline=parsed.headline).first()
    return article


def bare_name(source_file: str) -> str:
    """The file name alone, as older imports stored it, of a key made by ``source_key``."""
    if source_file.startswith("…"):
        source_file = source_file.rsplit("#", 1)[0]
    return os.path.basename(source_file)


def orphans(article: Article, new_body: str) -> tuple[int, int]:
    """(would be orphaned, of): the article's shown annotations that the new body loses."""
    spans = [
        span
        for model in (Quote, PlaceMention)
        for span in model.objects.filter(
            article=article, status=Span.Status.CONFIRMED, anchored=True
        )
    ]
    if not spans or article.body == new_body:
        return 0, len(spans)
    anchors = [Anchor(s.start, s.end, s.exact, s.prefix, s.suffix) for s in spans]
    placements = reanchor(article.body, new_body, anchors)
    return sum(not placed.anchored for placed in placements), len(spans)


def refuse_orphaning(article: Article, new_body: str) -> None:
    if not article.is_published:
        return
    lost, total = orphans(article, new_body)
    if lost * 2 > total:
        raise ImportRefused(
            f"would orphan {lost} of {total} annotations of the published article "
            f"{article.slug!r}; use --force to import anyway"
        )


@operations.operation
def save_article(
    parsed: ParsedArticle,
    source_file: str,
    publish: bool,
    suggest: bool = False,
    force: bool = False,
) -> tuple[Article, bool]:
    """Create the article for this page or file, or update the one imported from it before."""
    found = existing_article(parsed, source_file)
    created = found is None
    if found is None:
        article = Article(slug=unique_slug(Article, parsed.headline))
    else:
        article = found
        if not force:
            refuse_orphaning(article, parsed.body)
    article.source_file = source_file or article.source_file
    article.headline = parsed.headline
    article.dek = parsed.dek
    article.body = parsed.body
    article.author = author_for(parsed)
    article.source_url = parsed.source_url or article.source_url
    article.language = parsed.language or article.language
    article.published_on = parsed.published_on or article.published_on
    article.outlet = outlet_for(parsed) or article.outlet
    if publish:
        article.status = Article.Status.PUBLISHED
    article.full_clean()
    operations.save_article(article)
    if suggest:
        operations.store_suggestions(article)
    return article, created


def describe(error: Exception) -> str:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, FetchError):
        return error.reason
    if isinstance(error, IntegrityError):  # a concurrent import created the same row first
        return f"saved by another import at the same moment ({error}); import it again"
    return str(error)


# What a failed import can say to a person (the rest are bugs, with tracebacks).
USER_ERRORS = (ArticleFormatError, ValidationError, ImportRefused, FetchError, IntegrityError)


@dataclass(frozen=True)
class Imported:
    slug: str
    created: bool
    status: str
    headline: str
