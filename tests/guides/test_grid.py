"""URL × role for the guides: public pages; the questions editor is the programme regulator's
(Chongqing's here) and the administrator's."""


def test_pages_grid(check_grid, world):
    editor = {"anonymous": 302, "admin": 200, "regulator": 200}
    check_grid(
        [
            ("GET", "/guides/", {}, 200),
            ("GET", "/guides/chongqing/", {}, 200),
            ("GET", "/guides/shanghai/short/", {}, 200),
            ("GET", "/guides/nope/", {}, 404),
            ("GET", "/guides/chongqing/questions/", editor, 403),
            (
                "GET",
                "/guides/nope/questions/",
                {"anonymous": 302, "admin": 404, "regulator": 404},
                403,
            ),
            # Shanghai's programme is outside the Chongqing regulator's scope.
            ("GET", "/guides/shanghai/questions/", {**editor, "regulator": 404}, 403),
            (
                "POST",
                "/guides/chongqing/questions/99999/delete/",
                {"anonymous": 302, "admin": 404, "regulator": 404},
                403,
            ),
        ]
    )


def test_api_grid(check_grid, world):
    check_grid(
        [
            ("GET", "/api/v1/guides", {}, 200),
            ("GET", "/api/v1/guides/hubei", {}, 200),
            ("GET", "/api/v1/guides/nope", {}, 404),
        ]
    )
