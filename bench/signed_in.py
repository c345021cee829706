"""Issue #11's figures: signed-in reader pages at two corpus sizes, accept-all of 200
suggestions, which cached pages an edit retires, and the default settings' seed-article ratio.

Run (PostgreSQL and Redis on 127.0.0.1; each database is created, filled and reused)::

    .venv/bin/python bench/signed_in.py                        # 10,000 and 100,000 articles
    .venv/bin/python bench/signed_in.py --sizes 10000          # 10,000 only (fast)
    .venv/bin/python bench/signed_in.py --json signed_in.json

What one run does, each size in its own process (Django is set up once per database):

1. **signed-in pages**: gunicorn with production settings (``bench/run.py``'s), a staff user in
   the Annotators group with a real session cookie (so the page cache never answers), and on one
   kept-alive connection, round after round, every reader page, each right after a /healthz
   request (interleaved, same run); p50/p95 per page, and p95 at the largest size against
   "every reader page p95 <= 50 ms" and "no page's p95 more than 1.5x its p95 at the smallest";
2. (largest size) **accept-all**, in-process: a 5,000-word draft and published article with at
   least 200 suggested quotes (``operations.store_suggestions``), then
   ``operations.accept_suggestions`` on all of them, timed and its queries counted; the article
   and the speakers it created are deleted through the operations afterwards;
3. (largest size) **retired pages**: with the page cache on (Redis), N public pages warmed
   anonymously, then a draft edited through an operation, then a published article's headline:
   how many pages are still answered from the cache after each;
4. (largest size) **default settings**: gunicorn with the default production settings, no
   ``CACHE_URL`` (the cache a directory the workers share), ``wrk`` on the seed article beside
   /healthz (``run.throughput``), with ``DATABASE_CONN_MAX_AGE=0`` (the default) and ``=60``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    PYTHON,
    ROOT,
    Gunicorn,
    KeepAlive,
    Production,
    exclusive,
    exit_cleanly_on_sigterm,
    log,
    percentile,
    prepare_database,
)
from run import BROWSER, HEAVY_PATH, SEED_PATH, django_in_process, throughput  # noqa: E402

P95_TARGET_MS = 50.0
GROWTH_TARGET = 1.5
SEARCHES = ["ceasefire talks", "Kovalenko", '"humanitarian corridors"', "said"]
# Pages whose every timed request is a path asked for the first time (its results not kept yet):
# warmed with their first path only, and each round takes the next.
FIRST_TIME = {"search (a new query)"}
NEW_QUERY_WORDS = ["talks", "shelling", "said", "aid", "border"]
USERNAME = "bench-annotator"
ACCEPT_WORDS = 5_000
ACCEPT_QUOTES = 220  # what the body offers; the suggester must find at least 200


def database_url_for(size: int) -> str:
    """``newsroom_bench`` holds 100,000 articles (as for ``run.py``), ``newsroom_bench_<N>k``
    any other size, so no size refills another's database."""
    if size == 100_000:
        return DEFAULT_DATABASE_URL
    return DEFAULT_DATABASE_URL.replace("/newsroom_bench", f"/newsroom_bench_{size // 1000}k")


# --- 1. Signed-in pages -------------------------------------------------------------------------


def reader_pages() -> dict[str, list[str]]:
    """Every reader page by name (several paths for the search), chosen from this database."""
    from articles.models import Outlet, Place, Quote, Speaker

    outlets = list(Outlet.objects.filter(n_articles__gt=0).order_by("-n_articles", "pk"))
    speakers = list(Speaker.objects.filter(n_quotes__gt=0).order_by("-n_quotes", "pk"))
    places = list(Place.objects.filter(n_mentions__gt=0).order_by("-n_mentions", "pk"))
    quote = (
        Quote.objects.visible()
        .filter(speaker=speakers[0])
        .select_related("article")
        .order_by("-article__published_on", "pk")
        .first()
    )
    return {
        "/": ["/"],
        "search": ["/?" + urlencode({"q": q}) for q in SEARCHES],
        "search (a new query)": [
            "/?" + urlencode({"q": f"{place.name} {word}"})
            for place in places[:25]
            for word in NEW_QUERY_WORDS
        ],
        "/speakers/": ["/speakers/"],
        "most quoted speaker": [speakers[0].get_absolute_url()],
        "median speaker": [middle(speakers).get_absolute_url()],
        "/places/": ["/places/"],
        "most mentioned place": [places[0].get_absolute_url()],
        "median place": [middle(places).get_absolute_url()],
        "seed article": [SEED_PATH],
        "heavy article": [HEAVY_PATH],
        "quote panel (htmx)": [f"/articles/{quote.article.slug}/quotes/{quote.pk}/"],
        "/outlets/": ["/outlets/"],
        "largest outlet": [outlets[0].get_absolute_url()],
        "smallest outlet": [outlets[-1].get_absolute_url()],
    }


