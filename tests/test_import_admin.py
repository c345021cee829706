"""The admin's "Import articles" page and its background job (the real database backend and
its worker, pages served by a real local HTTP server)."""

import signal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles import tasks
from articles.models import Article, JobProgress, Outlet

PAGES = Path(__file__).resolve().parent / "pages"
IMPORT_URL = "/admin/articles/article/import/"
TEXT = b"""Kyiv Says Talks Can Resume

A short dek on one line

Officials in Kyiv said the talks would resume on Monday.

Second body paragraph.
"""


@pytest.fixture(autouse=True)
def _keep_signal_handlers():
    """The worker installs its own SIGINT and SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def user_in(group, client, name=None):
    user = User.objects.create_user(name or group.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def run_worker():
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )


def uploads():
    return [
        SimpleUploadedFile("talks.txt", TEXT, content_type="text/plain"),
        SimpleUploadedFile(
            "ledger.html", (PAGES / "ledger-grain-talks.html").read_bytes(), "text/html"
        ),
    ]


def test_the_import_page_is_for_those_who_may_add_articles(db, client):
    assert reverse("admin:articles_article_import") == IMPORT_URL
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    user_in("Annotators", client)
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"urls": "https://example.com/a"}).status_code == 403
    assert not DBTaskResult.objects.exists()
    job = tasks.import_articles.enqueue([], False, False, None)
    assert (
        client.get(reverse("admin:articles_article_import_job", args=[job.id])).status_code == 403
    )
    user_in("Editors", client)
    html = client.get(IMPORT_URL).content.decode()
    assert 'name="uploads"' in html and "multiple" in html and 'name="urls"' in html
    assert 'name="publish"' in html and "csrfmiddlewaretoken" in html
    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert f'href="{IMPORT_URL}"' in changelist


def test_without_the_publish_permission_imports_are_drafts(db, client):
    user = User.objects.create_user("adder", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="add_article"),
        Permission.objects.get(codename="view_article"),
    )
    client.force_login(user)
    html = client.get(IMPORT_URL).content.decode()
    assert 'name="publish"' not in html
    client.post(IMPORT_URL, {"urls": "https://example.com/a", "publish": "on"})
    assert DBTaskResult.objects.get().args_kwargs["args"][1] is False


def test_the_form_needs_a_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    user_in("Editors", client)
    assert client.post(IMPORT_URL, {"urls": "https://example.com/a"}).status_code == 403
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Give files, URLs or a feed to import."),
        (
            {"urls": "https://example.com/a\nnot a url\nftp://x/y"},
            "Not http(s) URLs: &#x27;not a url",
        ),
        ({"feed": "javascript:alert(1)"}, "Enter a valid URL."),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_enqueued(db, client, data, error):
    user_in("Editors", client)
    response = client.post(IMPORT_URL, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not DBTaskResult.objects.exists()


def test_too_many_or_too_large_uploads_are_refused(db, client, monkeypatch):
    from articles import import_admin

    user_in("Editors", client)
    monkeypatch.setattr(import_admin, "MAX_FILES", 1)
    html = client.post(IMPORT_URL, {"uploads": uploads()}).content.decode()
    assert "At most 1 files at a time (2 given)." in html
    monkeypatch.setattr(import_admin, "MAX_FILES", 50)
    monkeypatch.setattr(import_admin, "MAX_UPLOAD_BYTES", 1000)
    html = client.post(IMPORT_URL, {"uploads": uploads()}).content.decode()
    assert "import at most 1,000 bytes at a time" in html
    assert not DBTaskResult.objects.exists()


def test_an_import_runs_as_a_job_and_its_page_shows_progress_then_results(
    roles, client, page_server
):
    editor = user_in("Editors", client)
    missing = page_server.url("status/404?<b>x</b>")
    data = {
        "uploads": uploads(),
        "urls": f"{page_server.url('meridian-kharkiv-shelling.html')}\n\n{missing}\n",
        "publish": "on",
    }
    response = client.post(IMPORT_URL, data)
    job = DBTaskResult.objects.get()
    job_url = reverse("admin:articles_article_import_job", args=[job.id])
    assert response.status_code == 302 and response["Location"] == job_url
    assert not Article.objects.exists()  # nothing in the request itself
    page = client.get(job_url).content.decode()
    assert 'data-state="queued"' in page and '<meta http-equiv="refresh"' in page
    assert "<progress" in page

    run_worker()

    page = client.get(job_url).content.decode()
    assert 'data-state="done"' in page and "refresh" not in page
    assert 'data-percent="100"' in page and "4 of 4 (100 %)" in page
    assert Article.objects.published().count() == 3
    for article in Article.objects.all():
        change = reverse("admin:articles_article_change", args=[article.pk])
        assert f'<a href="{change}">{article.headline}</a>' in page
    assert "Imported (3)" in page and "Failed (1)" in page
    assert "the server answered 404 Not Found" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    ledger = Article.objects.get(outlet__domain="kyiv-ledger.example")
    assert ledger.history.first().history_user == editor  # the worker acts for them
    assert Outlet.objects.count() == 2
    progress = JobProgress.objects.get(job_id=str(job.id))
    assert (progress.done, progress.total, progress.percent) == (4, 4, 100)


def test_a_feed_from_the_admin_skips_what_was_imported(roles, client, page_server):
    user_in("Editors", client)
    client.post(IMPORT_URL, {"urls": page_server.url("meridian-kharkiv-shelling.html")})
    run_worker()
    client.post(IMPORT_URL, {"feed": page_server.url("meridian-europe.atom")})
    run_worker()
    job = DBTaskResult.objects.order_by("enqueued_at").last()
    result = tasks.import_articles.get_result(str(job.id)).return_value
    assert (result["imported"], result["skipped"], result["failed"]) == (0, 1, 1)
    page = client.get(reverse("admin:articles_article_import_job", args=[job.id])).content
    assert b"Skipped: imported before (1)" in page and b"no article text found" in page
    assert Article.objects.count() == 1


def test_with_the_immediate_backend_the_results_show_at_once(db, client, settings):
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["immediate"]}}
    user_in("Editors", client)
    response = client.post(IMPORT_URL, {"uploads": uploads()})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-state="done"' in html
    assert "Imported (2)" in html and Article.objects.count() == 2


def test_an_uploaded_page_may_be_5_mb_and_a_text_file_2_mib(db, client, settings):
    from tests.webserver import padded_page

    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["immediate"]}}
    user_in("Editors", client)
    huge = SimpleUploadedFile("huge.html", padded_page(6_000_000), "text/html")
    html = client.post(IMPORT_URL, {"uploads": [huge]}).content.decode()
    assert "huge.html: 6,000,000 bytes; a web page may be at most 5,000,000 bytes." in html
    long_text = SimpleUploadedFile("long.txt", b"Headline\n\n" + b"word " * 600_000)
    html = client.post(IMPORT_URL, {"uploads": [long_text]}).content.decode()
    assert "long.txt: 3,000,010 bytes; an article may be at most 2,097,152 bytes." in html
    assert not Article.objects.exists()
    big = SimpleUploadedFile("big.html", padded_page(3_000_000), "text/html")
    html = client.post(IMPORT_URL, {"uploads": [big]}).content.decode()
    assert 'data-state="done"' in html and "Imported (1)" in html, html
    assert Article.objects.get().headline == "Kharkiv power restored after overnight strikes"


def test_an_unknown_job_is_not_found(db, client):
    user_in("Editors", client)
    url = reverse("admin:articles_article_import_job", args=["not-a-uuid"])
    assert client.get(url).status_code == 404
    other = tasks.suggest_for_articles.enqueue([], None)  # another task's job
    url = reverse("admin:articles_article_import_job", args=[other.id])
    assert client.get(url).status_code == 404


def test_a_preview_writes_nothing_then_imports_the_same_sources(roles, client, page_server):
    user_in("Editors", client)
    data = {
        "uploads": uploads(),
        "urls": page_server.url("meridian-kharkiv-shelling.html"),
        "preview": "Preview first (writes nothing)",
    }
    response = client.post(IMPORT_URL, data)
    preview_job = DBTaskResult.objects.get()
    assert response["Location"] == reverse(
        "admin:articles_article_import_job", args=[preview_job.id]
    )
    run_worker()
    assert not Article.objects.exists() and not Outlet.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Preview (3): nothing is written yet" in page
    assert '<h3 dir="auto">Grain corridor talks stall over Odesa inspections</h3>' in page
    assert '<dd dir="auto">Tomasz Nowak and Iryna Bondar</dd>' in page
    assert "<dd>2026-11-28</dd>" in page and '<dd dir="auto">The Kyiv Ledger</dd>' in page
    assert '<mark class="quote quote--' in page  # the suggestions, highlighted
    assert '<mark class="place-mention" title="Kyiv (suggested)">Kyiv</mark>' in page
    confirm = reverse("admin:articles_article_import_previewed", args=[preview_job.id])
    assert f'action="{confirm}"' in page

    response = client.post(confirm, {"publish": "on"})
    job = DBTaskResult.objects.order_by("enqueued_at").last()
    assert job.id != preview_job.id
    assert response["Location"] == reverse("admin:articles_article_import_job", args=[job.id])
    run_worker()
    assert Article.objects.published().count() == 3  # the uploads came with the preview job
    assert set(Article.objects.values_list("headline", flat=True)) >= {
        "Kyiv Says Talks Can Resume",
        "Grain corridor talks stall over Odesa inspections",
    }
    assert not Article.objects.get(headline__startswith="Kyiv Says").quotes.exists()  # unticked


def test_only_a_finished_preview_can_be_imported(roles, client):
    user_in("Editors", client)
    client.post(IMPORT_URL, {"uploads": uploads()})
    job = DBTaskResult.objects.get()
    confirm = reverse("admin:articles_article_import_previewed", args=[job.id])
    assert client.post(confirm).status_code == 404  # queued, and not a preview
    run_worker()
    assert client.post(confirm).status_code == 404  # done, but not a preview
    assert client.get(confirm).status_code == 405
    user_in("Annotators", client, name="anna")
    assert client.post(confirm).status_code == 403
