"""URL × role: every page and endpoint, every role. Later features add their rows here."""

ALL_ROLES_OK = {}  # roles not listed get the row default


def test_pages_grid(check_grid, world):
    cq_org = world["organisations"]["cq-auto"].pk
    sh_org = world["organisations"]["sh-simt"].pk
    logged_in_200 = {"anonymous": 302}
    check_grid(
        [
            ("GET", "/", {}, 200),
            ("GET", "/healthz", {}, 200),
            ("GET", "/accounts/login/", {"anonymous": 200}, 302),  # logged-in users are sent on
            ("GET", "/accounts/me/", logged_in_200, 200),
            ("GET", "/accounts/tokens/", logged_in_200, 200),
            ("GET", "/accounts/password/", logged_in_200, 200),
            (
                "GET",
                "/accounts/people/",
                {"anonymous": 302, "admin": 200, "regulator": 200, "district": 200},
                403,
            ),
            ("GET", "/organisations/", logged_in_200, 200),
            ("GET", "/organisations/new/", {"anonymous": 302, "admin": 200, "regulator": 200}, 403),
            # The applicant's own organisation; others in Chongqing see it through their jurisdiction.
            (
                "GET",
                f"/organisations/{cq_org}/",
                {
                    "anonymous": 302,
                    "admin": 200,
                    "regulator": 200,
                    "district": 404,
                    "authority": 200,
                    "applicant": 200,
                },
                404,
            ),
            # A Shanghai organisation is foreign to every Chongqing role.
            (
                "GET",
                f"/organisations/{sh_org}/",
                {"anonymous": 302, "admin": 200, "industry": 404},
                404,
            ),
            (
                "GET",
                "/events/",
                {"anonymous": 302, "admin": 200, "regulator": 200, "district": 200},
                403,
            ),
            ("GET", "/admin/", {"anonymous": 302, "admin": 200}, 302),
        ]
    )


def test_api_grid(check_grid, world):
    sh_org = world["organisations"]["sh-simt"].pk
    check_grid(
        [
            ("GET", "/api/v1/me", {"anonymous": 401}, 200),
            ("GET", "/api/v1/jurisdictions", {}, 200),
            ("GET", "/api/v1/organisations", {"anonymous": 401}, 200),
            ("GET", f"/api/v1/organisations/{sh_org}", {"anonymous": 401, "admin": 200}, 404),
            ("GET", "/api/v1/openapi.json", {}, 200),
        ]
    )


def test_center_status_history_grid(check_grid, world):
    # public: a registered center's status and history; an unknown center is not found
    check_grid(
        [
            ("GET", "/api/v1/centers/CQ-AUTO/status-history", {}, 200),
            ("GET", "/api/v1/centers/NO-SUCH/status-history", {}, 404),
        ]
    )
