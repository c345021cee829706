"""PostgreSQL only: the GIN index on the search vector, and trigram indexes for fuzzy names.

SQLite has neither; there these operations do nothing and search falls back to substrings.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS articles_article_search_gin "
    "ON articles_article USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS articles_speaker_name_trgm "
    "ON articles_speaker USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS articles_place_name_trgm "
    "ON articles_place USING gin (name gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS articles_place_name_trgm",
    "DROP INDEX IF EXISTS articles_speaker_name_trgm",
    "DROP INDEX IF EXISTS articles_article_search_gin",
]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)
        if statements is FORWARD:
            # Articles that exist already get their vectors now.
            from articles.search import refresh_vectors

            refresh_vectors(connection=schema_editor.connection)

    return operation


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_search_vector")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
