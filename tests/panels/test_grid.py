"""URL × role grid for every panel page and endpoint."""

import pytest

from metrohub.experts.models import ExpertProfile

from .conftest import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(draw, world):
    leader = ExpertProfile.objects.get(user__username="expert1")
    return draw(leader_id=leader.pk)


def test_panel_pages_grid(check_grid, panel):
    case = panel.case
    mine = panel.members.get(expert__user__username="expert1").sheet
    other = panel.members.exclude(expert__user__username="expert1").first()
    authorities = {"admin": 200, "regulator": 200, "district": 200, "authority": 200}
    check_grid(
        [
            ("GET", "/panels/", {"anonymous": 302}, 200),
            (
                "GET",
                f"/panels/case/{case.pk}/draw/",
                {
                    "anonymous": 302,
                    "regulator": 200,
                    "expert": 403,  # a member of the sitting panel sees the case, draws nothing
                    "industry": 404,
                    "director": 404,
                    "staff": 404,
                },
                403,
            ),
            ("GET", f"/panels/{panel.pk}/", {"anonymous": 302, "expert": 200, **authorities}, 404),
            (
                "GET",
                f"/panels/sheets/{mine.pk}/",
                {
                    "anonymous": 302,
                    "expert": 200,
                    "admin": 403,
                    "regulator": 403,
                    "district": 403,
                    "authority": 403,
                },
                404,
            ),
            (
                "GET",
                f"/panels/sheets/{other.sheet.pk}/",
                {
                    "anonymous": 302,
                    "expert": 403,
                    "admin": 403,
                    "regulator": 403,
                    "district": 403,
                    "authority": 403,
                },
                404,
            ),
            ("GET", f"/panels/{panel.pk}/report.pdf", {"anonymous": 302}, 404),
            ("GET", f"/panels/{panel.pk}/conclude/", {}, 405),
            (
                "POST",
                f"/panels/{panel.pk}/conclude/",
                {"anonymous": 302, "expert": 302, **{k: 403 for k in authorities}},
                404,
            ),
            (
                "POST",
                f"/panels/{panel.pk}/apply/",
                {"anonymous": 302, "expert": 302, **{k: 302 for k in authorities}},
                404,
            ),
            (
                "POST",
                f"/panels/{panel.pk}/report/",
                {"anonymous": 302, "expert": 302, **{k: 302 for k in authorities}},
                404,
            ),
            (
                "POST",
                f"/panels/sheets/{mine.pk}/reopen/",
                {"anonymous": 302, "expert": 302, **{k: 403 for k in authorities}},
                404,
            ),
            (
                "POST",
                f"/panels/{panel.pk}/members/{other.pk}/decline/",
                {
                    "anonymous": 302,
                    "expert": 403,
                    "regulator": 302,
                    **{k: 403 for k in ("admin", "district", "authority")},
                },
                404,
            ),
        ]
    )


