"""Alliances: founding, members, activities and the lead center's yearly activity duty."""

import datetime as dt
import hashlib
import io
import pathlib
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from metrohub.alliances import services
from metrohub.alliances.models import Activity, Member
from metrohub.core.api import Conflict
from metrohub.eventlog.models import Event

TECH = Activity.Kind.TECHNICAL_EXCHANGE


def activity(alliance, director, day, title="技术交流会"):
    return services.record_activity(
        actor=director, alliance=alliance, held_on=day, kind=TECH, title=title
    )


def test_one_activity_on_31_december_leaves_the_shanghai_duty_late(alliance, director, center):
    activity(alliance, director, dt.date(2026, 12, 31))
    duty = services.activity_duty(center=center, year=2026, on=dt.date(2027, 1, 1))
    assert (duty.status, duty.count, duty.required) == ("late", 1, 2)
    assert (duty.article, duty.due_on, duty.missing) == ("四(二)", dt.date(2026, 12, 31), 1)
    # the same year seen on its last day is still due, not late
    on_the_day = services.activity_duty(center=center, year=2026, on=dt.date(2026, 12, 31))
    assert (on_the_day.status, on_the_day.count) == ("due", 1)


def test_two_activities_meet_the_shanghai_duty(alliance, director, center):
    activity(alliance, director, dt.date(2026, 3, 14), "年度技术交流会")
    activity(alliance, director, dt.date(2026, 12, 31), "年末培训")
    activity(alliance, director, dt.date(2025, 12, 31), "去年的活动")  # another year
    duty = services.activity_duty(center=center, year=2026, on=dt.date(2027, 1, 1))
    assert (duty.status, duty.count, duty.required) == ("met", 2, 2)
    assert services.activity_count(center=center, year=2025) == 1


def test_the_required_count_comes_from_the_pack(alliance, director, center, monkeypatch):
    from metrohub.rulepacks.services import registry

    pack = registry().in_force("shanghai", dt.date(2026, 12, 31))
    duties = [
        d.model_copy(update={"min_count": 3}) if d.code == "alliance_events" else d
        for d in pack.annual_duties
    ]
    stricter = pack.model_copy(update={"annual_duties": duties})
    monkeypatch.setattr(services, "center_pack", lambda center, on: stricter)
    activity(alliance, director, dt.date(2026, 5, 1))
    activity(alliance, director, dt.date(2026, 6, 1))
    result = services.activity_duty(center=center, year=2026, on=dt.date(2027, 1, 1))
    assert (result.status, result.count, result.required) == ("late", 2, 3)


def test_chongqing_packs_set_no_activity_duty(world):
    assert services.activity_duty(center=world["centers"]["CQ-AUTO"], year=2026) is None


def test_founding_twice_is_a_conflict_and_only_the_director_founds(
    alliance, director, center, user_for
):
    with pytest.raises(Conflict):
        services.found_alliance(actor=director, center=center, name="第二个联盟")
    with pytest.raises(PermissionDenied):
        services.found_alliance(actor=user_for("industry"), center=center, name="联盟")
    assert Event.objects.filter(subject=alliance.subject, action="alliance.founded").count() == 1


def test_membership_request_then_approval_and_refusal(alliance, director, user_for, world, clock):
    industry = user_for("industry")  # acts for sh-ic
    member = services.request_membership(
        actor=industry,
        alliance=alliance,
        organisation=world["organisations"]["sh-ic"],
        position="downstream",
        capabilities="晶圆级参数测试",
        contact_name="吴倩",
        message="申请加入联盟",
    )
    assert member.status == Member.Status.REQUESTED
    with pytest.raises(Conflict):  # one live request per organisation
        services.request_membership(
            actor=industry,
            alliance=alliance,
            organisation=world["organisations"]["sh-ic"],
            position="downstream",
        )
    with pytest.raises(PermissionDenied):  # not the director
        services.approve_membership(actor=industry, member=member)
    clock.day = dt.date(2026, 7, 1)
    approved = services.approve_membership(actor=director, member=member)
    assert (approved.status, approved.joined_on) == ("active", dt.date(2026, 7, 1))
    with pytest.raises(Conflict):
        services.refuse_membership(actor=director, member=approved, reason="重复")
    with pytest.raises(PermissionDenied):  # asking for an organisation one does not act for
        services.request_membership(
            actor=industry,
            alliance=alliance,
            organisation=world["organisations"]["cq-auto"],
            position="upstream",
        )
    other = services.request_membership(
        actor=user_for("applicant"),
        alliance=alliance,
        organisation=world["organisations"]["cq-auto"],
        position="upstream",
    )
    refused = services.refuse_membership(actor=director, member=other, reason="不属于本产业链")
    assert (refused.status, refused.refusal_reason) == ("refused", "不属于本产业链")
    actions = list(Event.objects.filter(subject=alliance.subject).values_list("action", flat=True))
    assert actions == [
        "alliance.founded",
        "member.requested",
        "member.approved",
        "member.requested",
        "member.refused",
    ]


