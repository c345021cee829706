"""``import_articles`` saves its sources in batches: one operation (one transaction, one
announcement) per batch, each source in its own savepoint, and a number of queries per batch
that does not grow with the number of files in it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.changes import attempt, changing
from articles.models import Article

pytestmark = pytest.mark.django_db

# SQLite binds at most 999 parameters a statement: Django splits a bulk INSERT of many rows (the
# history table's ~20 columns: 49 rows a statement) into several.
SQLITE_BULK_SPLITS = 2


def run(*args, **options):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err, **options)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def text(headline, author="Jane Doe"):
    bio = f"\n\n{author} is a reporter covering Ukraine.\n" if author else "\n"
    return (
        f"{headline}\n\nA dek on one line\n\nOfficials said talks on {headline.lower()} would "
        f"resume.\n\nSecond paragraph.{bio}"
    ).encode()


def text_files(folder, prefix, count):
    files = []
    for n in range(count):
        path = folder / f"{prefix}-{n:03d}.txt"
        author = ("Jane Doe", "Ivan Petrenko", "")[n % 3]
        path.write_bytes(text(f"{prefix} report number {n}", author))
        files.append(path)
    return files


PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>{headline} | The Kyiv Ledger</title>
<link rel="canonical" href="https://www.kyiv-ledger.example/world/{slug}">
<meta property="og:site_name" content="The Kyiv Ledger">
<meta property="og:title" content="{headline}">
<meta name="author" content="Olena Marchuk">
<meta property="article:published_time" content="2026-11-28T09:00:00+00:00">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<main><article>
<h1>{headline}</h1>
<p>Negotiators met again on Friday in Istanbul, where the {n}th round of talks on grain shipments
through the Black Sea ended without agreement on how ships should be inspected.</p>
<p>Ukrainian officials said the inspections had slowed exports to a trickle, while the other
side insisted that every vessel be searched before it may sail from Odesa.</p>
<p>A further meeting is planned for next week, the mediators said in a statement on Friday.</p>
</article></main>
<footer><p>Copyright The Kyiv Ledger</p></footer>
</body></html>
"""


def pages(folder, prefix, count):
    files = []
    for n in range(count):
        path = folder / f"{prefix}-{n:03d}.html"
        headline = f"Grain talks stall again, {prefix} round {n}"
        path.write_text(PAGE.format(headline=headline, slug=f"{prefix}-{n}", n=n))
        files.append(path)
    return files


def queries_of(*args, **options):
    with CaptureQueriesContext(connection) as captured:
        _, err, error = run(*args, **options)
    assert error is None, err
    return len(captured)


def allowance():
    return SQLITE_BULK_SPLITS if connection.vendor == "sqlite" else 0


def test_a_failed_attempt_is_forgotten_by_the_change():
    article = Article(slug="kept", headline="Kept", body="Body.")
    with changing() as change:
        from articles import operations

        operations.save_article(article)
        with pytest.raises(ValueError), attempt():
            doomed = Article(slug="doomed", headline="Doomed", body="Body.")
            operations.save_article(doomed)
            assert doomed.pk in change.articles
            raise ValueError("refused")
        assert change.articles == {article.pk}
        assert "article:doomed" not in " ".join(change.tags)
    assert list(Article.objects.values_list("slug", flat=True)) == ["kept"]


def test_a_taken_slug_gets_the_next_number_without_reading_every_slug_of_its_prefix():
    from articles import operations
    from articles.models import unique_slug, unique_slugs

    for slug in ["report", "report-2", "report-10", "report-card", "reporters"]:
        operations.save_article(Article(slug=slug, headline=slug, body="Body."))
    with CaptureQueriesContext(connection) as captured:
        assert unique_slug(Article, "Report") == "report-11"
    assert len(captured) == 2  # the base itself, then its highest number
    assert unique_slugs(Article, ["Report card", "New one", "New one", "Reporters"]) == [
        "report-card-2",
        "new-one",
        "new-one-2",
        "reporters-2",
    ]
