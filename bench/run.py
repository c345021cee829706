"""Throughput, search latency and import rate, each as a ratio measured in the same run.

Run (PostgreSQL; the database is created, filled and reused between runs)::

    .venv/bin/python bench/run.py                               # 10,000 articles, 10 s per page
    .venv/bin/python bench/run.py --articles 100000 --search-only

What one run does:

1. prepares the database: ``migrate``, ``load_seed``, ``generate_corpus --heavy`` (reused when it
   already holds exactly that corpus), and ``collectstatic`` into a temporary STATIC_ROOT;
2. counts the queries of each reader page in-process (Django's test client and
   ``CaptureQueriesContext``, production settings), with an empty render cache and a warm one;
3. starts gunicorn with production settings (DJANGO_DEBUG=0, a fresh secret key,
   DJANGO_ALLOWED_HOSTS=127.0.0.1, DJANGO_SECURE_SSL_REDIRECT=0, DATABASE_CONN_MAX_AGE=60;
   2 x cores + 1 gthread workers) and measures with ``wrk`` (C keep-alive connections, S seconds
   each) /healthz, calibration views (one query; a cached response of the seed's and the heavy
   page's size, no query and no template), the seed article, the heavy article, ``/`` and a
   search. Article pages are plain GETs without If-None-Match, so they are never answered 304:
   the first request renders (cold cache; timed on its own), the rest come from each worker's
   render cache (warm). Each page is reported as a ratio to /healthz, the ceiling of anything
   this stack serves, measured just before it (the machine may be shared: an adjacent ceiling
   drifts less than one from the start of the run);
4. search latency: every query of a fixed set, timed end to end over HTTP on one kept-alive
   connection, p50/p95 per class and overall, and the search page's throughput ratio;
5. import rate: N files in the seed's format, ``import_articles --publish`` on them, as a ratio to
   the parse-only rate (``articles.importer.parse``) on the same files; the imported articles are
   deleted afterwards.

``--profile PATH`` adds a py-spy profile of gunicorn while wrk loads PATH (py-spy must be on PATH
or in /tmp/pyspy/bin).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    SEED,
    Gunicorn,
    KeepAlive,
    Production,
    default_workers,
    drain,
    exclusive,
    exit_cleanly_on_sigterm,
    get,
    log,
    lua_paths,
    percentile,
    prepare_database,
    wrk,
)

SEED_SLUG = "russia-announces-kherson-withdrawal-completed-kremlin-says-regions-status-is-unchanged"
SEED_PATH = f"/articles/{SEED_SLUG}/"
HEAVY_PATH = "/articles/heavy/"
SEARCH_PATH = "/?q=ceasefire+talks"
CALIBRATION_PATH = "/bench/one-query"
TARGETS = {"seed article": 0.9, "heavy article": 0.5}
# wrk asks as browsers and CDNs do (kept pages go gzipped to such clients), /healthz included.
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
SEARCH_P95_TARGET_MS = 20.0

# Search queries by class, in websearch syntax; names and places are in the generated corpus
# (articles.management.commands.generate_corpus) or the seed article.
SEARCH_QUERIES = {
    "speaker names": [
        "Kovalenko",
        "Olena Kovalenko",
        "Kremlin",
        "Rapid Support Forces",
        "Peskov",
        "Kovalenco",  # misspelt: the trigram match on names
    ],
    "places": ["Kharkiv", "El Fasher", "Gaza City", "Bakhmut", "Goma", "Kherson"],
    "phrases": [
        '"humanitarian corridors"',
        '"air defence"',
        '"prisoner exchange"',
        "ceasefire -Gaza",
        "drones OR missiles",
        '"front line" Donbas',
    ],
    "rare words": ["Milley", "referendums", "intransigent", "Zaporizhzhia oblast", "zzzxq"],
    "common words": ["said", "fighting", "civilians", "the war", "talks"],
}

CALIBRATION_URLS = '''"""Bench only: the project's URLs and calibration views (same middleware).