def test_panel_api_grid(check_grid, panel):
    case = panel.case
    mine = panel.members.get(expert__user__username="expert1").sheet
    authorities = {"admin": 200, "regulator": 200, "district": 200, "authority": 200}
    check_grid(
        [
            (
                "GET",
                f"/api/v1/cases/{case.pk}/panels",
                {
                    "anonymous": 401,
                    "admin": 200,
                    "regulator": 200,
                    "district": 200,
                    "authority": 200,
                    "applicant": 200,
                    "expert": 200,  # the member of the sitting panel: its own panel only
                },
                404,
            ),
            (
                "POST",
                f"/api/v1/cases/{case.pk}/panels",
                {"anonymous": 401},
                400,  # a write without its JSON body; the flows are in test_api.py
            ),
            ("GET", "/api/v1/panels/mine", {"anonymous": 401}, 200),
            (
                "GET",
                f"/api/v1/panels/{panel.pk}",
                {"anonymous": 401, "expert": 200, **authorities},
                404,
            ),
            (
                "GET",
                f"/api/v1/panels/{panel.pk}/replay",
                {"anonymous": 401, "expert": 200, **authorities},
                404,
            ),
            ("GET", f"/api/v1/panels/{panel.pk}/report.pdf", {"anonymous": 401}, 404),
            (
                "POST",
                f"/api/v1/panels/{panel.pk}/result",
                {"anonymous": 401, "expert": 409, **{k: 403 for k in authorities}},
                404,
            ),
            (
                "POST",
                f"/api/v1/panels/{panel.pk}/apply",
                {"anonymous": 401},
                400,
            ),
            (
                "POST",
                f"/api/v1/panels/{panel.pk}/report",
                {"anonymous": 401, "expert": 409, **{k: 409 for k in authorities}},
                404,
            ),
            (
                "GET",
                f"/api/v1/sheets/{mine.pk}",
                {"anonymous": 401, "expert": 200, **{k: 403 for k in authorities}},
                404,
            ),
            (
                "POST",
                f"/api/v1/sheets/{mine.pk}/submit",
                {"anonymous": 401, "expert": 422, **{k: 403 for k in authorities}},
                404,
            ),
            ("GET", "/api/v1/rubrics/chongqing", {"anonymous": 401}, 200),
            ("POST", "/api/v1/rubrics/chongqing", {"anonymous": 401}, 400),
        ]
    )


def test_results_become_visible_to_all_members_once_all_submit(client_for, panel, score):
    score(panel, (90, 85, 80))
    mine = panel.members.get(expert__user__username="expert1")
    other = panel.members.exclude(pk=mine.pk).first()
    page = client_for("expert").get(f"/panels/sheets/{other.sheet.pk}/")
    assert page.status_code == 200
    assert fill  # shared helper imported for symmetry with the other tests


def test_rubric_versions_are_written_only_by_the_pack_jurisdictions_regulator(
    client, world, api_token_for
):
    """F1: another region's programme regulator cannot version a pack's rubric."""
    import json

    from metrohub.panels import services as panels

    areas = panels.rubric_for("chongqing").areas
    body = json.dumps({"areas": areas, "note": "格子测试"})
    expected = {"anonymous": 401, "admin": 201, "regulator": 201}
    got = {}
    roles = ["anonymous", "admin", "regulator", "district", "authority", "applicant", "director"]
    for who in [*roles, "expert", "industry", "sh_regulator", "hb_regulator"]:
        headers = (
            {} if who == "anonymous" else {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(who)}"}
        )
        response = client.post(
            "/api/v1/rubrics/chongqing", body, content_type="application/json", **headers
        )
        got[who] = response.status_code
    assert got == {who: expected.get(who, 403) for who in got}
    # and the Chongqing regulator cannot version Hubei's or Shanghai's
    token = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for('regulator')}"}
    for code in ("hubei", "shanghai"):
        response = client.post(
            f"/api/v1/rubrics/{code}", body, content_type="application/json", **token
        )
        assert response.status_code == 403, code


def test_a_member_reads_the_case_and_its_materials_while_the_panel_sits(
    client_for, panel, score, world
):
    """Experts do not score blind: a member of the sitting panel reads the case and downloads its
    materials; not before it is drawn onto it, nor after the panel concluded."""
    case = panel.case
    material = case.materials.first()
    member = client_for("expert")  # expert1 sits on the panel (see the fixture)
    outsider = next(
        u
        for u in ("expert2", "expert3", "expert4", "expert5", "expert6", "expert7", "expert8")
        if not panel.members.filter(expert__user__username=u).exists()
    )
    assert member.get(f"/cases/{case.pk}/").status_code == 200
    assert member.get(f"/cases/{case.pk}/materials/{material.pk}/").status_code == 200
    assert member.get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert client_for(outsider).get(f"/cases/{case.pk}/").status_code == 404
    # acting stays the parties': the expert takes no step
    assert member.get(f"/api/v1/cases/{case.pk}").json()["available_transitions"] == []
    score(panel, (90, 85, 80))
    from metrohub.panels import services

    services.compute_result(actor=panel.leader.user, panel=panel)
    assert member.get(f"/cases/{case.pk}/").status_code == 404
