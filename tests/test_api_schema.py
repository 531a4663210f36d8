"""schemathesis holds the API to its own OpenAPI document: no 5xx, no off-schema answer.

Each operation gets a bounded number of generated requests, sent in-process through WSGI with a
regulator's token (so authenticated paths are reached) and once more without it.
"""

import json
from urllib.parse import urlencode

import pytest
import schemathesis
import schemathesis.checks as st_checks
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# --- text no field can store: lone UTF-16 surrogates ------------------------------------------------
#
# schemathesis never generates lone surrogates (they cannot be encoded for the wire as UTF-8), yet
# JSON can carry them as escapes ("\ud800") and json.loads decodes them. Every operation with a
# JSON body gets generated bodies with one put into a string, an array or a key, and must answer
# 400 in the error schema, as its document declares.

SURROGATES = st.sampled_from(["\ud800", "\udfff", "a\udc00b", "\ud83d", "名称\udbff"])
SURROGATE_EXAMPLES = 6


def _with_surrogate(value, text: str, choice: int):
    """The body with `text` in one place: the choice-th string leaf, else a new member."""
    leaves = []

    def walk(node, setter):
        if isinstance(node, str):
            leaves.append(setter)
        elif isinstance(node, dict):
            for key in list(node):
                walk(node[key], lambda v, n=node, k=key: n.__setitem__(k, v))
        elif isinstance(node, list):
            for index in range(len(node)):
                walk(node[index], lambda v, n=node, i=index: n.__setitem__(i, v))

    walk(value, None)
    if leaves:
        leaves[choice % len(leaves)](text)
        return value
    if isinstance(value, dict):
        return {**value, "note" + text: text}
    if isinstance(value, list):
        return [*value, text]
    return {"note": text}


@pytest.mark.django_db(transaction=True)
def test_lone_surrogates_are_refused_in_the_error_schema(world, api_token_for):
    headers = {"Authorization": f"Bearer {api_token_for('regulator')}"}
    operations = [
        op for op in _operations() if any(b.media_type == "application/json" for b in op.body)
    ]
    assert len(operations) >= 15

    for operation in operations:
        _check_surrogates(operation, headers)


def _check_surrogates(operation, headers):
    from django.test import Client
    from schemathesis.core import NOT_SET

    # Sent through Django's test client: schemathesis itself cannot encode such a body.
    client = Client()
    declared = operation.definition.raw["responses"]
    assert "400" in declared, f"{operation.method} {operation.path} does not declare 400"

    @given(case=operation.as_strategy(), text=SURROGATES, choice=st.integers(0, 50))
    @settings(
        max_examples=SURROGATE_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case, text, choice):
        if case.media_type != "application/json":
            return
        body = None if case.body is NOT_SET else json.loads(json.dumps(case.body))
        sent = json.dumps(_with_surrogate(body, text, choice))  # ASCII: "\\ud800" escapes
        response = client.generic(
            case.method,
            case.formatted_path,
            sent,
            content_type="application/json",
            headers=headers,
            QUERY_STRING=urlencode(case.query or {}, doseq=True),
        )
        assert response.status_code == 400, (operation.path, response.content[:200])
        answer = response.json()
        assert set(answer) == {"code", "message", "errors"} and answer["code"] == "bad_request"
        if "\\u0000" not in sent:  # a NUL is refused first, for the whole body
            assert answer["errors"][0]["field"]

    check()


# --- the document itself -------------------------------------------------------------------------


def test_the_document_is_valid_openapi_without_duplicated_keys(client, db):
    """Swagger UI refuses a document with a key twice (a status given both as 200 and "200")."""
    from openapi_spec_validator import validate

    duplicated = []

    def pairs_hook(pairs):
        keys = [key for key, _value in pairs]
        duplicated.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    response = client.get("/api/v1/openapi.json")
    document = json.loads(response.content, object_pairs_hook=pairs_hook)
    assert duplicated == []
    validate(document)
    material = document["paths"]["/api/v1/cases/{case_id}/materials/{material_id}"]["get"]
    assert "application/pdf" in material["responses"]["200"]["content"]
