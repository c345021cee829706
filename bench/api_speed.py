"""Issue #14's API figure: a page of 100 quotes from the JSON API, p95, beside /healthz.

Run (PostgreSQL and Redis on 127.0.0.1; the database is created, filled and reused)::

    .venv/bin/python bench/api_speed.py                     # 100,000 articles (the target's size)
    .venv/bin/python bench/api_speed.py --articles 10000    # 10,000 (fast)
    .venv/bin/python bench/api_speed.py --json api.json

gunicorn with production settings (``corpus.Production``), the page cache off (so every request
is answered by the API, not from the cache) and the anonymous rate limit out of the way; on one
kept-alive connection, round after round, each API page right after a /healthz request
(interleaved, the same run), p50 and p95 of each. The pages: the first page of 100 quotes; 100
quotes deep in the list (the pages a client reaches by following ``next``, one after another);
100 quotes of the most quoted speaker; the same first page with a staff token (drafts and
suggestions, no public caching); the first page of 100 articles; the heavy article with its spans.
Target: "an API page of 100 quotes p95 <= 50 ms" at 100,000 articles.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    Gunicorn,
    KeepAlive,
    Production,
    exclusive,
    exit_cleanly_on_sigterm,
    log,
    percentile,
    prepare_database,
)
from run import django_in_process  # noqa: E402

P95_TARGET_MS = 50.0
QUOTE_PAGES = {"quotes, first page", "quotes, deep pages", "quotes, a speaker's", "quotes, token"}
USERNAME = "bench-api-editor"


def database_url_for(size: int) -> str:
    """``newsroom_bench`` holds 100,000 articles (as for ``run.py``); other sizes their own."""
    if size == 100_000:
        return DEFAULT_DATABASE_URL
    return DEFAULT_DATABASE_URL.replace("/newsroom_bench", f"/newsroom_bench_api_{size // 1000}k")


def staff_token() -> str:
    """A personal API token for an Editor (who may preview drafts)."""
    from django.contrib.auth.models import Group, User

    from articles.api.models import create_token

    user, _ = User.objects.get_or_create(username=USERNAME, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="Editors"))
    return create_token(user, "bench")[1]


def deep_pages(client: KeepAlive, first: str, n: int) -> list[str]:
    """The paths of the ``n`` pages after ``first``, following ``next``."""
    paths, path = [], first
    while len(paths) < n:
        response = client.get(path)
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}")
        following = json.loads(response.body)["next"]
        if following is None:
            break
        parts = urlsplit(following)
        path = f"{parts.path}?{parts.query}"
        paths.append(path)
    return paths


def api_pages(client: KeepAlive, rounds: int) -> dict[str, tuple[list[str], dict]]:
    """Each page by name: its paths (taken in turn) and the headers it is asked with."""
    from articles.models import Article, Speaker

    speaker = Speaker.objects.filter(n_quotes__gt=0).order_by("-n_quotes", "pk").first()
    heavy = Article.objects.filter(slug="heavy").first() or Article.objects.published().first()
    auth = {"Authorization": f"Bearer {staff_token()}"}
    first = "/api/v1/quotes?limit=100"
    return {
        "quotes, first page": ([first], {}),
        "quotes, deep pages": (deep_pages(client, first, rounds), {}),
        "quotes, a speaker's": ([f"/api/v1/quotes?speaker={speaker.slug}&limit=100"], {}),
        "quotes, token": ([first], auth),
        "articles, first page": (["/api/v1/articles?limit=100"], {}),
        "heavy article": ([f"/api/v1/articles/{heavy.slug}"], {}),
    }


def timed(client: KeepAlive, path: str, headers: dict) -> tuple[float, bytes]:
    started = time.perf_counter()
    response = client.get(path, headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}: {response.body[:300]!r}")
    return elapsed, response.body


def latency(server: Gunicorn, rounds: int) -> dict:
    client = KeepAlive(server.port)
    try:
        pages = api_pages(client, rounds)
        items = {}
        for name, (paths, headers) in pages.items():  # untimed: connections, caches
            _, body = timed(client, paths[0], headers)
            items[name] = len(json.loads(body).get("items", [])) or None
        samples = {name: {"page": [], "healthz": []} for name in pages}
        for n in range(rounds):
            for name, (paths, headers) in pages.items():
                samples[name]["healthz"].append(timed(client, "/healthz", {})[0])
                samples[name]["page"].append(timed(client, paths[n % len(paths)], headers)[0])
    finally:
        client.close()
    return {
        name: {
            "paths": len(pages[name][0]),
            "items": items[name],
            "p50": percentile(s["page"], 0.5),
            "p95": percentile(s["page"], 0.95),
            "healthz_p50": percentile(s["healthz"], 0.5),
            "healthz_p95": percentile(s["healthz"], 0.95),
            "n": len(s["page"]),
        }
        for name, s in samples.items()
    }


def measure(args) -> dict:
    report: dict = {"articles": args.articles, "database": args.database_url}
    report["prepared"] = prepare_database(args.database_url, args.articles)
    prod = Production(args.database_url, PUBLIC_PAGE_CACHE_SECONDS="0", API_ANON_RATE="1000000/m")
    try:
        prod.collectstatic()
        django_in_process(prod)
        from django.core.cache import cache

        cache.clear()  # the bench's own Redis database
        with Gunicorn(prod.env) as server:
            log(f"{args.articles:,} articles: API pages, {args.rounds} rounds ...")
            report["pages"] = latency(server, args.rounds)
    finally:
        prod.cleanup()
    return report


def print_report(report: dict) -> None:
    print(
        f"\nAPI pages at {report['articles']:,} articles (PostgreSQL, gunicorn, page cache off), "
        "one kept-alive connection, each page after a /healthz request; ms"
    )
    print(f"  {'page':<22} {'items':>5} {'p50':>7} {'p95':>7} {'hz p50':>7} {'hz p95':>7}  target")
    for name, row in report["pages"].items():
        target = ""
        if name in QUOTE_PAGES:
            target = "ok" if row["p95"] <= P95_TARGET_MS else "MISS"
            target = f"p95<={P95_TARGET_MS:g}: {target}"
        print(
            f"  {name:<22} {row['items'] or '':>5} {row['p50']:7.1f} {row['p95']:7.1f}"
            f" {row['healthz_p50']:7.2f} {row['healthz_p95']:7.2f}  {target}"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size")
    parser.add_argument("--rounds", type=int, default=100, help="timed requests per page")
    parser.add_argument("--database-url", help="default: newsroom_bench (100k) or _api_<N>k")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    args.database_url = args.database_url or database_url_for(args.articles)
    exit_cleanly_on_sigterm()
    with exclusive(args.database_url):
        report = measure(args)
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
