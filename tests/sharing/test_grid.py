"""URL × role for open sharing: the catalogue and calendars are public; booking needs an
account (and the resource's audience); running a resource belongs to its center's director (the
grid's director runs CQ-AUTO); a booking is seen by its maker and by the resource's center."""

import pytest

MANAGE_SH = {"anonymous": 302, "admin": 200, "director": 404}
MANAGE_CQ = {"anonymous": 302, "admin": 200, "director": 200}
LOGGED_IN = {"anonymous": 302}


@pytest.fixture
def ids(world):
    r = world["resources"]
    analyser, cleanroom, dyno = r["半导体参数分析仪"], r["洁净室晶圆测量平台"], r["整车转鼓试验台"]
    return {
        "analyser": analyser.pk,
        "cleanroom": cleanroom.pk,
        "dyno": dyno.pk,
        "industry_booking": analyser.bookings.filter(requester__username="industry_user")
        .first()
        .pk,
        "cq_booking": dyno.bookings.first().pk,
    }


def test_pages_grid(check_grid, ids):
    analyser, dyno = ids["analyser"], ids["dyno"]
    check_grid(
        [
            ("GET", "/sharing/", {}, 200),
            ("GET", f"/sharing/resources/{analyser}/", {}, 200),
            ("GET", f"/sharing/resources/{analyser}/?view=month&date=2026-02-10", {}, 200),
            ("GET", "/sharing/resources/999999/", {}, 404),
            (
                "GET",
                "/sharing/resources/new/",
                {"anonymous": 302, "admin": 200, "director": 200},
                403,
            ),
            ("GET", f"/sharing/resources/{analyser}/edit/", MANAGE_SH, 403),
            ("GET", f"/sharing/resources/{dyno}/edit/", MANAGE_CQ, 403),
            ("GET", f"/sharing/resources/{analyser}/photos/", MANAGE_SH, 403),
            ("GET", f"/sharing/resources/{dyno}/blackouts/", MANAGE_CQ, 403),
            ("GET", f"/sharing/resources/{analyser}/book/", LOGGED_IN, 200),
            # members only: sh-ic (the industry user's firm) is a member of the SH-IC alliance
            (
                "GET",
                f"/sharing/resources/{ids['cleanroom']}/book/",
                {"anonymous": 302, "admin": 200, "industry": 200},
                403,
            ),
            ("GET", "/sharing/bookings/", LOGGED_IN, 200),
            (
                "GET",
                f"/sharing/bookings/{ids['industry_booking']}/",
                {"anonymous": 302, "admin": 200, "industry": 200},
                404,
            ),
            (
                "GET",
                f"/sharing/bookings/{ids['cq_booking']}/",
                {"anonymous": 302, "admin": 200, "director": 200, "applicant": 200},
                404,
            ),
            ("GET", "/sharing/calendar/", LOGGED_IN, 200),
            ("GET", "/sharing/calendar/?view=month", LOGGED_IN, 200),
            ("GET", "/sharing/feeds/", LOGGED_IN, 200),
            ("GET", "/sharing/ical/cal_nope.ics", {}, 404),
            (
                "GET",
                "/sharing/centers/SH-IC/usage/",
                {"anonymous": 302, "admin": 200, "regulator": 404, "director": 404},
                403,
            ),
            (
                "GET",
                "/sharing/centers/CQ-AUTO/usage/",
                {"anonymous": 302, "admin": 200, "regulator": 200, "director": 200},
                403,
            ),
        ]
    )


def test_api_grid(check_grid, ids):
    analyser = ids["analyser"]
    check_grid(
        [
            ("GET", "/api/v1/resources", {}, 200),
            ("GET", f"/api/v1/resources/{analyser}", {}, 200),
            ("GET", "/api/v1/resources/999999", {}, 404),
            (
                "GET",
                f"/api/v1/resources/{analyser}/availability?from=2026-03-02&to=2026-03-08",
                {},
                200,
            ),
            (
                "GET",
                f"/api/v1/resources/{analyser}/availability?from=2026-03-02&to=2026-06-08",
                {},
                422,
            ),
            ("POST", "/api/v1/resources", {"anonymous": 401}, 400),  # no JSON body
            (
                "POST",
                f"/api/v1/resources/{analyser}/bookings",
                {"anonymous": 401},
                400,
            ),  # no JSON body
            ("GET", "/api/v1/bookings", {"anonymous": 401}, 200),
            (
                "GET",
                f"/api/v1/bookings/{ids['industry_booking']}",
                {"anonymous": 401, "admin": 200, "industry": 200},
                404,
            ),
            (
                "GET",
                "/api/v1/centers/CQ-AUTO/sharing-usage?year=2026",
                {"anonymous": 401, "admin": 200, "regulator": 200, "director": 200},
                403,
            ),
            (
                "GET",
                f"/api/v1/resources/{ids['dyno']}/usage?year=2026",
                {"anonymous": 401, "admin": 200, "regulator": 200, "director": 200},
                403,
            ),
        ]
    )
