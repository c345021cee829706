"""The two roles: Annotators mark up articles; Editors also write, publish and delete them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ANNOTATE = [
    "view_article",
    "add_quote", "change_quote", "delete_quote", "view_quote",
    "add_placemention", "change_placemention", "delete_placemention", "view_placemention",
    "add_speaker", "change_speaker", "view_speaker",
    "add_place", "change_place", "view_place",
    "view_author",
]
EDIT = ANNOTATE + [
    "add_article", "change_article", "delete_article", "publish_article",
    "add_author", "change_author", "delete_author",
    "delete_speaker", "delete_place",
]
ROLES = {"Annotators": ANNOTATE, "Editors": EDIT}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = previous or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="articles", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"permissions missing for {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
