"""The API fuzzed against its own OpenAPI schema (schemathesis), on the seed: no 5xx, and every
answer (status, media type, headers, body) is one the schema declares, for anonymous clients
and for a staff token."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from newsroom.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def in_one_connection():
    """Requests through the WSGI handler keep the test's connection, as Django's test client
    does: its request signals would close it (inside the test's transaction) on PostgreSQL."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(db, settings, in_one_connection):
    from tests.ops import load_seed

    settings.API_ANON_RATE = "1000000/m"  # the fuzzing is one client: not the limit's test
    load_seed()


@pytest.fixture
def staff_header(seeded):
    from django.contrib.auth.models import Group, User

    from articles.api.models import create_token

    user = User.objects.create_user("fuzz", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return {"Authorization": f"Bearer {create_token(user, 'fuzz')[1]}"}


# Every check schemathesis has, but that any string the schema allows is accepted: a cursor is
# any string to the schema, and one this API did not sign is refused (400), rightly.
EXCLUDED = [positive_data_acceptance]
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@schema.parametrize()
@FUZZ
def test_anonymous_clients_get_what_the_schema_says(case, seeded):
    case.call_and_validate(excluded_checks=EXCLUDED)


@schema.parametrize()
@FUZZ
def test_a_staff_token_gets_what_the_schema_says(case, staff_header):
    case.call_and_validate(headers=staff_header, excluded_checks=EXCLUDED)


def test_the_schema_is_fuzzed_whole():
    operations = {op.ok().label for op in schema.get_all_operations()}
    assert len(operations) == 11, operations