/bench/one-query runs one small query and answers "ok": the floor of any page that reads the
database. /bench/cached/<n> answers n bytes of HTML kept in the cache (no query, no template):
the ceiling of a page served from a full-response cache.
"""
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import include, path

from articles.models import Article


def one_query(request):
    Article.objects.filter(pk=1).values_list("revision", flat=True).first()
    return HttpResponse("ok", content_type="text/plain")


def cached(request, size):
    body = cache.get(f"bench-cached-{size}")
    if body is None:
        body = ("<p>" + "x" * 96 + "</p>\\n") * (size // 104) + "x" * (size % 104)
        cache.set(f"bench-cached-{size}", body, 3600)
    return HttpResponse(body)


urlpatterns = [
    path("bench/one-query", one_query),
    path("bench/cached/<int:size>", cached),
    path("", include("newsroom.urls")),
]
'''


def setup_production(url: str) -> Production:
    prod = Production(url)
    (prod.dir / "newsroom_bench_urls.py").write_text(CALIBRATION_URLS)
    with open(prod.dir / "newsroom_bench_settings.py", "a") as settings:
        settings.write('ROOT_URLCONF = "newsroom_bench_urls"\n')
    log("collectstatic into", prod.static_root)
    prod.collectstatic()
    return prod


# --- In-process: queries per page, cold and warm render -----------------------------------------


def django_in_process(prod: Production):
    prod.apply_to_this_process()
    import django

    django.setup()


def query_counts(paths: dict[str, str]) -> dict[str, dict]:
    """Queries of each page: with an empty cache, with its rendering cached but not the whole page
    (the page cache's generation bumped, as any edit does), and as a page-cache hit."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles import pagecache

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, path in paths.items():
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        pagecache._bump()
        with CaptureQueriesContext(connection) as warm:
            client.get(path)
        with CaptureQueriesContext(connection) as hit:
            again = client.get(path)
        assert again.get("X-Page-Cache") == "hit", (path, "not from the page cache")
        counts[name] = {
            "cold": len(cold),
            "warm": len(warm),
            "hit": len(hit),
            "bytes": len(response.content),
        }
    return counts


def in_process_times(paths: dict[str, str], repeat: int = 30) -> dict[str, dict]:
    """Median in-process time of a request with an empty cache, with the rendering cached (page
    cache missed) and from the page cache, each as a multiple of one /healthz request."""
    from django.core.cache import cache
    from django.test import Client

    from articles import pagecache

    client = Client(HTTP_HOST="127.0.0.1")

    def timed(path, before):
        samples = []
        for _ in range(repeat):
            before()
            started = time.perf_counter()
            client.get(path)
            samples.append(time.perf_counter() - started)
        return statistics.median(samples)

    def nothing():
        pass

    for _ in range(50):
        client.get("/healthz")
    ceiling = timed("/healthz", nothing)
    return {
        name: {
            "cold": timed(path, cache.clear) / ceiling,
            "warm": timed(path, pagecache._bump) / ceiling,
            "hit": timed(path, nothing) / ceiling,
        }
        for name, path in paths.items()
    } | {"_healthz_ms": ceiling * 1000}


# --- Over HTTP ----------------------------------------------------------------------------------


def throughput(server: Gunicorn, pages: dict[str, str], seconds: float, connections: int):
    """wrk on each page, and on /healthz right before it: the ratio is to that adjacent ceiling.

    Each page gets one timed request first (an empty render cache in whichever worker takes it),
    then 2 s of warm-up, then the measured seconds; the server works off what wrk left queued
    before the next measurement. The machine is shared, so a ceiling measured seconds before the
    page is fairer than one from the start of the run.
    """
    rows = {}
    healthz_latency = statistics.median(_single_get(server.port, "/healthz") for _ in range(20))

    def run(path, duration, script=None):
        drain(server.port)
        result = wrk(server.base + path, duration, connections, script=script, headers=BROWSER)
        drained = drain(server.port)
        if drained > 1:
            log(f"  (the server needed {drained:.0f} s to work off the requests wrk left queued)")
        return result

    for name, path in pages.items():
        script = lua_paths(path) if isinstance(path, list) else None
        target = "/" if script else path
        ceiling = run("/healthz", seconds / 2)
        drain(server.port)
        first = float("nan") if script else _single_get(server.port, target)
        wrk(server.base + target, 2, connections, script=script, headers=BROWSER)  # warm all
        result = run(target, seconds, script)
        rows[name] = {
            "wrk": result,
            "healthz": ceiling,
            "ratio": result.rps / ceiling.rps,
            "first_request_vs_healthz": first / healthz_latency,
        }
        log(
            f"  {name:<22} {result.rps:9.1f} req/s vs /healthz {ceiling.rps:6.0f}: "
            f"{rows[name]['ratio']:.3f}x"
        )
    return rows


def _single_get(port: int, path: str) -> float:
    started = time.perf_counter()
    response = get(port, path)
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}")
    return elapsed


