"""Throttle admin logins: after too many failures, refuse for a while, per client and per name.

Counts live in the cache (shared between hosts when CACHE_URL is Redis). The client address is
REMOTE_ADDR; behind a proxy, the proxy must set it (e.g. gunicorn's --forwarded-allow-ips with a
proxy that overwrites X-Forwarded-For), or every client shares the proxy's address.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

LIMIT = getattr(settings, "LOGIN_FAILURE_LIMIT", 5)
WINDOW = getattr(settings, "LOGIN_FAILURE_WINDOW", 15 * 60)  # seconds


def keys(request, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "")
    name = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    # Per address and name (one person's typos), and per name from anywhere (a distributed
    # guess at one account), with a higher limit for the latter.
    return [f"login-failures:{address}:{name}", f"login-failures:any:{name}"]


def limits() -> list[int]:
    return [LIMIT, LIMIT * 4]


def is_locked(request, username: str) -> bool:
    counts = cache.get_many(keys(request, username))
    return any(
        counts.get(k, 0) >= limit
        for k, limit in zip(keys(request, username), limits(), strict=True)
    )


def record_failure(request, username: str) -> None:
    for key in keys(request, username):
        if cache.add(key, 1, WINDOW):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW)


def clear(request, username: str) -> None:
    cache.delete(keys(request, username)[0])
