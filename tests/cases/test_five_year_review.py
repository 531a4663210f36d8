"""The five-year review (Chongqing 解读三(四)): opened 180 days before the fifth anniversary of
establishment, reminded months ahead, the center's materials within working days across National
Day, an expert panel drawn and scored as for acceptance, rectification extended past the Spring
Festival, and either the numbered confirmation (发文确认) or a failure that opens a revocation."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from metrohub.accounts.models import Role, RoleAssignment, User
from metrohub.cases import services
from metrohub.cases.models import Case, Decision, Obligation
from metrohub.cases.walk import clock as walk_clock
from metrohub.cases.walk import new_case, path_to, walk
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def _obligation(body, code):
    (ob,) = [o for o in body["obligations"] if o["code"] == code]
    return ob


@pytest.fixture
def center(world):
    """A Chongqing center established on Monday 15 March 2021, and its director."""
    with services.quiet(), walk_clock(dt.date(2025, 3, 3)) as clk:
        case = new_case(world, "chongqing", name="重庆市复核示例产业计量测试中心")
        case = walk(case, path_to(registry().latest("chongqing"), "established"), clk)
    case.refresh_from_db()
    type(case.center).objects.filter(pk=case.center_id).update(established_on=dt.date(2021, 3, 15))
    user = User.objects.create(username="cq_review_director", email="cqr@example.com")
    RoleAssignment.objects.create(
        user=user,
        role=Role.CENTER_DIRECTOR,
        organisation=case.applicant,
        jurisdiction=case.applicant.jurisdiction,
    )
    world["users"][user.username] = user
    return case.center


def _opened(center, clock) -> Case:
    # Tuesday 16 September 2025: the fifth anniversary, Sunday 15 March 2026, moves to Monday
    # 16 March; the review opens 180 days before it
    clock.set(2025, 9, 16)
    call_command("remind", "--on", "2025-09-16", stdout=io.StringIO())
    return Case.objects.get(kind="five_year_review", center=center)


def _to_panel(case, regulator, director, clock):
    """The regulator asks for the materials on Friday 26 September 2025 with 10 working days:
    Sunday 28 September is a working day (调休), 1–8 October are National Day, Saturday 11
    October works, the tenth working day is Thursday 16 October."""
    clock.set(2025, 9, 26)
    body = ok(regulator.take(case.pk, "request_review_materials", {"deadline_count": 10}))
    assert body["state_name"] == "已通知，待中心提交复核材料"
    assert _obligation(body, "review_materials_period")["due"] == "2025-10-16"
    clock.set(2025, 10, 16)
    refused = director.take(case.pk, "submit_review_materials")
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["materials.review_summary"]
    ok(director.upload(case.pk, "review_summary", name="五年总结.pdf"), 201)
    body = ok(director.take(case.pk, "submit_review_materials"))
    assert _obligation(body, "review_materials_period")["state"] == "met"
    clock.set(2025, 10, 20)
    body = ok(regulator.take(case.pk, "start_review_panel"))
    assert body["state_name"] == "专家组复核"


def _panel(case, regulator, conclude, score, seed):
    """The panel drawn through the API as the acceptance's is, scored and concluded."""
    panel = ok(regulator.post(f"/cases/{case.pk}/panels", {"size": 3, "seed": seed}), 201)
    conclude(case.pk, "acceptance", score=score)
    return panel


