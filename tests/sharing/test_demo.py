"""The demo's shared resources have bookings over the coming weeks, in every state."""

import datetime as dt

import pytest
from django.utils import timezone

from metrohub.sharing.models import Booking

pytestmark = pytest.mark.django_db


def test_the_demo_has_bookings_in_every_state_over_the_next_four_weeks(world):
    now = timezone.now()
    coming = Booking.objects.filter(starts_at__gte=now, starts_at__lt=now + dt.timedelta(weeks=4))
    assert set(coming.values_list("status", flat=True)) == {
        "confirmed",
        "requested",
        "refused",
        "cancelled",
    }
    confirmed = coming.filter(status="confirmed")
    assert confirmed.count() == 5
    weeks = {timezone.localtime(b.starts_at).isocalendar()[:2] for b in confirmed}
    assert len(weeks) >= 2  # spread over the coming weeks, not one day
    centers = set(confirmed.values_list("resource__center__code", flat=True))
    assert centers == {"SH-IC", "CQ-AUTO"}
    # and a past booking with its use recorded
    assert Booking.objects.filter(starts_at__lt=now, used_hours__isnull=False).exists()