def middle(entities: list):
    """A typical speaker or place, the same one at every corpus size (the generated corpora share
    their world): the middle one by slug, of those readers see. The middle by count differs by
    size, and its page then measures another entity, not the corpus's growth."""
    return sorted(entities, key=lambda e: e.slug)[len(entities) // 2]


def annotator_cookie() -> str:
    """A session for a staff user in the Annotators group, as the Cookie header sends it."""
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.test import Client

    user, _ = User.objects.get_or_create(username=USERNAME, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name="Annotators"))
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def timed_get(client: KeepAlive, path: str, headers: dict) -> float:
    started = time.perf_counter()
    response = client.get(path, headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}")
    return elapsed


def signed_in_latency(
    server: Gunicorn, pages: dict[str, list[str]], rounds: int, budget_ms: float = 30_000
) -> dict:
    """p50/p95 of each page and of the /healthz request timed just before it, interleaved;
    ``rounds`` times each, or at least 5 when a page has taken ``budget_ms`` already."""
    cookie = annotator_cookie()
    headers = {**BROWSER, "Cookie": cookie}
    client = KeepAlive(server.port)
    samples = {name: {"page": [], "healthz": []} for name in pages}
    try:
        for name, paths in pages.items():  # untimed: connections, render caches, signed in?
            for path in paths[:1] if name in FIRST_TIME else paths:
                response = client.get(path, headers | _htmx(name))
                if response.status != 200 or "private" not in response.headers.get(
                    "Cache-Control", ""
                ):
                    raise SystemExit(f"GET {path} signed in: {response.status}, not private")
        spent = dict.fromkeys(pages, 0.0)
        for n in range(rounds):
            for name, paths in pages.items():
                if n >= 5 and spent[name] > budget_ms:  # a slow page must not take an hour
                    continue
                if name in FIRST_TIME:
                    if n + 1 >= len(paths):
                        raise SystemExit(f"{name}: only {len(paths) - 1} paths for {rounds} rounds")
                    path = paths[n + 1]
                else:
                    path = paths[n % len(paths)]
                samples[name]["healthz"].append(timed_get(client, "/healthz", headers))
                samples[name]["page"].append(timed_get(client, path, headers | _htmx(name)))
                spent[name] += samples[name]["page"][-1]
    finally:
        client.close()
    return {
        name: {
            "paths": pages[name],
            "p50": percentile(s["page"], 0.5),
            "p95": percentile(s["page"], 0.95),
            "healthz_p50": percentile(s["healthz"], 0.5),
            "healthz_p95": percentile(s["healthz"], 0.95),
            "n": len(s["page"]),
        }
        for name, s in samples.items()
    }


def _htmx(name: str) -> dict:
    return {"HX-Request": "true"} if "htmx" in name else {}


# --- 2. Accept-all ------------------------------------------------------------------------------

FIRST = "Amara Tomas Ines Kofi Lena Rafael Yusra Milan Noor Daria Idris Sofia Bram Elif Jonas"
LAST = (
    "Okafor Ferreira Lindqvist Mbeki Varga Haddad Novak Castellano Oyelaran Brandt Sorensen "
    "Achterberg Quispe Mwangi Halvorsen"
)
BETWEEN = "Aid convoys waited at the checkpoint while officials discussed the route. "
NARRATIVE = (
    "Aid convoys waited at the checkpoint for most of the morning while officials discussed the "
    "route. Residents gathered near the market and spoke about the shortages of fuel and water. "
)


