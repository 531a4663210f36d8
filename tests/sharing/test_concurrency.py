"""Twenty people post a booking of the same hour at the same moment: exactly one is confirmed
and nineteen are told 409 with the slot it holds, on SQLite and on PostgreSQL (real
transactions: twenty threads through the API, each with its own database connection)."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from metrohub.sharing import services
from metrohub.sharing.models import Booking

from .conftest import at

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 20


def test_twenty_concurrent_overlapping_requests_confirm_exactly_one(resource, world):
    people = [world["users"][name] for name in ("industry_user", "cq_applicant", "expert1")]
    clients = []
    for index in range(REQUESTS):
        client = Client()
        client.force_login(people[index % len(people)])
        clients.append(client)
    barrier = threading.Barrier(REQUESTS)
    answers: list[tuple[int, dict]] = [None] * REQUESTS

    def book(index: int):
        try:
            # every request overlaps every other: all of them contain 10:00–10:30
            start = at(3, 9, 30 + index % 2 * 15) if index % 3 else at(3, 10)
            body = {
                "starts_at": start.isoformat(),
                "ends_at": at(3, 11).isoformat(),
                "purpose": f"并发测试 {index}",
            }
            barrier.wait()
            response = clients[index].post(
                f"/api/v1/resources/{resource.pk}/bookings",
                json.dumps(body),
                content_type="application/json",
            )
            answers[index] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(REQUESTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    statuses = sorted(status for status, _body in answers)
    assert statuses == [201] + [409] * (REQUESTS - 1), answers
    confirmed = resource.bookings.get(status=Booking.Status.CONFIRMED)
    assert resource.bookings.count() == 1
    slot = services.slot_text(confirmed.starts_at, confirmed.ends_at)
    iso = (
        f"{services.local(confirmed.starts_at).isoformat()}/"
        f"{services.local(confirmed.ends_at).isoformat()}"
    )
    refusals = [body for status, body in answers if status == 409]
    assert {json.dumps(body, ensure_ascii=False, sort_keys=True) for body in refusals} == {
        json.dumps(
            {
                "code": "conflict",
                "message": f"该时段与已确认的预约重叠：{slot}。",
                "errors": [{"field": "slot", "message": iso}],
            },
            ensure_ascii=False,
            sort_keys=True,
        )
    }
