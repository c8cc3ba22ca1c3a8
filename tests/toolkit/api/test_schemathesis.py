"""Schemathesis plays every operation of the API against the live test server.

No answer may be a server error, and every answer must match the schema: its status code,
content type and body. Bounded: a few examples per operation, so it runs in seconds.
"""

import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_every_operation_answers_as_its_schema_says(live_server, published, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"api": "100000/min"}
    }
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    played = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=8,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def play(case):
            case.call_and_validate(base_url=live_server.url, checks=CHECKS)

        play()
        played.append(operation.label)
    assert len(played) >= 12, played
