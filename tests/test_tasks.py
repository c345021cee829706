"""Suggestion runs as background jobs: the admin action enqueues, a worker runs, a page reports.

These use the real default backend (django-tasks-db: jobs are rows in the test database) and its
real worker, ``manage.py db_worker --batch``, in this process; the last test runs the worker as
a process of its own, as ``make run`` and production do.
"""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles import tasks
from articles.models import Article, PlaceMention, Quote, Span

ROOT = Path(__file__).resolve().parent.parent
BODY = (
    'Officials in Kyiv said the talks had failed. "We will not sign this," '
    "said Dmitry Peskov, the Kremlin spokesman."
)


@pytest.fixture(autouse=True)
def _keep_signal_handlers():
    """The worker installs its own SIGINT and SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def user_in(group, client):
    user = User.objects.create_user(group.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def suggest(client, *articles):
    url = reverse("admin:articles_article_changelist")
    data = {"action": "suggest_annotations", "_selected_action": [a.pk for a in articles]}
    return client.post(url, data, follow=True)


def run_worker():
    call_command(
        "db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0
    )


def job_url(result_id):
    return reverse("admin:articles_article_suggestion_job", args=[result_id])


def suggested():
    return (
        Quote.objects.filter(status=Span.Status.SUGGESTED).count(),
        PlaceMention.objects.filter(status=Span.Status.SUGGESTED).count(),
    )


def test_the_task_backend_comes_from_the_environment():
    from tests.test_production import settings_value

    backend = "settings.TASKS['default']['BACKEND']"
    assert settings_value(backend).stdout.strip() == "django_tasks_db.DatabaseBackend"
    immediate = settings_value(backend, NEWSROOM_TASK_BACKEND="immediate").stdout
    assert immediate.strip().endswith(".backends.immediate.ImmediateBackend")
    bad = settings_value("1", NEWSROOM_TASK_BACKEND="celery")
    assert bad.returncode != 0 and "NEWSROOM_TASK_BACKEND must be one of" in bad.stderr


def test_with_the_immediate_backend_the_action_reports_the_finished_run(
    client, make_article, place, settings
):
    settings.TASKS = {"default": {"BACKEND": settings.TASK_BACKENDS["immediate"]}}
    user_in("Annotators", client)
    html = suggest(client, make_article(body=BODY)).content.decode()
    quotes, places = suggested()
    assert places >= 1
    assert f"{quotes} quote and {places} place suggestions added for 1 of 1 articles" in html
    assert "Job status" not in html  # nothing is kept to look at


def test_the_action_enqueues_one_job_and_suggests_nothing_in_the_request(
    client, make_article, place
):
    annotator = user_in("Annotators", client)
    first, second = make_article(body=BODY), make_article(body=BODY)
    response = suggest(client, first, second)

    job = DBTaskResult.objects.get()
    assert job.status == "READY"
    assert job.task_path == "articles.tasks.suggest_for_articles"
    assert job.args_kwargs["args"] == [[first.pk, second.pk], annotator.pk]
    assert suggested() == (0, 0)  # the request returned without running the suggester
    html = response.content.decode()
    assert "Suggestions are being prepared for 2 articles; reload the annotate view" in html
    assert f'<a href="{job_url(job.id)}">Job status</a>' in html

    page = client.get(job_url(job.id)).content.decode()
    assert 'data-state="queued"' in page
    assert '<meta http-equiv="refresh"' in page  # reloads itself until the job is over


def test_the_worker_stores_the_suggestions_and_the_job_page_says_done(
    roles, client, make_article, place
):
    annotator = user_in("Annotators", client)
    first, second = make_article(body=BODY), make_article(body=BODY)
    suggest(client, first, second)
    job = DBTaskResult.objects.get()

    run_worker()

    quotes, places = suggested()
    assert quotes >= 2 and places >= 2
    assert PlaceMention.objects.filter(article=first, place=place, exact="Kyiv").exists()
    mention = PlaceMention.objects.filter(article=second).first()
    assert mention.history.get().history_user == annotator  # the worker acts for them
    page = client.get(job_url(job.id)).content.decode()
    assert 'data-state="done"' in page and "refresh" not in page
    assert '<td data-count="articles">2</td>' in page
    assert '<td data-count="succeeded">2</td>' in page
    assert '<td data-count="failed">0</td>' in page
    assert f'<td data-count="quotes">{quotes}</td>' in page
    assert f'<td data-count="places">{places}</td>' in page


def test_an_article_deleted_before_the_run_fails_alone(roles, client, make_article, place):
    user_in("Annotators", client)
    kept, gone = make_article(body=BODY), make_article(body=BODY, headline="<b>Gone</b>")
    suggest(client, kept, gone)
    gone_id = gone.pk
    gone.delete()

    run_worker()

    result = tasks.suggest_for_articles.get_result(str(DBTaskResult.objects.get().id))
    value = result.return_value
    assert value["articles"] == 2 and value["succeeded"] == 1
    gone_error = "The article no longer exists (deleted before the job ran)."
    assert value["failures"] == [{"article_id": gone_id, "error": gone_error}]
    assert PlaceMention.objects.filter(article=kept, place=place).exists()
    page = client.get(job_url(result.id)).content.decode()
    assert '<td data-count="succeeded">1</td>' in page
    assert '<td data-count="failed">1</td>' in page
    assert f"Article {gone_id}: {gone_error}" in page


def test_an_error_on_one_article_is_reported_and_the_others_are_kept(
    roles, client, make_article, place
):
    """Any error, not only a missing article: here an id that is no number (the job's
    arguments are JSON, so whatever enqueued it may have been wrong), and hostile at that."""
    user_in("Annotators", client)
    kept = make_article(body=BODY)
    result = tasks.suggest_for_articles.enqueue(["<b>x</b>", kept.pk], None)
    run_worker()
    value = tasks.suggest_for_articles.get_result(result.id).return_value
    assert value["succeeded"] == 1
    (failure,) = value["failures"]
    assert failure["article_id"] == "<b>x</b>" and failure["error"].startswith("ValueError: ")
    assert PlaceMention.objects.filter(article=kept, place=place).exists()
    page = client.get(job_url(result.id)).content.decode()
    assert "Article &lt;b&gt;x&lt;/b&gt;: ValueError: " in page and "<b>x</b>" not in page


def test_job_pages_need_the_permission_to_suggest(client, make_article):
    result = tasks.suggest_for_articles.enqueue([make_article().pk], None)
    url = job_url(result.id)

    response = client.get(url)  # anonymous: the admin's login page, nothing of the job
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")

    User.objects.create_user("staff", is_staff=True)
    client.force_login(User.objects.get(username="staff"))
    assert client.get(url).status_code == 403
    assert suggest(client, Article.objects.get()).status_code == 403
    assert DBTaskResult.objects.count() == 1

    user_in("Editors", client)
    assert client.get(url).status_code == 200


def test_an_unknown_or_malformed_job_id_is_not_found(db, client):
    user_in("Annotators", client)
    assert client.get(job_url("5b1f0a0e-0000-4000-8000-000000000000")).status_code == 404
    assert client.get(job_url("not-a-uuid")).status_code == 404


def test_a_failed_job_says_so(roles, client):
    user_in("Annotators", client)
    result = tasks.suggest_for_articles.enqueue([1])  # no user_id: the task cannot even start
    run_worker()
    page = client.get(job_url(result.id)).content.decode()
    assert 'data-state="failed"' in page and "TypeError" in page


def test_superusers_are_pointed_to_the_task_admin(admin_client, make_article):
    result = tasks.suggest_for_articles.enqueue([make_article().pk], None)
    page = admin_client.get(job_url(result.id)).content.decode()
    detail = reverse("admin:django_tasks_database_dbtaskresult_change", args=[result.id])
    assert f'href="{detail}"' in page
    assert admin_client.get(detail).status_code == 200


ENQUEUE = f"""
from articles.models import Article, Place
from articles.tasks import suggest_for_articles
Place.objects.create(name="Kyiv", slug="kyiv", kind="city", latitude=50.45, longitude=30.52)
article = Article.objects.create(slug="worker-test", headline="Worker test", body={BODY!r})
print(suggest_for_articles.enqueue([article.pk], None).id)
"""
REPORT = """
import json
from articles.models import PlaceMention
from articles.tasks import job, suggest_for_articles
from tests.ops import create
done = job(suggest_for_articles, {result_id!r})
mentions = PlaceMention.objects.filter(status="suggested").count()
print(json.dumps({{"state": done.state, "result": done.result, "mentions": mentions}}))
"""


def other_process_database(tmp_path) -> str:
    """A database URL another process can use: the test database itself on PostgreSQL (this
    test commits), a fresh SQLite file otherwise (the test database is in memory)."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
        return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{tmp_path / 'worker.sqlite3'}"


def manage(url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "NEWSROOM_TASK_BACKEND": "database"},
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    )
    return done.stdout


def test_a_worker_process_runs_the_job(transactional_db, tmp_path):
    """`manage.py db_worker` as `make run` starts it, in a process of its own."""
    url = other_process_database(tmp_path)
    manage(url, "migrate", "--noinput", "-v", "0")
    result_id = manage(url, "shell", "-v", "0", "-c", ENQUEUE).strip().splitlines()[-1]
    manage(url, "db_worker", "--batch", "--no-reload", "--no-startup-delay", "-v", "0")
    report = json.loads(manage(url, "shell", "-v", "0", "-c", REPORT.format(result_id=result_id)))
    assert report["state"] == "done"
    assert report["result"]["succeeded"] == 1 and report["result"]["failures"] == []
    assert report["mentions"] == report["result"]["places"] >= 1
