"""URL × role for enquiries: anyone with an account asks; an enquiry is seen by its sender and
by the directors of its center (the grid's director runs CQ-AUTO)."""

import pytest

from metrohub.enquiries.models import Enquiry

LOGGED_IN = {"anonymous": 302}


@pytest.fixture
def ids(world):
    return {
        "sh": Enquiry.objects.filter(center__code="SH-IC").first().pk,
        "cq": Enquiry.objects.filter(center__code="CQ-AUTO").first().pk,
    }


def test_pages_grid(check_grid, ids):
    check_grid(
        [
            ("GET", "/enquiries/", LOGGED_IN, 200),
            ("GET", "/enquiries/new/?center=SH-IC", LOGGED_IN, 200),
            ("GET", "/enquiries/new/?center=NOPE", LOGGED_IN, 404),
            ("GET", "/enquiries/new/", LOGGED_IN, 404),
            (
                "GET",
                f"/enquiries/{ids['sh']}/",
                {"anonymous": 302, "admin": 200, "industry": 200},
                404,
            ),
            (
                "GET",
                f"/enquiries/{ids['cq']}/",
                {"anonymous": 302, "admin": 200, "industry": 200, "director": 200},
                404,
            ),
            ("GET", "/centers/SH-IC/", {}, 200),
        ]
    )


def test_api_grid(check_grid, ids):
    check_grid(
        [
            ("GET", "/api/v1/enquiries", {"anonymous": 401}, 200),
            (
                "GET",
                f"/api/v1/enquiries/{ids['sh']}",
                {"anonymous": 401, "admin": 200, "industry": 200},
                404,
            ),
            ("POST", "/api/v1/enquiries", {"anonymous": 401}, 400),  # no JSON body
            ("GET", "/api/v1/centers/SH-IC/response-time", {}, 200),
            ("GET", "/api/v1/centers/NOPE/response-time", {}, 404),
        ]
    )
