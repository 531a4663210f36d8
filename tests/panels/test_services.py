import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrohub.cases.models import Case
from metrohub.core.api import Conflict
from metrohub.eventlog.models import Event
from metrohub.experts.models import DeclaredConflict, Employment, ExpertProfile
from metrohub.panels import services
from metrohub.panels.models import Panel, PanelMember, Rubric, ScoreSheet

from .conftest import fill

pytestmark = pytest.mark.django_db


def test_draw_records_seed_order_exclusions_and_supervisor(draw, user_for):
    panel = draw()
    case = panel.case
    assert panel.purpose == "onsite_acceptance" and panel.round == 1
    assert panel.members.count() == 3
    assert panel.supervisor == user_for("district")
    assert not panel.members.filter(expert__user=user_for("district")).exists()
    assert panel.rubric.example and panel.rubric.version == 1
    assert panel.criteria["conflict_years"] == 3
    assert set(panel.conflicts) >= {case.applicant_id}
    assert panel.order and panel.candidates
    event = Event.objects.filter(subject=case.subject, action="panel.drawn").last()
    assert event.payload["seed"] == panel.seed


def test_replay_from_the_seed_gives_the_same_panel(draw):
    panel = draw(seed=987654321)
    again = services.replay(panel)
    assert again.panel == services.initial_members(panel)
    assert again.leader_id == panel.leader_id
    assert list(again.order) == panel.order


def test_exclusions_carry_reasons(draw, case_in):
    case = case_in()
    expert = ExpertProfile.objects.get(user__username="expert3")
    DeclaredConflict.objects.create(expert=expert, organisation=case.applicant, reason="亲属")
    other = ExpertProfile.objects.get(user__username="expert4")
    Employment.objects.create(
        expert=other, organisation=case.applicant, ended=dt.date.today() - dt.timedelta(days=400)
    )
    panel = draw()
    reasons = {e["expert"]: e["reason"] for e in panel.exclusions}
    assert reasons[expert.pk] == "declared_conflict"
    assert reasons[other.pk] == "recent_employer"
    assert not panel.members.filter(expert__in=[expert, other]).exists()


def test_only_the_regulator_draws_and_only_at_a_panel_stage(case_in, user_for):
    case = case_in()
    with pytest.raises(PermissionDenied):
        services.draw_panel(actor=user_for("applicant"), case=case, size=3)
    with pytest.raises(Conflict):
        services.draw_panel(actor=user_for("regulator"), case=case_in("construction"), size=3)
    with pytest.raises(ValidationError) as exc:
        services.draw_panel(actor=user_for("regulator"), case=case, size=30)
    assert "size" in exc.value.message_dict


def test_a_round_is_drawn_once(draw):
    draw()
    with pytest.raises(Conflict):
        draw()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(st.sampled_from(["own", "employer", "declared", "none"]), st.integers(0, 7)),
        min_size=8,
        max_size=8,
    ),
    st.integers(0, 2**40),
)
def test_no_conflicted_expert_is_ever_drawn_from_the_registry(case_in, user_for, setup, seed):
    """Random conflicts over the DB registry: whatever the draw, no conflicted expert sits."""
    from django.db import transaction

    case = case_in()
    conflicted_orgs = [case.applicant, *case.co_builders.all()]
    experts = list(ExpertProfile.objects.order_by("pk"))
    sid = transaction.savepoint_create()
    try:
        conflicted = set()
        for expert, (kind, years) in zip(experts, setup, strict=True):
            org = conflicted_orgs[0]
            if kind == "own":
                ExpertProfile.objects.filter(pk=expert.pk).update(organisation=org)
                conflicted.add(expert.pk)
            elif kind == "employer":
                # clearly inside (≤ 2 years ago) or clearly outside (> 3 years ago) the period
                days = 365 * years if years < 3 else 366 * years + 2
                ended = services._today() - dt.timedelta(days=days)
                Employment.objects.create(expert=expert, organisation=org, ended=ended)
                if years < 3:
                    conflicted.add(expert.pk)
            elif kind == "declared":
                DeclaredConflict.objects.create(expert=expert, organisation=org, reason="x")
                conflicted.add(expert.pk)
        try:
            panel = services.draw_panel(actor=user_for("regulator"), case=case, size=2, seed=seed)
        except ValidationError:
            assert len(experts) - len(conflicted) < 2
        else:
            drawn = set(panel.members.values_list("expert_id", flat=True))
            assert not drawn & conflicted
            assert {e["expert"] for e in panel.exclusions} >= conflicted
    finally:
        transaction.savepoint_rollback(sid)


def test_decline_is_replaced_and_both_records_kept(draw):
    panel = draw()
    member = panel.members.first()
    replacement = services.decline_and_replace(
        actor=member.expert.user, member=member, reason="出差在外", seed=7
    )
    member.refresh_from_db()
    assert member.status == "declined" and member.replaced_by == replacement
    assert replacement.position == member.position
    assert (
        replacement.expert_id not in panel.order[:0] and replacement.expert_id != member.expert_id
    )
    assert panel.members.count() == 4
    assert [m.seated for m in panel.members.all()].count(True) == 3
    assert services.initial_members(panel) == services.replay(panel).panel
    panel.refresh_from_db()
    assert panel.leader_id != member.expert_id or panel.leader_id == replacement.expert_id


