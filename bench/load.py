"""Reliability: a bounded load test on loopback, a PostgreSQL restart under load, broken imports.

Run::

    .venv/bin/python bench/load.py                        # 64 connections, 30 s, zero errors
    .venv/bin/python bench/load.py --restart-postgres     # ... and PostgreSQL restarts mid-way
    .venv/bin/python bench/load.py --import-files 1000 --broken 0.1

The load test starts gunicorn with production settings (DJANGO_DEBUG=0, DATABASE_CONN_MAX_AGE=60,
gthread workers) on the benchmark database (prepared as by ``bench/run.py``), then keeps 64
kept-alive connections busy for 30 s (and at most ``--max-requests`` requests) with a fixed mix of
reader requests: ``/``, article pages, quote panels requested by htmx (``HX-Request: true``),
speaker and place pages and their lists, and searches. A response other than 2xx or 304, a
connection error or a timeout is an error; the run fails (exit 1) on any.

``--restart-postgres`` restarts the cluster (``pg_ctlcluster --skip-systemctl-redirect VERSION
main restart``) a third of the way in, reports the errors inside the restart window (from the
command's start to the first success after it ends) and fails only when errors go on after that
window: the app must recover by itself, with the same gunicorn master and workers.

``--import-files N --broken F`` writes N files, a fraction F of them broken in each way the
importer refuses (empty, binary, not UTF-8, NUL bytes, a headline without a body), runs
``import_articles --publish`` on all of them, and checks that it imported every good one, named
every broken one on its own stderr line, and exited non-zero. The imported articles are deleted
afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    HOST,
    PYTHON,
    ROOT,
    Gunicorn,
    Production,
    default_workers,
    exclusive,
    exit_cleanly_on_sigterm,
    is_postgres,
    log,
    prepare_database,
)

# --- The request mix ----------------------------------------------------------------------------

SEARCHES = ["Kharkiv", "ceasefire", '"humanitarian corridors"', "Kovalenko", "drones OR missiles"]
SEARCHES += ["El Fasher", "said", "Rafah -Israel", "Kremlin", "water"]
MIX = {  # weight of each kind of request
    "/": 8,
    "article": 30,
    "quote panel (htmx)": 20,
    "speaker": 10,
    "place": 10,
    "search": 10,
    "speaker list": 4,
    "place list": 4,
    "page 2 of /": 4,
}


def discover(prod: Production, samples: int = 200) -> dict[str, list[tuple[str, dict]]]:
    """Paths for each kind of request, read from the benchmark database."""
    prod.apply_to_this_process()
    import django

    django.setup()
    from urllib.parse import urlencode

    from articles.models import Article, Place, PlaceMention, Quote, Speaker

    rng = random.Random(42)
    articles = list(Article.objects.published().order_by("pk").values_list("slug", flat=True))
    articles = rng.sample(articles, min(samples, len(articles)))
    quotes = list(
        Quote.objects.visible()
        .filter(article__slug__in=articles)
        .values_list("article__slug", "pk")[: samples * 5]
    )
    quotes = rng.sample(quotes, min(samples, len(quotes)))
    speakers = list(
        Speaker.objects.filter(quotes__in=Quote.objects.visible())
        .distinct()
        .values_list("slug", flat=True)
    )
    places = list(
        Place.objects.filter(mentions__in=PlaceMention.objects.visible())
        .distinct()
        .values_list("slug", flat=True)
    )
    htmx = {"HX-Request": "true", "HX-Current-URL": f"http://{HOST}/"}
    return {
        "/": [("/", {})],
        "article": [(f"/articles/{slug}/", {}) for slug in articles],
        "quote panel (htmx)": [(f"/articles/{slug}/quotes/{pk}/", htmx) for slug, pk in quotes],
        "speaker": [(f"/speakers/{slug}/", {}) for slug in speakers],
        "place": [(f"/places/{slug}/", {}) for slug in places],
        "search": [("/?" + urlencode({"q": q}), {}) for q in SEARCHES],
        "speaker list": [("/speakers/", {})],
        "place list": [("/places/", {})],
        "page 2 of /": [("/?page=2", {})],
    }


# --- An asyncio HTTP/1.1 client with kept-alive connections -------------------------------------


class HTTPError(Exception):
    pass


@dataclass
class Record:
    at: float  # seconds since the start
    kind: str
    status: int  # 0 for a connection error or a timeout
    error: str
    seconds: float


@dataclass
class Load:
    port: int
    paths: dict
    seconds: float
    connections: int
    max_requests: int
    timeout: float = 30.0
    records: list[Record] = field(default_factory=list)

    async def run(self) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + self.seconds
        await asyncio.gather(*(self.connection(i) for i in range(self.connections)))

    async def connection(self, number: int) -> None:
        rng = random.Random(number)
        kinds, weights = list(MIX), list(MIX.values())
        reader = writer = None
        while time.monotonic() < self.deadline and len(self.records) < self.max_requests:
            kind = rng.choices(kinds, weights)[0]
            path, headers = rng.choice(self.paths[kind])
            began = time.monotonic()
            try:
                if writer is None:
                    reader, writer = await asyncio.wait_for(
                        asyncio.open_connection(HOST, self.port), self.timeout
                    )
                status, close = await asyncio.wait_for(
                    self.request(reader, writer, path, headers), self.timeout
                )
                error = "" if 200 <= status < 300 or status == 304 else f"HTTP {status}"
                if close:
                    writer.close()
                    reader = writer = None
            except (TimeoutError, OSError, asyncio.IncompleteReadError, HTTPError) as e:
                status, error = 0, type(e).__name__
                if writer is not None:
                    writer.close()
                reader = writer = None
            now = time.monotonic()
            self.records.append(Record(began - self.started, kind, status, error, now - began))
            if status == 0:
                await asyncio.sleep(0.05)  # a refused connection must not spin

    @staticmethod
    async def request(reader, writer, path: str, headers: dict) -> tuple[int, bool]:
        lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}", "Accept: text/html"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            raise HTTPError(f"bad status line {status_line!r}")
        status = int(parts[1])
        fields = {}
        for line in header_lines:
            if ":" in line:
                name, _, value = line.partition(":")
                fields[name.strip().lower()] = value.strip()
        if "content-length" in fields:
            await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await reader.readline()).split(b";")[0], 16)
                await reader.readexactly(size + 2)
                if size == 0:
                    break
        elif status not in (204, 304):
            await reader.read()  # until the server closes
            return status, True
        return status, fields.get("connection", "").lower() == "close"


# --- PostgreSQL restart -------------------------------------------------------------------------


def postgres_version() -> str:
    versions = sorted(
        os.listdir("/etc/postgresql"), key=lambda v: float(v) if v[0].isdigit() else 0
    )
    if not versions:
        raise SystemExit("no cluster under /etc/postgresql")
    return versions[-1]


@dataclass
class Restart:
    at: float
    started: float = 0.0
    ended: float = 0.0
    output: str = ""
    returncode: int | None = None

    def run(self, origin: float) -> None:
        time.sleep(max(0.0, origin + self.at - time.monotonic()))
        self.started = time.monotonic() - origin
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", postgres_version(), "main"]
        done = subprocess.run([*command, "restart"], capture_output=True, text=True, timeout=120)
        self.ended = time.monotonic() - origin
        self.returncode = done.returncode
        self.output = (done.stdout + done.stderr).strip()


# --- Report -------------------------------------------------------------------------------------


def summarise(load: Load, restart: Restart | None, server: Gunicorn, pids_before) -> bool:
    records = sorted(load.records, key=lambda r: r.at)
    errors = [r for r in records if r.error]
    duration = max((r.at + r.seconds for r in records), default=0.0)
    print(
        f"\nLoad: {len(records):,} requests in {duration:.1f} s ({len(records) / duration:,.0f}/s)"
        f" on {load.connections} kept-alive connections; errors: {len(errors)}"
    )
    print(f"  {'request':<20} {'count':>7} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind in MIX:
        rows = [r for r in records if r.kind == kind]
        if not rows:
            continue
        times = sorted(r.seconds * 1000 for r in rows)
        p50, p95 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]
        n_errors = sum(1 for r in rows if r.error)
        print(f"  {kind:<20} {len(rows):7d} {n_errors:7d} {p50:8.0f} {p95:8.0f} {times[-1]:8.0f}")
    ok = True
    if restart is None:
        for error, n in Counter(r.error for r in errors).most_common():
            print(f"  error {error}: {n}")
        ok = not errors
    else:
        print(
            f"\nPostgreSQL restart: pg_ctlcluster ran from {restart.started:.1f} s to "
            f"{restart.ended:.1f} s (exit {restart.returncode}) {restart.output}"
        )

        # By completion time: a request fails when its response (or its error) arrives.
        def done(r):
            return r.at + r.seconds

        first_ok = min(
            (r for r in records if r.at >= restart.ended and not r.error), key=done, default=None
        )
        recovered_at = done(first_ok) if first_ok else float("inf")
        before = [r for r in errors if done(r) < restart.started]
        window = [r for r in errors if restart.started <= done(r) <= recovered_at]
        later = [r for r in errors if done(r) > recovered_at]
        print(
            f"  errors before the restart: {len(before)}; in the restart window "
            f"({restart.started:.1f} s to the first success of a request sent after it, "
            f"{recovered_at:.1f} s): {len(window)}; after it: {len(later)}"
        )
        for error, n in Counter(r.error for r in window).most_common():
            print(f"    in the window: {error} x {n}")
        for error, n in Counter(r.error for r in later).most_common():
            print(f"    after it: {error} x {n}")
        served_after = sum(1 for r in records if done(r) > recovered_at and not r.error)
        latency = first_ok.seconds if first_ok else float("nan")
        print(
            f"  requests served after recovery: {served_after:,}; the first request sent after "
            f"pg_ctlcluster returned succeeded {recovered_at - restart.ended:.2f} s later "
            f"(its latency, queueing included: {latency:.2f} s)"
        )
        causes = Counter(
            line.strip()[:160]
            for line in server.log_tail(5_000_000).splitlines()
            if re.match(r"^[\w.]*(Error|Exception): ", line.strip())
        )
        if causes:
            print("  exceptions in the gunicorn log (Django's error log of those 500s):")
            for line, n in causes.most_common(6):
                print(f"    {n:4d} x {line}")
        ok = restart.returncode == 0 and not before and not later and served_after > 0
    pids_after = server.pids()
    same = pids_after == pids_before and server.process.poll() is None
    print(f"  gunicorn master and workers unchanged (no restart, no worker killed): {same}")
    if not same:
        print(f"    before {pids_before}, after {pids_after}")
    if not ok or not same:
        print("\n  gunicorn log (tail):\n" + server.log_tail(2000))
    timeline(records, restart)
    return ok and same


def timeline(records: list[Record], restart: Restart | None) -> None:
    """Responses and errors per second, by the time they arrived."""
    buckets: dict[int, list[int]] = {}
    for r in records:
        bucket = buckets.setdefault(int(r.at + r.seconds), [0, 0])
        bucket[1 if r.error else 0] += 1
    print("  per second, by arrival (served/errors; R: restart began):", end="")
    for second in sorted(buckets):
        mark = "R" if restart and int(restart.started) == second else ""
        ok, bad = buckets[second]
        print(f" {second}:{ok}/{bad}{mark}", end="")
    print()


# --- Broken imports -----------------------------------------------------------------------------

BROKEN_KINDS = {
    "empty": (lambda i: b"", "empty"),
    "binary": (lambda i: b"GIF89a\x01\x02" + bytes(range(1, 32)) * 4, "control character"),
    "not UTF-8": (lambda i: f"Caf\xe9 {i}\n\nUn article.\n".encode("latin-1"), "not UTF-8"),
    "NUL bytes": (lambda i: f"Headline {i}\n\nBody with a \x00 in it.\n".encode(), "NUL"),
    "headline without body": (lambda i: f"Only a headline {i}\n\n  \n".encode(), "no body"),
}


def import_check(prod: Production, files: int, broken: float) -> bool:
    prod.apply_to_this_process()
    import django

    django.setup()
    from articles.management.commands.generate_corpus import World, generate_article
    from articles.models import Article

    world = World.build()
    n_broken = round(files * broken)
    every = files / n_broken if n_broken else files + 1
    broken_at = {int(i * every) for i in range(n_broken)}
    kinds = list(BROKEN_KINDS)
    prefix = f"load-import-{os.getpid()}-"
    expected: dict[str, str] = {}  # path: a fragment of the reason it must give
    kind_of: dict[str, str] = {}
    good: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newsroom-import-") as tmp:
        paths = []
        for i in range(files):
            path = Path(tmp) / f"{prefix}{i:05d}.txt"
            if i in broken_at:
                kind = kinds[len(expected) % len(kinds)]
                make, reason = BROKEN_KINDS[kind]
                path.write_bytes(make(i))
                expected[str(path)] = reason
                kind_of[str(path)] = kind
            else:
                path.write_text(generate_article(world, 3000, i).as_text(), encoding="utf-8")
                good.append(path.name)
            paths.append(str(path))
        started = time.perf_counter()
        done = subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), "import_articles", "--publish", *paths],
            env=prod.env,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=1800,
        )
        elapsed = time.perf_counter() - started
    imported = Article.objects.filter(source_file__contains=f"/{prefix}")
    imported_names = {Path(f).name for f in imported.values_list("source_file", flat=True)}
    stderr_lines = [line for line in done.stderr.splitlines() if line.strip()]
    named = Counter()
    wrong_reason = []
    for line in stderr_lines:
        name, sep, reason = line.partition(": ")
        if sep and name in expected:
            named[name] += 1
            if expected[name] not in reason:
                wrong_reason.append(line)
    created_lines = [line for line in done.stdout.splitlines() if ": created " in line]
    checks = {
        "exit code is non-zero": done.returncode != 0,
        f"all {len(good)} good files imported": imported_names == set(good),
        f"one stdout line per imported file ({len(created_lines)})": len(created_lines)
        == len(good),
        f"each of the {len(expected)} broken files named on exactly one stderr line": set(named)
        == set(expected)
        and all(n == 1 for n in named.values()),
        "each with the reason for its kind": not wrong_reason,
        f"summary says '{len(good)} imported, {len(expected)} failed'": (
            f"{len(good)} imported, {len(expected)} failed" in done.stderr
        ),
    }
    print(
        f"\nImport of {files} files ({len(expected)} broken: "
        + ", ".join(f"{n} {k}" for k, n in Counter(kind_of.values()).items())
        + f"): exit {done.returncode}, {elapsed:.1f} s ({files / elapsed:.0f} files/s)"
    )
    for check, passed in checks.items():
        print(f"  {'ok  ' if passed else 'FAIL'} {check}")
    for line in wrong_reason[:5]:
        print(f"    unexpected reason: {line}")
    print("  stderr, first broken files:")
    for line in stderr_lines[:5]:
        print(f"    {line}")
    print(f"    ... and the last line: {stderr_lines[-1] if stderr_lines else ''}")
    imported.delete()
    Article.history.filter(source_file__contains=f"/{prefix}").delete()
    return all(checks.values())


# --- Main ---------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--articles", type=int, default=10_000, help="corpus size (reused)")
    parser.add_argument("--fresh", action="store_true", help="regenerate the database")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--max-requests", type=int, default=500_000, help="a bound on the count")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--restart-postgres", action="store_true")
    parser.add_argument("--restart-at", type=float, default=1 / 3, help="fraction of the run")
    parser.add_argument("--import-files", type=int, default=0, help="the import check instead")
    parser.add_argument("--broken", type=float, default=0.1)
    args = parser.parse_args(argv)
    exit_cleanly_on_sigterm()
    if args.seconds > 600 or args.connections > 256:
        raise SystemExit("keep it bounded: at most 600 s and 256 connections")
    if args.restart_postgres and not is_postgres(args.database_url):
        raise SystemExit("--restart-postgres needs a PostgreSQL database")

    with exclusive(args.database_url):
        return run(args)


def run(args) -> int:
    prepare_database(args.database_url, args.articles, args.fresh)
    prod = Production(args.database_url, conn_max_age=60)
    try:
        if args.import_files:
            return 0 if import_check(prod, args.import_files, args.broken) else 1
        prod.collectstatic()
        paths = discover(prod)
        from django.core.cache import cache
        from django.db import connections

        cache.clear()  # the bench's own Redis database: no page kept from an earlier run
        connections.close_all()  # this process's own connection must not see the restart
        with Gunicorn(prod.env, workers=args.workers, threads=args.threads) as server:
            log(
                f"gunicorn on {server.base}: {args.workers} workers x {args.threads} threads, "
                f"DATABASE_CONN_MAX_AGE=60; {args.connections} connections for {args.seconds:g} s"
            )
            pids_before = server.pids()
            load = Load(
                server.port, paths, args.seconds, args.connections, args.max_requests, args.timeout
            )
            restart = Restart(at=args.seconds * args.restart_at) if args.restart_postgres else None
            if restart:
                origin = time.monotonic()
                thread = threading.Thread(target=restart.run, args=(origin,), daemon=True)
                thread.start()
                # The load's clock starts with asyncio.run below, within a millisecond or so.
            asyncio.run(load.run())
            if restart:
                thread.join(timeout=120)
                shift = load.started - origin
                restart.started -= shift
                restart.ended -= shift
            ok = summarise(load, restart, server, pids_before)
        print(f"\n{'PASS' if ok else 'FAIL'}")
        return 0 if ok else 1
    finally:
        prod.cleanup()


if __name__ == "__main__":
    sys.exit(main())
