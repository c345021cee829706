"""Issue #15's figures for the views across articles: ``/compare/`` p95 <= 150 ms and claims
side by side p95 <= 100 ms, for a signed-in reader (no page cache), on PostgreSQL.

Run (PostgreSQL and Redis on 127.0.0.1; the database is created, filled and reused as for
``signed_in.py``)::

    .venv/bin/python bench/compare_speed.py                      # 100,000 articles
    .venv/bin/python bench/compare_speed.py --articles 10000     # quicker
    .venv/bin/python bench/compare_speed.py --json compare.json

gunicorn with production settings, a staff user's session cookie, one kept-alive connection,
each page right after a /healthz request (``signed_in.signed_in_latency``), round after round.

The matrix keeps what it counted, and its rendering per query, until a change readers can see
retires the lists, so a page asked for again is cheaper than one asked for the first time ("show
all" asked again is served from its kept rendering). Both are measured: the pages marked "(new
filters)" take, each round, a date range no request asked for before, so every timed request
counts its quotes again from the kept rows and renders its table anew; claims side by side keep
their columns' sizes in the same way, and "claims: a new search" searches, each round, for a
place's name no request searched for before.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import signed_in  # noqa: E402
from corpus import Gunicorn, Production, exclusive, log, prepare_database  # noqa: E402
from run import django_in_process  # noqa: E402

COMPARE_P95_MS = 150.0
CLAIMS_P95_MS = 100.0
NEW_FILTERS = {
    "/compare/ (new filters)",
    "/compare/ show all (new filters)",
    "/compare/ outlet (new filters)",
    "claims: a new search (new filters)",
}
signed_in.FIRST_TIME.update(NEW_FILTERS)


def date_ranges(n: int) -> list[dict[str, str]]:
    """``n`` different date ranges of about a year, a day apart."""
    start = datetime.date(2019, 1, 1)
    return [
        {
            "from": str(start + datetime.timedelta(days=i)),
            "to": str(start + datetime.timedelta(days=i + 365)),
        }
        for i in range(n)
    ]


def compare_pages(rounds: int) -> dict[str, list[str]]:
    """The pages measured, chosen from this database."""
    from articles.models import Outlet, Place

    outlet = Outlet.objects.filter(n_articles__gt=0).order_by("-n_articles", "pk").first()
    places = list(Place.objects.filter(n_quotes__gt=0).order_by("-n_quotes", "pk"))
    top, median = places[0], signed_in.middle(places)
    ranges = date_ranges(rounds + 1)
    assert outlet is not None
    return {
        "/compare/": ["/compare/"],
        "/compare/ by affiliation": ["/compare/?group=affiliation"],
        "/compare/ show all": ["/compare/?show=all"],
        "/compare/ outlet": ["/compare/?" + urlencode({"outlet": outlet.slug})],
        "/compare/ search": ["/compare/?" + urlencode({"q": top.name})],
        "/compare/ (htmx)": ["/compare/?kind=claim&rsort=name"],
        "/compare/ (new filters)": ["/compare/?" + urlencode(r) for r in ranges],
        "/compare/ show all (new filters)": [
            "/compare/?" + urlencode({"show": "all", **r}) for r in ranges
        ],
        "/compare/ outlet (new filters)": [
            "/compare/?" + urlencode({"outlet": outlet.slug, **r}) for r in ranges
        ],
        "claims: most quoted place": [f"/compare/{top.slug}/"],
        "claims: median place": [f"/compare/{median.slug}/"],
        "claims: place by affiliation": [f"/compare/{top.slug}/?group=affiliation"],
        "claims: place, outlet, year": [
            f"/compare/{top.slug}/?" + urlencode({"outlet": outlet.slug, "year": 2023})
        ],
        "claims: search": [f"/compare/{quote(top.name + ' talks')}/"],
        # the next most quoted places' names, each searched for the first time
        "claims: a new search (new filters)": [
            f"/compare/{quote(p.name + ' talks')}/" for p in places[1 : rounds + 2]
        ],
    }


def measure(args) -> dict:
    report: dict = {"articles": args.articles, "database": args.database_url}
    report["prepared"] = prepare_database(args.database_url, args.articles)
    prod = Production(args.database_url)
    try:
        prod.collectstatic()
        django_in_process(prod)
        from django.core.cache import cache

        cache.clear()
        with Gunicorn(prod.env) as server:
            log(f"{args.articles:,} articles: compare pages, {args.rounds} rounds ...")
            report["pages"] = signed_in.signed_in_latency(
                server, compare_pages(args.rounds), args.rounds
            )
    finally:
        prod.cleanup()
    return report


def print_report(report: dict) -> None:
    print(
        f"\nViews across articles, {report['articles']:,} articles, signed in (no page cache),"
        " each page after a /healthz request; ms"
    )
    print(f"  {'page':<32} {'p50':>7} {'p95':>7} {'hz p95':>7} {'n':>4}  target")
    for name, row in report["pages"].items():
        target = CLAIMS_P95_MS if name.startswith("claims") else COMPARE_P95_MS
        mark = "ok" if row["p95"] <= target else "MISS"
        print(
            f"  {name:<32} {row['p50']:7.1f} {row['p95']:7.1f} {row['healthz_p95']:7.2f}"
            f" {row['n']:4d}  p95<={target:g} {mark}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.database_url = args.database_url or signed_in.database_url_for(args.articles)
    with exclusive(args.database_url):
        report = measure(args)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
