"""Import throughput, each figure as a ratio to the parse-only rate measured in the same run.

Run (PostgreSQL; the database is prepared as ``run.py`` prepares it, and reused)::

    .venv/bin/python bench/import_speed.py --database-url \\
        postgres://postgres@127.0.0.1:5432/newsroom_impbench --articles 10000

What one run does, with production settings (``corpus.Production``) in this process:

1. writes N generated articles (``generate_corpus``'s, another seed than the corpus's) as text
   files in the seed's format, and the same articles as realistic saved web pages: a site's
   header, navigation and cookie banner, Open Graph tags and schema.org ``NewsArticle``
   JSON-LD, a byline, a figure with its caption, a pull quote, share buttons, "Read more" and
   related links, a footer, and a framework's JSON state (about 50 KB a page), over four
   outlets;
2. parse-only rates: ``articles.importer.parse`` on the text files, ``articles.extract.parse_html``
   on the pages (after one warm-up call, the best of three passes for text, two for pages);
3. ``import_articles --publish`` (in-process) on the text files, then on the pages;
4. the job path: the same files uploaded as ``import_articles`` tasks (jobs of ``--job-size``
   files) on the Redis queue (``NEWSROOM_TASK_BACKEND=redis``, its own Redis database), run by
   1, then 2 ``manage.py rqworker`` processes started (and idle) before the jobs are enqueued;
   timed from the first enqueue to the last job's end.

Each import's articles (and their history) are deleted after it, so every pass imports new
articles into the same corpus.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import (  # noqa: E402
    PYTHON,
    ROOT,
    SEED,
    Production,
    exclusive,
    exit_cleanly_on_sigterm,
    log,
    prepare_database,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_impbench"
# The job queue's own Redis database (the page cache uses another; see --cache-url).
DEFAULT_QUEUE_URL = "redis://127.0.0.1:6379/10"
TARGETS = {"text": 500.0, "html": 50.0}
OUTLETS = [
    ("The Kyiv Ledger", "www.kyiv-ledger.example", "world"),
    ("Meridian News", "meridian-news.example", "europe"),
    ("Sahel Observer", "www.sahel-observer.example", "africa"),
    ("Levant Daily", "levant-daily.example", "middle-east"),
]

PAGE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{headline_h} | {site_h}</title>
<meta name="description" content="{dek_h}">
<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="og:site_name" content="{site_h}">
<meta property="og:title" content="{headline_h}">
<meta property="og:description" content="{dek_h}">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{date}T07:30:00+00:00">
<meta name="author" content="{author_h}">
<link rel="stylesheet" href="/static/css/site.4f9c2e.css">
<style>{style}</style>
<script type="application/ld+json">{jsonld}</script>
<script>{script}</script>
</head>
<body class="article-page">
<div class="cookie-banner" id="consent"><p>We use cookies to improve your experience and to
measure our audience. <a href="/privacy">Privacy policy</a></p><button>Accept all</button>
<button>Manage choices</button></div>
<header class="masthead"><a class="logo" href="/">{site_h}</a>
<nav><ul>{nav}</ul></nav>
<form action="/search"><input name="q" placeholder="Search"></form></header>
<main>
<article class="story">
<p class="kicker"><a href="/{section}">{section_title}</a></p>
<h1 class="headline">{headline_h}</h1>
<p class="standfirst">{dek_h}</p>
<div class="byline">By <a rel="author" href="/authors/{author_slug}">{author_h}</a>
<time datetime="{date}">{date}</time></div>
<ul class="share"><li><a href="#">Share on Facebook</a></li><li><a href="#">Share on X</a></li>
<li><a href="#">Email</a></li></ul>
<figure><img src="/media/{slug}.jpg" alt="A street in {section_title}">
<figcaption>Residents walk past a damaged building. Photograph: Agency staff</figcaption></figure>
<div class="story-body">
{paragraphs}
</div>
<aside class="read-more"><h2>Read more</h2><ul>{related}</ul></aside>
<div class="author-bio"><p>{bio_h}</p></div>
</article>
<section class="related"><h2>Related stories</h2><ul>{related}</ul></section>
</main>
<footer><ul>{footer}</ul><p>&copy; 2026 {site_h}. All rights reserved.</p></footer>
<script id="__NEXT_DATA__" type="application/json">{state}</script>
</body>
</html>
"""


