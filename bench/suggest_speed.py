"""How long does the suggester take on long and adversarial input? It must grow linearly.

Run: ``.venv/bin/python bench/suggest_speed.py`` (``--sizes 100,200`` in KB, ``--shapes a,b``,
``--timeout`` seconds per measurement, ``--profile SHAPE`` for a cProfile of one shape).

Each shape is a body the importer accepts (well under its 2 MiB limit) that stresses one part of
``articles.suggest``; each is timed at every size (``suggest_quotes`` then ``suggest_places``, as
``articles.suggestions.find`` calls them), in a child process killed after ``--timeout``. The
last column divides the CPU time at each size by that at the first: about 2.0 at twice the size
is linear, 4.0 quadratic. CPU time (this process's) leaves out other work on a busy machine; the
wall-clock seconds are shown too. A normal 1,000-word article, the case that matters most, is
timed in ms.

``--database``: the normal article only, with the gazetteer in the database instead of the
fixture: the bundled one (``load_gazetteer --bundled`` is run first, skipped when loaded), cut
to the article by ``articles.geonames.article.gazetteer_for`` (one query) for each run. Set
``DATABASE_URL`` for PostgreSQL. The target (#13) is 100 ms with the bundled gazetteer.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

KB = 1024

# A few dozen names from the bundled gazetteer, and plain words.
_CITY_TEXT = (
    "Kyiv Kharkiv Odesa Kherson Mykolaiv Dnipro Zaporizhzhia Lviv Poltava Sumy Chernihiv Bakhmut "
    "Donetsk Luhansk Mariupol Melitopol Berdiansk Kramatorsk Sloviansk Izium Moscow Belgorod Kursk "
    "Tbilisi Batumi Yerevan Baku Goma Bukavu Kinshasa Bamako Timbuktu Gao Tyre Sidon Beirut "
    "Tripoli Benghazi Misrata Khartoum Omdurman Yangon Mandalay Myawaddy"
)
CITIES = tuple(_CITY_TEXT.split())
_WORD_TEXT = (
    "the army moved its forces along the road while officials in the region met with residents "
    "to discuss the new plan for aid convoys which had been delayed by weeks of heavy rain and "
    "fighting near the border crossing"
)
WORDS = tuple(_WORD_TEXT.split())


def _repeat(unit: Callable[[int], str], size: int, sep: str = "") -> str:
    """``unit(0) + sep + unit(1) + ...`` until the UTF-8 text reaches ``size`` bytes."""
    parts, total, n = [], 0, 0
    while total < size:
        part = unit(n)
        parts.append(part)
        total += len(part.encode()) + len(sep.encode())
        n += 1
    return sep.join(parts)


def _capitalised(rng: random.Random) -> str:
    syllables = ["ka", "lo", "mi", "ter", "van", "so", "ru", "den", "ba", "zor", "el", "quin"]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).title()


def _generated(size: int, paragraph_sep: str) -> str:
    """Synthetic conflict news (``manage.py generate_corpus``'s articles) up to ``size`` bytes."""
    world = _world()
    from articles.management.commands.generate_corpus import generate_article

    def unit(n: int) -> str:
        return paragraph_sep.join(generate_article(world, 1, n).body.split("\n\n"))

    return _repeat(unit, size, paragraph_sep)


_WORLD = None


def _world():
    global _WORLD
    if _WORLD is None:
        import django

        django.setup()
        from articles.management.commands.generate_corpus import World

        _WORLD = World.build()
    return _WORLD


def normal_article() -> str:
    """A normal 1,000-word article of the synthetic corpus."""
    from articles.management.commands.generate_corpus import generate_article

    return generate_article(_world(), 1, 0, words=1000).body


def _shape_rng(size: int) -> random.Random:
    return random.Random(f"suggest-speed:{size}")


SHAPES: dict[str, Callable[[int], str]] = {
    # the shapes
    "said_quote": lambda size: _repeat(lambda n: 'x said "b c". ', size),
    "said_person": lambda size: _repeat(lambda n: f'"Word{n} here," said Person{n}. ', size),
    "no_punctuation": lambda size: _repeat(lambda n: WORDS[n % len(WORDS)] + " ", size),
    "short_paragraphs": lambda size: _repeat(
        lambda n: [
            "Officials said the road was closed.",
            f"Anna Petrenko{n} said:",
            "It was quiet in Kyiv on Monday.",
            '"We will stay," she said.',
        ][n % 4],
        size,
        "\n\n",
    ),
    "emoji_quotes": lambda size: _repeat(lambda n: '"😀🙂 🚀🔥" ', size),
    # more
    "capitalised": lambda size: (lambda rng: _repeat(lambda n: _capitalised(rng) + " ", size))(
        _shape_rng(size)
    ),
    "places": lambda size: _repeat(
        lambda n: f"Troops entered {CITIES[n % len(CITIES)]}. The city was quiet. ", size
    ),
    # one place, then only anaphora: each "the city" is a mention the next one looks back over
    "anaphora": lambda size: (
        "Troops entered Kharkiv. " + _repeat(lambda n: "The city was quiet. ", size)
    ),
    # features the gazetteer lacks, each placed at the city its sentence names
    "features": lambda size: _repeat(
        lambda n: f"Boats on Lake Kivu{n} near {CITIES[n % len(CITIES)]}. ", size
    ),
    "place_list": lambda size: _repeat(lambda n: CITIES[n % len(CITIES)] + " ", size),
    "unbalanced_quotes": lambda size: _repeat(
        lambda n: ['He said "this is open and ', "it went on” ", "“and on "][n % 3], size
    ),
    "long_sentence": lambda size: _repeat(
        lambda n: "the minister said that troops advanced near the river, ", size
    ),
    "roles": lambda size: _repeat(
        lambda n: f"Carla Lima{n} arrived. The envoy said that talks were over. ", size
    ),
    "pronouns": lambda size: _repeat(
        lambda n: f"Colonel Ivan Petro{n} spoke. He said it was over. They said so. ", size
    ),
    "news_one_paragraph": lambda size: _generated(size, " "),
    "news_paragraphs": lambda size: _generated(size, "\n\n"),
}


def known(count: int):
    """``count`` known speakers and places, as a large newsroom database would have."""
    from articles.suggest import KnownPlace, KnownSpeaker

    rng = random.Random("suggest-speed:known")
    speakers = [
        KnownSpeaker(f"{_capitalised(rng)} {_capitalised(rng)}", (), "person", "official")
        for _ in range(count)
    ]
    places = [
        KnownPlace(_capitalised(rng), rng.uniform(-60, 60), rng.uniform(-180, 180))
        for _ in range(count)
    ]
    return speakers, places


def suggest_seconds(body: str, speakers=(), places=()) -> float:
    """Seconds for ``suggest_quotes`` and ``suggest_places`` on ``body`` (gazetteer loaded)."""
    return suggest_times(body, speakers, places)[0]


def suggest_times(body: str, speakers=(), places=()) -> tuple[float, float]:
    """(wall-clock seconds, this process's CPU seconds) for ``suggest_seconds``' work. CPU time
    leaves out the time other processes of a busy machine took."""
    from articles import gazetteer
    from articles.suggest import suggest_places, suggest_quotes

    gazetteer.load()
    started, cpu = time.perf_counter(), time.process_time()
    suggest_quotes(body, speakers)
    suggest_places(body, places)
    return time.perf_counter() - started, time.process_time() - cpu


def database_times(body: str) -> tuple[float, float]:
    """(seconds for the article's gazetteer from the database, seconds for it and both
    suggesters with it)."""
    from articles.geonames.article import gazetteer_for
    from articles.suggest import suggest_places, suggest_quotes

    started = time.perf_counter()
    gaz = gazetteer_for(body)
    lookup = time.perf_counter() - started
    suggest_quotes(body)
    suggest_places(body, (), gazetteer=gaz)
    return lookup, time.perf_counter() - started


def database_main() -> None:
    from django.core.management import call_command
    from django.db import connection

    from articles.geonames.article import context
    from articles.models import GazetteerName

    call_command("load_gazetteer", "--bundled")
    body = normal_article()
    context()  # read once per process, as in a worker
    database_times(body)
    runs = sorted(database_times(body) for _ in range(7))
    lookup, total = runs[3]
    print(
        f"{connection.vendor}, {GazetteerName.objects.count():,} names: normal article "
        f"({len(body.split()):,} words): {total * 1000:.0f} ms with the database's gazetteer "
        f"(of which {lookup * 1000:.0f} ms its gazetteer for the article); the fixture's: "
        f"{suggest_seconds(body) * 1000:.0f} ms"
    )


def body_for(shape: str, size: int) -> tuple[str, list, list]:
    """The body for ``shape`` at ``size`` bytes, and the known speakers and places to pass."""
    if shape == "many_known":
        speakers, places = known(2000)
        return SHAPES["news_paragraphs"](size), speakers, places
    return SHAPES[shape](size), [], []


def _measure(shape: str, size: int, out) -> None:
    body, speakers, places = body_for(shape, size)
    out.put((len(body.encode()), suggest_times(body, speakers, places)))


def measure(shape: str, size: int, timeout: float) -> tuple[int, tuple[float, float] | None]:
    """(bytes, (seconds, CPU seconds)) in a child process; None when it ran out of time."""
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    child = context.Process(target=_measure, args=(shape, size, out))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return size, None
    return out.get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,200", help="KB, comma-separated")
    parser.add_argument("--shapes", default="", help="comma-separated; default all")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per measurement")
    parser.add_argument("--profile", default="", help="cProfile one shape at the first size")
    parser.add_argument(
        "--database", action="store_true", help="the normal article, gazetteer in the database"
    )
    args = parser.parse_args()
    if args.database:
        _world()
        database_main()
        return
    sizes = [int(float(s) * KB) for s in args.sizes.split(",")]
    shapes = args.shapes.split(",") if args.shapes else [*SHAPES, "many_known"]

    if args.profile:
        import cProfile
        import pstats

        body, speakers, places = body_for(args.profile, sizes[0])
        suggest_seconds("warm up", speakers, places)
        profile = cProfile.Profile()
        profile.runcall(suggest_seconds, body, speakers, places)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
        return

    _world()  # before forking: each child then has the corpus vocabulary
    body = normal_article()
    suggest_seconds(body)
    runs = sorted(suggest_seconds(body) for _ in range(5))
    words = len(body.split())
    size = len(body.encode())
    print(f"normal article ({words:,} words, {size:,} bytes): {runs[2] * 1000:.0f} ms")
    speakers, places = known(2000)
    print(
        f"  with 2,000 known speakers and places: "
        f"{suggest_seconds(body, speakers, places) * 1000:.0f} ms"
    )
    print()
    widths = (-20, 5, 8, 6, 9, 8, 8)  # negative: left-aligned
    head = ("shape", "KB", "seconds", "cpu", "s/100 KB", "cpu/100", "x first")
    print(
        " ".join(f"{h:<{-w}}" if w < 0 else f"{h:>{w}}" for h, w in zip(head, widths, strict=True))
    )
    for shape in shapes:
        first = None
        for size in sizes:
            actual, times = measure(shape, size, args.timeout)
            if times is None:
                print(f"{shape:<20} {size / KB:>5.0f} {'> ' + str(int(args.timeout)):>8}")
                break
            seconds, cpu = times
            first = first or cpu
            per_100 = 100 * KB / actual
            print(
                f"{shape:<20} {actual / KB:>5.0f} {seconds:>8.2f} {cpu:>6.2f} "
                f"{seconds * per_100:>9.2f} {cpu * per_100:>8.2f} {cpu / first:>8.2f}"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
