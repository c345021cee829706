"""How often each place rule is right: the measured precision that ``articles.suggest.place_rules``
turns into each rule's confidence (``articles/suggest/place_rules.py``).

Run: ``.venv/bin/python bench/place_rules.py`` (add ``--all`` to count articles 10-21 too, for
information). By default it scores the tuned gold articles 01-09 and the seed article, with the
matching rules of ``bench/quality.py`` (same spans, same place), and prints per rule: matched /
suggested, the raw precision, and the smoothed confidence (matched + 1) / (suggested + 2).
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.suggest import suggest_places  # noqa: E402
from articles.suggest.place_rules import RULES  # noqa: E402

TUNED = set(range(1, 10))


def _quality():
    spec = importlib.util.spec_from_file_location("bench_quality", ROOT / "bench" / "quality.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def per_rule(articles, quality) -> tuple[Counter, Counter]:
    """(suggested, matched) counts per rule over ``articles``."""
    suggested: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    for article in articles:
        places = suggest_places(article.body, article.known_places)
        same = {
            (i, j)
            for i, p in enumerate(places)
            for j, g in enumerate(article.mentions)
            if quality.same_place(article, p, g)
        }
        spans = [{"start": p.start, "end": p.end} for p in places]
        pairs = quality.pair(spans, article.mentions, lambda i, j, same=same: (i, j) in same)
        hits = {i for i, _ in pairs}
        for i, p in enumerate(places):
            suggested[p.rule] += 1
            matched[p.rule] += i in hits
    return suggested, matched


def main(argv: list[str]) -> int:
    quality = _quality()
    gold = quality.load_gold()
    articles = gold if "--all" in argv else [a for a in gold if a.number in TUNED]
    articles.append(quality.load_seed())
    suggested, matched = per_rule(articles, quality)
    print(f"{'rule':<32} {'matched':>15} {'precision':>9} {'confidence':>10}  (in RULES)")
    for rule in RULES:
        n, k = suggested[rule], matched[rule]
        raw = f"{k / n:.3f}" if n else "-"
        smoothed = (k + 1) / (n + 2)
        print(f"{rule:<32} {k:>7}/{n:<7} {raw:>9} {smoothed:>10.3f}  ({RULES[rule].confidence})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
