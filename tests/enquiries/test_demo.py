"""The demo holds enquiries in every state, with the first answers its centers' pages show."""

import pytest

from metrohub.enquiries import services
from metrohub.enquiries.models import Enquiry

pytestmark = pytest.mark.django_db


def test_the_demo_holds_enquiries_in_every_state(world):
    states = set(Enquiry.objects.values_list("status", flat=True))
    assert states == {"sent", "answered", "quoted", "accepted", "declined", "withdrawn"}
    assert states == set(Enquiry.Status.values)
    unanswered = Enquiry.objects.filter(first_response_at__isnull=True)
    assert set(unanswered.values_list("status", flat=True)) == {"sent", "withdrawn"}
    # SH-IC's first answers came after 3, 5, 26 and 2 hours: the median is 4 hours
    assert services.duration_text(services.median_response(center=world["centers"]["SH-IC"])) == (
        "4小时0分钟"
    )
