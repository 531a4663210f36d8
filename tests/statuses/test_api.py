"""A center's status history: recorded with the decision behind each change, public on its
profile and through the API, in a bounded number of queries whatever its length."""

import pytest

from metrohub.centers.models import Center

pytestmark = pytest.mark.django_db


def test_history_is_public_with_its_decisions(status_changes, client):
    center = Center.objects.get(code="CQ-AUTO")
    status_changes(center, 2)
    body = client.get("/api/v1/centers/CQ-AUTO/status-history").json()
    assert [
        (h["status_name"], h["previous"], h["on"], h["document_number"], h["article"])
        for h in body["history"]
    ] == [
        # the registry's status before the history was kept (the demo's, as a backfill gives it)
        ("已成立", "", "2023-06-30", "", ""),
        ("暂停", "established", "2025-01-01", "渝市监发〔2025〕100号", "第二十七条"),
        ("已成立", "suspended", "2025-01-02", "渝市监发〔2025〕101号", "第二十七条"),
    ]
    page = client.get("/centers/CQ-AUTO/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "状态及沿革" in page
    assert "渝市监发〔2025〕101号" in page
    assert "2025年1月2日" in page
    # every change is in the center's public event history too
    from metrohub.eventlog.services import history

    actions = [e.action for e in history("center:CQ-AUTO")]
    assert actions.count("center.status_changed") == 2


@pytest.mark.parametrize("n", [1, 30])
def test_history_queries_do_not_grow(status_changes, client, n, django_assert_max_num_queries):
    center = Center.objects.get(code="CQ-AUTO")
    status_changes(center, n)
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/centers/CQ-AUTO/status-history").json()
    assert len(body["history"]) == n + 1  # and the backfilled first entry
