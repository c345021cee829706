"""The plain-text article parser, and ``manage.py import_articles`` run on real files.

Broken files are written to pytest's tmp_path from bytes in this module; nothing binary is
committed.
"""

import os
import re
import sqlite3
import subprocess
import sys
import unicodedata
from contextlib import closing
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from articles import imports
from articles.importer import MAX_BYTES, ArticleFormatError, parse
from articles.models import Article, Author

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "000_d85e5d27cd6f0369.txt"
SEED_HEADLINE = (
    "Russia Announces Kherson Withdrawal Completed, Kremlin Says Region’s Status Is Unchanged"
)
SEED_DEK = (
    "There are some in the US and the West who see this withdrawal as an opportunity for diplomacy"
)

ARTICLE = b"""Kyiv Says Talks Can Resume

A short dek on one line

First body paragraph,
wrapped over two lines.

Second body paragraph.

Jane Doe is a reporter covering Ukraine.
"""

# Every kind of file the importer must refuse, with a fragment of the reason it must give.
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
BROKEN = {
    "empty": (b"", "the file is empty"),
    "whitespace only": (b" \n\t\r\n  \n", "the file is empty"),
    "latin-1": ("Café au lait\n\nUn article.\n".encode("latin-1"), "not UTF-8"),
    "png": (PNG_HEADER, "binary"),
    "png signature only": (PNG_HEADER[:8], "not UTF-8"),
    "nul bytes": (b"Headline\n\nBody with a \x00 in it.\n", "NUL"),
    "control character": (b"Headline\n\nBody \x1b[31m red.\n", "control character U+001B"),
    "form feed": (b"Headline\n\nBody\x0cmore.\n", "control character U+000C"),
    "headline only": (b"Just a headline\n", "no body"),
    "headline and blank lines": (b"Just a headline\n\n  \n\t\n", "no body"),
    "too large": (b"Headline\n\n" + b"x" * MAX_BYTES, "at most"),
}


# --- The parser ---------------------------------------------------------------------------------


def test_headline_dek_body_and_author():
    article = parse(ARTICLE)
    assert article.headline == "Kyiv Says Talks Can Resume"
    assert article.dek == "A short dek on one line"
    assert article.body == (
        "First body paragraph, wrapped over two lines.\n\nSecond body paragraph."
    )
    assert article.author_name == "Jane Doe"
    assert article.author_bio == "Jane Doe is a reporter covering Ukraine."
    assert "Jane Doe" not in article.body


def test_lines_of_a_paragraph_are_joined_with_one_space_and_blank_lines_collapse():
    data = b"Headline\n\n  Dek  \n\n\n\none\n   two  \nthree\n \n\t\n\nfour\n"
    article = parse(data)
    assert article.dek == "Dek"
    assert article.body == "one two three\n\nfour"


def test_a_dek_of_two_lines_is_the_first_body_paragraph():
    article = parse(b"Headline\n\nline one\nline two\n\nMore body.\n")
    assert article.dek == ""
    assert article.body == "line one line two\n\nMore body."


def test_a_long_first_paragraph_is_body_not_dek():
    long_line = "word " * 60
    article = parse(f"Headline\n\n{long_line}\n\nMore body.\n".encode())
    assert article.dek == ""
    assert article.body.startswith("word word")
    assert article.body.endswith("More body.")


def test_a_single_paragraph_is_the_body_not_a_dek():
    article = parse(b"Headline\n\nOnly paragraph.\n")
    assert (article.dek, article.body) == ("", "Only paragraph.")


def test_a_last_paragraph_that_is_not_a_bio_stays_in_the_body():
    article = parse(b"Headline\n\nDek\n\nFirst.\n\nPeskov said talks were impossible.\n")
    assert article.author_name == article.author_bio == ""
    assert article.body == "First.\n\nPeskov said talks were impossible."


