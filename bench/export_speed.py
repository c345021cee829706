"""Issue #14's CSV figure: the corpus's quotes as CSV, streamed, rows per second and the
process's peak memory.

Run (PostgreSQL; the 100,000-article corpus ``run.py`` and ``signed_in.py`` prepare, reused)::

    .venv/bin/python bench/export_speed.py                      # /export/quotes.csv, all of it
    .venv/bin/python bench/export_speed.py --path "/export/mentions.csv"

What it does: production settings in this process (``corpus.Production``), then the export's
URL through Django's test client, its streamed body read to the end and counted (rows, bytes),
timed from the request to the last byte; the process's peak resident memory (``ru_maxrss``)
before and after. Target: >= 50,000 rows/s with the peak under 200 MB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    Production,
    exclusive,
    exit_cleanly_on_sigterm,
    log,
    prepare_database,
)

ROWS_PER_SECOND = 50_000
PEAK_MB = 200


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--path", default="/export/quotes.csv")
    args = parser.parse_args(argv)
    exit_cleanly_on_sigterm()
    with exclusive(args.database_url):
        prepare_database(args.database_url, args.articles)
        prod = Production(args.database_url)
        prod.apply_to_this_process()
        import django

        django.setup()
        from django.test import Client

        try:
            before = peak_mb()
            log(f"GET {args.path} ...")
            started = time.perf_counter()
            response = Client(HTTP_HOST="127.0.0.1").get(args.path)
            lines = size = 0
            for piece in response.streaming_content:
                lines += piece.count(b"\n")
                size += len(piece)
            seconds = time.perf_counter() - started
        finally:
            prod.cleanup()
    rows = lines - 1  # the header
    rate, peak = rows / seconds, peak_mb()
    print(f"\n{args.path} at {args.articles:,} articles: {rows:,} rows, {size / 1e6:,.0f} MB")
    print(
        f"  {seconds:.1f} s, {rate:,.0f} rows/s (target >= {ROWS_PER_SECOND:,}: "
        f"{'ok' if rate >= ROWS_PER_SECOND else 'MISSED'})"
    )
    print(
        f"  peak memory {peak:,.0f} MB (before the request {before:,.0f} MB; target < {PEAK_MB}: "
        f"{'ok' if peak < PEAK_MB else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
