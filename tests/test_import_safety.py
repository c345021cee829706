"""The importer against hostile input: adversarial Unicode, special files, links, file names that
forge lines, and re-imports that would replace another article or orphan its annotations.

Everything is real: files in tmp_path, a FIFO made with os.mkfifo, symbolic links, /dev/zero,
and ``manage.py`` in a subprocess (with a timeout) wherever the old code would hang.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from contextlib import closing
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.importer import CGJ, MAX_NON_STARTERS, normalise, parse, stream_safe
from articles.management.commands.import_articles import (
    SOURCE_FILE_MAX,
    bare_name,
    source_key,
)
from articles.models import Article, PlaceMention, Quote
from tests.ops import load_seed

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "000_d85e5d27cd6f0369.txt"
ACUTE, GRAVE_BELOW = "\u0301", "\u0316"  # combining classes 230 and 220


def run_import(*args, **options):
    """call_command; return (stdout, stderr, the CommandError or None)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=err, **options)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def article_bytes(headline: str, body: str = "Body paragraph.") -> bytes:
    return f"{headline}\n\nA dek on one line\n\n{body}\n\nSecond paragraph.\n".encode()


def decomposed_characters(text: str) -> Counter:
    """The characters of ``text`` decomposed one by one (NFD of the whole would reorder them,
    in quadratic time on the input above)."""
    return Counter(c for char in text for c in unicodedata.normalize("NFD", char))


def longest_run_of_non_starters(text: str) -> int:
    longest = run = 0
    for char in unicodedata.normalize("NFKD", text):
        run = run + 1 if unicodedata.combining(char) else 0
        longest = max(longest, run)
    return longest


# --- Unicode normalisation: UAX #15 Stream-Safe Text Format, then NFC ---------------------------


def test_a_200_kb_run_of_combining_marks_normalises_fast_into_stream_safe_nfc():
    marks = (ACUTE + GRAVE_BELOW) * 50_000  # alternating classes: the quadratic case
    text = "Headline\n\nZ" + marks + " end.\n"
    assert len(text.encode()) > 200_000

    started = time.perf_counter()
    result = normalise(text)
    elapsed = time.perf_counter() - started

    assert elapsed < 0.5, f"{elapsed:.2f} s"  # plain NFC takes over a minute on this
    assert unicodedata.is_normalized("NFC", result)
    assert longest_run_of_non_starters(result) <= MAX_NON_STARTERS
    assert result.count(CGJ) == len(marks) // MAX_NON_STARTERS
    # Nothing is lost: the same characters, plus the joiners.
    assert decomposed_characters(result.replace(CGJ, "")) == decomposed_characters(text)


def test_a_2_mib_article_of_combining_marks_parses_in_linear_time():
    data = ("Headline\n\n" + "a" + (ACUTE + GRAVE_BELOW) * 500_000 + "\n").encode()[
        : 2 * 1024 * 1024
    ]
    data = data.decode("utf-8", "ignore").encode()
    started = time.perf_counter()
    article = parse(data)
    assert time.perf_counter() - started < 5
    assert longest_run_of_non_starters(article.body) <= MAX_NON_STARTERS


def test_a_cgj_goes_after_exactly_30_non_starters():
    assert stream_safe("a" + ACUTE * 30) == "a" + ACUTE * 30
    assert stream_safe("a" + ACUTE * 31) == "a" + ACUTE * 30 + CGJ + ACUTE
    assert stream_safe("a" + ACUTE * 61) == "a" + (ACUTE * 30 + CGJ) * 2 + ACUTE


def test_non_starters_are_counted_in_the_nfkd_decomposition():
    # U+0344 decomposes to two non-starters: 15 of them are 30.
    dialytika_tonos = "\u0344"
    assert stream_safe("a" + dialytika_tonos * 15) == "a" + dialytika_tonos * 15
    assert stream_safe("a" + dialytika_tonos * 16) == "a" + dialytika_tonos * 15 + CGJ + "\u0344"
    # U+00A8 DIAERESIS is a starter (a space) followed by one non-starter: the count restarts
    # at 1 after it, so 30 more marks make 31.
    diaeresis = "\u00a8"
    assert stream_safe("a" + ACUTE * 29 + diaeresis + ACUTE * 29) == (
        "a" + ACUTE * 29 + diaeresis + ACUTE * 29
    )
    assert stream_safe("a" + ACUTE * 29 + diaeresis + ACUTE * 30) == (
        "a" + ACUTE * 29 + diaeresis + ACUTE * 29 + CGJ + ACUTE
    )


@pytest.mark.parametrize(
    "text",
    [
        SEED.read_text(encoding="utf-8"),
        "Tiếng Việt có dấu: người, được, những.",
        "العربية مع الحركات: مَرْحَبًا بِكُمْ",
        "עִבְרִית עִם נִקּוּד",
        "हिन्दी में लिखा गया लेख",
        "한국어 기사: 서울, 평양",
        "Emoji: 👍🏽 👩🏾‍💻 🏳️‍🌈 🇺🇦",
        "Zalgo within reason: a" + "\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307" * 3,
    ],
    ids=["seed", "vietnamese", "arabic", "hebrew", "hindi", "korean", "emoji", "24 marks"],
)
def test_text_already_in_nfc_is_unchanged(text):
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    assert stream_safe(text) is text
    assert normalise(text) == text


