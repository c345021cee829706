"""Admin login throttling, done by django-axes with its failures counted in the database.

The policy lives in settings (AXES_*): AXES_FAILURE_LIMIT failures per client address and name,
LOGIN_FAILURE_LIMIT_PER_NAME per name from anywhere, both within AXES_COOLOFF_TIME; a success
clears that address and name. Counts are axes' AccessAttempt rows, so every worker and host sees
the same ones and no cache traffic can evict them. What is ours: the name is normalised as Django
does before it authenticates (NFKC) and casefolded, so every look-alike spelling counts against
one account; a second, higher limit per name; a success clears only that address and name.
"""

import math
import unicodedata

from axes.backends import AxesStandaloneBackend
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse

NAME_LENGTH = 255  # axes' AccessAttempt.username


def normalize_username(name: str | None) -> str | None:
    """One key for every spelling Django would log in with, and their case variants."""
    if name is None:
        return None
    folded = AbstractBaseUser.normalize_username(name.strip()).casefold()
    return unicodedata.normalize("NFKC", folded).strip()[:NAME_LENGTH]


def client_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the normalised name from the credentials, else from the form."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field) is not None:
        return normalize_username(credentials[field])
    return normalize_username(request.POST.get(field))


def failure_count(attempts: QuerySet) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class ThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit for each of AXES_LOCKOUT_PARAMETERS' two groups."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The address and name's failures; the limit itself once the name's failures from
        anywhere reach theirs (axes compares one number with one limit)."""
        per_address, per_name = map(failure_count, self.get_user_attempts(request, credentials))
        if per_name >= settings.LOGIN_FAILURE_LIMIT_PER_NAME:
            return max(per_address, get_failure_limit(request, credentials))
        return per_address

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """On success (AXES_RESET_ON_SUCCESS), clear this address and name only: guesses at the
        name from elsewhere still count."""
        per_address = self.filter_user_attempts(request, credentials)[0]
        count, _ = per_address.delete()
        return count


class Backend(AxesStandaloneBackend):
    """Refuses a locked-out login. A call without a request (the test client's ``login()``,
    code in a shell) is no client's attempt and is passed on, where axes would raise; every web
    login passes its request (Django's login forms do)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def locked_message(request: HttpRequest | None = None) -> str:
    minutes = math.ceil(get_cool_off(request).total_seconds() / 60)
    return f"Too many failed logins for this account. Try again in {minutes} minutes."


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page as rendered (its form says why), as 429."""
    if not isinstance(original_response, HttpResponse):
        return HttpResponse(locked_message(request), status=429, content_type="text/plain")
    original_response.status_code = 429
    return original_response
