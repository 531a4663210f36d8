"""URL × role for the centers' pages and endpoints: the registry is public."""


def test_pages_grid(check_grid, world):
    check_grid(
        [
            ("GET", "/centers/", {}, 200),
            ("GET", "/centers/?q=中心&region=500000&level=municipal&sort=-name", {}, 200),
            ("GET", "/centers/export.xlsx", {}, 200),
            ("GET", "/centers/CQ-AUTO/", {}, 200),
            ("GET", "/centers/SH-BIO/", {}, 200),
            ("GET", "/centers/NOPE/", {}, 404),
        ]
    )


def test_api_grid(check_grid, world):
    check_grid(
        [
            ("GET", "/api/v1/centers", {}, 200),
            ("GET", "/api/v1/centers/CQ-AUTO", {}, 200),
            ("GET", "/api/v1/centers/NOPE", {}, 404),
        ]
    )
