"""How long does re-anchoring take on adversarial edits? Seconds per shape, and per 100 KB.

Run: ``.venv/bin/python bench/anchoring.py`` (``--seed N`` for other random edits).

Each row times one ``articles.anchoring.reanchor`` call (the work ``Article.save()`` does when a
body changes, without the database) and counts how the spans were placed. The target (issue #10,
item 6): time roughly linear in the body's size, never above 2 s per 100 KB of body.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.anchoring import CONTEXT, Anchor, reanchor  # noqa: E402

WORDS = [
    "talks",
    "ceasefire",
    "delegation",
    "envoy",
    "border",
    "shelling",
    "Kherson",
    "Odesa",
    "minister",
    "said",
    "would",
    "never",
    "return",
    "table",
    "guarantees",
    "region",
    "monitors",
    "convoy",
    "drones",
    "port",
    "harvest",
    "Geneva",
    "officials",
    "Tuesday",
    "agreement",
    "refused",
    "warned",
    "grain",
    "corridor",
    "the",
    "a",
    "of",
    "in",
    "on",
    "and",
]

Case = tuple[str, str, list[Anchor]]


def anchor(body: str, start: int, end: int) -> Anchor:
    prefix, suffix = body[max(0, start - CONTEXT) : start], body[end : end + CONTEXT]
    return Anchor(start, end, body[start:end], prefix, suffix)


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def article(rng: random.Random, size: int) -> str:
    paragraphs, length = [], 0
    while length < size:
        paragraphs.append(" ".join(sentence(rng, rng.randint(6, 20)) for _ in range(4)))
        length += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


def quote_words(rng: random.Random, length: int) -> str:
    text = []
    while sum(len(w) + 1 for w in text) < length:
        text.append(rng.choice(WORDS))
    return " ".join(text)


def long_quote(rng: random.Random, length: int) -> Case:
    """A quote of ``length`` characters, edited (a word in ten) and its paragraph moved."""
    quote = quote_words(rng, length)
    paragraph = f"Peskov said {quote}, he added."
    old = article(rng, 20_000) + "\n\n" + paragraph + "\n\n" + article(rng, 20_000)
    edited = " ".join(w.upper() if rng.random() < 0.1 else w for w in quote.split(" "))
    new = f"Peskov said {edited}, he added.\n\n" + old.replace(paragraph + "\n\n", "")
    start = old.index(quote)
    return old, new, [anchor(old, start, start + len(quote))]


def word_spans(rng: random.Random, body: str, count: int) -> list[Anchor]:
    spaces = [i for i, c in enumerate(body) if c == " "]
    spans = []
    for start in sorted(rng.sample(spaces, count)):
        end = body.find(" ", start + 1 + rng.randint(5, 120))
        if end != -1:
            spans.append(anchor(body, start + 1, end))
    return spans


def random_edits(rng: random.Random, body: str, count: int) -> str:
    """Insertions, deletions, replacements and paragraph moves, anywhere."""
    for _ in range(count):
        kind = rng.choice(("insert", "delete", "replace", "move"))
        if kind == "move":
            paragraphs = body.split("\n\n")
            moved = paragraphs.pop(rng.randrange(len(paragraphs)))
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), moved)
            body = "\n\n".join(paragraphs)
            continue
        a = rng.randrange(len(body))
        b = a if kind == "insert" else min(len(body), a + rng.randint(1, 200))
        body = body[:a] + ("" if kind == "delete" else sentence(rng, rng.randint(1, 8))) + body[b:]
    return body


def many_spans(rng: random.Random, size: int, spans: int, edits: int) -> Case:
    old = article(rng, size)
    return old, random_edits(rng, old, edits), word_spans(rng, old, spans)


def repetitive(rng: random.Random, size: int) -> Case:
    """One sentence over and over; spans on it; a few sentences deleted and one rewritten."""
    unit = "Peskov said talks were impossible. "
    old = unit * (size // len(unit))
    new = old[: size // 3] + old[size // 3 + len(unit) * 3 :]
    new = new.replace(unit, "Peskov said talks were possible. ", 1)
    starts = range(0, len(old) - len(unit), len(unit) * max(1, len(old) // len(unit) // 500))
    spans = [anchor(old, s + 12, s + 33) for s in starts]
    return old, new, spans


def one_paragraph(rng: random.Random, size: int, spans: int) -> Case:
    """A body with no paragraph breaks at all, edited in many places."""
    old = " ".join(sentence(rng, 12) for _ in range(size // 80))
    return old, random_edits(rng, old, 200).replace("\n\n", " "), word_spans(rng, old, spans)


def rows() -> list[tuple[str, Callable[[random.Random], Case]]]:
    return [
        ("long quote 1,000 chars, edited and moved", lambda r: long_quote(r, 1_000)),
        ("long quote 1,200 chars, edited and moved", lambda r: long_quote(r, 1_200)),
        ("long quote 5,000 chars, edited and moved", lambda r: long_quote(r, 5_000)),
        ("1,000 spans on 400 KB, 300 random edits", lambda r: many_spans(r, 400_000, 1_000, 300)),
        ("100 spans on 2 MiB, 100 random edits", lambda r: many_spans(r, 2_000_000, 100, 100)),
        ("repetitive text 400 KB, 500 spans", lambda r: repetitive(r, 400_000)),
        ("one 400 KB paragraph, 1,000 spans", lambda r: one_paragraph(r, 400_000, 1_000)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    seed = parser.parse_args().seed
    print(f"{'shape':44} {'body KB':>8} {'spans':>6} {'seconds':>8} {'s/100KB':>8}  placed")
    for name, make in rows():
        old, new, spans = make(random.Random(seed))
        began = time.perf_counter()
        placed = reanchor(old, new, spans)
        seconds = time.perf_counter() - began
        size = max(len(old), len(new)) / 1000
        how = ", ".join(f"{k} {v}" for k, v in Counter(p.how for p in placed).most_common())
        per_100_kb = seconds / size * 100
        print(f"{name:44} {size:8.0f} {len(spans):6} {seconds:8.2f} {per_100_kb:8.2f}  {how}")


if __name__ == "__main__":
    main()