def test_bad_input_names_every_field_and_changes_nothing(alliance, director):
    with pytest.raises(ValidationError) as caught:
        services.record_activity(
            actor=director,
            alliance=alliance,
            held_on="31/12/2026",
            kind="party",
            title="x" * 201,
            outcome="\ud800",
        )
    assert set(caught.value.message_dict) == {"held_on", "kind", "title", "outcome"}
    assert alliance.activities.count() == 0


def test_attending_members_must_be_active_members(alliance, director, world):
    member = services.add_member(
        actor=director,
        alliance=alliance,
        organisation=world["organisations"]["sh-ic"],
        position="midstream",
    )
    made = services.record_activity(
        actor=director,
        alliance=alliance,
        held_on=dt.date(2026, 4, 2),
        kind="training",
        title="培训",
        member_ids=[member.pk],
    )
    assert list(made.member_attendees.all()) == [member]
    with pytest.raises(ValidationError) as caught:
        services.record_activity(
            actor=director,
            alliance=alliance,
            held_on=dt.date(2026, 4, 2),
            kind="training",
            title="培训",
            member_ids=[member.pk + 1000],
        )
    assert list(caught.value.message_dict) == ["member_ids"]


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def ofd() -> bytes:
    """A minimal OFD (GB/T 33190): a zip whose entry file is OFD.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
    return out.getvalue()


def stored_files(root) -> list:
    return [p for p in pathlib.Path(root).rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("content", "name", "content_type", "extension"),
    [
        (PDF, "联盟章程.pdf", "application/pdf", "pdf"),
        (None, "联盟章程.ofd", "application/ofd", "ofd"),
    ],
    ids=["pdf", "ofd"],
)
def test_a_charter_is_stored_with_its_digest_read_back(
    alliance, director, settings, tmp_path, content, name, content_type, extension
):
    settings.MEDIA_ROOT = tmp_path
    content = content or ofd()
    services.upload_charter(
        actor=director, alliance=alliance, content=content, filename=f"D:\\文件\\{name}"
    )
    alliance.refresh_from_db()
    assert (alliance.charter_filename, alliance.charter_content_type) == (name, content_type)
    assert alliance.charter.name == f"alliances/charters/{alliance.pk}-charter.{extension}"
    with alliance.charter.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == alliance.charter_sha256
    assert alliance.charter_sha256 == hashlib.sha256(content).hexdigest()
    event = Event.objects.get(subject=alliance.subject, action="alliance.charter")
    assert event.payload == {
        "sha256": alliance.charter_sha256,
        "size": len(content),
        "filename": name,
    }


def test_a_charter_of_another_type_or_over_the_size_bound_is_refused(
    alliance, director, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.METROHUB_MAX_UPLOAD_BYTES = 1024 * 1024
    refused = {
        "text": (b"\xe7\xab\xa0\xe7\xa8\x8b plain text", "章程.pdf"),
        "program": (b"MZ\x90\x00" + b"\x00" * 60, "章程.exe"),
        "too large": (PDF + b" " * (1024 * 1024 - len(PDF) + 1), "章程.pdf"),
        "empty": (b"", "章程.pdf"),
    }
    messages = {}
    for key, (content, name) in refused.items():
        with pytest.raises(ValidationError) as error:
            services.upload_charter(
                actor=director, alliance=alliance, content=content, filename=name
            )
        messages[key] = error.value.message_dict
    kinds = (
        "PDF、PNG图片、JPEG图片、GIF图片、TIFF图片、WebP图片、ZIP压缩包、"
        "Office文档（Word、Excel、PowerPoint、WPS）、Word文档、Excel工作簿、PowerPoint演示文稿、"
        "OpenDocument文本、OpenDocument电子表格、OFD文档"
    )
    assert messages == {
        "text": {"charter": [f"不接受该类型的文件。可接受：{kinds}。"]},
        "program": {"charter": [f"不接受该类型的文件。可接受：{kinds}。"]},
        "too large": {"charter": ["文件超过1.0 MB。"]},
        "empty": {"charter": ["文件为空。"]},
    }
    alliance.refresh_from_db()
    assert (alliance.charter.name, alliance.charter_sha256) == ("", "")
    assert stored_files(tmp_path) == []
    # exactly at the bound it is accepted
    services.upload_charter(
        actor=director,
        alliance=alliance,
        content=PDF + b" " * (1024 * 1024 - len(PDF)),
        filename="章程.pdf",
    )
    assert alliance.charter_filename == "章程.pdf"


def test_only_the_lead_centers_director_uploads_the_charter(
    alliance, world, user_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    for person in (world["users"]["sh_simt_director"], user_for("industry"), user_for("director")):
        with pytest.raises(PermissionDenied):
            services.upload_charter(
                actor=person, alliance=alliance, content=PDF, filename="章程.pdf"
            )
    alliance.refresh_from_db()
    assert alliance.charter.name == "" and stored_files(tmp_path) == []
    assert not Event.objects.filter(subject=alliance.subject, action="alliance.charter").exists()