def search_latency(server: Gunicorn, repeat: int, budget: float = 15.0) -> dict:
    """Each query timed ``repeat`` times end to end, or fewer (at least 5) when that takes more
    than ``budget`` seconds: a slow query must not make the run last an hour.

    Two figures per query: "uncached", with the page cache's generation bumped before every
    request (as an edit does), so the database answers each time; and "cached", the same search
    asked again, from the page cache. The target is judged on the uncached figures."""
    from urllib.parse import urlencode

    from articles import pagecache

    client = KeepAlive(server.port)
    table: dict[str, dict] = {}
    by_query: dict[str, float] = {}
    try:
        for mode, before in (("uncached", pagecache._bump), ("cached", lambda: None)):
            by_class: dict[str, list[float]] = {}
            for cls, queries in SEARCH_QUERIES.items():
                for q in queries:
                    path = "/?" + urlencode({"q": q})
                    response = client.get(path)  # untimed: connections, the filter choices
                    if response.status != 200:
                        raise SystemExit(f"GET {path} answered {response.status}")
                    samples = []
                    began = time.perf_counter()
                    for n in range(repeat):
                        if n >= 5 and time.perf_counter() - began > budget:
                            break
                        before()
                        started = time.perf_counter()
                        response = client.get(path)
                        samples.append((time.perf_counter() - started) * 1000)
                        if response.status != 200:
                            raise SystemExit(f"GET {path} answered {response.status}")
                    by_class.setdefault(cls, []).extend(samples)
                    if mode == "uncached":
                        by_query[q] = percentile(samples, 0.5)
            everything = [s for samples in by_class.values() for s in samples]
            table[mode] = {
                cls: {"p50": percentile(s, 0.5), "p95": percentile(s, 0.95), "n": len(s)}
                for cls, s in by_class.items()
            } | {
                "overall": {
                    "p50": percentile(everything, 0.5),
                    "p95": percentile(everything, 0.95),
                    "n": len(everything),
                }
            }
    finally:
        client.close()
    return {"classes": table["uncached"], "cached": table["cached"], "queries_p50": by_query}


def search_paths() -> list[str]:
    from urllib.parse import urlencode

    return ["/?" + urlencode({"q": q}) for qs in SEARCH_QUERIES.values() for q in qs]


# --- Import rate --------------------------------------------------------------------------------


def generated_files(folder: Path, prefix: str, seed: int, count: int) -> list[str]:
    """``count`` generated articles written to ``folder`` in the seed's format."""
    from articles.management.commands.generate_corpus import World, generate_article

    world = World.build()
    files = []
    for i in range(count):
        path = folder / f"{prefix}{i:05d}.txt"
        path.write_text(generate_article(world, seed, i).as_text(), encoding="utf-8")
        files.append(str(path))
    return files


