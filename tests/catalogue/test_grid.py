"""URL × role for the catalogue's pages and endpoints."""

import pytest

from metrohub.catalogue.models import CapabilityLine, ChangeRequest

MANAGERS_CQ = {"anonymous": 302, "admin": 200, "regulator": 200, "director": 200}
MANAGERS_FOREIGN = {"anonymous": 302, "admin": 200, "regulator": 404, "director": 404}


@pytest.fixture
def ids(world):
    def line(code, status="published"):
        return CapabilityLine.objects.filter(center__code=code, status=status).first().pk

    admin = world["users"]["admin"]
    changes = {}
    for code in ("CQ-AUTO", "HB-OPTO"):
        pk = line(code)
        changes[code] = ChangeRequest.objects.create(
            center_id=CapabilityLine.objects.get(pk=pk).center_id,
            line_id=pk,
            action="withdraw",
            reason="test",
            proposed_by=admin,
        ).pk
    return {
        "cq": line("CQ-AUTO"),
        "hb": line("HB-OPTO"),
        "draft": line("CQ-MATERIAL", "draft"),
        "cq_change": changes["CQ-AUTO"],
        "hb_change": changes["HB-OPTO"],
    }


def test_pages_grid(check_grid, ids):
    check_grid(
        [
            ("GET", "/catalogue/", {}, 200),
            ("GET", "/catalogue/?q=压力&area=mechanical", {}, 200),
            ("GET", "/catalogue/find/?quantity=压力&value=10&unit=MPa&uncertainty=0.01", {}, 200),
            ("GET", "/catalogue/export.csv?q=压力", {}, 200),
            ("GET", "/catalogue/export.json", {}, 200),
            ("GET", "/catalogue/export.pdf", {}, 404),
            ("GET", f"/catalogue/lines/{ids['cq']}/", {}, 200),
            # A draft of CQ-MATERIAL (host: the university) is seen by its managers only.
            ("GET", f"/catalogue/lines/{ids['draft']}/", {"admin": 200, "regulator": 200}, 404),
            ("GET", f"/catalogue/lines/{ids['cq']}/change/", MANAGERS_CQ, 403),
            ("GET", f"/catalogue/lines/{ids['hb']}/change/", MANAGERS_FOREIGN, 403),
            ("GET", "/catalogue/changes/", MANAGERS_CQ, 403),
            ("GET", f"/catalogue/changes/{ids['cq_change']}/", MANAGERS_CQ, 403),
            ("GET", f"/catalogue/changes/{ids['hb_change']}/", MANAGERS_FOREIGN, 403),
            ("GET", "/catalogue/centers/CQ-AUTO/template.xlsx", MANAGERS_CQ, 403),
            ("GET", "/catalogue/centers/HB-OPTO/template.xlsx", MANAGERS_FOREIGN, 403),
            ("GET", "/catalogue/centers/CQ-AUTO/import/", MANAGERS_CQ, 403),
            ("GET", "/catalogue/centers/HB-OPTO/import/", MANAGERS_FOREIGN, 403),
            (
                "GET",
                "/catalogue/centers/NOPE/import/",
                {"anonymous": 302, "admin": 404, "regulator": 404, "director": 404},
                403,
            ),
            ("GET", "/catalogue/centers/CQ-AUTO/publish/", {}, 405),
            # Publishing is the regulator's: the director holds the role to manage but not this.
            (
                "POST",
                "/catalogue/centers/CQ-AUTO/publish/",
                {"anonymous": 302, "admin": 302, "regulator": 302},
                403,
            ),
            (
                "POST",
                "/catalogue/centers/HB-OPTO/publish/",
                {"anonymous": 302, "admin": 302, "regulator": 404},
                403,
            ),
            ("GET", "/catalogue/centers/CQ-AUTO/export.xlsx", {}, 200),
            ("GET", "/catalogue/centers/NOPE/export.xlsx", {}, 404),
        ]
    )


def test_api_grid(check_grid, ids):
    check_grid(
        [
            ("GET", "/api/v1/capabilities", {}, 200),
            ("GET", "/api/v1/capabilities?q=压力表&area=mechanical&region=500000", {}, 200),
            ("GET", "/api/v1/capabilities?area=nonsense", {}, 422),
            ("GET", "/api/v1/capabilities/find?quantity=压力&value=10&unit=MPa", {}, 200),
            ("GET", "/api/v1/capabilities/find?quantity=压力&value=10&unit=zz", {}, 422),
            ("GET", f"/api/v1/capabilities/{ids['cq']}", {}, 200),
            ("GET", f"/api/v1/capabilities/{ids['draft']}", {}, 404),
        ]
    )


def test_capability_change_grid(check_grid, world):
    """A Hubei center's capability-change case: its page and content are the Hubei people's
    (none of the grid's Chongqing roles: 404 for those who manage catalogues, 403 for the rest);
    the announcements are public."""
    import datetime as dt

    from metrohub.cases import services
    from metrohub.cases.services.duties import _new_case
    from metrohub.cases.walk import clock, new_case, path_to, walk
    from metrohub.rulepacks.services import registry

    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        base = new_case(world, "hubei", name="湖北省光电产业计量测试中心")
        base = walk(base, path_to(registry().latest("hubei"), "established"), clk)
    base.refresh_from_db()
    case = _new_case(base, base.pack, "capability_change", "draft", dt.date(2026, 3, 2))
    case.save()
    foreign = {"anonymous": 302, "admin": 200, "regulator": 404, "director": 404}
    check_grid(
        [
            ("GET", f"/catalogue/change-cases/{case.pk}/", foreign, 403),
            (
                "GET",
                "/catalogue/change-cases/999999/",
                {"anonymous": 302, "admin": 404, "regulator": 404, "director": 404},
                403,
            ),
            ("GET", "/catalogue/announcements/", {}, 200),
            ("GET", "/catalogue/announcements/?page=abc", {}, 200),
            (
                "GET",
                f"/api/v1/cases/{case.pk}/capability-change",
                {"anonymous": 401, "admin": 200},
                404,
            ),
            ("GET", "/api/v1/capability-announcements", {}, 200),
            ("GET", "/api/v1/capability-announcements?page=0", {}, 422),
        ]
    )
