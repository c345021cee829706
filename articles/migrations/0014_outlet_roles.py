"""Outlets in the roles: Annotators see them; Editors, who import articles, also add, change
and delete them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Annotators": ["view_outlet"],
    "Editors": ["view_outlet", "add_outlet", "change_outlet", "delete_outlet"],
}


def add_outlet_permissions(apps, schema_editor):
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


def remove_outlet_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*Permission.objects.filter(codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_outlets")]

    operations = [migrations.RunPython(add_outlet_permissions, remove_outlet_permissions)]
