"""The enquiry's page: what a sender or a center reads after acting on the thread."""

import pytest

from metrohub.catalogue.models import CapabilityLine
from metrohub.enquiries import services

pytestmark = pytest.mark.django_db


def test_an_empty_reply_names_the_field_and_adds_nothing(world, client_for, clock):
    """It read “这个字段是必填项。” in the page's messages, naming no field."""
    line = CapabilityLine.objects.filter(
        center__code="SH-IC", status=CapabilityLine.Status.PUBLISHED
    ).first()
    enquiry = services.send_enquiry(
        actor=world["users"]["industry_user"], subject="直流电压测量", capability_line=line
    )
    before = enquiry.messages.count()
    page = client_for("industry").post(f"/enquiries/{enquiry.pk}/reply/", {"text": ""}, follow=True)
    assert "留言：这个字段是必填项。" in page.content.decode()
    assert enquiry.messages.count() == before
