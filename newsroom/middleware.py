"""Security headers that Django 5.2's SecurityMiddleware does not set."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY on every response that has none.

    (Django 6 has its own CSP middleware; this is the same idea for 5.2, in a few lines.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def policy() -> str:
        """The header, from the setting as it is now (a test may change it while serving)."""
        return "; ".join(
            f"{directive} {' '.join(sources)}".strip()
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy())
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
