"""The read-only JSON API at ``/api/v1/`` (django-ninja, OpenAPI 3).

Kept light: ``articles.models`` imports the token model from here (``models``), so the API itself
(``main``, which imports the models) is only loaded by the URL configuration.

- ``main``: the NinjaAPI, its ETags and conditional requests, the OpenAPI schema's problem types;
- ``routes``: the endpoints, on the reader pages' querysets and filters;
- ``schemas``: what each endpoint answers; ``pagination``: opaque keyset cursors;
- ``auth``: personal API tokens (``Authorization: Bearer``); ``models``: the token model;
- ``problems``: every error as an RFC 9457 problem document; ``admin``: tokens in the admin.
"""
