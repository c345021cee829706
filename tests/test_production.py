"""Production settings and defences: caches, the read-replica router (login throttling:
test_login_throttle.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache

from newsroom import routers

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def settings_value(expression, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_"))}
    environment.update(env)
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


def test_cache_url_selects_the_backend():
    assert "LocMemCache" in settings_value("settings.CACHES['default']['BACKEND']").stdout
    redis = settings_value("settings.CACHES['default']", CACHE_URL="redis://127.0.0.1:6379/3")
    assert "RedisCache" in redis.stdout and "redis://127.0.0.1:6379/3" in redis.stdout
    bad = settings_value("1", CACHE_URL="memcache://x")
    assert bad.returncode != 0 and "CACHE_URL must start with one of" in bad.stderr
    files = settings_value("settings.CACHES['default']", CACHE_URL="file:///tmp/newsroom-cache")
    assert "FileBasedCache" in files.stdout and "'/tmp/newsroom-cache'" in files.stdout
    relative = settings_value("1", CACHE_URL="file://var/cache")
    assert relative.returncode != 0 and "needs an absolute directory" in relative.stderr


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "newsroom.example",
}


def test_production_shares_its_cache_between_processes_by_default():
    """Without Redis, the default production cache is a directory every worker of the host
    reads, so the page cache is on (off with the per-process memory of local use)."""
    config = settings_value("settings.CACHES['default']", **PRODUCTION).stdout
    assert "FileBasedCache" in config and repr(str(ROOT / "var" / "cache")) in config
    seconds = settings_value("settings.PUBLIC_PAGE_CACHE_SECONDS", **PRODUCTION)
    assert seconds.stdout.strip() == "300"


def test_the_redis_cache_works_against_a_real_server():
    code = (
        "from django.core.cache import cache; cache.set('newsroom-test', 41); "
        "cache.incr('newsroom-test'); print(cache.get('newsroom-test')); "
        "cache.delete('newsroom-test')"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "CACHE_URL": "redis://127.0.0.1:6379/3",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "42", result.stderr


def test_a_replica_is_configured_from_the_environment():
    result = settings_value(
        "sorted(settings.DATABASES), settings.DATABASE_ROUTERS, "
        "settings.DATABASES['replica']['TEST']",
        DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/newsroom",
    )
    assert "['default', 'replica']" in result.stdout, result.stderr
    assert "newsroom.routers.ReplicaRouter" in result.stdout
    assert "'MIRROR': 'default'" in result.stdout
    assert "replica" not in settings_value("sorted(settings.DATABASES)").stdout


def test_pooling_is_configured_for_postgres():
    result = settings_value(
        "settings.DATABASES['default']['OPTIONS'], settings.DATABASES['default']['CONN_MAX_AGE']",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom",
        DATABASE_POOL="1",
    )
    assert "'pool': {'min_size': 2, 'max_size': 10}" in result.stdout, result.stderr


def test_the_router_sends_only_public_reads_to_the_replica():
    router = routers.ReplicaRouter()
    assert router.db_for_read(None) == "default"
    with routers.public_read():
        assert router.db_for_read(None) == "replica"
        assert router.db_for_write(None) == "default"
    assert router.db_for_read(None) == "default"
    assert router.allow_migrate("replica", "articles") is False


def test_the_page_cache_is_on_with_redis_and_off_with_local_memory():
    seconds = "settings.PUBLIC_PAGE_CACHE_SECONDS"
    assert settings_value(seconds).stdout.strip() == "0"
    redis = "redis://127.0.0.1:6379/3"
    assert settings_value(seconds, CACHE_URL=redis).stdout.strip() == "300"
    assert (
        settings_value(seconds, CACHE_URL=redis, PUBLIC_PAGE_CACHE_SECONDS="30").stdout.strip()
        == "30"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("shared", ["redis", "file"])
def test_a_change_in_another_process_retires_the_pages_of_this_one(
    client, settings, make_article, tmp_path, shared
):
    """Several gunicorn workers (a directory or Redis) or hosts (Redis): the generation is
    shared through the cache."""
    from newsroom.settings import cache as cache_config

    cache_url = "redis://127.0.0.1:6379/3" if shared == "redis" else f"file://{tmp_path}"
    settings.CACHES = {"default": cache_config(cache_url)}
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    article = make_article()
    url = article.get_absolute_url()
    try:
        cache.clear()
        for page in (url, "/speakers/"):
            assert client.get(page)["X-Page-Cache"] == "miss"
            assert client.get(page)["X-Page-Cache"] == "hit"
        # What a committed operation in another worker does: retire the tags it touched.
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from articles import pagecache; "
                f"pagecache.retire([pagecache.tag('article', {article.slug!r})])",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "newsroom.settings",
                "CACHE_URL": cache_url,
                "DATABASE_URL": "sqlite:///:memory:",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert other.returncode == 0, other.stderr
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get("/speakers/")["X-Page-Cache"] == "hit"  # not concerned: kept
    finally:
        cache.clear()


def test_the_wsgi_start_up_loads_the_views_and_freezes_what_it_made():
    """gunicorn's workers import newsroom.wsgi: by then the views are imported and start-up's
    objects are out of the collector's sight, so no full collection walks them mid-request."""
    code = (
        "import gc, sys; import newsroom.wsgi; "
        "print(gc.get_freeze_count(), 'articles.exports.views' in sys.modules)"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_"))}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    frozen, views = done.stdout.split()
    assert int(frozen) > 50_000 and views == "True"
