"""The status history on the center's public profile: its queries do not grow with its length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrohub.centers.models import Center

pytestmark = pytest.mark.django_db


def _profile_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/centers/CQ-AUTO/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_profile_history_queries_do_not_grow(status_changes, client):
    center = Center.objects.get(code="CQ-AUTO")
    status_changes(center, 1)
    few, page = _profile_queries(client)
    assert page.count("渝市监发〔2025〕") == 1
    status_changes(center, 30)
    many, page = _profile_queries(client)
    assert page.count("渝市监发〔2025〕") == 31
    assert many == few
