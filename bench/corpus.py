"""Shared by ``bench/run.py`` and ``bench/load.py``: a benchmark database, production settings,
gunicorn, and HTTP clients that only ever talk to 127.0.0.1.

Nothing here edits the application: production settings come from the environment exactly as a
deployment would set them; the only addition is a settings module in a temporary directory that
imports ``newsroom.settings`` and points ``STATIC_ROOT`` at a temporary directory for
``collectstatic`` (WhiteNoise's manifest storage needs one when ``DJANGO_DEBUG=0``).
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_bench"
# Databases the benchmarks must never drop or fill: other people's.
PROTECTED_DATABASES = {"newsroom", "test_newsroom", "postgres", "template0", "template1"}
HOST = "127.0.0.1"
# Production caches in Redis (the page cache needs a cache every worker shares); a database of
# its own, emptied at the start of each run.
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/5"
SEED = 1


def exit_cleanly_on_sigterm() -> None:
    """SIGTERM (``timeout``, ``kill``) unwinds like Ctrl-C, so gunicorn is stopped, not orphaned."""

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


# --- The database -------------------------------------------------------------------------------


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def check_database_url(url: str) -> None:
    host = urlsplit(url).hostname
    if is_postgres(url):
        if host not in (HOST, "localhost"):
            raise SystemExit(f"refusing a database that is not on {HOST}: {url}")
        if database_name(url) in PROTECTED_DATABASES:
            raise SystemExit(f"refusing to use the database {database_name(url)!r}: not ours")
    elif not url.startswith("sqlite:///"):
        raise SystemExit(f"DATABASE_URL must be postgres://... or sqlite:///...: {url}")


def manage(*args: str, env: dict, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], env=env, check=check, cwd=ROOT, **kwargs
    )


def recreate_database(url: str) -> None:
    """An empty database at ``url`` (dropped first when it exists)."""
    check_database_url(url)
    if not is_postgres(url):
        path = Path(url.removeprefix("sqlite:///"))
        path.unlink(missing_ok=True)
        return
    import psycopg

    parts = urlsplit(url)
    name = database_name(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@contextlib.contextmanager
def exclusive(url: str, wait: float = 3600.0):
    """One benchmark at a time per database: another run would drop or refill it mid-measure.

    A file lock (it survives the PostgreSQL restart of ``load.py --restart-postgres``); a second
    run waits for the first, up to ``wait`` seconds."""
    import fcntl

    name = re.sub(r"[^\w.-]", "_", database_name(url) or url)
    path = Path(tempfile.gettempdir()) / f"newsroom-bench-{name}.lock"
    with open(path, "w") as lock:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"another benchmark still holds {path}") from None
                if not told:
                    log(f"another benchmark is using {name}; waiting for it ({path})")
                    told = True
                time.sleep(2)
        lock.write(str(os.getpid()))
        lock.flush()
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def corpus_size(url: str) -> tuple[int, bool] | None:
    """(published articles, heavy article present) in the database at ``url``; None if unusable."""
    if is_postgres(url):
        import psycopg

        try:
            with psycopg.connect(url, connect_timeout=5) as conn:
                n = conn.execute("SELECT count(*) FROM articles_article").fetchone()[0]
                heavy = conn.execute(
                    "SELECT count(*) FROM articles_article WHERE slug = 'heavy'"
                ).fetchone()[0]
                return n, bool(heavy)
        except psycopg.Error:
            return None
    import sqlite3

    path = url.removeprefix("sqlite:///")
    if not Path(path).exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            n = conn.execute("SELECT count(*) FROM articles_article").fetchone()[0]
            heavy = conn.execute("SELECT count(*) FROM articles_article WHERE slug = 'heavy'")
            return n, bool(heavy.fetchone()[0])
    except sqlite3.Error:
        return None


def prepare_database(url: str, articles: int, fresh: bool = False) -> dict:
    """Migrate, load the seed and generate ``articles`` (+ the heavy one), unless it is there.

    A database that already holds exactly the seed, the heavy article and ``articles`` generated
    ones is reused (generating 100,000 articles takes minutes); anything else is recreated.
    """
    check_database_url(url)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1"}
    timings = {}
    if not fresh and corpus_size(url) == (articles + 2, True):
        log(f"reusing {database_name(url) or url}: the seed, 'heavy' and {articles:,} articles")
        manage("migrate", "--noinput", "-v0", env=env)
        return {"reused": True}
    log(f"preparing {database_name(url) or url} with {articles:,} articles ...")
    recreate_database(url)
    started = time.perf_counter()
    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_seed", env=env, stdout=subprocess.DEVNULL)
    timings["migrate_and_seed_s"] = time.perf_counter() - started
    started = time.perf_counter()
    manage(
        "generate_corpus",
        "--articles",
        str(articles),
        "--seed",
        str(SEED),
        "--heavy",
        env=env,
    )
    timings["generate_s"] = time.perf_counter() - started
    timings["generate_rate"] = (articles + 1) / timings["generate_s"]
    return {"reused": False, **timings}


# --- Production settings and gunicorn -----------------------------------------------------------

SETTINGS_MODULE = "newsroom_bench_settings"


class Production:
    """A temporary directory holding a settings module and STATIC_ROOT, and the environment that
    runs the project with production settings on ``url``."""

    def __init__(
        self,
        url: str,
        conn_max_age: int = 60,
        cache_url: str | None = DEFAULT_CACHE_URL,
        **extra_env: str,
    ):
        """``cache_url=None``: the production default (no CACHE_URL in the environment)."""
        self.dir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
        self.static_root = self.dir / "static"
        (self.dir / f"{SETTINGS_MODULE}.py").write_text(
            "from newsroom.settings import *  # noqa: F403\n"
            f"STATIC_ROOT = {str(self.static_root)!r}\n"
        )
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "PYTHONPATH": os.pathsep.join([str(self.dir), str(ROOT)]),
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_CONN_MAX_AGE": str(conn_max_age),
            "CACHE_URL": cache_url or "",
            **extra_env,
        }
        self.env.pop("DATABASE_POOL", None)
        if cache_url is None:
            self.env.pop("CACHE_URL")

    def collectstatic(self) -> None:
        manage("collectstatic", "--noinput", "-v0", env=self.env)

    def apply_to_this_process(self) -> None:
        """Use these settings in this process too (for in-process measurements)."""
        sys.path[:0] = [str(self.dir), str(ROOT)]
        for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_DEBUG", "DJANGO_SECRET_KEY"):
            os.environ[key] = self.env[key]
        for key in ("DJANGO_ALLOWED_HOSTS", "DJANGO_SECURE_SSL_REDIRECT", "DATABASE_CONN_MAX_AGE"):
            os.environ[key] = self.env[key]
        if "CACHE_URL" in self.env:
            os.environ["CACHE_URL"] = self.env["CACHE_URL"]
        else:
            os.environ.pop("CACHE_URL", None)

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def default_workers() -> int:
    """Gunicorn's rule of thumb, 2 x cores + 1."""
    return 2 * (os.cpu_count() or 1) + 1


