"""Twenty people book the same hour at the same moment: exactly one is confirmed, on SQLite and
on PostgreSQL (real transactions, twenty threads, each with its own connection)."""

import threading

import pytest
from django.db import connection

from metrohub.sharing import services
from metrohub.sharing.models import Booking

from .conftest import at

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS = 20


def test_twenty_concurrent_overlapping_requests_confirm_exactly_one(resource, user_for):
    industry = user_for("industry")
    barrier = threading.Barrier(REQUESTS)
    outcomes: list[str] = []

    def book(index: int):
        try:
            barrier.wait()
            services.request_booking(
                actor=industry,
                resource=resource,
                # every request overlaps every other: all contain 10:00–10:30
                starts_at=at(3, 9, 30 + index % 2 * 15) if index % 3 else at(3, 10),
                ends_at=at(3, 11),
                purpose=f"测试 {index}",
            )
            outcomes.append("confirmed")
        except services.SlotTaken as exc:
            outcomes.append("taken:" + exc.message)
        except Exception as exc:  # noqa: BLE001 - any other answer fails the test below
            outcomes.append(f"error:{exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(REQUESTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes.count("confirmed") == 1, outcomes
    confirmed = resource.bookings.get(status=Booking.Status.CONFIRMED)
    slot = services.slot_text(confirmed.starts_at, confirmed.ends_at)
    assert sorted(o for o in outcomes if o != "confirmed") == [
        f"taken:该时段与已确认的预约重叠：{slot}。"
    ] * (REQUESTS - 1)
    assert resource.bookings.count() == 1