def accept_body(quotes: int, words: int) -> str:
    """A body of ``words`` words or more: ``quotes`` attributed quotes between narrative."""
    names = [f"{f} {last}" for f in FIRST.split() for last in LAST.split()]
    parts = []
    for i in range(quotes):
        parts.append(f'"Supplies for district {i} must move tonight," said {names[i]}. ')
        parts.append(BETWEEN)
    body = "".join(parts)
    while len(body.split()) < words:
        body += NARRATIVE
    return body.strip()


def accept_all(published: bool) -> dict:
    """Time ``accept_suggestions`` on every suggestion of a fresh 5,000-word article."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from articles import operations
    from articles.models import Article, Place, PlaceMention, Quote, Speaker, unique_slug

    speakers_before = set(Speaker.objects.values_list("pk", flat=True))
    places_before = set(Place.objects.values_list("pk", flat=True))
    headline = f"Bench accept-all {os.getpid()} {'published' if published else 'draft'}"
    status = Article.Status.PUBLISHED if published else Article.Status.DRAFT
    body = accept_body(ACCEPT_QUOTES, ACCEPT_WORDS)
    article = operations.save_article(
        Article(headline=headline, slug=unique_slug(Article, headline), body=body, status=status)
    )
    try:
        operations.store_suggestions(article)
        spans = list(Quote.objects.filter(article=article, status="suggested"))
        spans += list(PlaceMention.objects.filter(article=article, status="suggested"))
        if len(spans) < 200:
            raise SystemExit(f"only {len(spans)} suggestions in the accept-all article (< 200)")
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            operations.accept_suggestions(spans)
            seconds = time.perf_counter() - started
        confirmed = Quote.objects.filter(article=article, status="confirmed").count()
    finally:
        operations.delete_article(article)
        for speaker in Speaker.objects.exclude(pk__in=speakers_before):
            operations.delete_name(speaker)
        for place in Place.objects.exclude(pk__in=places_before):
            operations.delete_name(place)
    return {
        "published": published,
        "words": len(body.split()),
        "suggestions": len(spans),
        "confirmed_quotes": confirmed,
        "seconds": seconds,
        "queries": len(queries),
    }


# --- 3. Which cached pages an edit retires ------------------------------------------------------


def public_pages() -> dict[str, list[str]]:
    """The pages warmed, by kind: the list, searches, 50 articles, 20 speakers, 20 places."""
    from articles.models import Article, Place, Speaker

    articles = Article.objects.published().order_by("-published_on", "pk")[:50]
    speakers = Speaker.objects.filter(n_quotes__gt=0).order_by("-n_quotes", "pk")[:20]
    places = Place.objects.filter(n_mentions__gt=0).order_by("-n_mentions", "pk")[:20]
    return {
        "lists": ["/", "/speakers/", "/places/"],
        "searches": ["/?" + urlencode({"q": q}) for q in SEARCHES],
        "articles": [a.get_absolute_url() for a in articles],
        "speakers": [s.get_absolute_url() for s in speakers],
        "places": [p.get_absolute_url() for p in places],
    }


def still_cached(client, pages: dict[str, list[str]]) -> dict[str, int]:
    """How many of ``pages`` the page cache answers, by kind (a miss stores the page again)."""
    return {
        kind: sum(client.get(path).get("X-Page-Cache") == "hit" for path in paths)
        for kind, paths in pages.items()
    }


def retired_pages() -> dict:
    """Warm the public pages, edit a draft, then a published headline: hits after each."""
    from django.conf import settings
    from django.test import Client

    from articles import operations
    from articles.models import Article, unique_slug

    if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
        raise SystemExit("the page cache is off: CACHE_URL must be Redis")
    client = Client(HTTP_HOST="127.0.0.1")
    pages = public_pages()
    headline = f"Bench draft {os.getpid()}"
    draft = operations.save_article(
        Article(headline=headline, slug=unique_slug(Article, headline), body="A draft body.")
    )
    published = Article.objects.get(slug=urlsplit(pages["articles"][0]).path.split("/")[2])
    original = published.headline
    try:
        for paths in pages.values():
            for path in paths:
                client.get(path)
        warm = still_cached(client, pages)
        draft.headline += " (edited)"
        operations.save_article(draft)
        after_draft = still_cached(client, pages)
        for paths in pages.values():  # anything a miss re-stored is a hit again
            for path in paths:
                client.get(path)
        published.headline = original + " (edited)"
        operations.save_article(published)
        after_published = still_cached(client, pages)
    finally:
        published.headline = original
        operations.save_article(published)
        operations.delete_article(draft)
    return {
        "pages": {kind: len(paths) for kind, paths in pages.items()},
        "warm": warm,
        "after_draft_edit": after_draft,
        "after_published_edit": after_published,
        "published_article": published.slug,
    }


# --- 4. Default settings: the seed article without Redis ----------------------------------------


def default_settings_ratio(url: str, seconds: float, connections: int) -> dict:
    """wrk on the seed article beside /healthz with the default production settings (no
    CACHE_URL: the cache is a directory the workers share, ``var/cache``, emptied first so that
    no page of another database is in it), per DATABASE_CONN_MAX_AGE."""
    rows = {}
    for max_age in (0, 60):
        prod = Production(url, conn_max_age=max_age, cache_url=None)
        shutil.rmtree(ROOT / "var" / "cache", ignore_errors=True)
        try:
            prod.collectstatic()
            with Gunicorn(prod.env) as server:
                row = throughput(server, {"seed article": SEED_PATH}, seconds, connections)
                result = row["seed article"]
                rows[f"conn_max_age={max_age}"] = {
                    "ratio": result["ratio"],
                    "rps": result["wrk"].rps,
                    "healthz_rps": result["healthz"].rps,
                    "p50_ms": result["wrk"].latency_p50_ms,
                    "errors": result["wrk"].non_2xx_3xx + result["wrk"].socket_errors,
                }
        finally:
            prod.cleanup()
    return rows


# --- One size, in its own process ---------------------------------------------------------------


def measure_size(args) -> dict:
    report: dict = {"articles": args.articles, "database": args.database_url}
    report["prepared"] = prepare_database(args.database_url, args.articles)
    prod = Production(args.database_url)
    try:
        prod.collectstatic()
        django_in_process(prod)
        from django.core.cache import cache

        cache.clear()  # the bench's own Redis database
        parts = args.parts.split(",")
        if "pages" in parts:
            with Gunicorn(prod.env) as server:
                log(f"{args.articles:,} articles: signed-in pages, {args.rounds} rounds ...")
                report["pages"] = signed_in_latency(server, reader_pages(), args.rounds)
        if args.extras:
            extras = {
                "accept_all": lambda: [accept_all(published=False), accept_all(published=True)],
                "retired": retired_pages,
                "default_settings": lambda: default_settings_ratio(
                    args.database_url, args.seconds, args.connections
                ),
            }
            for name, measure in extras.items():
                if name in parts:
                    log(f"{name} ...")
                    started = time.perf_counter()
                    report[name] = measure()
                    log(f"  {time.perf_counter() - started:.0f} s: {report[name]}")
    finally:
        prod.cleanup()
    return report


def run_size(size: int, url: str, extras: bool, args) -> dict:
    """``measure_size`` in a child process (one Django setup per database)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [PYTHON, __file__, "--one-size", "--articles", str(size)]
        command += ["--database-url", url, "--rounds", str(args.rounds), "--json", out.name]
        command += ["--seconds", str(args.seconds), "--connections", str(args.connections)]
        command += ["--parts", args.parts]
        if extras:
            command.append("--extras")
        subprocess.run(command, check=True)
        return json.loads(Path(out.name).read_text())


