"""Background tasks, on Django's Tasks framework: work too long for a web request.

Django 6 ships the framework as ``django.tasks``; before it the ``django-tasks`` backport
provides the same API. The backend is chosen in settings (``NEWSROOM_TASK_BACKEND``): by default
django-tasks-db keeps each job in the database and ``manage.py db_worker`` runs it.

A task's arguments and return value are JSON; a job's status and result are read back by id
(``job``), so the admin can show how a run went after the request that started it is long over.
"""

import base64
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.util import find_spec
from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from simple_history.models import HistoricalRecords

from . import imports, operations, suggestions
from .changes import changing
from .importer import ParsedArticle
from .models import Article, JobProgress

if TYPE_CHECKING or find_spec("django.tasks"):  # Django 6+ (and its stubs)
    from django.tasks import TaskResult, TaskResultStatus, task
    from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
else:
    from django_tasks import TaskResult, TaskResultStatus, task
    from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

logger = logging.getLogger(__name__)

__all__ = ["Job", "JobNotFound", "import_articles", "job", "suggest_for_articles"]


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


def file_source(name: str, data: bytes) -> dict:
    """An uploaded file as a source of ``import_articles`` (a task's arguments are JSON)."""
    return {"kind": "file", "name": name, "data": base64.b64encode(data).decode("ascii")}


def url_source(url: str) -> dict:
    return {"kind": "url", "name": url}


def feed_source(url: str) -> dict:
    return {"kind": "feed", "name": url}


def _expand(sources: list[dict], items: list[dict]) -> list[dict]:
    """The sources with each feed replaced by its entries' pages still to import; a feed that
    fails, and entries imported before, go into ``items`` at once."""
    expanded = []
    for source in sources:
        if source.get("kind") != "feed":
            expanded.append(source)
            continue
        try:
            entries = imports.feed_entries(str(source["name"]))
        except imports.USER_ERRORS as error:
            items.append({"source": source["name"], "error": imports.describe(error)})
            continue
        for entry in entries:
            before = imports.imported_as(entry.url)
            if before is not None:
                items.append({"source": entry.url, "skipped": before.slug})
            else:
                expanded.append({"kind": "url", "name": entry.url, "feed": True})
    return expanded


PREVIEW_CHARS = 20_000  # of each body in a preview job's result


def _preview(parsed) -> dict:
    """What a source would become, with its suggestions (the body cut at PREVIEW_CHARS)."""
    body = parsed.body[:PREVIEW_CHARS]
    found = suggestions.as_json(*suggestions.find(parsed.body))
    return {
        "headline": parsed.headline,
        "dek": parsed.dek,
        "author": parsed.author_name,
        "published_on": parsed.published_on.isoformat() if parsed.published_on else "",
        "outlet": parsed.site_name or parsed.domain,
        "source_url": parsed.source_url,
        "language": parsed.language,
        "body": body,
        "truncated": len(parsed.body) > len(body),
        "quotes": [q for q in found["quotes"] if q["end"] <= len(body)],
        "places": [p for p in found["places"] if p["end"] <= len(body)],
    }


def _prepare(source: dict, dry_run: bool = False) -> dict | tuple[ParsedArticle, str]:
    """One source parsed: what to save (the article and its key), or, when there is nothing to
    save (a feed's entry imported before, a preview), its item for the page."""
    name = str(source["name"])
    if source.get("kind") == "url":
        parsed, key = imports.parse_url(name), ""
    else:
        parsed = imports.parse_file(name, base64.b64decode(source["data"]))
        key = f"upload:{name}"[:255]
    if not (source.get("feed") or dry_run):
        return parsed, key  # save_batch finds what it updates, for the whole batch at once
    before = imports.imported_as(parsed.source_url)
    if source.get("feed") and before is not None:
        return {"source": name, "skipped": before.slug}
    if dry_run:
        return {"source": name, "preview": _preview(parsed), "updates": before and before.slug}
    return parsed, key


def _saved(name: str, result: tuple[Article, bool] | Exception) -> dict:
    if isinstance(result, Exception):
        return {"source": name, "error": imports.describe(result)}
    article, created = result
    return {
        "source": name,
        "slug": article.slug,
        "headline": article.headline,
        "created": created,
        "status": article.status,
    }


