"""URL × role for the procedure's pages and endpoints."""

import datetime as dt

import pytest

from metrohub.cases import services
from metrohub.cases.models import Case, Material, TaskBook
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.rulepacks.services import registry

APPLICANT_CQ = {
    "anonymous": 302,
    "admin": 200,
    "regulator": 403,
    "district": 403,
    "authority": 403,
    "applicant": 200,
    "director": 403,
}
PARTIES = {
    "anonymous": 302,
    "admin": 200,
    "regulator": 200,
    "district": 200,
    "authority": 200,
    "applicant": 200,
    "director": 200,
    "expert": 404,  # sees only the cases of the panels it sits on
}
SUPERVISORS = {
    "anonymous": 302,
    "admin": 200,
    "regulator": 200,
    "district": 200,
    "authority": 200,
}
# A Chongqing case in Yubei filed by cq-auto: the director (cq-cqmi) is not its party.
CQ_CASE = {**PARTIES, "director": 404}
HB_CASE = {
    **PARTIES,
    "regulator": 404,
    "district": 404,
    "authority": 404,
    "applicant": 404,
    "director": 404,
}
API_CQ = {
    "anonymous": 401,
    "admin": 200,
    "regulator": 200,
    "district": 200,
    "authority": 200,
    "applicant": 200,
}


@pytest.fixture
def ids(world):
    out = {}
    with services.quiet():
        for code, stage in (("chongqing", "public_notice"), ("hubei", "construction")):
            pack = registry().latest(code)
            with clock(dt.date(2025, 3, 3)) as clk:
                case = new_case(world, code, name=f"网格{code}")
                out[code] = walk(case, path_to(pack, stage), clk).pk
    out["material"] = Material.objects.filter(case_id=out["chongqing"]).first().pk
    out["hb_material"] = Material.objects.filter(case_id=out["hubei"]).first().pk
    hubei = Case.objects.get(pk=out["hubei"])
    out["hb_decision"] = hubei.decisions.get(kind="approval_to_build").pk
    TaskBook.objects.create(case=hubei, goals="目标", state="issued")
    return out


def test_pages_grid(check_grid, ids):
    cq, hb = ids["chongqing"], ids["hubei"]
    check_grid(
        [
            ("GET", "/cases/", PARTIES | {"expert": 200}, 403),
            (
                "GET",
                "/cases/?q=网格&stage=public_notice&sort=-center",
                PARTIES | {"expert": 200},
                403,
            ),
            ("GET", "/cases/export.xlsx", PARTIES | {"expert": 200}, 403),
            ("GET", "/cases/obligations/", SUPERVISORS, 403),
            ("GET", "/cases/obligations/?q=网格&overdue=1&sort=-due", SUPERVISORS, 403),
            ("GET", "/cases/obligations/export.xlsx", SUPERVISORS, 403),
            ("GET", "/cases/new/", APPLICANT_CQ, 403),
            ("GET", "/cases/notices/", {}, 200),
            ("GET", f"/cases/notices/{cq}/", {}, 200),
            ("GET", f"/cases/notices/{hb}/", {}, 404),  # not under notice
            ("GET", f"/cases/{cq}/", CQ_CASE, 403),
            ("GET", f"/cases/{hb}/", HB_CASE, 403),
            # the draft is no longer editable: the applicant is sent back to the case
            (
                "GET",
                f"/cases/{cq}/edit/",
                {
                    **CQ_CASE,
                    "applicant": 302,
                    "admin": 403,
                    "regulator": 403,
                    "district": 403,
                    "authority": 403,
                },
                403,
            ),
            ("GET", f"/cases/{hb}/edit/", HB_CASE | {"admin": 403}, 403),
            ("GET", f"/cases/{cq}/materials/{ids['material']}/", CQ_CASE, 403),
            ("GET", f"/cases/{hb}/materials/{ids['hb_material']}/", HB_CASE, 403),
            (
                "GET",
                f"/cases/{cq}/transitions/close_public_notice/",
                {
                    **CQ_CASE,
                    "regulator": 200,
                    "admin": 403,
                    "district": 403,
                    "authority": 403,
                    "applicant": 403,
                },
                403,
            ),
            (
                "GET",
                f"/cases/{cq}/transitions/withdraw/",
                {
                    **CQ_CASE,
                    "applicant": 200,
                    "admin": 403,
                    "regulator": 403,
                    "district": 403,
                    "authority": 403,
                },
                403,
            ),
            (
                "GET",
                f"/cases/{cq}/transitions/nope/",
                {
                    **CQ_CASE,
                    "admin": 404,
                    "regulator": 404,
                    "district": 404,
                    "authority": 404,
                    "applicant": 404,
                },
                403,
            ),
            ("GET", f"/cases/{hb}/transitions/request_acceptance/", HB_CASE | {"admin": 403}, 403),
            (
                "GET",
                f"/cases/{cq}/self-check/",
                {**CQ_CASE, "admin": 403, "regulator": 403, "district": 403, "authority": 403},
                403,
            ),
            (
                "GET",
                "/cases/999999/",
                {**PARTIES, **{r: 404 for r in PARTIES if r != "anonymous"}},
                403,
            ),
            ("GET", f"/cases/{cq}/task-book/", CQ_CASE, 403),
            ("GET", f"/cases/{hb}/task-book/", HB_CASE, 403),
            ("GET", f"/cases/{cq}/application.pdf", CQ_CASE, 403),
            ("GET", f"/cases/{hb}/decisions/{ids['hb_decision']}/document.pdf", HB_CASE, 403),
            (
                "GET",
                f"/cases/{cq}/decisions/{ids['hb_decision']}/document.pdf",
                CQ_CASE
                | {k: 404 for k in ("admin", "regulator", "district", "authority", "applicant")},
                403,
            ),
            # an approval to build is published with the registry: anyone reads it
            ("GET", f"/cases/decisions/{ids['hb_decision']}.pdf", {}, 200),
            # POST-only pages
            ("GET", f"/cases/{cq}/version/", {}, 405),
            ("GET", f"/cases/{cq}/materials/", {}, 405),
            ("GET", f"/cases/{cq}/supervisor-report/", {}, 405),
            ("GET", f"/cases/{cq}/objections/1/answer/", {}, 405),
        ]
    )


