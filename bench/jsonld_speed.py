"""Issue #14's W3C figure: the per-article JSON-LD of the heavy article (1,000 annotations)
<= 100 ms at 100,000 articles on PostgreSQL; and a page of the corpus's JSON-LD, first and deep.

Run (PostgreSQL and Redis on 127.0.0.1; the database is created, filled and reused as
``run.py`` does: the seed, ``generate_corpus --articles N --heavy``)::

    .venv/bin/python bench/jsonld_speed.py --database-url postgres://postgres@127.0.0.1:5432/newsroom_w3c
    .venv/bin/python bench/jsonld_speed.py --articles 10000     # a quicker corpus

What it does: production settings in this process (``corpus.Production``), then, interleaved in
one run, /healthz (the baseline) and each JSON-LD URL through Django's test client, each request
after the page cache was retired (no request is a page-cache hit): the heavy article "cold" (the
cache emptied first, as right after an edit of it: the document built from the database) and
"warm" (its JSON-LD kept for its revision); median and p95 in ms, queries, size.
"""

from __future__ import annotations

import argparse
import statistics
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
    percentile,
    prepare_database,
)

TARGET_MS = 100.0
HEAVY = "/articles/heavy/annotations.jsonld"


def measure(paths: dict[str, str], repeat: int) -> dict[str, dict]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles import pagecache

    client = Client(HTTP_HOST="127.0.0.1")
    samples: dict[str, list[float]] = {name: [] for name in ["/healthz", *paths]}
    for _ in range(20):  # warm up: connections, imports, the bundled contexts
        for path in ["/healthz", *paths.values()]:
            client.get(path)
    for _ in range(repeat):
        for name, path in [("/healthz", "/healthz"), *paths.items()]:
            if name.endswith("(cold)"):
                cache.clear()  # as after an edit of the article: built from the database
            pagecache.retire_everything()
            started = time.perf_counter()
            response = client.get(path)
            samples[name].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    report = {}
    for name, path in [("/healthz", "/healthz"), *paths.items()]:
        if name.endswith("(cold)"):
            cache.clear()
        pagecache.retire_everything()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        body = response.content
        report[name] = {
            "p50_ms": statistics.median(samples[name]),
            "p95_ms": percentile(samples[name], 0.95),
            "queries": len(queries),
            "bytes": len(body),
            "annotations": body.count(b'"type":"Annotation"'),
        }
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="measure the database as it is (it must hold the heavy article), not prepared",
    )
    args = parser.parse_args(argv)
    exit_cleanly_on_sigterm()
    with exclusive(args.database_url):
        if not args.as_is:
            prepare_database(args.database_url, args.articles)
        prod = Production(args.database_url)
        prod.apply_to_this_process()
        import django

        django.setup()
        import newsroom.wsgi  # noqa: F401 - start up as gunicorn's workers do (gc.freeze)
        from articles.models import Article, Quote

        articles = Article.objects.count()
        deep = Quote.objects.visible().order_by("pk").values_list("pk", flat=True)
        middle = deep[deep.count() // 2]
        paths = {
            "heavy article (cold)": HEAVY,
            "heavy article (warm)": HEAVY,
            "corpus collection": "/annotations.jsonld",
            "corpus first page": "/annotations.jsonld?page=first",
            "corpus page half-way": f"/annotations.jsonld?after=q{middle}&index=1",
            "corpus last page": "/annotations.jsonld?page=last",
        }
        try:
            log(f"measuring {len(paths)} JSON-LD URLs x {args.repeat}, with /healthz ...")
            report = measure(paths, args.repeat)
        finally:
            prod.cleanup()
    print(f"\nW3C JSON-LD at {articles:,} articles (in-process, page cache retired each time)")
    for name, row in report.items():
        print(
            f"  {name:24} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
            f"{row['queries']} queries  {row['bytes'] / 1000:,.0f} KB  "
            f"{row['annotations']} annotations"
        )
    for name in ("heavy article (cold)", "heavy article (warm)"):
        p95 = report[name]["p95_ms"]
        verdict = "ok" if p95 <= TARGET_MS else "MISSED"
        print(f"  {name} p95 {p95:.1f} ms (target <= {TARGET_MS:.0f} ms: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