@dataclass
class Gunicorn:
    """gunicorn serving the project on 127.0.0.1 with the given environment.

    gthread workers: the sync worker closes the connection after every response, and the load
    generators keep theirs alive, as browsers and proxies do.
    """

    env: dict
    workers: int = default_workers()
    threads: int = 2
    port: int = 0
    process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.port = self.port or free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "newsroom.wsgi",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(self.threads),
                "--keep-alive",
                "30",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{Path(self.log.name).read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if get(self.port, "/healthz").status == 200:
                    return self
            time.sleep(0.2)
        self.__exit__()
        raise SystemExit("gunicorn did not answer /healthz within 30 s")

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def pids(self) -> list[int]:
        """The master's and the workers' process ids (for py-spy)."""
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [self.process.pid] + [int(p) for p in out.split()]

    def log_tail(self, chars: int = 3000) -> str:
        return Path(self.log.name).read_text(errors="replace")[-chars:]

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(OSError):
            os.unlink(self.log.name)


# --- HTTP ---------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict


def get(port: int, path: str, headers: dict | None = None, timeout: float = 30) -> Response:
    """One GET on a new connection to 127.0.0.1."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = conn.getresponse()
        return Response(response.status, response.read(), dict(response.getheaders()))
    finally:
        conn.close()


class KeepAlive:
    """Sequential GETs on one kept-alive connection, reconnecting when the server closes it."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.conn = http.client.HTTPConnection(HOST, port, timeout=timeout)

    def get(self, path: str, headers: dict | None = None) -> Response:
        for attempt in (1, 2):
            try:
                self.conn.request("GET", path, headers={"Host": HOST, **(headers or {})})
                response = self.conn.getresponse()
                body = response.read()
                if response.will_close:
                    self.conn.close()
                return Response(response.status, body, dict(response.getheaders()))
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def drain(port: int, timeout: float = 120.0) -> float:
    """Wait until gunicorn has worked off what a load left queued: /healthz fast three times.

    Returns the seconds it took. wrk stops counting at its deadline, but requests already queued
    are still served afterwards and would slow whatever is measured next."""
    started = time.monotonic()
    fast = 0
    while fast < 3 and time.monotonic() - started < timeout:
        began = time.perf_counter()
        try:
            get(port, "/healthz", timeout=timeout)
        except OSError:
            fast = 0
            time.sleep(0.2)
            continue
        fast = fast + 1 if time.perf_counter() - began < 0.02 else 0
    return time.monotonic() - started


@dataclass
class WrkResult:
    rps: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int
    latency_p50_ms: float
    latency_p99_ms: float
    transfer_per_s: str


def wrk(
    url: str,
    seconds: float,
    connections: int,
    threads: int = 2,
    script: str | None = None,
    headers: dict | None = None,
) -> WrkResult:
    """``wrk`` on a 127.0.0.1 URL: keep-alive connections, bounded in time."""
    if urlsplit(url).hostname != HOST:
        raise SystemExit(f"refusing to send load anywhere but {HOST}: {url}")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    duration = f"{max(1, round(seconds))}s"  # wrk takes whole seconds only
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", duration]
    command += ["--timeout", "10s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.TemporaryDirectory() as tmp:
        if script:
            path = Path(tmp) / "script.lua"
            path.write_text(script)
            command += ["-s", str(path)]
        out = subprocess.run(
            [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    return parse_wrk(out)


def _latency_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(out: str) -> WrkResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)\s*$", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)\s*$", out, re.MULTILINE)
    transfer = re.search(r"Transfer/sec:\s+(\S+)", out)
    return WrkResult(
        rps=rps,
        requests=requests,
        non_2xx_3xx=int(non.group(1)) if non else 0,
        socket_errors=sum(int(g) for g in errors.groups()) if errors else 0,
        latency_p50_ms=_latency_ms(p50.group(1)) if p50 else float("nan"),
        latency_p99_ms=_latency_ms(p99.group(1)) if p99 else float("nan"),
        transfer_per_s=transfer.group(1) if transfer else "",
    )


def lua_paths(paths: list[str], headers: dict | None = None) -> str:
    """A wrk script that requests ``paths`` in turn (each thread from its own offset)."""
    quoted = ", ".join(_lua_string(p) for p in paths)
    header_lines = "".join(
        f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}\n" for k, v in (headers or {}).items()
    )
    return (
        f"local paths = {{{quoted}}}\n"
        "local i = 0\n"
        f"{header_lines}"
        "function init(args) i = math.random(#paths) end\n"
        "function request()\n"
        "  i = i % #paths + 1\n"
        "  return wrk.format('GET', paths[i])\n"
        "end\n"
    )


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]
