"""How long ``manage.py load_gazetteer`` takes on a file the size of GeoNames' ``cities500``.

Run::

    .venv/bin/python bench/gazetteer_load.py --database-url \\
        postgres://postgres@127.0.0.1:5432/newsroom_geonames [--lines 200000]

What one run does:

1. writes, in a temporary directory, a ``cities500.zip`` of ``--lines`` generated places in
   GeoNames' 19 columns (about 200,000, as the real one; names from syllables, and alternate
   names as the real file spreads them: most places none or a few, one in five a few dozen,
   the biggest up to ninety: about seven a place, a third of them beyond ASCII), an
   ``admin1CodesASCII.txt`` of 4,000 regions and a ``countryInfo.txt`` of 250 countries;
2. recreates the database (it must be on 127.0.0.1 and not a protected one) and migrates it;
3. times ``manage.py load_gazetteer`` on the three files, in a subprocess (Django's start-up
   included), on the empty tables; then again on the same files (every row is there: the
   idempotent reload). The command's own figure ("Loaded 3 file(s) in ...") is printed too.

The issue's target: loading cities500 takes under a minute.

``--suggest`` (PostgreSQL): instead of the second load, load the bundled gazetteer on top and
time a 1,000-word article's suggestions with the database's gazetteer cut to it
(``bench/suggest_speed.py --database``): with ``--lines 1600000`` (about 12 million names,
as GeoNames' allCountries has), the issue's target is 300 ms. The generated names are made of
syllables, so the article's words (real ones) are looked up among 12 million rows of the index
without matching many of them; a real allCountries file has more places of one name.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import PYTHON, ROOT, exclusive, log, recreate_database  # noqa: E402

SYLLABLES = [
    "ka",
    "ki",
    "ko",
    "va",
    "vi",
    "lo",
    "lu",
    "da",
    "do",
    "ne",
    "ny",
    "ra",
    "ri",
    "sa",
    "so",
    "ta",
    "tu",
    "ha",
    "za",
    "zo",
    "mar",
    "bel",
    "gor",
    "pol",
    "sk",
]
SUFFIXES = ["a", "e", "o", "sk", "ov", "ka", " Pervyi", " Nou", "-Miasto"]
ACCENTED = str.maketrans("aeioulszcn", "áëîøüłšžčń")
COUNTRIES = [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(250)]
TARGET_SECONDS = 60.0


def name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def alternates(rng: random.Random, base: str) -> list[str]:
    roll = rng.random()
    count = (
        rng.randint(0, 3)
        if roll < 0.75
        else rng.randint(4, 30)
        if roll < 0.95
        else rng.randint(30, 90)
    )
    # Other spellings and other languages' names: a third of them beyond ASCII (accents, other
    # scripts), as GeoNames' are.
    return [
        rng.choice([name(rng), f"{base}{rng.choice(SUFFIXES)}", name(rng).translate(ACCENTED)])
        for _ in range(count)
    ]


def place_line(rng: random.Random, geonameid: int) -> str:
    base = name(rng)
    country = rng.choice(COUNTRIES)
    population = int(500 * 10 ** (rng.random() * 3.5)) if rng.random() < 0.8 else 0
    fields = [
        str(geonameid),
        base,
        base,
        ",".join(alternates(rng, base)),
        f"{rng.uniform(-60, 70):.5f}",
        f"{rng.uniform(-180, 180):.5f}",
        "P",
        rng.choice(["PPL", "PPL", "PPL", "PPLA3", "PPLA2"]),
        country,
        "",
        f"{rng.randint(1, 16):02d}",
        "",
        "",
        "",
        str(population),
        "",
        str(rng.randint(0, 900)),
        "Europe/Kyiv",
        "2024-05-12",
    ]
    return "\t".join(fields) + "\n"


def write_files(directory: Path, lines: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    cities = directory / "cities500.zip"
    with (
        zipfile.ZipFile(cities, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("cities500.txt", "w") as text,
    ):
        for n in range(lines):
            text.write(place_line(rng, 1_000_000 + n).encode())
    admin1 = directory / "admin1CodesASCII.txt"
    with admin1.open("w", encoding="utf-8") as out:
        for country in COUNTRIES:
            for code in range(1, 17):
                region = name(rng)
                out.write(f"{country}.{code:02d}\t{region}\t{region}\t{rng.randint(1, 10**7)}\n")
    countries = directory / "countryInfo.txt"
    with countries.open("w", encoding="utf-8") as out:
        out.write("# GeoNames.org Country Information\n#ISO\tISO3\tISO-Numeric\tfips\tCountry\n")
        for n, country in enumerate(COUNTRIES):
            neighbours = ",".join(rng.sample(COUNTRIES, 3))
            out.write(
                f"{country}\t{country}X\t{n:03d}\t{country}\t{name(rng)}\t{name(rng)}\t1000\t"
                f"{rng.randint(10**4, 10**8)}\tEU\t.{country.lower()}\tEUR\tEuro\t380\t#####\t"
                f"^(\\d{{5}})$\ten\t{rng.randint(1, 10**7)}\t{neighbours}\t\n"
            )
    return [cities, admin1, countries]


def load(files: list[Path], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "load_gazetteer", "--no-progress", *map(str, files)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--suggest", action="store_true", help="then the bundle, and a 1,000-word article's time"
    )
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": args.database_url}
    with exclusive(args.database_url), tempfile.TemporaryDirectory() as directory:
        log(f"writing {args.lines:,} places ...")
        files = write_files(Path(directory), args.lines, args.seed)
        size = sum(p.stat().st_size for p in files)
        log(f"files: {size / 1e6:.1f} MB; recreating and migrating the database ...")
        recreate_database(args.database_url)
        subprocess.run(
            [PYTHON, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
            env=env,
            cwd=ROOT,
            check=True,
        )
        for what in ("first load (empty tables)", "second load (the same files)"):
            seconds, output = load(files, env)
            print(f"== {what}: {seconds:.1f} s (target < {TARGET_SECONDS:.0f} s)")
            print(output.strip())
            sys.stdout.flush()
            if args.suggest:
                break
        if args.suggest:
            suggest = [PYTHON, str(ROOT / "bench" / "suggest_speed.py"), "--database"]
            result = subprocess.run(suggest, env=env, cwd=ROOT, capture_output=True, text=True)
            print(result.stdout.strip().splitlines()[-1] if result.returncode == 0 else result)


if __name__ == "__main__":
    main()
