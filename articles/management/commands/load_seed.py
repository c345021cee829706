"""Load the annotated seed article into an empty database: ``manage.py load_seed`` (``make run``).

Unlike ``loaddata seed``, it never overwrites: once any article exists, it does nothing, so
``make run`` keeps what annotators changed since.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Article


class Command(BaseCommand):
    help = "Load fixtures/seed.json when the database has no articles yet."

    def handle(self, *args, **options):
        if Article.objects.exists():
            self.stdout.write("Articles exist already; the seed was not loaded again.")
            return
        call_command("loaddata", "seed", verbosity=0)
        self.stdout.write(f"Loaded the seed: {Article.objects.count()} article(s).")