# --- Report -------------------------------------------------------------------------------------


def page_verdicts(reports: list[dict]) -> dict[str, dict]:
    """Per page: p95 at each size, the ratio largest/smallest, and the two targets."""
    small, large = reports[0]["pages"], reports[-1]["pages"]
    rows = {}
    for name, row in large.items():
        growth = row["p95"] / small[name]["p95"] if len(reports) > 1 else float("nan")
        rows[name] = {
            "p95_small": small[name]["p95"],
            "p95_large": row["p95"],
            "p50_large": row["p50"],
            "healthz_p95_large": row["healthz_p95"],
            "growth": growth,
            "p95_ok": row["p95"] <= P95_TARGET_MS,
            "growth_ok": len(reports) == 1 or growth <= GROWTH_TARGET,
        }
    return rows


def print_report(reports: list[dict]) -> None:
    sizes = [f"{r['articles'] // 1000}k" for r in reports]
    small, large = sizes[0], sizes[-1]
    print(
        "\nSigned-in reader pages (staff, Annotators, session cookie: no page cache), one "
        "kept-alive connection, each page after a /healthz request; ms"
    )
    print(
        f"  {'page':<22} {'p95 ' + small:>9} {'p50 ' + large:>9} {'p95 ' + large:>9}"
        f" {'hz p95':>7} {large + '/' + small:>9}  p95<={P95_TARGET_MS:g}  x<={GROWTH_TARGET:g}"
    )
    if not all("pages" in r for r in reports):
        return
    for name, v in page_verdicts(reports).items():
        print(
            f"  {name:<22} {v['p95_small']:9.1f} {v['p50_large']:9.1f} {v['p95_large']:9.1f}"
            f" {v['healthz_p95_large']:7.2f} {v['growth']:9.2f}  {_mark(v['p95_ok']):>8}"
            f"  {_mark(v['growth_ok']):>6}"
        )


