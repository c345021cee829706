"""Do the place rules stay right when the gazetteer has many more small places?

Run: ``.venv/bin/python bench/place_namesakes.py`` (add ``-v`` for the false places).

A bigger gazetteer (every place of 1,000 people or more) brings the villages the gold articles
name, and many namesakes: places called like surnames, titles and words. This builds such a
gazetteer from the bundled one: each gold city mention the bundled gazetteer lacks is added at
its gold coordinates (population 3,000), and every capitalised word of four letters or more of
the gold texts and the seed that names no place gets three small namesakes (population 0,
1,200 or 5,000) in countries drawn at random (seeded, so the run repeats). It then prints the
place figures of ``bench/quality.py`` with the bundled gazetteer and with this one.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import quality  # noqa: E402

from articles import gazetteer  # noqa: E402
from articles.gazetteer import Entry, Gazetteer  # noqa: E402
from articles.suggest import suggest_places  # noqa: E402


def crowded(base: Gazetteer, articles) -> Gazetteer:
    rng = random.Random(1)
    extra = []
    villages = {}
    for a in articles:
        for m in a.mentions:
            place = a.places[m["place"]]
            text = a.body[m["start"] : m["end"]]
            if place["kind"] == "city" and text not in base:
                villages[text] = place
    for text, place in sorted(villages.items()):
        extra.append(Entry(text, place["latitude"], place["longitude"], "city", "", 3000))
    words = {w for a in articles for w in re.findall(r"\b[A-Z][a-z]{3,}\b", a.body)}
    codes = sorted(base.countries)
    for word in sorted(words):
        if word in base or word in villages or word.casefold() in gazetteer.COMMON_WORDS:
            continue
        for _ in range(3):
            c = base.countries[rng.choice(codes)]
            lat, lon = c.latitude + rng.uniform(-2, 2), c.longitude + rng.uniform(-2, 2)
            population = rng.choice([0, 1200, 5000])
            extra.append(Entry(word, lat, lon, "city", c.country_code, population))
    return Gazetteer(
        [*base.entries, *extra], base.admin1, base.demonym_codes, base.capitals, base.neighbours
    )


def main(argv: list[str]) -> int:
    articles = [*quality.load_gold(), quality.load_seed()]
    base = gazetteer.load()
    big = crowded(base, articles)
    print(f"bundled gazetteer: {len(base.entries)} entries; crowded: {len(big.entries)}")
    groups = {
        "01-09": lambda a: 1 <= a.number <= 9,
        "10-21": lambda a: 10 <= a.number <= 21,
        "seed": lambda a: a.name == "seed",
    }
    for label, gaz in (("bundled", base), ("crowded", big)):
        quality.suggest_places = lambda body, places, gaz=gaz: suggest_places(body, places, gaz)
        for name, chosen in groups.items():
            r = quality.score([a for a in articles if chosen(a)])
            c = r["counts"]
            print(
                f"{label:<8} {name:<6} places P {r['place_precision']:.3f} "
                f"({c['p_matched']}/{c['p_suggested']})  R {r['place_recall']:.3f} "
                f"({c['p_matched']}/{c['p_gold']})"
            )
            if "-v" in argv:
                for line in r["problems"]:
                    if "extra place" in line:
                        print("    " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