def test_a_closing_statement_about_a_person_is_not_a_bio():
    text = b"Headline\n\nDek\n\nBody.\n\nDmitry Peskov is a liar, Zelensky said.\n"
    article = parse(text)
    assert article.author_name == ""
    assert article.body.endswith("Dmitry Peskov is a liar, Zelensky said.")


def test_particles_in_the_author_name():
    article = parse(b"Headline\n\nDek\n\nBody.\n\nMaria von Trapp is a staff writer.\n")
    assert article.author_name == "Maria von Trapp"
    assert article.body == "Body."


@pytest.mark.parametrize("newline", [b"\r\n", b"\r"], ids=["crlf", "cr"])
def test_line_endings_are_normalised(newline):
    lf = parse(ARTICLE)
    other = parse(ARTICLE.replace(b"\n", newline))
    assert other == lf
    assert "\r" not in other.body + other.headline + other.dek + other.author_bio


def test_mixed_line_endings_are_normalised():
    assert parse(b"Headline\r\n\rDek\n\r\nBody one\rcontinues.\r\n\r\nTwo.") == parse(
        b"Headline\n\nDek\n\nBody one\ncontinues.\n\nTwo."
    )


def test_unicode_is_normalised_to_nfc_before_offsets_exist():
    decomposed = "Cafe\u0301 Kyiv"  # "é" as "e" + combining acute accent
    article = parse(f"Cafe\u0301 headline\n\n{decomposed} is here.\n".encode())
    assert article.headline == "Caf\u00e9 headline"
    assert article.body == "Caf\u00e9 Kyiv is here."
    assert unicodedata.is_normalized("NFC", article.body)
    # Offsets index the normalised text: "Kyiv" starts at 5, not 6.
    assert article.body.index("Kyiv") == 5
    assert article.body[5:9] == "Kyiv"


def test_a_utf8_bom_is_stripped():
    article = parse(b"\xef\xbb\xbf" + ARTICLE)
    assert article.headline == "Kyiv Says Talks Can Resume"
    assert article == parse(ARTICLE)


def test_trailing_whitespace_and_nbsp_at_line_ends_are_dropped():
    article = parse("Headline \xa0\n\nDek\n\nBody.\xa0 \nMore.\xa0\n".encode())
    assert article.headline == "Headline"
    assert article.body == "Body. More."


def test_the_seed_article():
    article = parse(SEED.read_bytes())
    assert article.headline == SEED_HEADLINE
    assert article.dek == SEED_DEK
    assert article.author_name == "Connor Freeman"
    assert article.author_bio.startswith("Connor Freeman is the assistant editor")
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 8
    assert paragraphs[0].startswith("The Russian Defense Ministry announced")
    assert paragraphs[-1].startswith("Peskov seemed to reference")
    assert all(p == p.strip() and p and "\n" not in p for p in paragraphs)
    assert "Connor Freeman" not in article.body
    assert article.author_bio not in article.body


