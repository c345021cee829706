import datetime

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def date_rows(apps, schema_editor):
    """Each kept (article, place) row carries its article's date, as its mentions do."""
    Article = apps.get_model("articles", "Article")
    dated = Article.objects.filter(pk=OuterRef("article_id")).values("published_on")[:1]
    apps.get_model("articles", "ArticlePlace").objects.update(
        article_date=Coalesce(Subquery(dated), Value(datetime.date.min))
    )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0025_quote_shown_by_article"),
    ]

    operations = [
        migrations.AddField(
            model_name="articleplace",
            name="article_date",
            field=models.DateField(default=datetime.date.min),
            preserve_default=False,
        ),
        migrations.RunPython(date_rows, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="articleplace",
            index=models.Index(
                fields=["place", "article_date", "n_mentions"], name="article_place_dated"
            ),
        ),
    ]
