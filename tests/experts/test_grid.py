def test_experts_grid(check_grid, world):
    check_grid(
        [
            ("GET", "/experts/", {"anonymous": 302, "admin": 200, "regulator": 200}, 403),
            (
                "GET",
                "/experts/me/",
                {"anonymous": 302, "expert": 200, "admin": 404},
                403,
            ),  # admin: no profile
            ("GET", "/api/v1/experts", {"anonymous": 401, "admin": 200, "regulator": 200}, 403),
            ("GET", "/api/v1/experts/me", {"anonymous": 401, "expert": 200}, 404),
        ]
    )