def test_api_grid(check_grid, ids):
    cq, hb = ids["chongqing"], ids["hubei"]
    check_grid(
        [
            ("GET", "/api/v1/cases", {"anonymous": 401}, 200),
            ("GET", f"/api/v1/cases/{cq}", API_CQ, 404),
            ("GET", f"/api/v1/cases/{hb}", {"anonymous": 401, "admin": 200}, 404),
            ("GET", f"/api/v1/cases/{cq}/materials/{ids['material']}", API_CQ, 404),
            ("GET", "/api/v1/notices", {}, 200),
            ("GET", "/api/v1/industry-fields", {}, 200),
            # check_grid posts no JSON body: 400 once authenticated
            ("POST", "/api/v1/cases", {"anonymous": 401}, 400),
            (
                "POST",
                f"/api/v1/cases/{cq}/transitions/close_public_notice",
                {"anonymous": 401},
                400,
            ),
            (
                "POST",
                f"/api/v1/cases/{cq}/materials",
                {"anonymous": 401},
                422,
            ),
            ("POST", f"/api/v1/cases/{cq}/self-check", {"anonymous": 401}, 400),
            ("POST", f"/api/v1/cases/{cq}/supervisor-report", {"anonymous": 401}, 400),
            ("POST", f"/api/v1/cases/{cq}/reports/major_event", {"anonymous": 401}, 400),
            ("POST", f"/api/v1/cases/{cq}/objections/1/answer", {"anonymous": 401}, 400),
            ("POST", f"/api/v1/cases/{cq}/obligations/1/waive", {"anonymous": 401}, 400),
            ("POST", f"/api/v1/notices/{cq}/objections", {}, 400),
            ("PATCH", f"/api/v1/cases/{cq}", {"anonymous": 401}, 422),  # no body
            ("GET", f"/api/v1/cases/{cq}/task-book", {"anonymous": 401}, 404),  # none written
            ("GET", f"/api/v1/cases/{hb}/task-book", {"anonymous": 401, "admin": 200}, 404),
            ("GET", f"/api/v1/cases/{cq}/application.pdf", API_CQ, 404),
            (
                "GET",
                f"/api/v1/cases/{hb}/decisions/{ids['hb_decision']}/document",
                {"anonymous": 401, "admin": 200},
                404,
            ),
            ("PUT", f"/api/v1/cases/{cq}/task-book", {"anonymous": 401}, 422),  # no body
            ("POST", f"/api/v1/cases/{cq}/task-book/plan", {"anonymous": 401}, 400),
            ("POST", f"/api/v1/cases/{cq}/task-book/visits", {"anonymous": 401}, 400),
            ("POST", f"/api/v1/cases/{cq}/task-book/progress", {"anonymous": 401}, 400),
            ("POST", f"/api/v1/cases/{cq}/rulepack-version", {"anonymous": 401}, 400),
            ("GET", "/api/v1/co-builder-invitations", {"anonymous": 401}, 200),
        ]
    )
