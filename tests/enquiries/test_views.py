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


def test_each_action_says_what_it_did(world, client_for, clock):
    """Accepting, declining or withdrawing an enquiry all read “已发送。”."""
    line = CapabilityLine.objects.filter(
        center__code="SH-IC", status=CapabilityLine.Status.PUBLISHED
    ).first()
    industry = world["users"]["industry_user"]
    center = client_for("sh_simt_director")
    said = {}
    for action, text in (("accept", ""), ("decline", "设备检修中"), ("withdraw", "")):
        enquiry = services.send_enquiry(
            actor=industry, subject="直流电压测量", capability_line=line
        )
        client = client_for("industry") if action == "withdraw" else center
        page = client.post(f"/enquiries/{enquiry.pk}/{action}/", {"text": text}, follow=True)
        said[action] = page.content.decode()
        enquiry.refresh_from_db()
        assert enquiry.status == {"accept": "accepted", "decline": "declined"}.get(
            action, "withdrawn"
        )
    assert "已受理该咨询。" in said["accept"] and "已发送。" not in said["accept"]
    assert "已答复不予受理。" in said["decline"]
    assert "已撤回该咨询。" in said["withdraw"]


def test_a_revoked_center_takes_no_enquiry(world, client_for, clock):
    """A revoked center's public page (该中心资格已被撤销，不得再以产业计量测试中心名义开展工作)
    still offered 发送咨询, and the enquiry was sent: 咨询已发送，中心将在此答复。"""
    from metrohub.centers.models import Center
    from metrohub.enquiries.models import Enquiry

    Center.objects.filter(code="SH-IC").update(status=Center.Status.REVOKED)
    page = client_for(None).get("/centers/SH-IC/").content.decode()
    assert 'data-testid="enquire-center"' not in page
    industry = client_for("industry")
    sent = industry.post(
        "/enquiries/new/", {"center": "SH-IC", "subject": "直流电压测量", "quantity": "1"}
    )
    assert sent.status_code == 200
    assert "该中心资格已被撤销，不受理咨询。" in sent.content.decode()
    assert not Enquiry.objects.filter(center__code="SH-IC", subject="直流电压测量").exists()
