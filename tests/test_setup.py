"""Set-up: the local admin account, and settings that refuse to run insecurely."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db
def test_ensure_admin_creates_one_account_once_and_prints_its_password():
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    users = get_user_model().objects.filter(is_superuser=True)
    if connection.vendor != "sqlite":
        assert not users.exists()
        assert "createsuperuser" in out.getvalue()
        return
    admin = users.get()
    assert admin.username == "admin"
    password = out.getvalue().split("admin / ")[1].split()[0]
    assert admin.check_password(password)

    again = StringIO()
    call_command("ensure_admin", stdout=again)
    assert users.count() == 1
    assert password not in again.getvalue()
    assert "existing superuser" in again.getvalue()


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deploy_checks():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-key-0123456789",
        DJANGO_ALLOWED_HOSTS="newsroom.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_bad_boolean_is_a_clear_configuration_error():
    result = run_manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be 1 or 0" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_load_seed_fills_an_empty_database_and_never_overwrites():
    from articles.models import Article

    out = StringIO()
    call_command("load_seed", stdout=out)
    article = Article.objects.get()
    assert "Loaded the seed: 1 article(s)." in out.getvalue()
    article.headline = "Edited by an annotator"
    article.save()

    again = StringIO()
    call_command("load_seed", stdout=again)
    assert "not loaded again" in again.getvalue()
    assert Article.objects.get().headline == "Edited by an annotator"
