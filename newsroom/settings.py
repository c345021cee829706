"""Newsroom settings: one file, every deployment-specific value from the environment.

With no environment at all the project runs for local use: SQLite next to manage.py, debug on.
Production sets at least DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (true or false), not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

_LOCAL_SECRET_KEY = "django-insecure-local-development-only-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0 "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    SECRET_KEY = _LOCAL_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "axes",
    "ninja",  # the API's interactive docs (Swagger UI) from our static files, not a CDN
    # Background jobs: Django's Tasks framework (django.tasks from Django 6; the django-tasks
    # backport before it) with django-tasks-db's database backend. See TASKS below.
    *([] if find_spec("django.tasks") else ["django_tasks"]),
    "django_tasks_db",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "articles.pagecache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database(url: str, **extra) -> dict:
    config = dj_database_url.parse(
        url,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
    if env_bool("DATABASE_POOL", False) and config["ENGINE"].endswith("postgresql"):
        # psycopg's connection pool (Django 5.1+); use instead of persistent connections.
        config["CONN_MAX_AGE"] = 0
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
        }
    return {**config, **extra}


DATABASES = {
    "default": database(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
}
if os.environ.get("DATABASE_REPLICA_URL"):
    # A read replica for public pages (newsroom.routers); tests read it through the primary.
    DATABASES["replica"] = database(os.environ["DATABASE_REPLICA_URL"], TEST={"MIRROR": "default"})
    DATABASE_ROUTERS = ["newsroom.routers.ReplicaRouter"]


def cache(url: str) -> dict:
    """``file:///absolute/dir`` (shared by the processes of one host), ``redis://host:6379/0``
    (or ``rediss://``: shared by every host), ``locmem://`` (one process's own) or ``dummy://``."""
    scheme, _, location = url.partition("://")
    backends = {
        "file": "django.core.cache.backends.filebased.FileBasedCache",
        "locmem": "django.core.cache.backends.locmem.LocMemCache",
        "redis": "django.core.cache.backends.redis.RedisCache",
        "rediss": "django.core.cache.backends.redis.RedisCache",
        "dummy": "django.core.cache.backends.dummy.DummyCache",
    }
    if scheme not in backends:
        raise ImproperlyConfigured(f"CACHE_URL must start with one of {sorted(backends)}: {url!r}")
    config: dict = {"BACKEND": backends[scheme], "KEY_PREFIX": "newsroom"}
    if scheme.startswith("redis"):
        config["LOCATION"] = url
    if scheme == "file":
        if not location.startswith("/"):
            raise ImproperlyConfigured(f"CACHE_URL=file:// needs an absolute directory: {url!r}")
        # a page per entry; beyond this many, a third of the entries go (on a write)
        config.update(LOCATION=location, OPTIONS={"MAX_ENTRIES": 20_000})
    return config


# Production (no DJANGO_DEBUG) shares its cache between the processes of the host by default, so
# that the page cache is on without Redis; local use and the tests keep one per process.
DEFAULT_CACHE_URL = "locmem://" if DEBUG else f"file://{BASE_DIR / 'var' / 'cache'}"
CACHES = {"default": cache(os.environ.get("CACHE_URL", DEFAULT_CACHE_URL))}
# Whole anonymous reader pages, kept in the cache until any change retires them
# (articles.pagecache). Only correct with a cache that every process shares (a directory on one
# host, Redis for several), hence off with the per-process local memory unless asked for; the
# timeout bounds memory and replica lag.
PUBLIC_PAGE_CACHE_SECONDS = int(
    os.environ.get(
        "PUBLIC_PAGE_CACHE_SECONDS",
        "0" if CACHES["default"]["BACKEND"].endswith("LocMemCache") else "300",
    )
)
# Anonymous reader pages are public for this long (a CDN may serve them; ETags revalidate).
PUBLIC_PAGE_MAX_AGE = int(os.environ.get("PUBLIC_PAGE_MAX_AGE", "60"))
# Rendered article bodies are cached per revision, so this only bounds memory use.
FILTER_CHOICES_SECONDS = int(os.environ.get("FILTER_CHOICES_SECONDS", "60"))
# What a search found (its window of article keys, the names that match), kept until a change
# readers can see retires the lists; this bounds how long an unused one takes up room.
SEARCH_RESULTS_SECONDS = int(os.environ.get("SEARCH_RESULTS_SECONDS", "600"))
RENDER_CACHE_SECONDS = int(os.environ.get("RENDER_CACHE_SECONDS", str(60 * 60 * 24)))

# The JSON API (articles.api): anonymous clients may make this many requests per period (s, m, h
# or d) from one address, then get 429 with Retry-After; a personal API token is not limited.
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/m")

# Background jobs (articles.tasks), run by `manage.py db_worker`, which `make run` starts.
# NEWSROOM_TASK_BACKEND: "database" (jobs kept in the database, run by the worker), "immediate"
# (run at once, inside the request that enqueues them: only for tests and one-off scripts) or
# "dummy" (kept in memory, never run), or "redis": a Redis queue (django-tasks-rq) at
# NEWSROOM_TASK_REDIS_URL, for several workers on any hosts (`manage.py rqworker default
# --job-class django_tasks_rq.backend.Job`, as many as you like).
_TASKS_PACKAGE = "django.tasks" if find_spec("django.tasks") else "django_tasks"
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
    "immediate": f"{_TASKS_PACKAGE}.backends.immediate.ImmediateBackend",
    "dummy": f"{_TASKS_PACKAGE}.backends.dummy.DummyBackend",
}
TASK_BACKEND = os.environ.get("NEWSROOM_TASK_BACKEND") or "database"
if TASK_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"NEWSROOM_TASK_BACKEND must be one of {sorted(TASK_BACKENDS)}, not {TASK_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND], "QUEUES": ["default"]}}
NEWSROOM_TASK_REDIS_URL = os.environ.get("NEWSROOM_TASK_REDIS_URL", "redis://127.0.0.1:6379/0")
# An import of 500 URLs takes minutes: RQ's default of 180 s a job is far too short.
RQ_QUEUES = {"default": {"URL": NEWSROOM_TASK_REDIS_URL, "DEFAULT_TIMEOUT": 6 * 60 * 60}}
if TASK_BACKEND == "redis":
    INSTALLED_APPS.append("django_rq")  # its rqworker command

