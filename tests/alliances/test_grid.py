"""URL × role for the alliances' pages and endpoints: public reading; running an alliance belongs
to its lead center's director (the grid's director runs the Chongqing centers)."""

import datetime as dt

import pytest

from metrohub.alliances import services

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MANAGE_SH = {"anonymous": 302, "admin": 200, "director": 404}
MANAGE_CQ = {"anonymous": 302, "admin": 200, "director": 200}


@pytest.fixture
def ids(world):
    sh = world["alliances"]["SH-IC"]
    activity = sh.activities.first()
    photo = services.attach_activity_file(
        actor=world["users"]["sh_simt_director"],
        activity=activity,
        kind="photo",
        content=PNG,
        filename="合影.png",
    )
    cq = services.found_alliance(
        actor=world["users"]["cq_director"],
        center=world["centers"]["CQ-AUTO"],
        name="重庆市汽车零部件产业计量测试联盟",
        founded_on=dt.date(2024, 1, 1),
    )
    return {"sh": sh.pk, "cq": cq.pk, "activity": activity.pk, "photo": photo.pk}


def test_pages_grid(check_grid, ids):
    sh, cq = ids["sh"], ids["cq"]
    check_grid(
        [
            ("GET", "/alliances/", {}, 200),
            ("GET", f"/alliances/{sh}/", {}, 200),
            ("GET", f"/alliances/{cq}/", {}, 200),
            ("GET", "/alliances/999999/", {}, 404),
            ("GET", "/alliances/centers/SH-IC/", {}, 302),
            ("GET", "/alliances/centers/CQ-INSTR/", {}, 200),
            ("GET", "/alliances/centers/NOPE/", {}, 404),
            ("GET", "/alliances/new/", {"anonymous": 302, "admin": 200, "director": 200}, 403),
            ("GET", f"/alliances/{sh}/edit/", MANAGE_SH, 403),
            ("GET", f"/alliances/{cq}/edit/", MANAGE_CQ, 403),
            ("GET", f"/alliances/{sh}/members/new/", MANAGE_SH, 403),
            ("GET", f"/alliances/{cq}/members/new/", MANAGE_CQ, 403),
            ("GET", f"/alliances/{sh}/activities/new/", MANAGE_SH, 403),
            ("GET", f"/alliances/{cq}/activities/new/", MANAGE_CQ, 403),
            # everyone acting for an organisation may ask; the administrator acts for none
            ("GET", f"/alliances/{sh}/join/", {"anonymous": 302, "admin": 403}, 200),
            ("GET", f"/alliances/{sh}/activities/{ids['activity']}/", {}, 200),
            ("GET", f"/alliances/{cq}/activities/{ids['activity']}/", {}, 404),
            ("GET", f"/alliances/files/{ids['photo']}/", {}, 200),
            ("GET", f"/alliances/{sh}/charter/", {}, 404),  # none uploaded
            ("GET", f"/alliances/{sh}/members/1/decide/", {"anonymous": 405}, 405),
        ]
    )


def test_api_grid(check_grid, ids):
    sh = ids["sh"]
    check_grid(
        [
            ("GET", "/api/v1/alliances", {}, 200),
            ("GET", f"/api/v1/alliances/{sh}", {}, 200),
            ("GET", "/api/v1/alliances/999999", {}, 404),
            ("GET", f"/api/v1/alliances/{sh}/members", {}, 200),
            ("GET", f"/api/v1/alliances/{sh}/activities", {}, 200),
            ("GET", "/api/v1/centers/SH-IC/activity-duty", {}, 200),
            ("GET", "/api/v1/centers/NOPE/activity-duty", {}, 404),
            ("POST", "/api/v1/alliances", {"anonymous": 401}, 400),  # no JSON body
            ("POST", f"/api/v1/alliances/{sh}/members", {"anonymous": 401}, 400),  # no JSON body
            ("POST", f"/api/v1/alliances/{sh}/activities", {"anonymous": 401}, 400),  # no JSON body
        ]
    )
