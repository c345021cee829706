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
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import Q

from . import operations
from .anchoring import Anchor, reanchor
from .changes import attempt, changing
from .extract import canonical_url, parse_html
from .feeds import FeedEntry, parse_feed
from .fetch import FetchError, fetch_feed, fetch_page
from .importer import ArticleFormatError, ParsedArticle, parse
from .models import Article, Author, Outlet, PlaceMention, Quote, Span, unique_slug, unique_slugs

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


BATCH_SIZE = 100  # files or pages saved in one operation by a bulk import
# Bulk inserts of a batch tried with fresh slugs when a concurrent import (another worker) took
# one of them first; then the batch's new articles are saved one by one.
BULK_TRIES = 3


def save_batch(
    sources: Sequence[tuple[ParsedArticle, str]],
    publish: bool,
    suggest: bool = False,
    force: bool = False,
) -> list[tuple[Article, bool] | Exception]:
    """Save several parsed pages or files (each with its ``source_file`` key, "" for a URL) in
    one operation: one transaction, and the revisions, search vectors, counts and page
    retirement once for them all. Each is saved in its own savepoint, so one that fails is
    refused alone and nothing of it is written: its error (one of ``USER_ERRORS``) is returned in
    its place; any other error is raised.

    New articles (no article has their canonical URL or file yet, not twice in the batch) are
    created in bulk: a handful of queries for the whole batch, plus one per new author or outlet
    and per taken slug. The others (re-imports, ``suggest``) go through ``save_article`` one by
    one, as a single import does."""
    results: list[tuple[Article, bool] | Exception | None] = [None] * len(sources)
    with changing():
        fresh, single = _fresh_or_not(sources, suggest)
        retry = _create_in_bulk(sources, fresh, publish, results)
        for i in sorted(single + retry):
            parsed, key = sources[i]
            try:
                with attempt():
                    results[i] = save_article(parsed, key, publish, suggest, force)
            except USER_ERRORS as error:
                results[i] = error
    done = [result for result in results if result is not None]
    assert len(done) == len(sources), "every source has its result"
    return done


def _fresh_or_not(
    sources: Sequence[tuple[ParsedArticle, str]], suggest: bool
) -> tuple[list[int], list[int]]:
    """(new articles, the rest) by index: one query for what was imported before."""
    urls = {parsed.source_url for parsed, _ in sources if parsed.source_url}
    keys = {key for _, key in sources if key}
    files = keys | {bare_name(key) for key in keys}
    before_urls: set[str] = set()
    before_files: set[str] = set()
    if urls or files:
        for url, file in Article.objects.filter(
            Q(source_url__in=urls) | Q(source_file__in=files)
        ).values_list("source_url", "source_file"):
            before_urls.add(url)
            before_files.add(file)
    fresh: list[int] = []
    single: list[int] = []
    seen: set[tuple[str, str]] = set()
    for i, (parsed, key) in enumerate(sources):
        names = {("url", parsed.source_url)} if parsed.source_url else set()
        names |= {("file", key)} if key else set()
        known = parsed.source_url in before_urls or key in before_files
        known = known or bool(key) and bare_name(key) in before_files
        if suggest or known or names & seen:
            single.append(i)
        else:
            fresh.append(i)
        seen |= names
    return fresh, single


def _create_in_bulk(
    sources: Sequence[tuple[ParsedArticle, str]],
    fresh: list[int],
    publish: bool,
    results: list,
) -> list[int]:
    """Create the new articles ``fresh`` (indexes of ``sources``) with one bulk insert, their
    results (or errors) in ``results``; returns those to save one by one after all (a
    concurrent import created one of them first)."""
    if not fresh:
        return []
    slugs = iter(unique_slugs(Article, [sources[i][0].headline for i in fresh]))
    valid: list[tuple[int, Article]] = []
    for i in fresh:
        parsed, key = sources[i]
        article = Article(
            slug=next(slugs),
            source_file=key,
            headline=parsed.headline,
            dek=parsed.dek,
            body=parsed.body,
            source_url=parsed.source_url,
            language=parsed.language,
            published_on=parsed.published_on,
            status=Article.Status.PUBLISHED if publish else Article.Status.DRAFT,
        )
        try:  # uniqueness: the slugs are free, the URLs and files were looked up
            article.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            results[i] = error
            continue
        valid.append((i, article))
    # Only now the names, so that a refused article creates no author or outlet.
    authors = _authors_for([sources[i][0] for i, _ in valid])
    outlets = _outlets_for([sources[i][0] for i, _ in valid])
    built: list[tuple[int, Article]] = []
    for i, article in valid:
        parsed = sources[i][0]
        author = authors.get(parsed.author_name) if parsed.author_name else None
        outlet = outlets.get(parsed.domain) if parsed.domain else None
        if isinstance(author, Exception) or isinstance(outlet, Exception):
            results[i] = author if isinstance(author, Exception) else outlet
            continue
        article.author, article.outlet = author, outlet
        built.append((i, article))
    if not built:
        return []
    articles = [article for _, article in built]
    for tries in range(BULK_TRIES):
        try:
            with attempt():
                operations.create_articles(articles)
            break
        except IntegrityError:  # another import took one of these slugs (or URLs) meanwhile
            if tries == BULK_TRIES - 1:
                return [i for i, _ in built]  # one by one, as a single import would
            for article in articles:
                article.pk = None
                article._state.adding = True
            new_slugs = unique_slugs(Article, [sources[i][0].headline for i, _ in built])
            for article, slug in zip(articles, new_slugs, strict=True):
                article.slug = slug
    for i, article in built:
        results[i] = (article, True)
    return []


def _authors_for(parsed: list[ParsedArticle]) -> dict[str, Author | Exception]:
    """The author of each name (one query), created or re-described (``author_for``, in a
    savepoint) once for each new name or new biography."""
    names = {p.author_name for p in parsed if p.author_name}
    found: dict[str, Author | Exception] = {}
    for author in Author.objects.filter(name__in=names).order_by("-pk"):
        found[author.name] = author  # the first by pk, as author_for finds it
    done: set[tuple[str, str]] = set()
    for p in parsed:
        known = found.get(p.author_name)
        if not p.author_name or isinstance(known, Exception):
            continue
        if known is not None and (not p.author_bio or known.bio == p.author_bio):
            continue
        if (p.author_name, p.author_bio) in done:
            continue
        done.add((p.author_name, p.author_bio))
        try:
            with attempt():
                found[p.author_name] = author_for(p)  # type: ignore[assignment]
        except USER_ERRORS as error:
            found[p.author_name] = error
    return found


def _outlets_for(parsed: list[ParsedArticle]) -> dict[str, Outlet | Exception]:
    """The outlet of each domain (``outlet_for``, in a savepoint), once per domain."""
    found: dict[str, Outlet | Exception] = {}
    for p in parsed:
        if not p.domain or p.domain in found:
            continue
        try:
            with attempt():
                found[p.domain] = outlet_for(p)  # type: ignore[assignment]
        except USER_ERRORS as error:
            found[p.domain] = error
    return found


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
