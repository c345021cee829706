"""Import plain-text articles: ``manage.py import_articles FILE...``.

Each file is parsed and saved in its own transaction: a bad file gets one line naming it and the
reason, and nothing of it is written; the others are imported; the command exits non-zero when any
file failed. Only regular files are read (never more than the size limit plus one byte); a
symbolic link is refused unless ``--follow-links``. Every file name printed is escaped, so one
file is one line.

An article is identified by its file's resolved path (``Article.source_file``): re-importing the
same file updates its article; a file of the same name in another folder is another article.
Older imports stored the bare file name: such an article is matched only when the headline is
the same too. A re-import that would orphan more than half of a published article's anchored
annotations is refused unless ``--force``.

``--suggest`` stores machine suggestions (status ``suggested``, for review) with each article.
``--dry-run --format json`` writes nothing and prints one JSON document: what each file would
become, with the suggestions, and the errors.
"""

import errno
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles import operations, suggestions
from articles.anchoring import Anchor, reanchor
from articles.importer import MAX_BYTES, ArticleFormatError, ParsedArticle, parse
from articles.models import Article, Author, PlaceMention, Quote, Span, unique_slug

SOURCE_FILE_MAX: int = Article._meta.get_field("source_file").max_length or 255
# What would break a line of output or hide what it says: control characters (newlines
# included), line and paragraph separators, bidirectional overrides, lone surrogates (bytes of
# a file name that were not UTF-8), and the backslash that introduces an escape.
_UNSAFE = re.compile(r"[\\\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_KINDS = [
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
]


class ImportRefused(Exception):
    """Importing this file would do harm; the message says what, and how to do it anyway."""


@dataclass(frozen=True)
class SourceFile:
    resolved: str  # the real path of the file read
    data: bytes  # at most MAX_BYTES + 1 of them


def shown(name: str) -> str:
    """``name`` for one line of output: control characters and the like as backslash escapes."""
    return _UNSAFE.sub(lambda m: _ESCAPES.get(m.group()) or _escape(m.group()), name)


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


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
        return SourceFile(os.path.realpath(name), read_regular(fd))
    except OSError as error:
        raise ArticleFormatError(os_reason(error)) from None
    finally:
        os.close(fd)


def read_regular(fd: int) -> bytes:
    """Read an open file that must (still) be a regular file: at most MAX_BYTES + 1 bytes."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):  # it was swapped for something else since the lstat
        raise ArticleFormatError(f"is {kind_of(info.st_mode)}, not a regular file")
    too_large = ArticleFormatError(
        f"the file is {info.st_size:,} bytes; an article may be at most {MAX_BYTES:,} bytes"
    )
    if info.st_size > MAX_BYTES:
        raise too_large
    chunks, size = [], 0
    while size <= MAX_BYTES:
        chunk = os.read(fd, MAX_BYTES + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > MAX_BYTES:  # it grew while we read
        raise ArticleFormatError(
            f"the file is more than {MAX_BYTES:,} bytes; an article may be at most "
            f"{MAX_BYTES:,} bytes"
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


def existing_article(parsed: ParsedArticle, source_file: str) -> Article | None:
    """The article imported from this file before, locked: by its resolved path, or, for an
    import that stored only the bare file name, by that name and the same headline."""
    articles = Article.objects.select_for_update()
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
    """Create the article for ``source_file``, or update the one imported from it before."""
    found = existing_article(parsed, source_file)
    created = found is None
    if found is None:
        article = Article(slug=unique_slug(Article, parsed.headline))
    else:
        article = found
        if not force:
            refuse_orphaning(article, parsed.body)
    article.source_file = source_file
    article.headline = parsed.headline
    article.dek = parsed.dek
    article.body = parsed.body
    article.author = author_for(parsed)
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
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


class Command(BaseCommand):
    help = "Import plain-text articles (headline, dek, body paragraphs, author bio)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="plain-text article files")
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
            "--force",
            action="store_true",
            help="update a published article even if most of its annotations would be orphaned",
        )

    def handle(self, *args, files, format, **options):
        report: dict[str, list[dict]] = {"articles": [], "errors": []}
        for name in files:
            try:
                entry = self.import_one(name, **options)
            except (ArticleFormatError, ValidationError, ImportRefused) as error:
                report["errors"].append({"file": json_name(name), "error": describe(error)})
                if format == "text":
                    self.stderr.write(f"{shown(name)}: {describe(error)}")
                continue
            report["articles"].append(entry)
            if format == "text":
                self.stdout.write(text_line(name, entry, options["dry_run"]))
        failed = len(report["errors"])
        verb = "checked" if options["dry_run"] else "imported"
        summary = f"{len(files) - failed} {verb}, {failed} failed"
        if format == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        if failed:
            raise CommandError(summary)
        if format == "text":
            self.stdout.write(self.style.SUCCESS(summary))

    def import_one(self, name, *, publish, suggest, dry_run, follow_links, force, **_) -> dict:
        path = read_file(name, follow_links)
        parsed = parse(path.data)
        if dry_run:
            return preview(parsed, name)
        article, created = save_article(parsed, source_key(path.resolved), publish, suggest, force)
        return {
            "file": json_name(name),
            "slug": article.slug,
            "created": created,
            "status": article.status,
        }


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
        "body": parsed.body,
        **suggestions.as_json(quotes, places),
    }


def text_line(name: str, entry: dict, dry_run: bool) -> str:
    if dry_run:
        return (
            f"{shown(name)}: would import {entry['headline']!r} "
            f"({len(entry['quotes'])} quotes, {len(entry['places'])} places suggested)"
        )
    verb = "created" if entry["created"] else "updated"
    return f"{shown(name)}: {verb} {entry['slug']} ({entry['status']})"