def page_of(article, n: int, rng: random.Random) -> tuple[str, str]:
    """(canonical URL, the saved page) of a generated article, on one of four outlets."""
    site, host, section = OUTLETS[n % len(OUTLETS)]
    url = f"https://{host}/{section}/{article.published_on:%Y/%m/%d}/{article.slug}-{n}"
    paragraphs = article.body.split("\n\n")
    blocks = []
    for i, paragraph in enumerate(paragraphs):
        blocks.append(f"<p>{html.escape(paragraph)}</p>")
        if i == 2:
            blocks.append('<div class="ad-slot" data-ad="mpu"></div>')
        if i == 4 and len(paragraphs) > 6:
            pull = html.escape(paragraphs[1][:120])
            blocks.append(f'<blockquote class="pull-quote"><p>{pull}</p></blockquote>')
    related = "".join(
        f'<li><a href="/{section}/{rng.randrange(10**6)}">Related story number {k}: talks, '
        f"shelling and what comes next</a></li>"
        for k in range(8)
    )
    nav = "".join(f'<li><a href="/{s}">{s.title()}</a></li>' for s in ("world", "europe", "video"))
    footer = "".join(f'<li><a href="/{s}">{s}</a></li>' for s in ("about", "contact", "jobs"))
    name, bio = article.author
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.headline,
            "description": article.dek,
            "datePublished": f"{article.published_on}T07:30:00+00:00",
            "author": [{"@type": "Person", "name": name}],
            "publisher": {"@type": "Organization", "name": site},
            "mainEntityOfPage": url,
        }
    )
    state = json.dumps(
        {"props": {"items": [{"id": rng.randrange(10**9), "t": "x" * 80} for _ in range(300)]}}
    )
    style = ".story-body p{margin:0 0 1em}" * 200
    script = "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}" * 60
    page = PAGE.format(
        headline_h=html.escape(article.headline),
        dek_h=html.escape(article.dek),
        site_h=html.escape(site),
        author_h=html.escape(name),
        author_slug=name.lower().replace(" ", "-"),
        bio_h=html.escape(bio),
        url=url,
        date=article.published_on.isoformat(),
        section=section,
        section_title=section.replace("-", " ").title(),
        slug=article.slug,
        paragraphs="\n".join(blocks),
        related=related,
        nav=nav,
        footer=footer,
        jsonld=jsonld.replace("</", "<\\/"),
        state=state,
        style=style,
        script=script,
    )
    return url, page


def write_files(folder: Path, count: int, seed: int) -> tuple[list[str], list[str]]:
    """``count`` generated articles as text files and as saved pages (different names)."""
    from articles.management.commands.generate_corpus import World, generate_article

    world = World.build()
    rng = random.Random(seed)
    texts, pages = [], []
    for i in range(count):
        article = generate_article(world, seed, i)
        text = folder / f"bench-text-{i:05d}.txt"
        text.write_text(article.as_text(), encoding="utf-8")
        texts.append(str(text))
        _, page = page_of(article, i, rng)
        saved = folder / f"bench-page-{i:05d}.html"
        saved.write_text(page, encoding="utf-8")
        pages.append(str(saved))
    return texts, pages


def parse_rates(texts: list[str], pages: list[str]) -> dict:
    from articles.extract import parse_html
    from articles.importer import parse

    def best_of(passes: int, parser, files: list[str]) -> float:
        parser(Path(files[0]).read_bytes())  # warm: first calls load models and caches
        best = float("inf")
        for _ in range(passes):
            started = time.perf_counter()
            for name in files:
                parser(Path(name).read_bytes())
            best = min(best, time.perf_counter() - started)
        return len(files) / best

    return {"text": best_of(3, parse, texts), "html": best_of(2, parse_html, pages)}