# Importing articles from URLs and feeds (articles.fetch). Fetching refuses loopback, private,
# link-local, multicast and reserved addresses (SSRF) unless the host is named here
# (comma-separated "host" or "host:port"; the tests name their local server's 127.0.0.1).
NEWSROOM_FETCH_ALLOW_HOSTS = [host.lower() for host in env_list("NEWSROOM_FETCH_ALLOW_HOSTS", [])]
NEWSROOM_FETCH_TIMEOUT = float(os.environ.get("NEWSROOM_FETCH_TIMEOUT", "10"))
# Sent with every fetch: name your deployment's address so site owners can reach you.
NEWSROOM_FETCH_USER_AGENT = os.environ.get(
    "NEWSROOM_FETCH_USER_AGENT", "Newsroom/0.1 (article importer; +https://newsroom.example/)"
)

# History is for reading; see articles.admin.NewsroomAdmin.
SIMPLE_HISTORY_REVERT_DISABLED = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin login throttling: django-axes, with our handler and backend (articles.throttle).
AUTHENTICATION_BACKENDS = [
    "articles.throttle.Backend",  # first: refuses a locked-out login before any password check
    "django.contrib.auth.backends.ModelBackend",
]
# Failures are rows in the database: one store for every worker and host, which no reading
# traffic can evict (a cache could).
AXES_HANDLER = "articles.throttle.ThrottleHandler"
# Counted per (address, name), and per name from anywhere; each group has its own limit:
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"], "username"]
AXES_FAILURE_LIMIT = 5  # per address and name: one person's typos
LOGIN_FAILURE_LIMIT_PER_NAME = 20  # per name from anywhere: a guess at one account spread out
# A lock lifts this long after the last counted failure; failures older than this are forgotten.
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Attempts while locked are refused unchecked and do not extend the lock ("try again in 15
# minutes" holds).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True  # clears that address and name (articles.throttle)
# Every spelling of a name that Django logs in as one user (NFKC), and its case variants, counts
# as that name.
AXES_USERNAME_CALLABLE = "articles.throttle.client_username"
AXES_LOCKOUT_CALLABLE = "articles.throttle.lockout_response"
# The throttle needs only the failures: no row per successful login.
AXES_DISABLE_ACCESS_LOG = True
# The client's address is REMOTE_ADDR. Behind a reverse proxy that overwrites X-Forwarded-For
# with the client's address, set AXES_IPWARE_META_PRECEDENCE_ORDER=HTTP_X_FORWARDED_FOR (and for
# a chain of proxies, AXES_IPWARE_PROXY_COUNT; see django-ipware). Never name a header that
# clients can set themselves: each spelling of it would be a fresh address.
AXES_IPWARE_META_PRECEDENCE_ORDER = env_list("AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"])
AXES_IPWARE_PROXY_COUNT = (
    int(os.environ["AXES_IPWARE_PROXY_COUNT"])
    if os.environ.get("AXES_IPWARE_PROXY_COUNT")
    else None
)

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


def map_tiles(value: str) -> tuple[str, str]:
    """``MAP_TILES`` as (the tile URL template Leaflet asks, its origin for the CSP), or
    ("", "") for ``off``: a server's origin (``https://tile.example``) means its
    ``/{z}/{x}/{y}.png`` tiles; a template names ``{z}``, ``{x}`` and ``{y}`` itself."""
    value = value.strip()
    if value.lower() in {"off", "0", "no", "false", "none"}:
        return "", ""
    scheme, sep, rest = value.partition("://")
    host = rest.split("/", 1)[0]
    if scheme not in {"https", "http"} or not sep or not host or any(c in host for c in "{}@ "):
        raise ImproperlyConfigured(
            f"MAP_TILES must be off, a tile server's https:// origin or a URL template with "
            f"{{z}}/{{x}}/{{y}}, not {value!r}"
        )
    template = value if "{z}" in value else value.rstrip("/") + "/{z}/{x}/{y}.png"
    return template, f"{scheme}://{host}"


# No inline scripts or styles anywhere (htmx is configured to match: no eval, no injected
# styles). Map tiles come from a tile server (OpenStreetMap's by default), loaded by the reader's
# browser; MAP_TILES=off draws the maps from the vendored country outlines alone, and then no
# page asks any host but this one for anything.
MAP_TILES, MAP_TILES_ORIGIN = map_tiles(
    os.environ.get("MAP_TILES", "https://tile.openstreetmap.org")
)
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", *([MAP_TILES_ORIGIN] if MAP_TILES_ORIGIN else [])],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Security headers that hold in every environment; the TLS-only ones follow DEBUG.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a commitment the operator opts into (DJANGO_HSTS_PRELOAD=1), not a default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
