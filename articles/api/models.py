"""Personal API tokens: a staff member's key to the API's unpublished view (drafts, suggestions).

Only a hash of the secret is stored. A token reads ``nr_<prefix>_<secret>``; the prefix (shown in
the admin, unique) finds the row, and the SHA-256 of the whole token must match its hash. The
token itself is shown once, when it is created. Imported by ``articles.models``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "nr_"
PREFIX_CHARS = 8  # hex digits: what the admin lists and the lookup uses
SECRET_BYTES = 32


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def split_token(token: str) -> str | None:
    """The lookup prefix of a well-formed token, or None."""
    head, _, rest = token.partition("_")
    prefix, _, secret = rest.partition("_")
    if f"{head}_" != TOKEN_PREFIX or len(prefix) != PREFIX_CHARS or not secret:
        return None
    return prefix


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text='What it is for, e.g. "research notebook".')
    prefix = models.CharField(max_length=PREFIX_CHARS, unique=True, editable=False)
    key_hash = models.CharField("key hash (SHA-256)", max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({TOKEN_PREFIX}{self.prefix}…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def issue(self) -> str:
        """A new secret for this (unsaved) token: its hash is kept, the token returned, once."""
        self.prefix = secrets.token_hex(PREFIX_CHARS // 2)
        token = f"{TOKEN_PREFIX}{self.prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
        self.key_hash = digest(token)
        return token

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.key_hash, digest(token))

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


def create_token(user, name: str) -> tuple[ApiToken, str]:
    """A saved token for ``user`` and its secret (the only time it is known)."""
    token = ApiToken(user=user, name=name)
    secret = token.issue()
    token.save()
    return token, secret
