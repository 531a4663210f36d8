"""The database itself refuses overlapping confirmed bookings of one resource (PostgreSQL: an
exclusion constraint; SQLite: triggers), whatever writes them; other overlaps are allowed."""

import pytest
from django.db import IntegrityError, transaction

from metrohub.sharing.models import Booking

from .conftest import at

pytestmark = pytest.mark.django_db


def row(resource, user, start, end, status=Booking.Status.CONFIRMED):
    return Booking(
        resource=resource,
        requester=user,
        starts_at=start,
        ends_at=end,
        purpose="直接写入",
        status=status,
    )


def test_an_overlapping_confirmed_row_is_refused_on_insert_and_on_update(resource, user_for):
    user = user_for("industry")
    row(resource, user, at(3, 9), at(3, 11)).save()
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        row(resource, user, at(3, 10), at(3, 12)).save()
    pending = row(resource, user, at(3, 10), at(3, 12), Booking.Status.REQUESTED)
    pending.save()  # a request may overlap a confirmed booking
    pending.status = Booking.Status.CONFIRMED
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        pending.save()
    # touching intervals, cancelled rows and other resources do not conflict
    row(resource, user, at(3, 11), at(3, 12)).save()
    row(resource, user, at(3, 9), at(3, 11), Booking.Status.CANCELLED).save()
    assert resource.bookings.filter(status=Booking.Status.CONFIRMED).count() == 2