def import_rate(count: int) -> dict:
    """Time ``import_articles`` on ``count`` generated files against parsing them only."""
    from django.core.management import call_command

    from articles.importer import parse
    from articles.models import Article

    prefix = f"bench-import-{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix="newsroom-import-") as tmp:
        files = generated_files(Path(tmp), prefix, 1000 + SEED, count)
        started = time.perf_counter()
        for _ in range(3):  # parse-only: three passes, the best one (it is fast)
            for name in files:
                parse(Path(name).read_bytes())
        parse_s = (time.perf_counter() - started) / 3
        started = time.perf_counter()
        call_command("import_articles", *files, publish=True, stdout=StringIO())
        import_s = time.perf_counter() - started
    imported = Article.objects.filter(source_file__contains=f"/{prefix}")
    n = imported.count()
    imported.delete()
    Article.history.filter(source_file__contains=f"/{prefix}").delete()
    return {
        "files": count,
        "imported": n,
        "import_rate": count / import_s,
        "parse_rate": count / parse_s,
        "ratio": (count / import_s) / (count / parse_s),
    }


def profile_import(count: int) -> str:
    """cProfile of import_articles on ``count`` files: where the import time goes."""
    import cProfile
    import pstats

    from django.core.management import call_command

    from articles.models import Article

    prefix = f"bench-profile-{os.getpid()}-"
    with tempfile.TemporaryDirectory(prefix="newsroom-import-") as tmp:
        files = generated_files(Path(tmp), prefix, 2000 + SEED, count)
        profiler = cProfile.Profile()
        profiler.enable()
        call_command("import_articles", *files, publish=True, stdout=StringIO())
        profiler.disable()
    Article.objects.filter(source_file__contains=f"/{prefix}").delete()
    Article.history.filter(source_file__contains=f"/{prefix}").delete()
    out = StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"articles/|simple_history|django/db/models/(base|query)\.py", 30)
    return out.getvalue()


# --- py-spy --------------------------------------------------------------------------------------


def py_spy() -> str | None:
    return shutil.which("py-spy") or (
        "/tmp/pyspy/bin/py-spy" if Path("/tmp/pyspy/bin/py-spy").exists() else None
    )


def profile_http(server: Gunicorn, path: str, seconds: float, connections: int) -> str:
    """py-spy over every gunicorn process while wrk loads ``path``: the hottest frames."""
    spy = py_spy()
    if not spy:
        return "py-spy not found: pip install py-spy (into any venv) to profile"
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "profile.txt"
        load = threading.Thread(
            target=wrk, args=(server.base + path, seconds + 4, connections), daemon=True
        )
        load.start()
        time.sleep(2)
        command = [spy, "record", "-p", str(server.process.pid), "--subprocesses", "-r", "250"]
        command += ["-d", f"{seconds:g}", "-f", "raw", "-o", str(raw), "--nonblocking"]
        subprocess.run(command, capture_output=True, check=False, timeout=seconds + 60)
        load.join(timeout=seconds + 60)
        if not raw.exists():
            return "py-spy produced no profile (is ptrace allowed?)"
        own, cumulative, total = collections.Counter(), collections.Counter(), 0
        for line in raw.read_text().splitlines():
            stack, _, n = line.rpartition(" ")
            frames = [f for f in stack.split(";") if not f.startswith("process ")]
            if not frames:
                continue
            total += int(n)
            own[frames[-1]] += int(n)
            for frame in set(frames):
                cumulative[frame] += int(n)
    lines = [f"py-spy, {total} samples of the gunicorn workers under wrk on {path}", "own time:"]
    lines += [f"  {n / total:6.1%}  {f}" for f, n in own.most_common(15)]
    lines.append("cumulative (project code, Django views/templates, database driver):")
    interesting = ("articles/", "newsroom/", "template", "psycopg/cursor", "response.py")
    lines += [
        f"  {n / total:6.1%}  {f}"
        for f, n in cumulative.most_common(400)
        if any(word in f for word in interesting)
    ][:25]
    return "\n".join(lines)


# --- Report -------------------------------------------------------------------------------------


