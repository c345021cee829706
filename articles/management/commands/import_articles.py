"""Import articles: ``manage.py import_articles FILE_OR_URL... [--feed URL]``.

Each argument is a plain-text file in the seed's format, a saved web page (``.html``, ``.htm``,
or a file that begins like one) or an ``http(s)://`` URL; ``--feed URL`` imports the page of
every entry of an RSS or Atom feed (``--since DATE`` leaves out older entries; entries already
imported, by canonical URL, are skipped). Web pages go through trafilatura
(``articles.extract``); URLs are fetched safely (``articles.fetch``: no private addresses,
limited size, redirects and time).

Sources are saved in batches of ``BATCH_SIZE`` (100), each batch one operation (one
transaction; revisions, search vectors and page retirement once for it) and each source in it
its own savepoint: a bad one gets one line naming it and the reason, and nothing of it is
written; the others are imported (their lines are written once their batch is committed); the
command exits non-zero when any failed. Only regular files are read (never more than the size
limit plus one byte: 5 MB for a web page, 2 MiB for the text format; a page's article text obeys
the 2 MiB too); a symbolic link is refused unless ``--follow-links``. Every name printed is
escaped, so one source is one line.

An article is identified by its canonical URL when it has one, else by its file's resolved path
(``Article.source_file``): re-importing the same page or file updates its article; a file of
the same name in another folder is another article. Older imports stored the bare file name:
such an article is matched only when the headline is the same too. A re-import that would
orphan more than half of a published article's anchored annotations is refused unless
``--force``.

``--suggest`` stores machine suggestions (status ``suggested``, for review) with each article.
``--dry-run --format json`` writes nothing and prints one JSON document: what each source would
become, with the suggestions, and the errors.
"""

import argparse
import datetime
import errno
import hashlib
import json
import os
import stat
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError

from articles import suggestions
from articles.importer import MAX_BYTES, PAGE_MAX_BYTES, ArticleFormatError, ParsedArticle
from articles.imports import (
    BATCH_SIZE,
    USER_ERRORS,
    ImportRefused,
    author_for,
    bare_name,
    describe,
    feed_entries,
    imported_as,
    is_url,
    looks_like_html,
    parse_file,
    parse_url,
    save_batch,
)
from articles.models import Article
from articles.output import shown

__all__ = ["Command", "ImportRefused", "author_for", "bare_name", "source_key"]

HEAD_BYTES = 4096  # what tells a saved web page from the text format (imports.looks_like_html)
SOURCE_FILE_MAX: int = Article._meta.get_field("source_file").max_length or 255
_KINDS = [
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
]


@dataclass(frozen=True)
class SourceFile:
    resolved: str  # the real path of the file read
    data: bytes  # at most the limit + 1 of them (PAGE_MAX_BYTES for a page, else MAX_BYTES)


def source_key(resolved: str) -> str:
    """What ``Article.source_file`` stores for a file: its resolved path, or, for a path too
    long for the field, its end after an ellipsis and before a digest of the whole path."""
    if len(resolved) <= SOURCE_FILE_MAX:
        return resolved
    digest = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    tail = resolved[-(SOURCE_FILE_MAX - len(digest) - 2) :]
    return f"…{tail}#{digest}"


def kind_of(mode: int) -> str:
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


