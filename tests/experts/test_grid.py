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
            ("GET", "/api/v1/experts/me/employments", {"anonymous": 401, "expert": 200}, 404),
            ("GET", "/api/v1/experts/me/conflicts", {"anonymous": 401, "expert": 200}, 404),
            # writes without a body (the flows are in test_api.py)
            ("POST", "/api/v1/experts/me/employments", {"anonymous": 401}, 400),
            ("POST", "/api/v1/experts/me/conflicts", {"anonymous": 401}, 400),
            ("DELETE", "/api/v1/experts/me/employments/999", {"anonymous": 401}, 404),
            ("DELETE", "/api/v1/experts/me/conflicts/999", {"anonymous": 401}, 404),
        ]
    )