def test_sheet_errors_item_by_item(draw):
    panel = draw()
    member = panel.members.first()
    sheet = member.sheet
    with pytest.raises(ValidationError) as exc:
        services.save_sheet(
            actor=member.expert.user,
            sheet=sheet,
            scores={"standards": "16", "services": "14.3", "team": "x", "bogus": "1"},
        )
    errors = exc.value.message_dict
    assert set(errors) == {"scores.standards", "scores.services", "scores.team", "scores.bogus"}
    services.save_sheet(actor=member.expert.user, sheet=sheet, scores={"standards": "14.5"})
    with pytest.raises(ValidationError) as exc:
        services.submit_sheet(actor=member.expert.user, sheet=sheet)
    assert "scores.research" in exc.value.message_dict and "opinion" in exc.value.message_dict


def test_reason_required_items_and_rubric_versions(draw, user_for, world):
    first = services.rubric_for("chongqing")
    areas = [dict(a) for a in first.areas]
    areas[0] = {**areas[0], "items": [dict(i) for i in areas[0]["items"]]}
    areas[0]["items"][0].update(reason_required=True, guidance_zh="核查计量标准证书")
    rubric = services.edit_rubric(actor=user_for("regulator"), pack_code="chongqing", areas=areas)
    assert rubric.version == 2 and not rubric.example
    with pytest.raises(PermissionDenied):
        services.edit_rubric(actor=user_for("expert"), pack_code="chongqing", areas=areas)
    bad = [{**areas[0], "max_points": 41}, *areas[1:]]
    with pytest.raises(ValidationError):
        services.edit_rubric(actor=user_for("regulator"), pack_code="chongqing", areas=bad)
    panel = draw()
    assert panel.rubric == rubric
    member = panel.members.first()
    with pytest.raises(ValidationError) as exc:
        services.save_sheet(
            actor=member.expert.user, sheet=member.sheet, scores={"standards": "10"}
        )
    assert "reasons.standards" in exc.value.message_dict
    # a later edit leaves this sheet on its version
    services.edit_rubric(actor=user_for("regulator"), pack_code="chongqing", areas=first.areas)
    member.sheet.refresh_from_db()
    assert member.sheet.rubric.version == 2
    assert Rubric.objects.filter(pack_code="chongqing").count() == 3


def test_edit_after_lock_is_refused_with_the_reason_and_the_leader_reopens(draw, score):
    panel = draw()
    member = panel.members.first()
    sheet = member.sheet
    services.save_sheet(actor=member.expert.user, sheet=sheet, opinion="好", **fill(sheet, 90))
    services.submit_sheet(actor=member.expert.user, sheet=sheet)
    with pytest.raises(Conflict) as exc:
        services.save_sheet(actor=member.expert.user, sheet=sheet, opinion="改")
    assert "locked" in str(exc.value.message) or "锁定" in str(exc.value.message)
    other = panel.members.exclude(expert=panel.leader).first()
    with pytest.raises(PermissionDenied):
        services.reopen_sheet(actor=other.expert.user, sheet=sheet, reason="笔误")
    with pytest.raises(ValidationError):
        services.reopen_sheet(actor=panel.leader.user, sheet=sheet, reason="")
    services.reopen_sheet(actor=panel.leader.user, sheet=sheet, reason="第3项笔误")
    sheet.refresh_from_db()
    assert sheet.state == "draft" and sheet.reopen_log[0]["reason"] == "第3项笔误"
    services.save_sheet(actor=member.expert.user, sheet=sheet, opinion="改", **fill(sheet, 88))


def test_no_peeking_before_every_sheet_is_in(draw, score, user_for):
    panel = draw()
    a, b, c = [m for m in panel.members.all()]
    services.save_sheet(actor=a.expert.user, sheet=a.sheet, opinion="好", **fill(a.sheet, 90))
    services.submit_sheet(actor=a.expert.user, sheet=a.sheet)
    assert services.get_sheet(a.expert.user, a.sheet.pk) == a.sheet
    with pytest.raises(PermissionDenied):
        services.get_sheet(b.expert.user, a.sheet.pk)
    with pytest.raises(PermissionDenied):
        services.get_sheet(user_for("regulator"), a.sheet.pk)
    for m in (b, c):
        services.save_sheet(actor=m.expert.user, sheet=m.sheet, opinion="好", **fill(m.sheet, 85))
        services.submit_sheet(actor=m.expert.user, sheet=m.sheet)
    assert services.get_sheet(b.expert.user, a.sheet.pk).total == Decimal("90")


def test_another_case_sheet_is_404(draw, user_for):
    panel = draw()
    sheet = panel.members.first().sheet
    outsider = next(
        p.user for p in ExpertProfile.objects.all() if not panel.members.filter(expert=p).exists()
    )
    with pytest.raises(Http404):
        services.get_sheet(outsider, sheet.pk)
    with pytest.raises(Http404):
        services.get_sheet(user_for("applicant"), sheet.pk)
    with pytest.raises(Http404):
        services.get_panel(outsider, panel.pk)