def print_throughput(rows: dict, args) -> None:
    ceilings = [row["healthz"].rps for row in rows.values()]
    print(
        f"\nThroughput as a ratio to /healthz measured just before each page "
        f"(/healthz: {min(ceilings):,.0f} to {max(ceilings):,.0f} req/s over the run); "
        f"{args.connections} keep-alive connections, {args.seconds:g} s per page, "
        f"{args.workers} gthread workers x {args.threads} threads"
    )
    print(f"  {'page':<20} {'ratio':>7} {'target':>7} {'req/s':>8} {'healthz':>8}", end="")
    print(f" {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'1st request':>12}")
    for name, row in rows.items():
        r = row["wrk"]
        target = TARGETS.get(name)
        mark = "" if target is None else ("  ok" if row["ratio"] >= target else "  MISS")
        cold = row["first_request_vs_healthz"]
        cold_text = "" if cold != cold else f"{cold:.0f}x hz"
        target_text = "" if target is None else f">={target:.1f}x"
        ratio = f"{row['ratio']:.2f}x" if row["ratio"] >= 0.1 else f"{row['ratio']:.3f}x"
        rps = f"{r.rps:.0f}" if r.rps >= 10 else f"{r.rps:.1f}"
        print(
            f"  {name:<20} {ratio:>7} {target_text:>7} {rps:>8}"
            f" {row['healthz'].rps:8.0f} {r.latency_p50_ms:7.1f} {r.latency_p99_ms:7.1f}"
            f" {r.non_2xx_3xx + r.socket_errors:6d} {cold_text:>12}{mark}"
        )
    print(
        "  Plain GETs without If-None-Match, so article pages are never answered 304. '1st\n"
        "  request': the page's first request (rendered with an empty cache, alone) as a multiple\n"
        "  of one /healthz request; wrk's figures are warm (each worker's render cache filled)."
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="per page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--threads", type=int, default=2, help="per gthread worker")
    parser.add_argument("--fresh", action="store_true", help="regenerate the database")
    parser.add_argument("--search-only", action="store_true", help="search latency only")
    parser.add_argument("--search-repeat", type=int, default=30, help="timings per query")
    parser.add_argument("--import-files", type=int, default=500, help="0 to skip")
    parser.add_argument("--profile", metavar="PATH", help="py-spy gunicorn under load on PATH")
    parser.add_argument("--profile-import", type=int, default=0, metavar="N", help="cProfile it")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    exit_cleanly_on_sigterm()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    with exclusive(args.database_url):
        return measure(args)


