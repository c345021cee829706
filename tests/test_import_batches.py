"""``import_articles`` saves its sources in batches: one operation (one transaction, one
announcement) per batch, each source in its own savepoint, and a number of queries per batch
that does not grow with the number of files in it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import imports
from articles.changes import attempt, changing
from articles.models import Article, Author, Outlet

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


def test_the_queries_of_a_batch_of_text_files_do_not_grow_with_its_files(tmp_path):
    run(*text_files(tmp_path, "warm", 3), publish=True)  # the authors exist from now on
    five = queries_of(*text_files(tmp_path, "five", 5), publish=True)
    fifty = queries_of(*text_files(tmp_path, "fifty", 50), publish=True)
    assert Article.objects.count() == 58
    assert fifty <= five + allowance(), (five, fifty)
    assert five < 40, five


def test_the_queries_of_a_batch_of_pages_do_not_grow_with_its_pages(tmp_path):
    run(*pages(tmp_path, "warm", 2))  # the outlet and the author exist from now on
    five = queries_of(*pages(tmp_path, "five", 5))
    fifty = queries_of(*pages(tmp_path, "fifty", 50))
    assert Article.objects.count() == 57 and Outlet.objects.count() == 1
    assert fifty <= five + allowance(), (five, fifty)
    article = Article.objects.get(source_url="https://www.kyiv-ledger.example/world/fifty-7")
    assert article.outlet.name == "The Kyiv Ledger" and article.author.name == "Olena Marchuk"
    assert article.headline == "Grain talks stall again, fifty round 7"


def test_many_files_go_in_batches_each_announced_once(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "BATCH_SIZE", 4)
    from articles.management.commands import import_articles

    monkeypatch.setattr(import_articles, "BATCH_SIZE", 4)
    files = text_files(tmp_path, "many", 10)
    out, err, error = run(*files, publish=True)
    assert error is None, err
    assert out.splitlines()[-1] == "10 imported, 0 failed"
    assert [line.split(": ")[0] for line in out.splitlines()[:-1]] == [str(f) for f in files]
    # One announcement per article: its revision moved once, one history row.
    assert set(Article.objects.values_list("revision", flat=True)) == {1}
    assert Article.history.count() == 10
    assert Author.objects.count() == 2


def test_a_bad_file_among_good_ones_in_one_batch_is_refused_alone(tmp_path):
    good = text_files(tmp_path, "good", 4)
    long_headline = tmp_path / "long-headline.txt"
    long_headline.write_bytes(text("H" * 301, author="Nobody Written"))
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02")
    same_slug = tmp_path / "same-slug.txt"  # a new article whose headline another one has
    same_slug.write_bytes(text("good report number 1"))

    out, err, error = run(good[0], long_headline, good[1], binary, good[2], same_slug, good[3])

    assert str(error) == "5 imported, 2 failed"
    assert err.splitlines() == [
        f"{long_headline}: headline: Ensure this value has at most 300 characters (it has 301).",
        f"{binary}: the file contains NUL bytes: it is binary, not plain text",
    ]
    assert "Traceback" not in out + err
    assert set(Article.objects.values_list("source_file", flat=True)) == {
        str(path.resolve()) for path in [*good, same_slug]
    }
    assert not Author.objects.filter(name="Nobody Written").exists()  # nothing of it written
    assert Article.objects.get(source_file=str(same_slug.resolve())).slug == (
        "good-report-number-1-2"
    )
    assert Article.history.count() == 5


def test_a_reimport_refused_in_a_batch_leaves_the_others_and_its_article(tmp_path):
    first = tmp_path / "first.txt"
    first.write_bytes(text("First report"))
    run(first)
    before = Article.objects.get()
    first.write_bytes(text("F" * 301))  # the same file again: an update, refused
    new = text_files(tmp_path, "new", 3)

    out, err, error = run(new[0], first, new[1], new[2])

    assert str(error) == "3 imported, 1 failed"
    assert err.startswith(f"{first}: headline: ")
    assert Article.objects.count() == 4
    unchanged = Article.objects.get(pk=before.pk)
    assert (unchanged.headline, unchanged.revision) == ("First report", before.revision)


def test_a_file_given_twice_in_a_batch_is_one_article_updated(tmp_path):
    path = tmp_path / "twice.txt"
    path.write_bytes(text("Twice told"))
    out, err, error = run(path, path)
    assert error is None, err
    assert out.splitlines() == [
        f"{path}: created twice-told (draft)",
        f"{path}: updated twice-told (draft)",
        "2 imported, 0 failed",
    ]
    assert Article.objects.count() == 1


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


def test_a_taken_slug_gets_the_first_free_number_by_its_index():
    from articles import operations
    from articles.models import unique_slug, unique_slugs

    for slug in ["report", "report-2", "report-10", "report-card", "reporters"]:
        operations.save_article(Article(slug=slug, headline=slug, body="Body."))
    with CaptureQueriesContext(connection) as captured:
        assert unique_slug(Article, "Report") == "report-3"
    assert len(captured) == 2  # the base itself, then its first numbers
    assert "LIKE" not in captured[1]["sql"].upper()  # not every slug of its prefix
    assert unique_slugs(Article, ["Report card", "New one", "New one", "Reporters"]) == [
        "report-card-2",
        "new-one",
        "new-one-2",
        "reporters-2",
    ]


def test_a_slug_whose_first_numbers_are_all_taken_goes_on_after_the_highest():
    from articles import operations
    from articles.models import SLUG_PROBES, unique_slugs

    for n in ["", *range(2, 2 + SLUG_PROBES), 40]:
        slug = f"brief-{n}".rstrip("-")
        operations.save_article(Article(slug=slug, headline=slug, body="Body."))
    with CaptureQueriesContext(connection) as captured:
        assert unique_slugs(Article, ["Brief", "Brief", "Other"]) == [
            "brief-41",
            "brief-42",
            "other",
        ]
    assert len(captured) == 3  # the bases, their first numbers, the highest of the one full


def test_an_import_job_saves_in_batches_and_a_bad_source_fails_alone(settings, monkeypatch):
    from articles import tasks

    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["immediate"]}}
    monkeypatch.setattr(imports, "BATCH_SIZE", 3)
    sources = [tasks.file_source(f"job-{n}.txt", text(f"Job report {n}")) for n in range(5)]
    sources.insert(2, tasks.file_source("long.txt", text("L" * 301, author="Nobody Written")))
    sources.insert(4, tasks.file_source("binary.txt", b"\x00\x01"))
    result = tasks.import_articles.enqueue(sources, True, False, None).return_value
    assert (result["total"], result["imported"], result["failed"]) == (7, 5, 2)
    assert [item["source"] for item in result["items"]] == [s["name"] for s in sources]
    assert [("error" in item) for item in result["items"]] == [0, 0, 1, 0, 1, 0, 0]
    assert result["items"][2]["error"].startswith("headline: ")
    assert Article.objects.published().count() == 5
    assert not Author.objects.filter(name="Nobody Written").exists()
    assert set(Article.objects.values_list("revision", flat=True)) == {1}


def test_a_slug_taken_meanwhile_by_another_import_is_chosen_again(tmp_path, monkeypatch):
    """Two workers importing at once may pick the same free slug: the second bulk insert fails
    on the unique index and the batch is tried again with slugs read afresh."""
    from articles import operations
    from articles.models import unique_slugs

    operations.save_article(Article(slug="taken-report", headline="Taken", body="Body."))
    stale = iter([["taken-report", "other-report"]])  # what a read before that commit saw
    monkeypatch.setattr(
        imports,
        "unique_slugs",
        lambda model, names: next(stale, None) or unique_slugs(model, names),
    )
    bulk = []
    create = operations.create_articles
    monkeypatch.setattr(
        operations,
        "create_articles",
        lambda articles: bulk.append(len(articles)) or create(articles),
    )
    first, second = tmp_path / "taken.txt", tmp_path / "other.txt"
    first.write_bytes(text("Taken report"))
    second.write_bytes(text("Other report"))
    out, err, error = run(first, second)
    assert error is None, err
    assert f"{first}: created taken-report-2 (draft)" in out
    assert f"{second}: created other-report (draft)" in out
    assert Article.history.filter(slug__in=["taken-report-2", "other-report"]).count() == 2
    assert bulk == [2, 2]  # tried again in bulk, not one by one