def clean_up(folder: str) -> int:
    """Delete what an import from ``folder`` (or its uploads) created; how many articles. Then
    ``VACUUM ANALYZE``, so that every pass starts from the same database: without it each pass
    leaves its thousands of deleted rows (and the search index's pending entries) to the next,
    and a run's later passes measured up to 30 % slower than its first."""
    from django.db import connection
    from django.db.models import Q

    from articles import operations
    from articles.changes import changing
    from articles.models import Article

    mine = Q(source_file__startswith=folder) | Q(source_file__startswith="upload:bench-")
    articles = Article.objects.filter(mine)
    n = articles.count()
    with changing():  # one operation for them all, as the import was
        for article in articles:
            operations.delete_article(article)
    Article.history.filter(mine).delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # outside a transaction: the command's is committed
    return n


def command_rate(files: list[str], folder: str) -> dict:
    from io import StringIO

    from django.core.management import call_command

    started = time.perf_counter()
    call_command("import_articles", *files, publish=True, stdout=StringIO())
    seconds = time.perf_counter() - started
    n = clean_up(folder)
    return {"files": len(files), "imported": n, "seconds": seconds, "rate": len(files) / seconds}


class Workers:
    """``n`` ``manage.py rqworker default`` processes on the queue, started and idle."""

    def __init__(self, env: dict, n: int) -> None:
        self.env, self.n, self.procs = env, n, []
        self.log = open(  # noqa: SIM115 (closed in __exit__)
            Path(tempfile.gettempdir()) / f"newsroom-import-speed-{os.getpid()}.log", "ab"
        )

    def __enter__(self) -> Workers:
        import django_rq
        from rq import Worker

        queue = django_rq.get_queue("default")
        before = len(Worker.all(connection=queue.connection))
        for i in range(self.n):
            self.procs.append(
                subprocess.Popen(
                    [
                        PYTHON,
                        "manage.py",
                        "rqworker",
                        "default",
                        "--job-class",
                        "django_tasks_rq.backend.Job",
                        "--name",
                        f"bench-{os.getpid()}-{i}",
                    ],
                    cwd=ROOT,
                    env=self.env,
                    stdout=self.log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + 60
        while len(Worker.all(connection=queue.connection)) < before + self.n:
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.procs):
                self.__exit__()
                raise SystemExit("the rq workers did not start")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.log.close()


def job_rate(env: dict, files: list[str], job_size: int, workers: int) -> dict:
    """Upload ``files`` as import jobs of ``job_size`` files; time them on ``workers`` workers."""
    from articles import tasks

    uploads = [
        tasks.file_source(f"bench-{Path(name).name}", Path(name).read_bytes()) for name in files
    ]
    jobs = [uploads[i : i + job_size] for i in range(0, len(uploads), job_size)]
    with Workers(env, workers):
        started = time.perf_counter()
        results = [tasks.import_articles.enqueue(job, True, False, None) for job in jobs]
        pending = list(results)
        while pending:
            time.sleep(0.05)
            for result in list(pending):
                result.refresh()
                if result.is_finished:
                    pending.remove(result)
        seconds = time.perf_counter() - started
    failed = [r.id for r in results if r.status.name != "SUCCESSFUL"]
    for result in results[:1]:
        if result.errors:
            log(f"job {result.id} failed: {result.errors[-1].traceback}")
    imported = sum(r.return_value["imported"] for r in results if not failed)
    clean_up("upload:bench-")
    return {
        "files": len(files),
        "jobs": len(jobs),
        "workers": workers,
        "imported": imported,
        "failed_jobs": failed,
        "seconds": seconds,
        "rate": len(files) / seconds,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--articles", type=int, default=10_000, help="the corpus already there")
    parser.add_argument("--files", type=int, default=1000, help="text files imported")
    parser.add_argument("--pages", type=int, default=200, help="web pages imported")
    parser.add_argument("--job-size", type=int, default=100, help="files per import job")
    parser.add_argument("--queue-url", default=DEFAULT_QUEUE_URL)
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--no-jobs", action="store_true", help="skip the Redis job path")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    exit_cleanly_on_sigterm()
    with exclusive(args.database_url):
        return measure(args)


def measure(args) -> int:
    report: dict = {"articles": args.articles, "cores": os.cpu_count()}
    report["database"] = prepare_database(args.database_url, args.articles)
    prod = Production(
        args.database_url,
        cache_url=args.cache_url,
        NEWSROOM_TASK_BACKEND="redis",
        NEWSROOM_TASK_REDIS_URL=args.queue_url,
    )
    prod.apply_to_this_process()
    os.environ["NEWSROOM_TASK_BACKEND"] = "redis"
    os.environ["NEWSROOM_TASK_REDIS_URL"] = args.queue_url
    import django

    django.setup()
    import django_rq

    django_rq.get_queue("default").connection.flushdb()  # the queue's own database
    folder = tempfile.mkdtemp(prefix="newsroom-import-speed-")
    try:
        log(f"writing {max(args.files, args.pages)} text files and pages ...")
        texts, pages = write_files(Path(folder), max(args.files, args.pages), 3000 + SEED)
        texts, pages = texts[: args.files], pages[: args.pages]
        sizes = [Path(p).stat().st_size for p in pages]
        report["page_bytes"] = {"mean": sum(sizes) / len(sizes), "max": max(sizes)}
        log("parse-only rates ...")
        report["parse"] = parse_rates(texts, pages)
        log(f"import_articles on {len(texts)} text files ...")
        report["text"] = command_rate(texts, folder)
        log(f"import_articles on {len(pages)} pages ...")
        report["html"] = command_rate(pages, folder)
        if not args.no_jobs:
            report["jobs"] = {}
            for kind, files in (("text", texts), ("html", pages)):
                for workers in (1, 2):
                    log(f"{len(files)} {kind} files as jobs on {workers} Redis worker(s) ...")
                    report["jobs"][f"{kind} x{workers}"] = job_rate(
                        prod.env, files, args.job_size, workers
                    )
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        prod.cleanup()
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str))
    return 0


