"""Two annotators saving at the same moment, in two threads with their own connections."""

import threading

import pytest
from django.db import connection

from articles.models import Article, Quote, Speaker, StaleEdit
from tests.ops import create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite's shared in-memory test database refuses a second writer at once "
        "instead of waiting; CI runs this on PostgreSQL",
    ),
]

BODY = "Peskov said talks were impossible. Kyiv said it would not talk."


def run_together(*jobs):
    """Run the jobs in threads released at once; each returns what its job returned."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def runner(i, job):
        try:
            results[i] = job(barrier)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_edits_of_one_quote_at_once_keep_one_and_refuse_the_other():
    speaker = create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov")
    article = create(Article, slug="a", headline="A", body=BODY)
    quote = create(
        Quote, article=article, start=12, end=33, exact="talks were impossible", speaker=speaker
    )

    def edit(kind):
        def job(barrier):
            mine = Quote.objects.get(pk=quote.pk)  # both load version 1
            barrier.wait()
            mine.kind = kind
            try:
                mine.save()
            except StaleEdit:
                return "refused"
            return "saved"

        return job

    results = run_together(edit("claim"), edit("indirect"))
    assert sorted(results) == ["refused", "saved"]
    quote.refresh_from_db()
    winner = "claim" if results[0] == "saved" else "indirect"
    assert quote.kind == winner and quote.version == 2
    assert quote.history.count() == 2  # created, then the one edit that was saved


def test_two_new_annotations_at_once_are_both_kept():
    speaker = create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov")
    article = create(Article, slug="a", headline="A", body=BODY)

    def add(start, end):
        def job(barrier):
            barrier.wait()
            create(
                Quote, article=article, start=start, end=end, exact=BODY[start:end], speaker=speaker
            )
            return "saved"

        return job

    assert run_together(add(0, 6), add(35, 39)) == ["saved", "saved"]
    assert sorted(Quote.objects.values_list("exact", flat=True)) == ["Kyiv", "Peskov"]
