import os

import pytest
from django.db.models.signals import post_migrate

from articles.models import Article, Place, Speaker
from tests.ops import create


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests render templates without a collectstatic manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rollbacks reuse primary keys: a rendering cached in one test must not serve another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def redis_url() -> str:
    """This test process's own database on the machine's real Redis (NEWSROOM_TEST_REDIS_URL
    names another server): pytest-xdist's workers gw0, gw1, ... get databases 10, 11, ..., so one
    worker emptying its database never empties another's while its test runs."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    # Redis has databases 0-15: the Makefile runs at most 6 processes (--maxprocesses)
    assert worker < 6, "at most 6 test processes share this machine's Redis (10-15)"
    server = os.environ.get("NEWSROOM_TEST_REDIS_URL", "redis://127.0.0.1:6379")
    return f"{server}/{10 + worker}"


@pytest.fixture
def redis_page_cache(settings):
    """The page cache on the real Redis, emptied before and after (one database a process)."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url(),
        }
    }
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _gazetteer_read_anew():
    """What the database's gazetteer holds is read once per process: a test that loads one (and
    rolls it back) must not leave it to the next."""
    from articles.geonames import article

    article.forget()
    yield
    article.forget()


def restore_roles() -> None:
    """The Annotators and Editors groups and their permissions, as the migrations made them
    (each step is idempotent)."""
    from importlib import import_module

    from django.apps import apps

    import_module("articles.migrations.0002_roles").create_roles(apps, None)
    import_module("articles.migrations.0014_outlet_roles").add_outlet_permissions(apps, None)
    import_module("articles.migrations.0021_api_tokens").add_token_permissions(apps, None)
    import_module("articles.migrations.0024_affiliations").add_permissions(apps, None)


# A transactional test's flush removes what migrations made and sends post_migrate (which puts
# content types and permissions back): the roles come back with them, so the tests that run
# after it in the same process (pytest-xdist runs files in any order) find them.
def _roles_after_a_flush(sender, **kwargs) -> None:
    if sender.label == "articles":
        restore_roles()


post_migrate.connect(_roles_after_a_flush, dispatch_uid="tests-restore-roles")


@pytest.fixture
def roles(transactional_db):
    """A transactional database with the roles (browser tests cannot restore them by serialized
    rollback: Playwright's greenlets see other database connection objects)."""
    restore_roles()


@pytest.fixture
def make_article(db):
    def make(
        body="Kyiv said it would talk. Moscow said no.", status=Article.Status.PUBLISHED, **kw
    ):
        n = Article.objects.count() + 1
        kw.setdefault("slug", f"article-{n}")
        kw.setdefault("headline", f"Article {n}")
        return create(Article, body=body, status=status, **kw)

    return make


@pytest.fixture
def speaker(db):
    return create(Speaker, name="Dmitry Peskov", slug="dmitry-peskov", role="Kremlin spokesman")


@pytest.fixture
def place(db):
    return create(
        Place,
        name="Kyiv",
        slug="kyiv",
        kind="city",
        latitude=50.45,
        longitude=30.52,
        aliases=["Kiev"],
    )


@pytest.fixture
def annotator(client, db):
    """A member of Annotators, logged in on ``client``."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("anna", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Annotators"))
    client.force_login(user)
    return user


@pytest.fixture
def page_server(settings):
    """A real HTTP server on 127.0.0.1 serving ``tests/pages`` (tests/webserver.py); fetching
    from it is allowed (``NEWSROOM_FETCH_ALLOW_HOSTS``), as it is nowhere else."""
    from tests import webserver

    httpd, server = webserver.start()
    settings.NEWSROOM_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    yield server
    httpd.shutdown()
    httpd.server_close()