def _conclude(draw, score, user_for, totals):
    panel = draw()
    score(panel, totals)
    result = services.compute_result(actor=panel.leader.user, panel=panel)
    case = services.apply_result(
        actor=user_for("regulator"),
        panel=panel,
        document_number="渝市监发〔2025〕88号",
        document_date="2026-01-02",
    )
    return panel, result, case


@pytest.mark.parametrize(
    ("totals", "expected", "state"),
    [
        ((79.5, 79.5, 79.5), "79.5", "rectification"),
        ((80, 80, 80), "80.0", "established"),
        ((79.5, 80, 80.5), "80.0", "established"),
        ((79.5, 80, 80), "79.8", "rectification"),
    ],
)
def test_exact_scores_under_chongqing(draw, score, user_for, clock, totals, expected, state):
    clock.set(2026, 6, 1)
    panel, result, case = _conclude(draw, score, user_for, totals)
    assert str(services.score_text(result, case.pack)) == expected
    assert case.state == state
    record = case.scores.get()
    assert str(record.score) == expected and record.passed == (state == "established")
    if state == "rectification":
        assert result.items_to_rectify
        assert case.obligations.filter(code="rectification_period", state="open").exists()


def test_rectification_round_rescores(draw, score, user_for, clock):
    from metrohub.cases import services as cases

    clock.set(2026, 6, 1)
    panel, result, case = _conclude(draw, score, user_for, (70, 70, 70))
    assert case.state == "rectification"
    answers = ["已整改"] * len(cases.open_defects(case)["items"])
    case = cases.take_transition(
        case=case,
        name="submit_rectification",
        actor=user_for("applicant"),
        payload={"defect_answers": answers},
    )
    second = services.draw_panel(actor=user_for("regulator"), case=case, size=3, seed=5)
    assert second.purpose == "rectification" and second.round == 2
    score(second, (85, 85, 85))
    services.compute_result(actor=second.leader.user, panel=second)
    case = services.apply_result(
        actor=user_for("regulator"),
        panel=second,
        document_number="渝市监发〔2025〕89号",
        document_date="2026-06-01",
    )
    assert case.state == "established"
    assert [str(s.score) for s in case.scores.all()] == ["70.0", "85.0"]


def test_result_needs_every_sheet_and_the_leader(draw, score):
    panel = draw()
    first = panel.members.first()
    with pytest.raises(Conflict):
        services.compute_result(actor=panel.leader.user, panel=panel)
    score(panel, (90, 90, 90))
    not_leader = panel.members.exclude(expert=panel.leader).first()
    with pytest.raises(PermissionDenied):
        services.compute_result(actor=not_leader.expert.user, panel=panel)
    services.compute_result(actor=panel.leader.user, panel=panel)
    with pytest.raises(Conflict):
        services.reopen_sheet(actor=panel.leader.user, sheet=first.sheet, reason="晚了")


def test_expert_review_recommendation_opens_the_public_notice(draw, score, user_for):
    panel = draw(state="expert_review")
    assert panel.purpose == "expert_review"
    score(panel, (None, None, None), opinion="同意推荐", recommendation="recommend")
    result = services.compute_result(actor=panel.leader.user, panel=panel)
    assert result.recommendation == "recommend" and len(result.opinions) == 3
    case = services.apply_result(actor=user_for("regulator"), panel=panel)
    assert case.state == "public_notice" and case.accepting_objections


def test_expert_review_majority_against(draw, score, user_for):
    panel = draw(state="expert_review")
    score(panel, (None, None, None), opinion="不同意", recommendation="not_recommend")
    services.compute_result(actor=panel.leader.user, panel=panel)
    case = services.apply_result(actor=user_for("regulator"), panel=panel, reasons="专家不推荐")
    assert case.state == "rejected"


def test_the_engine_reads_the_panel_not_the_payload(draw, score, user_for, clock):
    from metrohub.cases import services as cases

    clock.set(2026, 6, 1)
    panel = draw()
    score(panel, (79.5, 79.5, 79.5))
    services.compute_result(actor=panel.leader.user, panel=panel)
    with pytest.raises(Conflict):
        cases.take_transition(
            case=Case.objects.get(pk=panel.case_id),
            name="establish",
            actor=user_for("regulator"),
            payload={
                "score": "95",
                "document_number": "渝市监发〔2025〕88号",
                "document_date": "2026-05-02",
            },
        )


def test_every_step_is_in_the_event_log(draw, score):
    panel = draw()
    score(panel, (90, 90, 90))
    services.compute_result(actor=panel.leader.user, panel=panel)
    actions = list(
        Event.objects.filter(subject=panel.case.subject).values_list("action", flat=True)
    )
    for action in ("panel.drawn", "sheet.saved", "sheet.submitted", "panel.concluded"):
        assert action in actions
    assert PanelMember.objects.filter(panel=panel).count() == 3
    assert ScoreSheet.objects.filter(member__panel=panel, state="submitted").count() == 3
    assert Panel.objects.get(pk=panel.pk).state == "completed"
