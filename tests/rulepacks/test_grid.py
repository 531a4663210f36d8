"""URL × role for the rule-pack pages and endpoints that need a login (the rest are public)."""

import pytest

pytestmark = pytest.mark.django_db

REGULATOR_ONLY = {"anonymous": 302, "admin": 200, "regulator": 200}


def test_texts_grid(check_grid):
    check_grid(
        [
            ("GET", "/rulepacks/chongqing/", {}, 200),
            ("GET", "/rulepacks/chongqing/texts/", REGULATOR_ONLY, 403),
            # another region's pack: its regulator only (the Chongqing regulator is refused)
            ("GET", "/rulepacks/hubei/texts/", {"anonymous": 302, "admin": 200}, 403),
            ("GET", "/rulepacks/nowhere/texts/", {"anonymous": 302}, 404),
            (
                "GET",
                "/api/v1/rulepacks/chongqing/texts",
                {"anonymous": 401, "admin": 200, "regulator": 200},
                403,
            ),
            ("GET", "/api/v1/rulepacks/hubei/texts", {"anonymous": 401, "admin": 200}, 403),
            # a write without its JSON body; the flow is in test_texts.py
            ("POST", "/api/v1/rulepacks/chongqing/texts", {"anonymous": 401}, 400),
        ]
    )
