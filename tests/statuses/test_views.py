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


def test_a_decision_that_is_not_published_is_named_but_not_linked(status_changes, client):
    """A change resting on a decision that reaches only the parties (a task book, a decision of
    another kind) names it; only published decisions are linked, so no link answers 404."""
    center = Center.objects.get(code="CQ-AUTO")
    status_changes(center, 1)  # a decision of kind "other": not published
    _queries, page = _profile_queries(client)
    assert "渝市监发〔2025〕100号" in page
    assert "/cases/decisions/" not in page.split('data-testid="status-history"')[1]
