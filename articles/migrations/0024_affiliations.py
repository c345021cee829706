"""Affiliations: whom a speaker speaks for becomes a row annotators choose or create (an
``Affiliation``, with its country and side), no longer free text; and each speaker gets a kind of
source (``category``: official, military, civilian...).

Every distinct text of ``Speaker.affiliation`` (and of its history) becomes one affiliation of
that name, trimmed, so that no data is lost; going back writes the names back as text. Annotators
may add, change and see affiliations; Editors may also delete them."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.utils.text import slugify

ANNOTATE = ["add_affiliation", "change_affiliation", "view_affiliation"]
ROLES = {"Annotators": ANNOTATE, "Editors": [*ANNOTATE, "delete_affiliation"]}


def _slugs(names):
    """A unique slug for each name (in order): its slugify, numbered where two share one."""
    taken, slugs = set(), {}
    for name in names:
        base = (slugify(name) or "affiliation")[:180].strip("-") or "affiliation"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        slugs[name] = slug
    return slugs


def texts_to_rows(apps, schema_editor):
    Affiliation = apps.get_model("articles", "Affiliation")
    models_ = [apps.get_model("articles", m) for m in ("Speaker", "HistoricalSpeaker")]
    names = sorted(
        {
            text.strip()
            for model in models_
            for text in model.objects.values_list("affiliation_text", flat=True).distinct()
            if text and text.strip()
        }
    )
    Affiliation.objects.bulk_create(
        [Affiliation(name=name, slug=slug) for name, slug in _slugs(names).items()]
    )
    ids = dict(Affiliation.objects.values_list("name", "pk"))
    for model in models_:
        for text in model.objects.values_list("affiliation_text", flat=True).distinct():
            if text and text.strip():
                model.objects.filter(affiliation_text=text).update(affiliation_id=ids[text.strip()])
    if schema_editor.connection.vendor == "postgresql":
        # the column's key is checked now, not at commit: the table is altered next
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def rows_to_texts(apps, schema_editor):
    Affiliation = apps.get_model("articles", "Affiliation")
    names = dict(Affiliation.objects.values_list("pk", "name"))
    for model_name in ("Speaker", "HistoricalSpeaker"):
        model = apps.get_model("articles", model_name)
        for pk in model.objects.exclude(affiliation_id=None).values_list(
            "affiliation_id", flat=True
        ).distinct():
            model.objects.filter(affiliation_id=pk).update(affiliation_text=names.get(pk, ""))
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def add_permissions(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = previous or True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
            )


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
            )


CATEGORIES = [
    ("official", "Official (government)"),
    ("military", "Military"),
    ("armed_group", "Armed group (non-state)"),
    ("international", "International organisation"),
    ("ngo", "NGO or aid group"),
    ("civilian", "Civilian"),
    ("expert", "Expert or analyst"),
    ("media", "Journalist or media"),
    ("other", "Other"),
]


def _category():
    return models.CharField(
        blank=True,
        choices=CATEGORIES,
        help_text="Whom they speak as: an official, a soldier, a civilian...",
        max_length=20,
        verbose_name="kind of source",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0023_placequote_dated"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Affiliation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text='e.g. "Government of Russia", "United Nations"', max_length=200, unique=True)),
                ("slug", models.SlugField(max_length=200, unique=True)),
                ("country", models.CharField(blank=True, help_text="ISO 3166-1 alpha-2 of the state it belongs to; blank for international bodies.", max_length=2)),
                ("side", models.CharField(blank=True, help_text='The party to the conflict it speaks for, e.g. "Russia", "Ukraine"; blank for none (international organisations, neutral states).', max_length=200)),
                ("description", models.TextField(blank=True)),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="HistoricalAffiliation",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(db_index=True, help_text='e.g. "Government of Russia", "United Nations"', max_length=200)),
                ("slug", models.SlugField(max_length=200)),
                ("country", models.CharField(blank=True, help_text="ISO 3166-1 alpha-2 of the state it belongs to; blank for international bodies.", max_length=2)),
                ("side", models.CharField(blank=True, help_text='The party to the conflict it speaks for, e.g. "Russia", "Ukraine"; blank for none (international organisations, neutral states).', max_length=200)),
                ("description", models.TextField(blank=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                ("history_type", models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1)),
                ("history_user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "historical affiliation",
                "verbose_name_plural": "historical affiliations",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(model_name="speaker", name="category", field=_category()),
        migrations.AddField(model_name="historicalspeaker", name="category", field=_category()),
        migrations.RenameField(model_name="speaker", old_name="affiliation", new_name="affiliation_text"),
        migrations.RenameField(model_name="historicalspeaker", old_name="affiliation", new_name="affiliation_text"),
        migrations.AddField(
            model_name="speaker",
            name="affiliation",
            field=models.ForeignKey(blank=True, help_text='Whom they speak for, e.g. "Government of Russia".', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="speakers", to="articles.affiliation"),
        ),
        migrations.AddField(
            model_name="historicalspeaker",
            name="affiliation",
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Whom they speak for, e.g. "Government of Russia".', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="articles.affiliation"),
        ),
        migrations.RunPython(texts_to_rows, rows_to_texts),
        migrations.RemoveField(model_name="speaker", name="affiliation_text"),
        migrations.RemoveField(model_name="historicalspeaker", name="affiliation_text"),
        migrations.RunPython(add_permissions, remove_permissions),
    ]
