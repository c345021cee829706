"""Import plain-text articles: ``manage.py import_articles FILE...``.

Each file is parsed and saved in its own transaction: a bad file gets one line naming it and the
reason, and nothing of it is written; the others are imported; the command exits non-zero when any
file failed. Re-importing a file updates the article it made before.

``--suggest`` stores machine suggestions (status ``suggested``, for review) with each article.
``--dry-run --format json`` writes nothing and prints one JSON document: what each file would
become, with the suggestions, and the errors.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles import operations, suggestions
from articles.importer import MAX_BYTES, ArticleFormatError, ParsedArticle, parse
from articles.models import Article, Author, unique_slug


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


@operations.operation
def save_article(
    parsed: ParsedArticle, source_file: str, publish: bool, suggest: bool = False
) -> tuple[Article, bool]:
    """Create the article for ``source_file``, or update the one imported from it before."""
    article = Article.objects.select_for_update().filter(source_file=source_file).first()
    created = article is None
    if created:
        article = Article(source_file=source_file, slug=unique_slug(Article, parsed.headline))
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


def read(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise ArticleFormatError("is a directory, not a file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArticleFormatError(
                f"the file is {size:,} bytes; an article may be at most {MAX_BYTES:,} bytes"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise ArticleFormatError("no such file") from None
    except PermissionError:
        raise ArticleFormatError("permission denied") from None
    except OSError as error:
        raise ArticleFormatError(error.strerror or str(error)) from None


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

    def handle(self, *args, files, publish, suggest, dry_run, format, **options):
        report = {"articles": [], "errors": []}
        for name in files:
            path = Path(name)
            try:
                parsed = parse(read(path))
                if dry_run:
                    entry = preview(parsed, name)
                else:
                    article, created = save_article(parsed, path.name, publish, suggest)
                    entry = {
                        "file": name,
                        "slug": article.slug,
                        "created": created,
                        "status": article.status,
                    }
            except (ArticleFormatError, ValidationError) as error:
                report["errors"].append({"file": name, "error": describe(error)})
                if format == "text":
                    self.stderr.write(f"{name}: {describe(error)}")
                continue
            report["articles"].append(entry)
            if format == "text":
                self.stdout.write(text_line(entry, dry_run))
        failed = len(report["errors"])
        summary = f"{len(files) - failed} {'checked' if dry_run else 'imported'}, {failed} failed"
        if format == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        if failed:
            raise CommandError(summary)
        if format == "text":
            self.stdout.write(self.style.SUCCESS(summary))


def preview(parsed: ParsedArticle, name: str) -> dict:
    """What a file would become, with its suggestions; reads the database, writes nothing."""
    quotes, places = suggestions.find(parsed.body)
    return {
        "file": name,
        "headline": parsed.headline,
        "dek": parsed.dek,
        "author": parsed.author_name or None,
        "body": parsed.body,
        **suggestions.as_json(quotes, places),
    }


def text_line(entry: dict, dry_run: bool) -> str:
    if dry_run:
        return (
            f"{entry['file']}: would import {entry['headline']!r} "
            f"({len(entry['quotes'])} quotes, {len(entry['places'])} places suggested)"
        )
    verb = "created" if entry["created"] else "updated"
    return f"{entry['file']}: {verb} {entry['slug']} ({entry['status']})"