def measure(args) -> int:
    report: dict = {"articles": args.articles, "cores": os.cpu_count()}
    report["database"] = prepare_database(args.database_url, args.articles, args.fresh)
    prod = setup_production(args.database_url)
    try:
        django_in_process(prod)
        from django.core.cache import cache

        cache.clear()  # the bench's own Redis database: no page from an earlier run
        if not args.search_only:
            pages = {
                "seed article": SEED_PATH,
                "heavy article": HEAVY_PATH,
                "/": "/",
                "search": SEARCH_PATH,
            }
            counts = query_counts(pages)
            report["queries"] = counts
            print(
                f"\nQueries per page (in-process, production settings, {args.articles:,} articles)"
            )
            print(
                f"  {'page':<16} {'empty cache':>12} {'rendering cached':>17} "
                f"{'page cached':>12} {'bytes':>9}"
            )
            for name, c in counts.items():
                print(
                    f"  {name:<16} {c['cold']:12d} {c['warm']:17d} {c['hit']:12d} {c['bytes']:9,d}"
                )
            same = counts["seed article"] == counts["heavy article"] or (
                counts["seed article"]["cold"] == counts["heavy article"]["cold"]
                and counts["seed article"]["warm"] == counts["heavy article"]["warm"]
            )
            print(f"  seed and heavy article run the same queries: {'yes' if same else 'NO'}")
            times = in_process_times({"seed article": SEED_PATH, "heavy article": HEAVY_PATH})
            report["in_process"] = times
            print(
                "\nIn-process request cost, as a multiple of one /healthz request "
                f"({times['_healthz_ms']:.2f} ms):"
            )
            for name in ("seed article", "heavy article"):
                t = times[name]
                print(
                    f"  {name:<16} empty cache {t['cold']:6.1f}x   rendering cached "
                    f"{t['warm']:5.1f}x   page cached {t['hit']:5.2f}x"
                )

        seed_bytes = report.get("queries", {}).get("seed article", {}).get("bytes", 31_869)
        heavy_bytes = report.get("queries", {}).get("heavy article", {}).get("bytes", 376_030)
        with Gunicorn(prod.env, workers=args.workers, threads=args.threads) as server:
            log(f"gunicorn on {server.base}, {args.workers} workers x {args.threads} threads")
            if not args.search_only:
                pages = {
                    "one-query view": CALIBRATION_PATH,
                    f"cached {seed_bytes // 1000} KB": f"/bench/cached/{seed_bytes}",
                    f"cached {heavy_bytes // 1000} KB": f"/bench/cached/{heavy_bytes}",
                    "seed article": SEED_PATH,
                    "heavy article": HEAVY_PATH,
                    "/": "/",
                    "search": SEARCH_PATH,
                }
                rows = throughput(server, pages, args.seconds, args.connections)
                report["throughput"] = {
                    k: {**v["wrk"].__dict__, "ratio": v["ratio"], "healthz_rps": v["healthz"].rps}
                    for k, v in rows.items()
                }
                print_throughput(rows, args)
            else:
                log("search latency ...")
                latency = search_latency(server, args.search_repeat)
                report["search_latency"] = latency
                rows = throughput(
                    server, {"search (query mix)": search_paths()}, args.seconds, args.connections
                )
                report["throughput"] = {
                    k: {**v["wrk"].__dict__, "ratio": v["ratio"], "healthz_rps": v["healthz"].rps}
                    for k, v in rows.items()
                }
                print(
                    f"\nSearch latency at {args.articles:,} articles, end to end over HTTP "
                    f"(one kept-alive connection; each query {args.search_repeat} times, "
                    "or at least 5 within 15 s). Uncached: the page cache's generation bumped\n"
                    "before every request, so the database answers; cached: asked again."
                )
                print(
                    f"  {'class':<16} {'uncached p50':>13} {'p95':>8} {'n':>5}"
                    f" {'cached p50':>11} {'p95':>8}"
                )
                for cls, row in latency["classes"].items():
                    hit = latency["cached"][cls]
                    print(
                        f"  {cls:<16} {row['p50']:13.1f} {row['p95']:8.1f} {row['n']:5d}"
                        f" {hit['p50']:11.2f} {hit['p95']:8.2f}"
                    )
                overall = latency["classes"]["overall"]["p95"]
                verdict = "ok" if overall <= SEARCH_P95_TARGET_MS else "MISS"
                print(f"  target p95 <= {SEARCH_P95_TARGET_MS:g} ms, uncached: {verdict}")
                print("  slowest queries (uncached p50 ms):")
                for q, ms in sorted(latency["queries_p50"].items(), key=lambda x: -x[1])[:8]:
                    print(f"    {ms:8.1f}  {q}")
                print_throughput(rows, args)
            if args.profile:
                print("\n" + profile_http(server, args.profile, 10, args.connections))

        if not args.search_only and args.import_files:
            log(f"import rate on {args.import_files} files ...")
            rate = import_rate(args.import_files)
            report["import"] = rate
            print(
                f"\nImport rate: {rate['ratio']:.3f}x the parse-only rate "
                f"({rate['import_rate']:,.0f} articles/s imported vs {rate['parse_rate']:,.0f}/s "
                f"parsed; {rate['imported']}/{rate['files']} imported, then deleted)"
            )
        if args.profile_import:
            print("\n" + profile_import(args.profile_import))
    finally:
        prod.cleanup()
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