def _save(names: list[str], parsed: list[tuple[ParsedArticle, str]], publish, suggest) -> list:
    """The items of these parsed sources, saved as one batch (``imports.save_batch``); should
    the batch fail for a reason that is no one source's fault, each alone, so that one
    source's failure does not lose the others."""
    try:
        results = imports.save_batch(parsed, publish, suggest)
    except Exception:
        if len(parsed) == 1:
            raise
        return [_save([n], [p], publish, suggest)[0] for n, p in zip(names, parsed, strict=True)]
    return [_saved(n, r) for n, r in zip(names, results, strict=True)]


@task(takes_context=True)
def import_articles(
    context,
    sources: list[dict],
    publish: bool,
    suggest: bool,
    user_id: int | None,
    dry_run: bool = False,
) -> dict:
    """Import each source (``{"kind": "url" | "file" | "feed", "name", "data"}``: a URL, an
    uploaded file's bytes in base64, a feed whose entries' pages are imported), in batches of
    ``imports.BATCH_SIZE`` (one operation each, every source in its own savepoint:
    ``imports.save_batch``), recording the progress as sources are read and the items after
    each batch (``JobProgress``). With ``dry_run``, write
    no article: each item has the ``preview`` of what it would become. Returns the counts and
    every item: ``{"total", "imported", "skipped", "failed", "dry_run", "items"}``."""
    items: list[dict] = []
    progress, _ = JobProgress.objects.update_or_create(
        job_id=str(context.task_result.id), defaults={"total": len(sources), "done": 0}
    )
    with acting_as(user_id):
        todo = _expand(sources, items)
        progress.total, progress.done, progress.items = len(items) + len(todo), len(items), items
        progress.save()
        for start in range(0, len(todo), imports.BATCH_SIZE):
            batch = todo[start : start + imports.BATCH_SIZE]
            slots: list[dict | int] = []  # each source's item, or its index in ``parsed``
            names: list[str] = []
            parsed: list[tuple[ParsedArticle, str]] = []
            for source in batch:
                slots.append(_prepared(source, dry_run, names, parsed))
                progress.done += 1  # read and parsed; the items follow with the batch
                _report(progress, ["done", "updated_at"])
            saved = []
            if parsed:
                try:
                    saved = _save(names, parsed, publish, suggest)
                except Exception as error:  # a bug: the batch's sources fail, the rest go on
                    logger.exception("Importing %r failed", names)
                    saved = [{"source": name, "error": _describe(error)} for name in names]
            items += [saved[slot] if isinstance(slot, int) else slot for slot in slots]
            _report(progress, ["done", "items", "updated_at"], force=True)
    return {
        "total": len(items),
        "imported": sum("slug" in item for item in items),
        "skipped": sum("skipped" in item for item in items),
        "failed": sum("error" in item for item in items),
        "dry_run": dry_run,
        "items": items,
    }


def _prepared(source: dict, dry_run: bool, names: list[str], parsed: list) -> dict | int:
    """The item of a source that needs no saving (an error, a skip, a preview), or the index of
    its parsed article, appended to ``parsed`` (and its name to ``names``)."""
    name = str(source.get("name"))
    try:
        prepared = _prepare(source, dry_run)
    except imports.USER_ERRORS as error:
        return {"source": name, "error": imports.describe(error)}
    except Exception as error:  # one source's failure must not lose the others
        logger.exception("Importing %r failed", name)
        return {"source": name, "error": _describe(error)}
    if isinstance(prepared, dict):
        return prepared
    names.append(name)
    parsed.append(prepared)
    return len(parsed) - 1


PROGRESS_EVERY = 0.5  # seconds: how often a job's progress is written while it reads sources


def _report(progress: JobProgress, fields: list[str], force: bool = False) -> None:
    """Save the job's progress, at most every PROGRESS_EVERY seconds unless ``force``."""
    now = time.monotonic()
    if force or now - getattr(progress, "_reported_at", 0.0) >= PROGRESS_EVERY:
        progress.save(update_fields=fields)
        setattr(progress, "_reported_at", now)  # noqa: B010 (not a field)


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
