"""A partial index of published articles, newest first, undated last (PostgreSQL only).

The article list and the search window (articles.search.NEWEST_FIRST) order by
``published_on DESC NULLS LAST, created_at DESC, id DESC``; the older (status, -published_on)
index puts NULLs first and cannot serve that order. SQLite cannot index NULLS LAST, and needs it
less (it is the local database), so it gets nothing.
"""

from django.db import migrations

INDEX = "articles_article_published_newest"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article "
            "(published_on DESC NULLS LAST, created_at DESC, id DESC) WHERE status = 'published'"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_revision")]

    operations = [migrations.RunPython(create, drop)]
