"""Who is asking: the public, or a staff member by a personal token (``Authorization: Bearer``).

A request without an ``Authorization`` header is the public's, and sees what readers see. A
token that is malformed, unknown or revoked, or another scheme, is refused (401), never quietly
treated as anonymous. A valid token's holder sees drafts and suggestions when they may preview
drafts on the reader pages (``views.can_preview_drafts``); it also lifts the anonymous rate limit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from ..views import can_preview_drafts
from .models import ApiToken, split_token

# last_used_at is written at most this often per token: not a write per request
LAST_USED_EVERY = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class Viewer:
    """What a request may see: ``unpublished`` drafts and suggestions, or only public data."""

    token: ApiToken | None = None
    unpublished: bool = False


PUBLIC = Viewer()


class InvalidToken(AuthenticationError):
    def __init__(self, detail: str) -> None:
        super().__init__(401, detail)
        self.detail = detail


class TokenAuth(HttpBearer):
    """A personal API token, or the public when no ``Authorization`` header is sent."""

    openapi_description = (
        "A personal API token, created in the admin (API tokens). Without one you see what "
        "readers see; with one, staff also see drafts and suggestions."
    )

    def __call__(self, request: HttpRequest) -> Viewer:
        header = request.headers.get("Authorization")
        if header is None:
            return PUBLIC
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken('Send the token as "Authorization: Bearer <token>".')
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Viewer:
        prefix = split_token(token)
        found = (
            ApiToken.objects.using("default").select_related("user").filter(prefix=prefix).first()
            if prefix
            else None
        )
        if found is None or not found.matches(token):
            raise InvalidToken("This API token is not valid.")
        if found.revoked or not found.user.is_active:
            raise InvalidToken("This API token has been revoked.")
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)  # the primary's
        return Viewer(token=found, unpublished=can_preview_drafts(found.user))


def viewer(request: HttpRequest) -> Viewer:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, Viewer) else PUBLIC