def read_file(name: str, follow_links: bool = False) -> SourceFile:
    """The bytes of the regular file ``name``, never more than the limit plus one; refuses
    links (unless ``follow_links``), directories, pipes, devices and sockets before reading."""
    try:
        info = os.stat(name) if follow_links else os.lstat(name)
        if stat.S_ISLNK(info.st_mode):
            raise ArticleFormatError(
                "is a symbolic link; not followed (use --follow-links to import its target)"
            )
        if not stat.S_ISREG(info.st_mode):
            raise ArticleFormatError(f"is {kind_of(info.st_mode)}, not a regular file")
        nofollow = 0 if follow_links else getattr(os, "O_NOFOLLOW", 0)
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | nofollow
        fd = os.open(name, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise ArticleFormatError(os_reason(error)) from None
    try:
        return SourceFile(os.path.realpath(name), read_regular(fd, name))
    except OSError as error:
        raise ArticleFormatError(os_reason(error)) from None
    finally:
        os.close(fd)


def read_regular(fd: int, name: str = "") -> bytes:
    """Read an open file that must (still) be a regular file: never more than its limit plus
    one byte. The limit is a web page's (``PAGE_MAX_BYTES``) for a file named or beginning like
    one, else an article's (``MAX_BYTES``)."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # it was swapped for something else since the lstat
        raise ArticleFormatError(f"is {kind_of(info.st_mode)}, not a regular file")
    head = os.read(fd, HEAD_BYTES)
    page = looks_like_html(name, head)
    limit, what = (PAGE_MAX_BYTES, "a web page") if page else (MAX_BYTES, "an article")
    if info.st_size > limit:
        raise ArticleFormatError(
            f"the file is {info.st_size:,} bytes; {what} may be at most {limit:,} bytes"
        )
    chunks, size = [head], len(head)
    while head and size <= limit:
        chunk = os.read(fd, limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:  # it grew while we read
        raise ArticleFormatError(
            f"the file is more than {limit:,} bytes; {what} may be at most {limit:,} bytes"
        )
    return b"".join(chunks)


def os_reason(error: OSError) -> str:
    if error.errno == errno.ENOENT:
        return "no such file"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link that appeared after the lstat
        return "is a symbolic link; not followed (use --follow-links to import its target)"
    return error.strerror or str(error)


def since_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since {value!r}: give a date as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = (
        "Import articles: plain-text files, saved web pages (.html, .htm), http(s) URLs, "
        "and the entries of an RSS or Atom feed (--feed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            metavar="FILE_OR_URL",
            help="plain-text article files, saved web pages, or http(s):// URLs",
        )
        parser.add_argument(
            "--feed",
            action="append",
            default=[],
            metavar="URL",
            help="import the page of each entry of this RSS or Atom feed (repeatable)",
        )
        parser.add_argument(
            "--since",
            metavar="DATE",
            help="with --feed: only entries published on or after DATE (YYYY-MM-DD)",
        )
        parser.add_argument(
            "--publish", action="store_true", help="publish the articles (default: drafts)"
        )
        parser.add_argument(
            "--suggest",
            action="store_true",
            help="store suggested quotes and place mentions for review with each article",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="write nothing; show what would be imported"
        )
        parser.add_argument(
            "--format", choices=["text", "json"], default="text", help="output format"
        )
        parser.add_argument(
            "--follow-links",
            action="store_true",
            help="import what symbolic links point to (default: refuse links)",
        )
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="a progress bar on stderr (default: when stderr is a terminal and there are "
            "several sources)",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="update a published article even if most of its annotations would be orphaned",
        )

    def handle(self, *args, files, format, feed, since, **options):
        if not files and not feed:
            raise CommandError("give files or URLs to import, or --feed URL")
        if since and not feed:
            raise CommandError("--since applies to --feed")
        self.bar_shown = False
        self.report: dict[str, list[dict]] = {"articles": [], "errors": []}
        if feed:
            self.report["skipped"] = []  # feed entries imported before
        self.format = format
        progress = options.pop("progress")
        sources = [(name, False) for name in files]
        for feed_url in feed:
            since_day = since_date(since) if since else None
            sources += [(name, True) for name in self.from_feed(feed_url, since_day)]
        if progress is None:
            progress = len(sources) > 1 and self.stderr.isatty()
        self.progress = (0, len(sources)) if progress else None
        for start in range(0, len(sources), BATCH_SIZE):
            self.import_batch(sources[start : start + BATCH_SIZE], options)
        self.clear_bar()
        failed = len(self.report["errors"])
        skipped = len(self.report.get("skipped", []))
        verb = "checked" if options["dry_run"] else "imported"
        summary = f"{len(self.report['articles'])} {verb}, {failed} failed"
        if feed:
            summary += f", {skipped} skipped (imported before)"
        if format == "json":
            self.stdout.write(json.dumps(self.report, ensure_ascii=False, indent=2))
        if failed:
            raise CommandError(summary)
        if format == "text":
            self.stdout.write(self.style.SUCCESS(summary))

    def from_feed(self, url: str, since: datetime.date | None) -> list[str]:
        """The feed's entries still to import; those imported before are reported skipped."""
        try:
            entries = feed_entries(url, since)
        except USER_ERRORS as error:
            self.fail(url, error)
            return []
        todo = []
        for entry in entries:
            article = imported_as(entry.url)
            if article is None:
                todo.append(entry.url)
                continue
            self.skip(entry.url, article)
        return todo

    def clear_bar(self) -> None:
        """Erase the progress bar (a terminal's line) before any other line is written."""
        if self.bar_shown:
            self.stderr.write("\r\x1b[K", ending="")
            self.bar_shown = False

    def skip(self, url: str, article: Article) -> None:
        self.report["skipped"].append({"url": json_name(url), "slug": article.slug})
        self.clear_bar()
        if self.format == "text":
            self.stdout.write(f"{shown(url)}: skipped, imported before as {article.slug}")

    def fail(self, name: str, error: Exception) -> None:
        self.report["errors"].append({"file": json_name(name), "error": describe(error)})
        self.clear_bar()
        if self.format == "text":
            self.stderr.write(f"{shown(name)}: {describe(error)}")

    def advance(self) -> None:
        if self.progress is None:
            return
        done, total = self.progress[0] + 1, self.progress[1]
        self.progress = (done, total)
        self.stderr.write(progress_bar(done, total), ending="")
        self.bar_shown = True

    def import_batch(self, sources: list[tuple[str, bool]], options: dict) -> None:
        """Read and parse each source, then save those to import in one operation
        (``imports.save_batch``: each in its own savepoint); report each, in order, once the
        batch is committed."""
        # (name, an error, the article skipped, a preview, or the index of what to save)
        outcomes: list[tuple[str, Exception | Article | dict | int]] = []
        to_save: list[tuple[ParsedArticle, str]] = []
        for name, from_feed in sources:
            try:
                prepared = self.prepare(name, from_feed=from_feed, **options)
            except USER_ERRORS as error:
                outcomes.append((name, error))
            else:
                if isinstance(prepared, tuple):
                    outcomes.append((name, len(to_save)))
                    to_save.append(prepared)
                else:
                    outcomes.append((name, prepared))
            self.advance()
        saved = save_batch(to_save, options["publish"], options["suggest"], options["force"])
        for name, outcome in outcomes:
            result = saved[outcome] if isinstance(outcome, int) else outcome
            if isinstance(result, Exception):
                self.fail(name, result)
            elif isinstance(result, Article):
                self.skip(name, result)
            elif isinstance(result, tuple):
                article, created = result
                self.done(name, options, entry(name, article, created))
            else:
                self.done(name, options, result)

    def done(self, name: str, options: dict, entry: dict) -> None:
        self.report["articles"].append(entry)
        self.clear_bar()
        if self.format == "text":
            self.stdout.write(text_line(name, entry, options["dry_run"]))

    def prepare(
        self, name, *, dry_run, follow_links, from_feed=False, **_
    ) -> tuple[ParsedArticle, str] | Article | dict:
        """What to save (the parsed article and its file's key), the article a feed's entry
        was imported as before (skipped), or, for a dry run, the preview."""
        if is_url(name):
            parsed, key = parse_url(name), ""
        else:
            path = read_file(name, follow_links)
            parsed, key = parse_file(name, path.data), source_key(path.resolved)
        if from_feed and (before := imported_as(parsed.source_url)):
            return before  # the feed's link was another URL of the same page
        if dry_run:
            return preview(parsed, name)
        return parsed, key


def entry(name: str, article: Article, created: bool) -> dict:
    return {
        "file": json_name(name),
        "slug": article.slug,
        "created": created,
        "status": article.status,
    }


def progress_bar(done: int, total: int, width: int = 30) -> str:
    """``\r[#######-------]  7/15  46 %``: one line, redrawn in place."""
    filled = width * done // total
    percent = 100 * done // total
    return f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total} {percent:3d} %"


