"""Inspections of the demo's Chongqing centers without walking an establishment: the center's
establishment case as the registry holds it, the engine's clock, an API client per person."""

import datetime as dt
import json

import pytest

from metrohub.cases import services
from metrohub.cases.models import Case


@pytest.fixture
def clock(monkeypatch):
    """The engine's today(), set by the test: `clock.set(2025, 9, 26)`."""

    class Clock:
        day = dt.date(2025, 9, 1)

        def set(self, *ymd):
            self.day = dt.date(*ymd)

    c = Clock()
    monkeypatch.setattr(services.clock, "today", lambda: c.day)
    return c


def establish(world, code, district="500112", version="2024"):
    """The establishment case of a demo center in a Chongqing district (the district bureau of
    500112 is the demo's cq_district; the director of CQ-AUTO and CQ-INSTR is cq_director)."""
    center = world["centers"][code]
    return Case.objects.create(
        rulepack_code="chongqing",
        rulepack_version=version,
        state="established",
        filed_on=dt.date(2023, 1, 3),
        applicant=center.host,
        jurisdiction=world["jurisdictions"]["500000"],
        district=world["jurisdictions"][district],
        center=center,
        center_name=center.name,
    )


@pytest.fixture
def auto(world):
    return establish(world, "CQ-AUTO")


@pytest.fixture
def other_district(world):
    """The district bureau of 九龙坡区 (500107): another district of the same city."""
    from metrohub.accounts.demo import ensure_user
    from metrohub.accounts.models import Role

    return ensure_user(
        world, "cq_jlp_district", "九龙坡区局", Role.DISTRICT_REGULATOR, None, "500107"
    )


class Api:
    def __init__(self, client, token):
        self.client, self.headers = client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, url):
        return self.client.get("/api/v1" + url, **self.headers)

    def send(self, method, url, body=None):
        return getattr(self.client, method)(
            "/api/v1" + url, json.dumps(body or {}), content_type="application/json", **self.headers
        )

    def post(self, url, body=None):
        return self.send("post", url, body)

    def take(self, case_id, name, payload=None):
        return self.post(f"/cases/{case_id}/transitions/{name}", {"payload": payload or {}})


@pytest.fixture
def api(world, client, user_for):
    from metrohub.accounts.models import ApiToken

    def _api(role_or_username):
        _token, raw = ApiToken.issue(user=user_for(role_or_username), name="test")
        return Api(client, raw)

    return _api


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()
