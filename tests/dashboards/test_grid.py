"""URL × role grid for the homes, their exports, the public statistics and their API."""

import pytest

pytestmark = pytest.mark.django_db


def test_dashboard_pages_and_endpoints_grid(check_grid):
    holders = {  # the roles each demo login holds, for the export of one of its panels
        "regulator": "programme_regulator",
        "district": "district_regulator",
        "authority": "competent_authority",
        "director": "center_director",
        "industry": "industry_user",
    }
    rows = [
        ("GET", "/", {}, 200),
        ("GET", "/statistics/", {}, 200),
        ("GET", "/statistics/centers_by_status.xlsx", {}, 200),
        ("GET", "/statistics/no_such_panel.xlsx", {}, 404),
        ("GET", "/api/v1/statistics", {}, 200),
        ("GET", "/api/v1/dashboard", {"anonymous": 401}, 200),
        # a panel of a role one does not hold is not found; anonymous visitors log in first
        ("GET", "/dashboard/programme_regulator/centers_by_status.xlsx",
         {"anonymous": 302, "regulator": 200}, 404),
        ("GET", "/dashboard/district_regulator/obligations.xlsx",
         {"anonymous": 302, "district": 200}, 404),
        ("GET", "/dashboard/center_director/certificates_this_month.xlsx",
         {"anonymous": 302, "director": 200}, 404),
        ("GET", "/dashboard/industry_user/instruments_due.xlsx",
         {"anonymous": 302, "industry": 200}, 404),
        ("GET", "/dashboard/competent_authority/centers_by_region.xlsx",
         {"anonymous": 302, "authority": 200}, 404),
        ("GET", "/dashboard/platform_admin/trends.xlsx", {"anonymous": 302, "admin": 200}, 404),
        ("GET", "/dashboard/programme_regulator/no_such_panel.xlsx", {"anonymous": 302}, 404),
    ]  # fmt: skip
    assert set(holders.values()) <= {r[1].split("/")[2] for r in rows if "/dashboard/" in r[1]}
    check_grid(rows)
