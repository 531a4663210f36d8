"""Helpers for the annual tasks' tests: a Chongqing center established on the platform, its
director, an API client per person, the engine's clock."""

import datetime as dt
import json

import pytest

from metrohub.accounts.models import ApiToken, Role, RoleAssignment, User
from metrohub.cases import services
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.rulepacks.services import registry

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Api:
    def __init__(self, client, user):
        _token, raw = ApiToken.issue(user=user, name="test")
        self.client, self.headers = client, {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, url):
        return self.client.get("/api/v1" + url, **self.headers)

    def send(self, method, url, body=None):
        return getattr(self.client, method)(
            "/api/v1" + url, json.dumps(body or {}), content_type="application/json", **self.headers
        )

    def take(self, case_id, name, payload=None):
        return self.send("post", f"/cases/{case_id}/transitions/{name}", {"payload": payload or {}})

    def upload(self, url, content=PDF, name="evidence.pdf"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(
            "/api/v1" + url, {"file": SimpleUploadedFile(name, content)}, **self.headers
        )


@pytest.fixture
def chongqing(world):
    """A Chongqing center established on 15 March 2021, and its director `cq_tasks_director`."""
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = new_case(world, "chongqing", name="重庆市智能网联汽车产业计量测试中心")
        case = walk(case, path_to(registry().latest("chongqing"), "established"), clk)
    case.refresh_from_db()
    type(case.center).objects.filter(pk=case.center_id).update(established_on=dt.date(2021, 3, 15))
    director = User.objects.create(username="cq_tasks_director", email="cqtd@example.com")
    RoleAssignment.objects.create(
        user=director,
        role=Role.CENTER_DIRECTOR,
        organisation=case.applicant,
        jurisdiction=case.applicant.jurisdiction,
    )
    world["users"][director.username] = director
    return case


@pytest.fixture
def today(monkeypatch):
    """The engine's today(), set by the test: `today(2026, 2, 13)`."""
    state = {"day": dt.date(2026, 1, 1)}
    monkeypatch.setattr(services.clock, "today", lambda: state["day"])

    def set_day(*ymd):
        state["day"] = dt.date(*ymd)

    return set_day


@pytest.fixture
def api(client, world):
    def _api(username):
        return Api(client, world["users"][username])

    return _api
