"""Load the annotated seed article into an empty database: ``manage.py load_seed`` (``make run``).

Unlike ``loaddata seed``, it never overwrites: once any article exists, it does nothing, so
``make run`` keeps what annotators changed since (``--force`` reloads it, overwriting its
objects). A fixture bypasses the operations, so the load ends with one that brings every
revision, search vector, count and cached page up to date.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from articles import operations
from articles.models import Article


class Command(BaseCommand):
    help = "Load fixtures/seed.json when the database has no articles yet."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="reload it over its objects (make seed)"
        )

    def handle(self, *args, force=False, **options):
        if Article.objects.exists() and not force:
            self.stdout.write("Articles exist already; the seed was not loaded again.")
            return
        with transaction.atomic():
            call_command("loaddata", "seed", verbosity=0)
            operations.rebuild_everything()
        self.stdout.write(f"Loaded the seed: {Article.objects.count()} article(s).")
