"""The catalogue's events cite the center's own rule pack: Hubei's change requests cite its
art. 16; a Chongqing center's cite no Hubei article (000 says nothing on changing them)."""

import pytest

from metrohub.catalogue.models import CapabilityLine
from metrohub.catalogue.services import propose_change
from metrohub.eventlog.models import Event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("center_code", "article"), [("HB-AUTO", "第十六条"), ("CQ-AUTO", ""), ("SH-IC", "四(三)")]
)
def test_change_requests_cite_the_centers_own_pack(world, center_code, article):
    center = world["centers"][center_code]
    line = CapabilityLine.objects.filter(center=center, status="published").first()
    change = propose_change(
        actor=world["users"]["admin"],
        center=center,
        action="withdraw",
        reason="设备报废",
        line=line,
    )
    event = Event.objects.get(subject=f"catalogue-change:{change.pk}")
    assert event.article == article
