"""Admin login throttling (django-axes, articles.throttle): look-alike names share one counter,
an empty password gives no extra guesses, and the counters live in the database."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client

from articles.throttle import normalize_username

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "the right one 123"
LOCKED = "Too many failed logins for this account. Try again in 15 minutes."
WRONG = "Please enter the correct username and password"
# Names Django logs in as "annot" (NFKC: full-width, mathematical, ligature letters) and case
# variants that are a guess at the same account.
SPELLINGS = ["annot", "ａｎｎｏｔ", "ANNOT", "𝐚𝐧𝐧𝐨𝐭", "Ａnnot", "annoｔ", "𝖆𝖓𝖓𝖔𝖙", " AnNoT "]


@pytest.fixture
def annot(db, settings):
    # A fast hasher: these tests check many passwords, and the throttle is not about hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_user("annot", password=PASSWORD, is_staff=True)


def log_in(client, password, address="10.0.0.1", username="annot", **headers):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def assert_locked(response):
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def assert_logged_in(client, response):
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert client.session["_auth_user_id"]
    client.logout()


def test_every_spelling_django_accepts_normalises_to_one_name():
    assert {normalize_username(name) for name in SPELLINGS} == {"annot"}
    assert normalize_username("Straße") == normalize_username("STRASSE")
    assert len(normalize_username("ﷺ" * 150)) == 255  # fits axes' column after NFKC expands it


def test_look_alike_names_share_the_per_address_counter(client, annot):
    for spelling in SPELLINGS[1:5]:
        assert WRONG in log_in(client, "wrong", username=spelling).content.decode()
    assert_locked(log_in(client, "wrong", username=SPELLINGS[5]))
    for spelling in SPELLINGS:
        assert_locked(log_in(client, PASSWORD, username=spelling))
    assert "_auth_user_id" not in client.session
    # Another address may still log in, under any spelling Django accepts.
    assert_logged_in(client, log_in(client, PASSWORD, address="10.0.0.2", username="ａｎｎｏｔ"))


def test_look_alike_names_from_many_addresses_share_the_per_name_counter(client, annot):
    for n in range(19):
        spelling = SPELLINGS[n % len(SPELLINGS)]
        log_in(client, "wrong", address=f"10.1.0.{n}", username=spelling)
    # 19 failures spread out: the account is not locked yet, and this success clears only its
    # own address's failures.
    assert_logged_in(client, log_in(client, PASSWORD, address="10.1.0.0"))
    log_in(client, "wrong", address="10.1.0.0", username="ANNOT")
    log_in(client, "wrong", address="10.1.0.100", username="𝐚𝐧𝐧𝐨𝐭")
    for address in ["10.1.0.200", "192.0.2.1"]:
        for spelling in ["annot", "ａｎｎｏｔ"]:
            assert_locked(log_in(client, PASSWORD, address=address, username=spelling))


def test_an_empty_password_neither_resets_nor_skips_the_count(client, annot):
    for _ in range(4):
        log_in(client, "wrong")
    response = log_in(client, "")
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert_locked(log_in(client, "wrong"))
    assert_locked(log_in(client, PASSWORD))


def test_a_success_clears_that_address_and_names_failures_only(client, annot):
    for _ in range(4):
        log_in(client, "wrong", address="10.0.0.2")
    for _ in range(4):
        log_in(client, "wrong", username="ANNOT")
    assert_logged_in(client, log_in(client, PASSWORD))
    for _ in range(4):
        log_in(client, "wrong", username="ａｎｎｏｔ")
    assert_logged_in(client, log_in(client, PASSWORD))
    # The other address's four still count.
    assert_locked(log_in(client, "wrong", address="10.0.0.2"))


def test_a_client_chosen_forwarded_for_header_is_not_a_new_address(client, annot):
    for n in range(5):
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert_locked(log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99"))


def test_the_proxy_header_is_used_when_configured(client, annot, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR"]
    for _ in range(5):
        log_in(client, "wrong", address="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert_locked(log_in(client, PASSWORD, address="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.7"))
    response = log_in(client, PASSWORD, address="10.9.9.9", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert_logged_in(client, response)


def test_the_counters_survive_reader_traffic_and_a_cache_clear(client, annot, make_article):
    for _ in range(4):
        log_in(client, "wrong")
    articles = [make_article() for _ in range(3)]
    reader = Client()
    for n in range(1000):
        path = f"/articles/{articles[n % 3].slug}/" if n % 2 else "/"
        assert (
            reader.get(path, {"n": n}, REMOTE_ADDR=f"10.2.{n // 250}.{n % 250}").status_code == 200
        )
    cache.clear()
    assert_locked(log_in(client, "wrong"))
    cache.clear()
    assert_locked(log_in(client, PASSWORD))


def test_client_login_and_force_login_still_work(client, annot):
    """The test client's login() authenticates without a request; axes alone would raise."""
    assert client.login(username="annot", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    client.logout()
    assert authenticate(username="annot", password=PASSWORD) == annot
    client.force_login(annot)
    assert client.get("/admin/").status_code == 200


def other_process_log_in(password: str, username: str) -> str:
    """A login attempt from another Python process against this test database, with its own
    local-memory cache: only the database is shared."""
    url = urlsplit(os.environ["DATABASE_URL"])
    database = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    code = textwrap.dedent(
        f"""
        import django; django.setup()
        from django.test import Client
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_HOST="localhost")
        response = client.post(
            "/admin/login/?next=/admin/", {{"username": {username!r}, "password": {password!r}}}
        )
        print(response.status_code, "Too many failed logins" in response.content.decode())
        """
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DATABASE_URL": database,
            "CACHE_URL": "locmem://",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="another process cannot open SQLite's in-memory test database; runs on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_another_process_sees_the_same_counters(client):
    User.objects.create_user("annot", password=PASSWORD, is_staff=True)
    for _ in range(3):
        log_in(client, "wrong")
    assert other_process_log_in("wrong", "ａｎｎｏｔ") == "200 False"
    assert other_process_log_in("wrong", "ANNOT") == "429 True"
    assert_locked(log_in(client, PASSWORD))
    assert other_process_log_in(PASSWORD, "annot") == "429 True"
    assert_logged_in(client, log_in(client, PASSWORD, address="10.0.0.2"))