def print_extras(extras: dict, large: str) -> None:
    for row in extras.get("accept_all", []):
        kind = "published" if row["published"] else "draft"
        print(
            f"\nAccept-all, {kind} article of {row['words']:,} words: {row['suggestions']} "
            f"suggestions in {row['seconds']:.3f} s, {row['queries']} queries "
            f"(target <= 1 s: {_mark(row['seconds'] <= 1.0)})"
        )
    if retired := extras.get("retired"):
        print(f"\nPages still answered from the page cache ({large}), of those warmed:")
        print(f"  {'kind':<10} {'warmed':>7} {'hits warm':>10} {'after draft edit':>17}", end="")
        print(f" {'after published headline edit':>30}")
        for kind, n in retired["pages"].items():
            print(
                f"  {kind:<10} {n:7d} {retired['warm'][kind]:10d}"
                f" {retired['after_draft_edit'][kind]:17d}"
                f" {retired['after_published_edit'][kind]:30d}"
            )
    if default := extras.get("default_settings"):
        print("\nSeed article, default production settings (no Redis), wrk, ratio to /healthz:")
        for name, row in default.items():
            print(
                f"  {name:<16} {row['ratio']:.2f}x (target >= 0.5: {_mark(row['ratio'] >= 0.5)})"
                f"  {row['rps']:,.0f} req/s vs /healthz {row['healthz_rps']:,.0f},"
                f" p50 {row['p50_ms']:.1f} ms, {row['errors']} errors"
            )


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="corpus sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=60, help="timed requests per page")
    parser.add_argument("--seconds", type=float, default=10.0, help="wrk, per page")
    parser.add_argument("--connections", type=int, default=32, help="wrk")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument(
        "--parts",
        default="pages,accept_all,retired,default_settings",
        help="which measurements, comma-separated (the last three at the largest size only)",
    )
    parser.add_argument("--one-size", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--articles", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--extras", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    exit_cleanly_on_sigterm()
    if args.one_size:
        with exclusive(args.database_url):
            report = measure_size(args)
        Path(args.json).write_text(json.dumps(report, indent=2, default=str))
        return 0
    sizes = sorted(int(s) for s in args.sizes.split(","))
    reports = [run_size(size, database_url_for(size), size == sizes[-1], args) for size in sizes]
    print_report(reports)
    print_extras(reports[-1], f"{sizes[-1] // 1000}k")
    if args.json:
        summary = {"sizes": reports}
        if all("pages" in r for r in reports):
            summary["pages"] = page_verdicts(reports)
        Path(args.json).write_text(json.dumps(summary, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
