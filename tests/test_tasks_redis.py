"""The same background jobs on the Redis queue (NEWSROOM_TASK_BACKEND=redis, django-tasks-rq),
against the real Redis of this machine: the test process's own database (``redis_url``),
emptied before and after. The workers run in this process, one after the other (the test
database is this process's); in production each is a process of its own (`manage.py
rqworker`)."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles import tasks
from articles.models import Article, JobProgress
from tests.conftest import redis_url

PAGES = Path(__file__).resolve().parent / "pages"
REDIS_URL = redis_url()


@pytest.fixture
def redis_queue(settings):
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError as error:
        # Redis is one of the services the suite needs (as the page-cache tests do); .ci/run
        # starts it when it is not running
        pytest.fail(f"no Redis at {REDIS_URL}: {error}")
    connection.flushdb()
    settings.TASKS = {
        "default": {"BACKEND": settings.TASK_BACKENDS["redis"], "QUEUES": ["default"]}
    }
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    yield connection
    connection.flushdb()


def work(n_workers=2):
    """Run ``n_workers`` RQ workers over the queue until it is empty (in this process: the
    test database is this connection's)."""
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default", job_class=Job)
    workers = [
        SimpleWorker([queue], connection=queue.connection, job_class=Job, name=f"w{i}")
        for i in range(n_workers)
    ]
    for worker in workers:
        worker.work(burst=True)


def test_the_backend_is_chosen_by_the_environment():
    from tests.test_production import settings_value

    backend = "settings.TASKS['default']['BACKEND']"
    env = {"NEWSROOM_TASK_BACKEND": "redis", "NEWSROOM_TASK_REDIS_URL": REDIS_URL}
    assert settings_value(backend, **env).stdout.strip() == "django_tasks_rq.RQBackend"
    assert settings_value("settings.RQ_QUEUES['default']['URL']", **env).stdout.strip() == (
        REDIS_URL
    )


def test_an_admin_import_runs_on_the_redis_queue(transactional_db, roles, client, redis_queue):
    user = User.objects.create_user("ed", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    files = [
        SimpleUploadedFile("a.html", (PAGES / "ledger-grain-talks.html").read_bytes()),
        SimpleUploadedFile("b.html", (PAGES / "meridian-kharkiv-shelling.html").read_bytes()),
    ]
    first = client.post("/admin/articles/article/import/", {"uploads": files[:1]})
    second = client.post("/admin/articles/article/import/", {"uploads": files[1:]})
    assert first.status_code == second.status_code == 302
    assert redis_queue.llen("rq:queue:default") == 2 and not Article.objects.exists()

    work(2)

    assert Article.objects.count() == 2
    assert redis_queue.llen("rq:queue:default") == 0
    page = client.get(first["Location"]).content.decode()
    assert 'data-state="done"' in page and "1 of 1 (100 %)" in page
    job_id = first["Location"].rstrip("/").rsplit("/", 1)[1]
    assert JobProgress.objects.get(job_id=job_id).percent == 100


def test_a_suggestion_job_runs_on_the_redis_queue(transactional_db, redis_queue, make_article):
    article = make_article(body='"We will not sign," said Dmitry Peskov in Kyiv.')
    result = tasks.suggest_for_articles.enqueue([article.pk], None)
    work(1)
    done = tasks.job(tasks.suggest_for_articles, result.id)
    assert done.state == "done" and done.result["succeeded"] == 1
    url = reverse("admin:articles_article_suggestion_job", args=[result.id])
    assert url.endswith(f"/{result.id}/")
