"""Schema-driven fuzzing (schemathesis) of every endpoint with a Mường Tè officer's token:
no server error and every documented answer matches the schema. Kept quick: a few examples
per operation, hypothesis' example database off."""

import pytest

schemathesis = pytest.importorskip("schemathesis")

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

from tests.api.conftest import token_for  # noqa: E402

EXAMPLES = 12


def test_no_endpoint_fails_or_breaks_its_schema(demo, officer_a, settings_rate):
    token = token_for(officer_a)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    # identity: the WSGI call returns the body as sent, and GZipMiddleware would compress it
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    failures, operations, statuses = [], 0, {}
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(headers=headers)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's finding
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 20
    print(statuses)
    assert statuses.get(200, 0) > operations and not statuses.get(401)  # the token is used
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def settings_rate(settings):
    """No throttling, and requests that keep the test's database connection (as Django's test
    client does: a WSGI request would otherwise close it at its end, on PostgreSQL)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    settings.API_RATE_PER_MINUTE = 100_000
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