def json_name(name: str) -> str:
    """``name`` for JSON: bytes that were not UTF-8 (surrogate escapes) as ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def preview(parsed: ParsedArticle, name: str) -> dict:
    """What a file would become, with its suggestions; reads the database, writes nothing."""
    quotes, places = suggestions.find(parsed.body)
    return {
        "file": json_name(name),
        "headline": parsed.headline,
        "dek": parsed.dek,
        "author": parsed.author_name or None,
        **web_metadata(parsed),
        "body": parsed.body,
        **suggestions.as_json(quotes, places),
    }


def web_metadata(parsed: ParsedArticle) -> dict:
    """What a web page says of itself, for a preview (nothing for the text format)."""
    if not (parsed.source_url or parsed.domain or parsed.language or parsed.published_on):
        return {}
    return {
        "source_url": parsed.source_url or None,
        "outlet": parsed.site_name or parsed.domain or None,
        "published_on": parsed.published_on.isoformat() if parsed.published_on else None,
        "language": parsed.language or None,
    }


def text_line(name: str, entry: dict, dry_run: bool) -> str:
    if dry_run:
        return (
            f"{shown(name)}: would import {entry['headline']!r} "
            f"({len(entry['quotes'])} quotes, {len(entry['places'])} places suggested)"
        )
    verb = "created" if entry["created"] else "updated"
    return f"{shown(name)}: {verb} {entry['slug']} ({entry['status']})"
