"""Load GeoNames' dump files into the gazetteer: ``manage.py load_gazetteer FILE...``.

The files as https://download.geonames.org/export/dump/ publishes them: the places
(``cities500.zip``, ``cities1000.zip``, ``allCountries.zip``, a country's ``XX.zip``, or the
``.txt`` inside), ``admin1CodesASCII.txt``, ``countryInfo.txt`` and, optionally,
``alternateNamesV2.zip`` (or ``.txt``). They are loaded countries first, then regions, places
and alternate names (which are kept only for places loaded), whatever the order given. Each file
is read as a stream and loaded in one transaction; loading a file again changes nothing, and a
newer one updates what it gives (see ``articles.geonames.load``).

A file that cannot be loaded stops the command with one line naming the file and the line, and
a non-zero exit; nothing of that file is written (the files before it stay loaded).

``manage.py load_gazetteer --bundled`` loads the gazetteer that ships in ``fixtures/geonames/``
(every country and first-level region, places of 1,000 and more: ``articles.geonames.bundle``),
and records its version: run again, it sees that version loaded and stops at once (``--force``
loads it anyway). ``make run`` runs it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.geonames import article, bundle, load
from articles.geonames import files as geonames_files
from articles.geonames.files import GeoNamesFileError
from articles.geonames.models import GazetteerBundle
from articles.output import shown
from articles.progress import Progress

PROGRESS_BYTES = 1 << 20  # files from this size on show a progress bar by default
CREDIT = (
    "GeoNames data (https://www.geonames.org/) is licensed under CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/): credit GeoNames wherever you show it."
)


class Command(BaseCommand):
    help = (
        "Load GeoNames dump files into the gazetteer: cities500.zip (or cities1000.zip, "
        "allCountries.zip, a country's XX.zip, or the .txt inside), admin1CodesASCII.txt, "
        "countryInfo.txt, and optionally alternateNamesV2.zip; or, with --bundled, the "
        "gazetteer that ships with Newsroom. Idempotent; each file in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="FILE", help="GeoNames dump files")
        parser.add_argument(
            "--bundled",
            action="store_true",
            help="load the bundled gazetteer (fixtures/geonames/); skipped when that version "
            "is loaded already",
        )
        parser.add_argument(
            "--force", action="store_true", help="with --bundled: load it even when loaded"
        )
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="a progress bar on stderr (default: for files of 1 MB or more)",
        )

    def handle(self, *args, files: list[str], progress: bool | None, **options):
        if options["bundled"] == bool(files):
            raise CommandError("Give the GeoNames files to load, or --bundled (not both).")
        if options["force"] and not options["bundled"]:
            raise CommandError("--force goes with --bundled.")
        if not options["bundled"]:
            self.load_files([Path(name) for name in files], progress)
            article.forget()
            return
        version = bundle.version()
        if GazetteerBundle.objects.filter(version=version).exists() and not options["force"]:
            self.stdout.write(f"The bundled gazetteer (version {version}) is loaded already.")
            return
        self.load_files(bundle.paths(), progress)
        GazetteerBundle.objects.get_or_create(version=version)
        article.forget()
        self.stdout.write(f"The bundled gazetteer (version {version}) is loaded.")

    def load_files(self, paths: list[Path], progress: bool | None) -> None:
        started = time.perf_counter()
        try:
            sources = [geonames_files.source(path) for path in paths]
        except GeoNamesFileError as error:
            raise CommandError(shown(str(error))) from None
        sources.sort(key=lambda source: geonames_files.KINDS.index(source.kind))
        done: list[str] = []
        for source in sources:
            bar = progress if progress is not None else source.size >= PROGRESS_BYTES
            try:
                loaded = self.load_one(source, bar)
            except GeoNamesFileError as error:
                kept = f"; loaded before it: {', '.join(done)}" if done else ""
                message = f"{error} (nothing of this file was loaded{kept})"
                raise CommandError(shown(message)) from None
            done.append(source.label)
            self.stdout.write(shown(str(loaded)))
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(done)} file(s) in {elapsed:.1f}s."))
        self.stdout.write(CREDIT)

    def load_one(self, source: geonames_files.Source, bar_shown: bool) -> load.Loaded:
        """Load ``source``, with a progress bar (in kB of its text) when ``bar_shown``."""
        if not bar_shown:
            return load.load(source)
        label = shown(source.label)
        bar = Progress(max(source.size // 1024, 1), label, self.stderr, unit="kB")
        try:
            loaded = load.load(source, lambda read: bar.update(read // 1024))
            bar.update(bar.total)
            return loaded
        finally:
            bar.close()
