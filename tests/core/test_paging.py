"""Lists that grow to national size count at most a bounded number of rows: the count of ten
million certificates alone took seconds."""

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from metrohub.core import paging
from metrohub.eventlog.models import Event
from metrohub.eventlog.services import append_event

pytestmark = pytest.mark.django_db


def _counts(client, url) -> list[str]:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("admin", "/events/"),
        ("director", "/certificates/"),
        ("applicant", "/certificates/mine/"),
        ("regulator", "/cases/"),
    ],
)
def test_list_pages_count_a_bounded_number_of_rows(world, client_for, role, url):
    counts = _counts(client_for(role), url)
    assert counts, url  # the page is counted ...
    for sql in counts:  # ... within a LIMIT
        assert re.search(rf"LIMIT {paging.CAP + 1}\b", sql), sql
        assert "ORDER BY" not in sql, sql  # a sort of millions of rows before the limit


def test_bounded_paginator_says_there_are_more(world, client_for, monkeypatch):
    for i in range(12):
        append_event(subject="bench:paging", action="test.paged", payload={"i": i})
    total = Event.objects.count()
    monkeypatch.setattr(paging, "CAP", 5)
    page = paging.bounded_page(Event.objects.order_by("pk"), 2, 1)
    assert (page.paginator.count, page.paginator.bounded, page.paginator.num_pages) == (6, True, 3)
    assert [e.pk for e in page] == list(
        Event.objects.order_by("pk").values_list("pk", flat=True)[:2]
    )
    assert total > 6
    with translation.override("zh-hans"):
        html = render_to_string("includes/pagination.html", {"page": page})
    assert "第 1 页，共 3 页以上" in html


def test_event_log_page_does_not_grow_with_its_rows(world, client_for):
    client = client_for("admin")

    def add(n):
        for i in range(n):
            append_event(subject=f"bench:rows:{i % 3}", action="test.row", payload={"i": i})

    add(5)
    client.get("/events/")
    with CaptureQueriesContext(connection) as few:
        client.get("/events/")
    add(45)
    client.get("/events/")
    with CaptureQueriesContext(connection) as many:
        client.get("/events/")
    assert len(many) == len(few), (len(few), len(many))
