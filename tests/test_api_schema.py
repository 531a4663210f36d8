"""schemathesis holds the API to its own OpenAPI document: no 5xx, no off-schema answer.

Each operation gets a bounded number of generated requests, sent in-process through WSGI with a
regulator's token (so authenticated paths are reached) and once more without it.
"""

import pytest
import schemathesis
import schemathesis.checks as st_checks
from hypothesis import HealthCheck, given, settings

from metrohub.wsgi import application

EXAMPLES_PER_OPERATION = 30
# Server errors and conformance to the document. Business validation (an unknown jurisdiction code
# is well-formed but refused with 422) is the domain's answer, not a schema violation.
CHECKS = [
    st_checks.not_a_server_error,
    st_checks.status_code_conformance,
    st_checks.content_type_conformance,
    st_checks.response_schema_conformance,
    st_checks.response_headers_conformance,
]


def _operations():
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.django_db(transaction=True)
def test_every_operation_conforms(world, api_token_for):
    token = api_token_for("regulator")
    operations = _operations()
    assert len(operations) >= 5
    for operation in operations:
        for headers in ({"Authorization": f"Bearer {token}"}, {}):
            _check_operation(operation, headers)


def _check_operation(operation, headers):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