def print_report(report: dict) -> None:
    parse = report["parse"]
    print(
        f"\nImport throughput, {report['articles']:,} articles in the database, "
        f"{report['cores']} cores; pages {report['page_bytes']['mean'] / 1000:.0f} KB on average"
    )
    print(f"  {'what':<28} {'articles/s':>11} {'parse-only /s':>14} {'ratio':>8} {'target':>8}")
    rows = [("text, import_articles", report["text"], "text")]
    rows.append(("html, import_articles", report["html"], "html"))
    for name, job in report.get("jobs", {}).items():
        kind, workers = name.split(" x")
        rows.append((f"{kind}, jobs, {workers} worker(s)", job, kind))
    jobs = report.get("jobs", {})
    for label, row, kind in rows:
        target = TARGETS[kind]
        if label.endswith(" 1 worker(s)"):
            # The issue's target is the two workers' rate; one worker is what they scale from.
            mark, shown = "(the baseline of the next row)", ""
        else:
            mark, shown = ("ok" if row["rate"] >= target else "MISSED"), f">= {target:g}"
        if label.endswith(" 2 worker(s)") and f"{kind} x1" in jobs:
            scaling = row["rate"] / jobs[f"{kind} x1"]["rate"]
            mark += f", {scaling:.2f}x one worker"
        print(
            f"  {label:<28} {row['rate']:11,.0f} {parse[kind]:14,.0f} "
            f"{row['rate'] / parse[kind]:8.3f} {shown:>8} {mark}"
        )
    for name, job in report.get("jobs", {}).items():
        if job["failed_jobs"] or job["imported"] != job["files"]:
            print(
                f"  {name}: {job['imported']}/{job['files']} imported, failed {job['failed_jobs']}"
            )


if __name__ == "__main__":
    sys.exit(main())
