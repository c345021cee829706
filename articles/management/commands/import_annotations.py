"""Import W3C Web Annotations into an article: ``manage.py import_annotations FILE --article SLUG``.

The file as Newsroom, Hypothesis or Recogito export it (JSON-LD: an Annotation, a list, a page or
a collection; Hypothesis's own JSON too). Each annotation is anchored by its TextQuoteSelector,
its position a hint (``articles.exports.w3c_import``); one the text does not hold is kept as an
orphan for a person to place, and listed. All of the file is imported in one transaction, or
nothing: a file that cannot be read stops the command with one line naming it and a non-zero
exit.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.exports import w3c_store
from articles.exports.w3c_import import AnnotationFileError, read
from articles.models import Article
from articles.output import shown

MAX_BYTES = 64 * 1024 * 1024


def summary(report: w3c_store.Report) -> list[str]:
    """One line per annotation, then the totals: what a person reads after an import."""
    lines = []
    for o in report.outcomes:
        text = o.exact if len(o.exact) <= 60 else o.exact[:57] + "..."
        where = f" as {o.span}" if o.span else ""
        line = f"#{o.number} {o.status}{where} ({o.how}): {text!r}"
        lines.append(shown("; ".join([line, *o.warnings])))
    counts = {s: len(report.of(s)) for s in ("anchored", "orphan", "suggested", "already there")}
    lines.append(", ".join(f"{n} {status}" for status, n in counts.items()) + ".")
    return lines


class Command(BaseCommand):
    help = (
        "Import W3C Web Annotations (JSON-LD, as Newsroom, Hypothesis or Recogito export them) "
        "into an article: anchored by their quotes; what cannot be anchored is kept as an orphan."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="a JSON or JSON-LD file")
        parser.add_argument("--article", required=True, metavar="SLUG", help="the article's slug")

    def handle(self, *args, file: str, article: str, **options):
        path = Path(file)
        target = Article.objects.filter(slug=article).first()
        if target is None:
            raise CommandError(shown(f"--article {article}: no article has this slug"))
        try:
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(shown(f"{file}: larger than {MAX_BYTES // 2**20} MB"))
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(shown(f"{file}: {error.strerror}")) from None
        try:
            annotations = read(data, file)
        except AnnotationFileError as error:
            raise CommandError(shown(str(error))) from None
        report = w3c_store.store(target, annotations)
        for line in summary(report):
            self.stdout.write(line)
        orphans = report.of(w3c_store.ORPHAN)
        if orphans:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(orphans)} orphan(s) kept for repair: "
                    + ", ".join(o.span for o in orphans)
                )
            )
