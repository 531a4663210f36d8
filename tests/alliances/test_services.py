"""Alliances: founding, members, activities and the lead center's yearly activity duty."""

import datetime as dt

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