def test_the_review_fails_after_rectification_and_opens_a_revocation(
    center, api, clock, conclude, mailoutbox, world
):
    regulator, director = api("cq_regulator"), api("cq_review_director")
    case = _opened(center, clock)
    body = ok(regulator.get(f"/cases/{case.pk}"))
    assert (body["kind_name"], body["state_name"]) == ("满五年复核", "待启动复核")
    due = _obligation(body, "five_year_review")
    assert (due["due"], due["article"]) == ("2026-03-16", "解读三(四)")
    # the other centers' directors do not see it
    assert api("cq_director").get(f"/cases/{case.pk}").status_code == 404

    # reminders before due: 90 days (Tuesday 16 December), then 30 days (Saturday 14 February)
    for day, sent in (("2025-12-15", []), ("2025-12-16", [90]), ("2026-02-14", [30, 90])):
        mailoutbox.clear()
        call_command("remind", "--on", day, stdout=io.StringIO())
        ob = Obligation.objects.get(case=case, code="five_year_review")
        assert ob.reminders_sent == sent
        if sent:
            assert any(world["users"]["cq_regulator"].email in m.to for m in mailoutbox)
    Obligation.objects.filter(case=case, code="five_year_review").update(reminders_sent=[])

    _to_panel(case, regulator, director, clock)
    # Monday 17 November: below 80, rectification for 3 months: Tuesday 17 February 2026 is in
    # the Spring Festival (15–23 February), so the period runs to Tuesday 24 February
    first = _panel(case, regulator, conclude, "75.0", seed=11)
    assert first["purpose"] == "onsite_acceptance"
    clock.set(2025, 11, 17)
    applied = ok(regulator.post(f"/panels/{first['id']}/apply", {}))
    assert applied["state"] == "rectification"
    body = ok(regulator.get(f"/cases/{case.pk}"))
    assert body["state_name"] == "复核整改中"
    assert _obligation(body, "rectification_period")["due"] == "2026-02-24"

    clock.set(2026, 2, 24)
    ok(director.upload(case.pk, "review_rectification_report", name="整改报告.pdf"), 201)
    body = ok(director.take(case.pk, "submit_rectification"))
    assert (body["state"], _obligation(body, "rectification_period")["state"]) == (
        "review_panel",
        "met",
    )
    # the second panel (re-assessment) is still below 80: failed, by a numbered document, and a
    # revocation case opened about the center
    second = _panel(case, regulator, conclude, "78.0", seed=12)
    assert (second["purpose"], second["round"]) == ("rectification", 2)
    clock.set(2026, 3, 2)
    applied = ok(
        regulator.post(
            f"/panels/{second['id']}/apply",
            {
                "document_number": "渝市监发〔2026〕15号",
                "document_date": "2026-03-02",
                "reasons": "整改后复核得分仍低于80分",
            },
        )
    )
    assert applied["state"] == "failed"
    body = ok(regulator.get(f"/cases/{case.pk}"))
    assert body["state_name"] == "复核不合格"
    assert _obligation(body, "five_year_review")["state"] == "met"
    # the rectification order, then the numbered failure
    assert [
        (d.kind, d.document_number, d.document_date) for d in Decision.objects.filter(case=case)
    ] == [
        ("rectification", "", None),
        ("failure", "渝市监发〔2026〕15号", dt.date(2026, 3, 2)),
    ]
    assert [str(s.score) for s in case.scores.order_by("round")] == ["75.0", "78.0"]
    listed = ok(regulator.get("/cases?kind=revocation"))
    rows = listed["items"] if isinstance(listed, dict) else listed
    (revocation,) = [r for r in rows if r["id"] != case.pk]
    revocation = Case.objects.get(pk=revocation["id"])
    assert (revocation.center_id, revocation.state, revocation.filed_on) == (
        center.pk,
        "open",
        dt.date(2026, 3, 2),
    )
    center.refresh_from_db()
    assert center.status == "established"  # revoked only by the revocation's own decision


def test_a_passed_review_is_confirmed_by_a_numbered_document(center, api, clock, conclude):
    regulator, director = api("cq_regulator"), api("cq_review_director")
    case = _opened(center, clock)
    _to_panel(case, regulator, director, clock)
    panel = _panel(case, regulator, conclude, "88.5", seed=21)
    clock.set(2025, 11, 20)
    # the confirmation needs its document number
    refused = regulator.post(f"/panels/{panel['id']}/apply", {})
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"document_number", "document_date"}
    applied = ok(
        regulator.post(
            f"/panels/{panel['id']}/apply",
            {"document_number": "渝市监发[2025]120号", "document_date": "2025-11-20"},
        )
    )
    assert applied["state"] == "concluded"
    body = ok(director.get(f"/cases/{case.pk}"))
    assert body["state_name"] == "复核合格，已发文确认"
    assert _obligation(body, "five_year_review")["state"] == "met"
    decision = Decision.objects.get(case=case)
    assert (decision.kind, decision.document_number, decision.article) == (
        "confirmation",
        "渝市监发〔2025〕120号",
        "解读三(四)",
    )
    # the number is used once in the bureau's register
    assert not Case.objects.filter(kind="revocation", center=center).exists()
    assert decision.register_entry.issuer == "重庆市市场监督管理局"