@pytest.mark.parametrize(("data", "reason"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_input_is_refused_with_a_reason(data, reason):
    with pytest.raises(ArticleFormatError, match=re.escape(reason)):
        parse(data)


@pytest.mark.parametrize(
    "data",
    [b"\xef\xbb\xbf", b"\xef\xbb\xbf \n\n", "\xa0\n\u2003\n".encode()],
    ids=["bom only", "bom and blanks", "unicode spaces"],
)
def test_files_with_no_visible_text_are_refused(data):
    with pytest.raises(ArticleFormatError):
        parse(data)


def test_the_reported_byte_of_a_non_utf8_file():
    with pytest.raises(ArticleFormatError, match=r"0xe9 at byte 3"):
        parse("Café".encode("latin-1"))


# --- The management command ---------------------------------------------------------------------


def import_files(*paths, publish=False):
    """Run the command; return (stdout, stderr, the CommandError or None)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *map(str, paths), publish=publish, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def article_text(headline, body, author="Jane Doe"):
    bio = f"\n\n{author} is a reporter covering Ukraine.\n" if author else "\n"
    return f"{headline}\n\nA dek on one line\n\n{body}\n\nSecond paragraph.{bio}".encode()


@pytest.mark.django_db
def test_good_files_are_imported_as_drafts(tmp_path):
    first = tmp_path / "first.txt"
    first.write_bytes(article_text("First Headline", "First body."))
    seed = tmp_path / SEED.name
    seed.write_bytes(SEED.read_bytes())

    out, err, error = import_files(first, seed)

    assert error is None
    assert err == ""
    assert out.splitlines()[-1] == "2 imported, 0 failed"
    assert f"{first}: created first-headline (draft)" in out
    article = Article.objects.get(source_file=str(first.resolve()))
    assert article.headline == "First Headline"
    assert article.dek == "A dek on one line"
    assert article.body == "First body.\n\nSecond paragraph."
    assert article.status == Article.Status.DRAFT
    assert article.author.name == "Jane Doe"
    assert article.author.bio == "Jane Doe is a reporter covering Ukraine."
    seeded = Article.objects.get(source_file=str(seed.resolve()))
    assert seeded.headline == SEED_HEADLINE
    assert seeded.author.name == "Connor Freeman"
    assert len(seeded.body.split("\n\n")) == 8
    assert Article.objects.filter(status=Article.Status.PUBLISHED).count() == 0


@pytest.mark.django_db
def test_publish_flag_publishes(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(article_text("Headline", "Body."))
    out, _, error = import_files(path, publish=True)
    assert error is None
    assert "(published)" in out
    assert Article.objects.get().status == Article.Status.PUBLISHED


@pytest.mark.django_db
def test_reimporting_a_file_updates_its_article(tmp_path):
    path = tmp_path / "kherson.txt"
    path.write_bytes(article_text("Kherson Withdrawal", "Original body."))
    import_files(path)
    original = Article.objects.get()

    path.write_bytes(article_text("Kherson Withdrawal Completed", "Corrected body.", "John Roe"))
    out, err, error = import_files(path)

    assert error is None, err
    assert f"{path}: updated kherson-withdrawal (draft)" in out
    assert Article.objects.count() == 1
    article = Article.objects.get()
    assert article.pk == original.pk
    assert article.slug == original.slug  # the URL stays stable
    assert article.headline == "Kherson Withdrawal Completed"
    assert article.body == "Corrected body.\n\nSecond paragraph."
    assert article.author.name == "John Roe"


@pytest.mark.django_db
def test_reimporting_an_unchanged_file_creates_nothing(tmp_path):
    path = tmp_path / SEED.name
    path.write_bytes(SEED.read_bytes())
    import_files(path)
    out, _, error = import_files(path)
    assert error is None
    assert "updated" in out
    assert (Article.objects.count(), Author.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_bad_files_are_reported_one_line_each_and_nothing_of_them_is_written(tmp_path):
    good_before = tmp_path / "good-1.txt"
    good_before.write_bytes(article_text("Good One", "Body one."))
    good_after = tmp_path / "good-2.txt"
    good_after.write_bytes(article_text("Good Two", "Body two."))
    bad = {}
    for n, (data, reason) in enumerate(BROKEN.values()):
        path = tmp_path / f"bad-{n}.txt"
        path.write_bytes(data)
        bad[path] = reason
    too_long = tmp_path / "too-long-headline.txt"
    too_long.write_bytes(article_text("H" * 301, "Body.", author="Nobody Written"))
    bad[too_long] = "headline"
    missing = tmp_path / "missing.txt"
    bad[missing] = "no such file"
    directory = tmp_path / "a-directory"
    directory.mkdir()
    bad[directory] = "directory"

    out, err, error = import_files(good_before, *bad, good_after)

    lines = err.splitlines()
    assert len(lines) == len(bad), err
    for line, (path, reason) in zip(lines, bad.items(), strict=True):
        assert line.startswith(f"{path}: "), line
        assert reason in line, line
    assert "Traceback" not in err + out
    assert error is not None
    assert str(error) == f"2 imported, {len(bad)} failed"
    # The command carried on past the bad files: the good file after them was imported too.
    assert set(Article.objects.values_list("source_file", flat=True)) == {
        str(good_before.resolve()),
        str(good_after.resolve()),
    }
    assert list(Author.objects.values_list("name", flat=True)) == ["Jane Doe"]


@pytest.mark.django_db
def test_a_headline_longer_than_the_model_allows_is_refused(tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes(article_text("H" * 301, "Body.", author="Long Headline"))
    _, err, error = import_files(path)
    assert error is not None
    assert err.startswith(f"{path}: headline: ")
    assert "300" in err
    assert (Article.objects.count(), Author.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_headline_of_exactly_300_characters_is_imported(tmp_path):
    path = tmp_path / "long.txt"
    path.write_bytes(article_text("H" * 300, "Body."))
    _, err, error = import_files(path)
    assert error is None, err
    assert len(Article.objects.get().headline) == 300


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_saving_rolls_back_everything_of_that_file(tmp_path, monkeypatch):
    """Each file is saved in its own transaction: the author created for a file whose save then
    fails is rolled back, and the files around it are committed."""
    real_author_for = imports.author_for

    def author_for_then_fail(parsed):
        author = real_author_for(parsed)
        if parsed.headline == "Doomed":
            assert Author.objects.filter(name="Doomed Author").exists()
            raise ValidationError("simulated failure after the author was created")
        return author

    monkeypatch.setattr(imports, "author_for", author_for_then_fail)
    ok = tmp_path / "ok.txt"
    ok.write_bytes(article_text("Fine", "Body."))
    doomed = tmp_path / "doomed.txt"
    doomed.write_bytes(article_text("Doomed", "Body.", author="Doomed Author"))

    _, err, error = import_files(ok, doomed)

    assert err == f"{doomed}: simulated failure after the author was created\n"
    assert str(error) == "1 imported, 1 failed"
    assert not Author.objects.filter(name="Doomed Author").exists()
    assert not Article.objects.filter(source_file=str(doomed.resolve())).exists()
    assert Article.objects.filter(source_file=str(ok.resolve())).exists()
    assert list(Author.objects.values_list("name", flat=True)) == ["Jane Doe"]


@pytest.mark.django_db
def test_an_author_name_longer_than_the_model_allows_is_refused(tmp_path):
    path = tmp_path / "long-author.txt"
    path.write_bytes(article_text("Headline", "Body.", author="Jane " + "D" * 200))
    _, err, error = import_files(path)
    assert error is not None
    assert err.startswith(f"{path}: ")
    assert (Article.objects.count(), Author.objects.count()) == (0, 0)


def test_the_real_command_line_exits_non_zero_without_a_traceback(tmp_path):
    """manage.py itself, in a subprocess, on a fresh SQLite database."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    migrated = manage("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr

    good = tmp_path / "good.txt"
    good.write_bytes(article_text("Good Headline", "Body."))
    binary = tmp_path / "image.txt"
    binary.write_bytes(PNG_HEADER)
    result = manage("import_articles", str(good), str(binary), str(tmp_path / "missing.txt"))

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"{binary}: " in result.stderr
    assert f"{tmp_path / 'missing.txt'}: no such file" in result.stderr
    assert "1 imported, 2 failed" in result.stderr
    assert f"{good}: created good-headline (draft)" in result.stdout

    published = manage("import_articles", "--publish", str(good))
    assert published.returncode == 0, published.stderr
    assert "1 imported, 0 failed" in published.stdout

    with closing(sqlite3.connect(tmp_path / "db.sqlite3")) as db:
        rows = db.execute("SELECT source_file, status FROM articles_article").fetchall()
    assert rows == [(str(good.resolve()), "published")]