# --- Special files: regular files only, links only when asked --------------------------------


def manage(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """manage.py in a subprocess on a fresh SQLite database; a hang fails the test."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_special_files_are_refused_with_reasons_without_hanging_or_reading(tmp_path):
    assert manage(tmp_path, "migrate", "--noinput").returncode == 0
    tree = tmp_path / "articles"
    tree.mkdir()
    fifo = tree / "pipe.txt"
    os.mkfifo(fifo)
    zero_link = tree / "zero.txt"
    zero_link.symlink_to("/dev/zero")
    passwd_link = tree / "passwd.txt"
    passwd_link.symlink_to("/etc/passwd")
    directory = tree / "folder.txt"
    directory.mkdir()
    expected = {
        fifo: "is a named pipe (FIFO), not a regular file",
        Path("/dev/zero"): "is a character device, not a regular file",
        zero_link: "is a symbolic link; not followed (use --follow-links",
        passwd_link: "is a symbolic link; not followed (use --follow-links",
        directory: "is a directory, not a regular file",
    }

    started = time.perf_counter()
    result = manage(tmp_path, "import_articles", *map(str, expected))
    assert time.perf_counter() - started < 30

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == len(expected) + 1, result.stderr
    for line, (path, reason) in zip(lines, expected.items(), strict=False):
        assert line == f"{path}: {reason}" or line.startswith(f"{path}: {reason}"), line
    assert lines[-1].endswith(f"0 imported, {len(expected)} failed")
    with closing(sqlite3.connect(tmp_path / "db.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM articles_article").fetchone() == (0,)

    # Asked to follow links, the link to /dev/zero leads to a device: still refused.
    followed = manage(tmp_path, "import_articles", "--follow-links", str(zero_link))
    assert followed.returncode == 1
    assert followed.stderr.startswith(f"{zero_link}: is a character device, not a regular file\n")


@pytest.mark.django_db
def test_a_link_to_a_regular_file_is_imported_only_with_follow_links(tmp_path):
    target = tmp_path / "real.txt"
    target.write_bytes(article_bytes("Linked Headline"))
    link = tmp_path / "link.txt"
    link.symlink_to(target)

    _, err, error = run_import(link)
    assert error is not None
    assert (
        err
        == f"{link}: is a symbolic link; not followed (use --follow-links to import its target)\n"
    )
    assert not Article.objects.exists()

    out, err, error = run_import(link, follow_links=True)
    assert error is None, err
    assert f"{link}: created linked-headline (draft)" in out
    # The article is the target's: importing the target itself updates it.
    assert Article.objects.get().source_file == str(target.resolve())
    out, _, _ = run_import(target)
    assert f"{target}: updated linked-headline (draft)" in out
    assert Article.objects.count() == 1


# --- Which article a file is ---------------------------------------------------------------


@pytest.fixture
def seed(db):
    """The hand-annotated seed article, published, as an older import left it: its
    source_file is the bare file name."""
    load_seed()
    article = Article.objects.get()
    assert article.source_file == SEED.name
    assert article.is_published
    return article


def shown_spans(article) -> int:
    return sum(
        m.objects.filter(article=article, anchored=True).count() for m in (Quote, PlaceMention)
    )


def test_a_file_of_the_same_name_in_another_folder_is_a_new_article(seed, tmp_path):
    other = tmp_path / "elsewhere" / SEED.name
    other.parent.mkdir()
    other.write_bytes(article_bytes("A Different Article Entirely"))
    annotations = shown_spans(seed)
    assert annotations == 64

    out, err, error = run_import(other)

    assert error is None, err
    assert f"{other}: created a-different-article-entirely (draft)" in out
    assert Article.objects.count() == 2
    seed.refresh_from_db()
    assert seed.headline.startswith("Russia Announces Kherson Withdrawal")
    assert seed.body == parse(SEED.read_bytes()).body
    assert shown_spans(seed) == 64
    new = Article.objects.exclude(pk=seed.pk).get()
    assert new.source_file == str(other.resolve())

    # Importing that other file again updates the new article, not the seed.
    other.write_bytes(article_bytes("A Different Article Entirely", "Revised body."))
    out, _, _ = run_import(other)
    assert f"{other}: updated a-different-article-entirely (draft)" in out
    assert Article.objects.count() == 2


def test_an_older_import_by_bare_name_is_matched_when_the_headline_is_the_same(seed, tmp_path):
    copy = tmp_path / SEED.name
    copy.write_bytes(SEED.read_bytes())

    out, err, error = run_import(copy)

    assert error is None, err
    assert f"{copy}: updated {seed.slug} (published)" in out
    assert Article.objects.count() == 1
    seed.refresh_from_db()
    assert seed.source_file == str(copy.resolve())  # from now on matched by its path
    assert shown_spans(seed) == 64


def test_a_reimport_that_would_orphan_most_annotations_is_refused_without_force(seed, tmp_path):
    rewrite = tmp_path / "folder" / SEED.name
    rewrite.parent.mkdir()
    headline = seed.headline
    body = "Nothing of the original remains in this text.\n\nNor in this paragraph."
    rewrite.write_bytes(f"{headline}\n\nA new dek.\n\n{body}\n".encode())

    out, err, error = run_import(rewrite)

    assert error is not None
    assert str(error) == "0 imported, 1 failed"
    refusal = re.fullmatch(
        rf"{re.escape(str(rewrite))}: would orphan (\d+) of 64 annotations of the published "
        rf"article '{seed.slug}'; use --force to import anyway\n",
        err,
    )
    assert refusal, err
    lost = int(refusal.group(1))
    assert lost > 32
    seed.refresh_from_db()
    assert seed.body == parse(SEED.read_bytes()).body
    assert seed.source_file == SEED.name
    assert shown_spans(seed) == 64

    out, err, error = run_import(rewrite, force=True)

    assert error is None, err
    assert f"{rewrite}: updated {seed.slug} (published)" in out
    seed.refresh_from_db()
    assert seed.body.startswith("Nothing of the original remains")
    assert shown_spans(seed) == 64 - lost
    orphans = sum(
        m.objects.filter(article=seed, anchored=False).count() for m in (Quote, PlaceMention)
    )
    assert orphans == lost  # kept, for a person to repair


def test_a_reimport_that_keeps_most_annotations_goes_through(seed, tmp_path):
    paragraphs = SEED.read_text(encoding="utf-8").split("\n\n")
    paragraphs[3] = "This paragraph was rewritten by the desk."
    edited = tmp_path / SEED.name
    edited.write_text("\n\n".join(paragraphs), encoding="utf-8")

    out, err, error = run_import(edited)

    assert error is None, err
    assert f"{edited}: updated {seed.slug} (published)" in out
    assert 32 < shown_spans(seed) < 64


def test_the_stored_key_of_a_long_path_fits_and_stays_distinct():
    deep = "/" + "/".join(["d" * 60] * 6)
    first, second = f"{deep}/a/article.txt", f"{deep}/b/article.txt"
    assert source_key("/short/path.txt") == "/short/path.txt"
    assert len(source_key(first)) == SOURCE_FILE_MAX
    assert source_key(first) == source_key(first)
    assert source_key(first) != source_key(second)
    assert source_key(first).endswith("#" + source_key(first)[-16:])
    assert bare_name(source_key(first)) == bare_name(first) == "article.txt"


@pytest.mark.django_db
def test_a_file_under_a_long_path_is_updated_on_reimport(tmp_path):
    folder = tmp_path.joinpath(*["n" * 60] * 5)
    folder.mkdir(parents=True)
    path = folder / "article.txt"
    path.write_bytes(article_bytes("Deep Headline"))
    assert len(str(path.resolve())) > SOURCE_FILE_MAX

    run_import(path)
    path.write_bytes(article_bytes("Deep Headline", "Corrected."))
    out, err, error = run_import(path)

    assert error is None, err
    assert out.count(": updated deep-headline (draft)") == 1
    article = Article.objects.get()
    assert len(article.source_file) <= SOURCE_FILE_MAX
    assert article.body.startswith("Corrected.")


# --- File names in the output ----------------------------------------------------------------


@pytest.mark.django_db
def test_file_names_with_newlines_are_escaped_on_one_line(tmp_path):
    good = tmp_path / "good\nforged: created fake (published).txt"
    good.write_bytes(article_bytes("Real Headline"))
    bad = tmp_path / "bad\r\nname\x1b[31m.txt"
    bad.write_bytes(b"")

    out, err, error = run_import(good, bad)

    assert error is not None
    escaped_good = str(tmp_path) + "/good\\nforged: created fake (published).txt"
    assert out.splitlines() == [f"{escaped_good}: created real-headline (draft)"]
    escaped_bad = str(tmp_path) + "/bad\\r\\nname\\x1b[31m.txt"
    assert err.splitlines() == [f"{escaped_bad}: the file is empty"]


@pytest.mark.django_db
def test_the_json_output_keeps_the_real_file_names(tmp_path):
    good = tmp_path / "two\nlines.txt"
    good.write_bytes(article_bytes("Json Headline"))
    bad = tmp_path / "bad\nname.txt"
    bad.write_bytes(b"")

    out, _, error = run_import(good, bad, dry_run=True, format="json")

    assert error is not None
    report = json.loads(out)
    assert [a["file"] for a in report["articles"]] == [str(good)]
    assert report["errors"] == [{"file": str(bad), "error": "the file is empty"}]
