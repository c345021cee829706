"""``manage.py export_dataset DIR``: the published corpus as a Frictionless Data Package
(``articles.exports.package``): CSVs of the quotes, place mentions, speakers and places, their
GeoJSON, and ``datapackage.json`` with schemas, licence and citation."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.exports import package as dataset


class Command(BaseCommand):
    help = "Write the published corpus as a Frictionless Data Package into DIR (new or empty)."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="where to write it (new or empty)")
        parser.add_argument(
            "--base-url",
            required=True,
            help="the site's address, for the links in the data (e.g. https://newsroom.example)",
        )
        parser.add_argument("--title", default="Newsroom corpus", help="the dataset's title")
        parser.add_argument(
            "--license",
            default=dataset.DEFAULT_LICENSE,
            choices=sorted(dataset.LICENSES),
            help="the licence of the annotations (default CC-BY-4.0)",
        )

    def handle(self, *args, directory, base_url, title, license, **options):
        if not base_url.startswith(("https://", "http://")):
            raise CommandError(f"--base-url: {base_url!r} is not an http(s) address")
        try:
            counts = dataset.write(directory, base_url, title, license)
        except (dataset.DatasetError, OSError) as error:
            raise CommandError(str(error)) from None
        rows = ", ".join(f"{n:,} {name}" for name, n in counts.items())
        self.stdout.write(f"Wrote {directory}: {rows}, their GeoJSON and datapackage.json.")
