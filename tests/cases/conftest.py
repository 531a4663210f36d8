"""Helpers for the procedure tests: a clock for the engine, an API client per person, files."""

import datetime as dt
import json

import pytest

from metrohub.cases import services
from metrohub.cases.walk import FORM

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def clock(monkeypatch):
    """The engine's today(), set by the test: `clock.set(2025, 9, 28)`."""

    class Clock:
        day = dt.date(2025, 9, 1)

        def set(self, *ymd):
            self.day = dt.date(*ymd)

    c = Clock()
    monkeypatch.setattr(services.clock, "today", lambda: c.day)
    return c


class Api:
    def __init__(self, client, token):
        self.client, self.headers = (
            client,
            {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {},
        )

    def get(self, url):
        return self.client.get("/api/v1" + url, **self.headers)

    def post(self, url, body=None, key=None):
        extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return self.client.post(
            "/api/v1" + url,
            json.dumps(body or {}),
            content_type="application/json",
            **self.headers,
            **extra,
        )

    def patch(self, url, body):
        return self.client.patch(
            "/api/v1" + url, json.dumps(body), content_type="application/json", **self.headers
        )

    def take(self, case_id, name, payload=None, effective_date=None, key=None):
        body = {"payload": payload or {}}
        if effective_date:
            body["effective_date"] = effective_date
        return self.post(f"/cases/{case_id}/transitions/{name}", body, key=key)

    def upload(self, case_id, code, content=PDF, name="file.pdf", key=None):
        from django.core.files.uploadedfile import SimpleUploadedFile

        extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
        return self.client.post(
            f"/api/v1/cases/{case_id}/materials",
            {"code": code, "file": SimpleUploadedFile(name, content)},
            **self.headers,
            **extra,
        )


@pytest.fixture
def api(world, client, user_for):
    from metrohub.accounts.models import ApiToken

    def _api(role_or_username):
        if role_or_username is None:
            return Api(client, None)
        _token, raw = ApiToken.issue(user=user_for(role_or_username), name="test")
        return Api(client, raw)

    return _api


@pytest.fixture
def form():
    return json.loads(json.dumps(FORM))


@pytest.fixture
def conclude(world):
    """The stage's expert panel drawn, scored and concluded: `conclude(case_id, "review",
    conclusion="recommend")` or `conclude(case_id, "acceptance", score="79.5")`."""
    from metrohub.cases.models import Case
    from metrohub.panels import samples

    def _conclude(case_id, kind, **payload):
        return samples.conclude(Case.objects.get(pk=case_id), kind, payload)

    return _conclude
