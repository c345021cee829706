"""How long the importer's Unicode normalisation takes on adversarial text (issue #10, item 7).

    .venv/bin/python bench/normalise.py [--size KB] [--no-baseline]

Each row is one shape of text, made here, as the bytes of an article file, run through
``articles.importer.parse`` (decoding, line endings, UAX #15 Stream-Safe Text Format, NFC,
paragraphs): its size, the seconds it took (the best of three, one run for the 2 MiB files),
seconds per 100 KB, and how many U+034F COMBINING GRAPHEME JOINERs were inserted. The
baseline rows time plain ``unicodedata.normalize("NFC")``, what the importer did before, on
the worst shape: quadratic, so they are kept small. Pure: no database, no Django.
"""

import argparse
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles.importer import CGJ, MAX_BYTES, parse  # noqa: E402

HEADER = "An adversarial headline\n\nA dek on one line\n\n"


def _cycle(unit: str, size: int) -> str:
    """``unit`` repeated to about ``size`` bytes of UTF-8."""
    return unit * max(1, size // len(unit.encode()))


def _lines(words: str, size: int) -> str:
    """Words on lines of about 70 characters, paragraphs of 8 lines: an ordinary article."""
    text = _cycle(words, size)
    lines = [text[i : i + 70] for i in range(0, len(text), 70)]
    return "\n\n".join("\n".join(lines[i : i + 8]) for i in range(0, len(lines), 8))


MIXED = "Kyiv Київ Київ Кие\u0301в مَرْحَبًا بِكُمْ עִבְרִית हिन्दी ภาษาไทย " + unicodedata.normalize(
    "NFD", "Tiếng Việt người được những Ελληνικά ἀρχή "
)
EMOJI = "👍🏽 👩🏾‍💻 👨‍👩‍👧‍👦 🏳️‍🌈 🇺🇦 1️⃣ 🤌🏿 "

SHAPES: dict[str, Callable[[int], str]] = {
    "combining marks, alternating classes (one letter)": lambda n: "a" + _cycle("\u0301\u0316", n),
    "combining marks, one class (one letter)": lambda n: "a" + _cycle("\u0301", n),
    "combining marks, 40 on each letter": lambda n: _cycle("a" + "\u0301\u0316" * 20 + " ", n),
    "Tibetan U+0F73 (two non-starters each)": lambda n: "\u0f40" + _cycle("\u0f73", n),
    "Hangul jamo, L V T to compose": lambda n: _cycle("\u1100\u1161\u11a8", n),
    "Hangul jamo, V T only, no syllable": lambda n: _cycle("\u1161\u11a8", n),
    "Hangul jamo and combining marks": lambda n: _cycle("\u1100\u1161\u0301\u0316" * 10, n),
    "mixed scripts, decomposed, in lines": lambda n: _lines(MIXED, n),
    "emoji with modifiers and ZWJ": lambda n: _lines(EMOJI, n),
    "plain English, in lines": lambda n: _lines("The ministry said talks would resume. ", n),
}
BIG = [
    "combining marks, alternating classes (one letter)",
    "Tibetan U+0F73 (two non-starters each)",
    "mixed scripts, decomposed, in lines",
]


def article(body: str, limit: int) -> bytes:
    """The file: header and body, cut to ``limit`` bytes on a character boundary."""
    return (HEADER + body + "\n").encode()[:limit].decode("utf-8", "ignore").encode()


def timed(function: Callable[[], object], runs: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def row(shape: str, size: int, seconds: float, joiners: int | str) -> str:
    per_100k = seconds / (size / 100_000)
    return f"{shape:<64} {size / 1024:>9,.0f} {seconds:>9.3f} {per_100k:>9.4f} {joiners:>8}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=200, help="KB per shape (default 200)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain-NFC rows")
    options = parser.parse_args()
    print(f"{'shape':<64} {'KiB':>9} {'seconds':>9} {'s/100KB':>9} {'CGJs':>8}")
    worst = 0.0
    cases = [(shape, options.size * 1000, 3) for shape in SHAPES]
    cases += [(f"2 MiB file: {shape}", MAX_BYTES, 1) for shape in BIG]
    for shape, size, runs in cases:
        data = article(SHAPES[shape.removeprefix("2 MiB file: ")](size), min(size, MAX_BYTES))
        seconds, parsed = timed(lambda data=data: parse(data), runs)
        joiners = (parsed.headline + parsed.dek + parsed.body).count(CGJ)
        print(row(shape, len(data), seconds, joiners), flush=True)
        worst = max(worst, seconds / (len(data) / 100_000))
    if not options.no_baseline:
        for kb in (10, 20, 40):
            text = "a" + _cycle("\u0301\u0316", kb * 1000)
            seconds, _ = timed(lambda text=text: unicodedata.normalize("NFC", text), 1)
            shape = "baseline: plain NFC, alternating classes"
            print(row(shape, len(text.encode()), seconds, "-"), flush=True)
    print(f"\nworst: {worst:.4f} s per 100 KB (target: under 2)")
    return 0 if worst < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
