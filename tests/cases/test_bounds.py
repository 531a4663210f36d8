"""Every text a service stores is bounded in the service itself: too long is refused with the
field named, and nothing is stored (not cut short)."""

import pytest
from django.core.exceptions import ValidationError

from metrohub.cases import services
from metrohub.cases.models import Case, Objection

pytestmark = pytest.mark.django_db

HUGE = "长" * 100_000


def _fields(exc) -> set[str]:
    return set(exc.value.message_dict)


def test_case_texts_are_bounded(world):
    applicant = world["users"]["cq_applicant"]
    with pytest.raises(ValidationError) as long_title:
        services.create_case(actor=applicant, rulepack="chongqing", center_name=HUGE)
    assert _fields(long_title) == {"center_name"}
    assert Case.objects.count() == 0
    case = services.create_case(actor=applicant, rulepack="chongqing", center_name="正常")
    with pytest.raises(ValidationError) as long_en:
        services.update_draft(actor=applicant, case=case, center_name_en=HUGE)
    assert _fields(long_en) == {"center_name_en"}
    assert Case.objects.get(pk=case.pk).center_name_en == ""


def test_objection_and_answer_texts_are_bounded(world):
    applicant = world["users"]["cq_applicant"]
    case = services.create_case(actor=applicant, rulepack="chongqing", center_name="公示")
    Case.objects.filter(pk=case.pk).update(
        accepting_objections=True, notice_published_on="2025-09-28"
    )
    case.refresh_from_db()
    with pytest.raises(ValidationError) as long_text:
        services.file_objection(case=case, name="张三", email="z@example.com", text=HUGE)
    assert _fields(long_text) == {"text"}
    with pytest.raises(ValidationError) as long_name:
        services.file_objection(case=case, name=HUGE, email="z@example.com", text="异议")
    assert _fields(long_name) == {"name"}
    assert Objection.objects.count() == 0


def test_expert_and_panel_texts_are_bounded(world):
    from metrohub.experts.models import ExpertProfile
    from metrohub.experts.services import update_profile

    expert = world["users"]["expert1"]
    profile = ExpertProfile.objects.get(user=expert)
    with pytest.raises(ValidationError) as long_title:
        update_profile(
            actor=expert, profile=profile, title=HUGE, domains=[], areas=[], available=True
        )
    assert _fields(long_title) == {"title"}
    assert ExpertProfile.objects.get(pk=profile.pk).title == profile.title


def test_sheet_opinion_is_bounded(world):
    import datetime as dt

    from metrohub.cases.walk import clock, new_case, path_to, walk
    from metrohub.panels import services as panels
    from metrohub.panels.models import ScoreSheet
    from metrohub.rulepacks.services import registry

    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = walk(
            new_case(world, "chongqing", name="评分"),
            path_to(registry().latest("chongqing"), "expert_review"),
            clk,
        )
    panel = panels.draw_panel(actor=world["users"]["cq_regulator"], case=case, size=3, seed=1)
    member = panel.members.select_related("expert__user", "sheet").first()
    with pytest.raises(ValidationError) as long_opinion:
        panels.save_sheet(actor=member.expert.user, sheet=member.sheet, opinion=HUGE)
    assert _fields(long_opinion) == {"opinion"}
    assert ScoreSheet.objects.get(pk=member.sheet.pk).opinion == ""
