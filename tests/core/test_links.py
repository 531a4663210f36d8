"""A `Route` makes exactly the link reverse() makes, reversing once per page."""

import pytest
from django.urls import reverse, set_script_prefix

from metrohub.core import links
from metrohub.core.links import Route


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("cases:detail", [1]),
        ("cases:detail", [1234567]),
        ("cases:transition", [42, "accept_formal_review"]),
        ("cases:event_report", [7, "major-change"]),
        ("calendars:center", ["CQ-01.2"]),
        # reverse() quotes these: the route hands them to it
        ("alliances:center", ["中心 1"]),
        ("calendars:feed", ["a?b#c"]),
    ],
)
def test_a_route_fills_in_what_reverse_would_make(name, args):
    assert Route(name, len(args))(*args) == reverse(name, args=args)


def test_only_plain_ids_and_codes_are_filled_in_without_reverse(monkeypatch):
    route = Route("cases:transition", 2)
    calls = []
    monkeypatch.setattr(links, "reverse", lambda name, args: calls.append(args) or "reversed")
    assert route(5, "accept") == "/cases/5/transitions/accept/"
    assert calls == []
    assert route(5, "a/b") == "reversed"
    assert route(True, "accept") == "reversed"
    assert route(-1, "accept") == "reversed"
    assert calls == [(5, "a/b"), (True, "accept"), (-1, "accept")]


def test_a_route_keeps_the_script_prefix_of_the_request_it_is_built_in():
    set_script_prefix("/metrohub/")
    try:
        route = Route("cases:detail")
        assert route(3) == "/metrohub/cases/3/" == reverse("cases:detail", args=[3])
    finally:
        set_script_prefix("/")
    assert route(3) == "/metrohub/cases/3/"
    assert Route("cases:detail")(3) == "/cases/3/"
