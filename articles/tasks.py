"""Background tasks, on Django's Tasks framework: work too long for a web request.

Django 6 ships the framework as ``django.tasks``; before it the ``django-tasks`` backport
provides the same API. The backend is chosen in settings (``NEWSROOM_TASK_BACKEND``): by default
django-tasks-db keeps each job in the database and ``manage.py db_worker`` runs it.

A task's arguments and return value are JSON; a job's status and result are read back by id
(``job``), so the admin can show how a run went after the request that started it is long over.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.util import find_spec
from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from simple_history.models import HistoricalRecords

from . import operations
from .changes import changing
from .models import Article

if TYPE_CHECKING or find_spec("django.tasks"):  # Django 6+ (and its stubs)
    from django.tasks import TaskResult, TaskResultStatus, task
    from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
else:
    from django_tasks import TaskResult, TaskResultStatus, task
    from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

logger = logging.getLogger(__name__)

__all__ = ["Job", "JobNotFound", "job", "suggest_for_articles"]


@contextmanager
def acting_as(user_id: int | None) -> Iterator[None]:
    """Record the history of what is written inside as ``user_id``'s doing, as the request
    middleware would have: a worker has no request of its own."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        yield
        return
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


class ArticleGone(Exception):
    """The article was deleted between the job's enqueueing and its run."""


def _suggest_one(article_id: int) -> tuple[int, int]:
    """Suggestions for one article, in its own transaction; (quotes, places) stored. The row
    is locked (PostgreSQL) so two runs on one article cannot both add the same suggestions."""
    with changing():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            raise ArticleGone("The article no longer exists (deleted before the job ran).")
        return operations.store_suggestions(article)


@task()
def suggest_for_articles(article_ids: list[int], user_id: int | None) -> dict:
    """Store suggestions for each article (``operations.store_suggestions``), each in its own
    transaction, so one article's failure keeps the others' suggestions. Returns the counts and
    the failures: ``{"articles", "succeeded", "quotes", "places", "failures": [{"article_id",
    "error"}]}``."""
    outcome = {"articles": len(article_ids), "succeeded": 0, "quotes": 0, "places": 0}
    failures = []
    with acting_as(user_id):
        for article_id in article_ids:
            try:
                quotes, places = _suggest_one(article_id)
            except ArticleGone as error:
                failures.append({"article_id": article_id, "error": str(error)})
                continue
            except Exception as error:  # one article's failure must not lose the others
                logger.exception("Suggestions for article %s failed", article_id)
                failures.append({"article_id": article_id, "error": _describe(error)})
                continue
            outcome["succeeded"] += 1
            outcome["quotes"] += quotes
            outcome["places"] += places
    return {**outcome, "failures": failures}


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class JobNotFound(Exception):
    """No job of that kind has that id (or the backend keeps no results)."""


STATES = {
    TaskResultStatus.READY: "queued",
    TaskResultStatus.RUNNING: "running",
    TaskResultStatus.SUCCESSFUL: "done",
    TaskResultStatus.FAILED: "failed",
}


@dataclass(frozen=True)
class Job:
    """What a person needs to know of a background job."""

    id: str
    state: str  # queued | running | done | failed
    finished: bool
    enqueued_at: object
    started_at: object
    finished_at: object
    result: dict = field(default_factory=dict)  # the task's return value, once done
    errors: list[str] = field(default_factory=list)  # why the job as a whole failed


def as_job(result: TaskResult) -> Job:
    done = result.status == TaskResultStatus.SUCCESSFUL
    return Job(
        id=str(result.id),
        state=STATES.get(result.status, str(result.status).lower()),
        finished=result.is_finished,
        enqueued_at=result.enqueued_at,
        started_at=result.started_at,
        finished_at=result.finished_at,
        result=(result.return_value or {}) if done else {},
        errors=[error.exception_class_path for error in result.errors],
    )


def summary(job: Job) -> str:
    """One sentence on a finished suggestion job, for a message."""
    if job.state != "done":
        return f"The suggestion job {job.state}: {', '.join(job.errors) or 'no reason given'}."
    r = job.result
    text = (
        f"{r['quotes']} quote and {r['places']} place suggestions added for {r['succeeded']} "
        f"of {r['articles']} articles, to review in each article's annotate view."
    )
    if r["failures"]:
        text += " Failed: " + "; ".join(f["error"] for f in r["failures"])
    return text


def job(task_, result_id: str) -> Job:
    """The job ``result_id`` of ``task_``; JobNotFound when there is none (unknown id, another
    task's job, or a backend that keeps no results)."""
    if not task_.get_backend().supports_get_result:
        raise JobNotFound(result_id)
    try:
        return as_job(task_.get_result(result_id))
    except (TaskResultDoesNotExist, TaskResultMismatch) as error:
        raise JobNotFound(result_id) from error
