"""The procedure's legal points through the engine: a public notice of at least 7 days from its
actual publication, panels that cannot be bypassed or left open, late is late, one register of
document numbers, and a re-application bar only where a pack sets one."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from metrohub.cases import services
from metrohub.cases.models import Case, Obligation
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.core.errors import Conflict
from metrohub.panels.models import Panel
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


def walked(world, stage, *, code="chongqing", start=dt.date(2025, 9, 1), name=None) -> Case:
    pack = registry().latest(code)
    with services.quiet(), clock(start) as clk:
        case = new_case(world, code, name=name or f"法定{stage}")
        return walk(case, path_to(pack, stage), clk)


def test_the_notice_runs_from_its_actual_publication_and_cannot_be_cut_short(world, clock):
    regulator = world["users"]["cq_regulator"]
    case = walked(world, "expert_review", start=dt.date(2025, 9, 1))
    from metrohub.panels import samples

    samples.conclude(case, "review", {"conclusion": "recommend"})
    clock.set(2025, 9, 28)
    # the publication cannot be dated before the notice is on the portal
    with pytest.raises(ValidationError) as back:
        services.take_transition(
            case=case, name="open_public_notice", actor=regulator, effective_date="2025-09-20"
        )
    assert list(back.value.message_dict) == ["effective_date"]
    case = services.take_transition(case=case, name="open_public_notice", actor=regulator)
    assert case.notice_published_on == dt.date(2025, 9, 28)
    notice = case.obligations.get(code="public_notice_period")
    # Sunday 28 September: the 7th day is 5 October, in the National Day holiday → 9 October
    assert (notice.deadline.due, notice.kind) == (dt.date(2025, 10, 9), "minimum")
    # a statutory minimum is not waived
    with pytest.raises(Conflict, match="第十一条"):
        services.waive_obligation(actor=regulator, obligation=notice, reason="提前结束")
    # not on its last day, not by dating the closing back: from 10 October
    clock.set(2025, 10, 9)
    with pytest.raises(Conflict, match="2025-10-10"):
        services.take_transition(case=case, name="close_public_notice", actor=regulator)
    clock.set(2025, 10, 12)
    with pytest.raises(Conflict, match="2025-10-10"):
        services.take_transition(
            case=case, name="close_public_notice", actor=regulator, effective_date="2025-10-09"
        )
    clock.set(2025, 10, 10)
    case = services.take_transition(case=case, name="close_public_notice", actor=regulator)
    assert case.state == "decision"
    assert Obligation.objects.get(pk=notice.pk).state == "met"


def test_a_panel_is_closed_when_its_case_leaves_the_stage(world, clock):
    from metrohub.panels import services as panels

    case = walked(world, "expert_review")
    regulator = world["users"]["cq_regulator"]
    panel = panels.draw_panel(actor=regulator, case=case, size=3, seed=7)
    clock.set(2025, 12, 1)
    services.take_transition(
        case=case, name="withdraw", actor=world["users"]["cq_applicant"], payload={}
    )
    panel.refresh_from_db()
    assert panel.state == Panel.State.CLOSED
    assert all(part in panel.closed_reason for part in ("专家审查", "撤回申请", "2025-12-01"))
    from metrohub.eventlog.models import Event

    closed = Event.objects.get(subject=case.subject, action="panel.closed")
    assert closed.payload == {"panel": panel.pk, "reason": panel.closed_reason}


def test_late_is_late_and_overdue_is_read_without_the_reminder(world, clock):
    case = walked(world, "supplement", start=dt.date(2025, 9, 1))
    ob = case.obligations.get(code="supplement_period")
    due = ob.deadline.due
    clock.set(*(due + dt.timedelta(days=1)).timetuple()[:3])
    # nobody ran `metrohub remind`: the stored state is open, the state read is overdue
    assert ob.state == "open" and ob.current_state == "overdue"
    applicant = world["users"]["cq_applicant"]
    case = services.take_transition(
        case=case,
        name="resubmit",
        actor=applicant,
        payload={"defect_answers": ["已补正"]},
    )
    ob.refresh_from_db()
    assert (ob.state, ob.closed_on) == ("late", due + dt.timedelta(days=1))


def test_a_major_event_reported_late_is_late(world, clock):
    case = walked(world, "construction", code="shanghai", start=dt.date(2025, 3, 3))
    clock.set(2025, 10, 20)
    ob = services.report_event(
        actor=world["users"]["sh_director"],
        case=case,
        code="major_event",
        occurred_on="2025-09-30",
        text="主任变更",
    )
    assert (ob.deadline.due, ob.state) == (dt.date(2025, 10, 14), "late")


def test_a_document_number_is_used_once_per_issuing_body(world, clock):
    first = walked(world, "construction", start=dt.date(2025, 3, 3), name="文号一")
    number = first.decisions.get().document_number
    second = walked(world, "decision", start=dt.date(2025, 3, 3), name="文号二")
    clock.set(2025, 12, 1)
    with pytest.raises(Conflict) as taken:
        services.take_transition(
            case=second,
            name="approve_construction",
            actor=world["users"]["cq_regulator"],
            payload={"document_number": number, "document_date": "2025-12-01"},
        )
    assert all(part in str(taken.value) for part in (number, f"#{first.pk}", "文号一"))
    assert Case.objects.get(pk=second.pk).state == "decision"


def test_a_pack_may_bar_reapplication_after_revocation(world, clock, monkeypatch):
    from metrohub.cases.services import filing
    from metrohub.rulepacks.schema import Reapplication

    revoked = walked(world, "revoked", code="shanghai", start=dt.date(2025, 3, 3))
    revoked_on = revoked.decisions.get(kind="revocation").document_date
    clock.set(*(revoked_on + dt.timedelta(days=30)).timetuple()[:3])
    # the shipped packs set no bar
    again = new_case(world, "shanghai", name="再次申请")
    assert again.pk
    barred = (
        registry()
        .latest("shanghai")
        .model_copy(update={"reapplication": Reapplication(bar_years=3, article="示例条")})
    )
    monkeypatch.setattr(filing, "pack_for", lambda code, on: barred)
    with pytest.raises(Conflict, match="示例条"):
        new_case(world, "shanghai", name="被禁止")


def test_a_notice_shows_its_period_documents_and_contact_and_closes_to_objections(
    world, clock, client
):
    from pypdf import PdfReader

    from metrohub.panels import samples

    regulator = world["users"]["cq_regulator"]
    case = walked(world, "expert_review", start=dt.date(2025, 9, 1), name="公示详情")
    samples.conclude(case, "review", {"conclusion": "recommend"})
    clock.set(2025, 9, 28)
    case = services.take_transition(case=case, name="open_public_notice", actor=regulator)
    page = client.get(f"/cases/notices/{case.pk}/").content.decode()
    for part in ("2025年9月29日", "2025年10月9日", "2025年10月10日", "重庆市市场监督管理局"):
        assert part in page, part
    (notice,) = client.get("/api/v1/notices").json()
    assert (notice["starts_on"], notice["last_day"], notice["closable_from"]) == (
        "2025-09-29",
        "2025-10-09",
        "2025-10-10",
    )
    assert notice["contact"]["organisation"] == "重庆市市场监督管理局"
    pdf = client.get(notice["document_url"]).content
    text = "".join(p.extract_text() for p in PdfReader(__import__("io").BytesIO(pdf)).pages)
    assert "关于拟批准筹建公示详情的公示" in text.replace("\n", "")
    clock.set(2025, 10, 10)
    services.take_transition(case=case, name="close_public_notice", actor=regulator)
    # a closed notice takes no objections
    body = {"name": "张三", "email": "z@example.com", "text": "异议"}
    assert client.post(f"/cases/notices/{case.pk}/", body).status_code == 404
    late = client.post(
        f"/api/v1/notices/{case.pk}/objections",
        __import__("json").dumps(body),
        content_type="application/json",
    )
    assert late.status_code == 404
