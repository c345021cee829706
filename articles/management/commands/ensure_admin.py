"""Make sure a local admin account exists: ``manage.py ensure_admin`` (used by ``make run``).

Only for the local SQLite default: when no superuser exists it creates ``admin`` with a random
password and prints both, once. On any other database it does nothing; use ``createsuperuser``.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = "Create a local 'admin' superuser with a random password when none exists (SQLite only)."

    def handle(self, *args, **options):
        if connection.vendor != "sqlite":
            self.stdout.write(
                "ensure_admin: not the local SQLite database; create accounts with createsuperuser."
            )
            return
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("Log in at /admin/ with your existing superuser account.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created a superuser for local use. Log in at /admin/ as: admin / {password}\n"
                "(shown only this once; change it with: manage.py changepassword admin)"
            )
        )
