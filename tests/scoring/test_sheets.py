from decimal import Decimal

import pytest

from metrohub.rulepacks.services import find_pack
from metrohub.scoring.sheets import (
    Item,
    check_sheet,
    panel_score,
    passes,
    rubric_items,
    sheet_total,
)

ITEMS = [
    Item("a", Decimal(40)),
    Item("b", Decimal(30), reason_required=True),
    Item("c", Decimal(30)),
]


def test_a_good_sheet():
    scores = {"a": "38.5", "b": 30, "c": 11}
    assert check_sheet(ITEMS, scores, {}) == []
    assert sheet_total(ITEMS, scores) == Decimal("79.5")


def test_every_problem_is_listed_at_once():
    errors = check_sheet(ITEMS, {"a": "39.3", "b": "25", "c": "31", "x": 1}, {"b": " "})
    assert [(e.item, e.code) for e in errors] == [
        ("x", "unknown_item"),
        ("a", "not_a_half_step"),
        ("b", "reason_required"),
        ("c", "out_of_range"),
    ]
    assert [(e.item, e.code) for e in check_sheet(ITEMS, {"a": "abc"}, {})] == [
        ("a", "not_a_number"),
        ("b", "missing"),
        ("c", "missing"),
    ]


def test_reason_given_for_a_deduction():
    assert check_sheet(ITEMS, {"a": 40, "b": "25", "c": 30}, {"b": "缺少年度报告"}) == []


@pytest.mark.parametrize(
    ("totals", "aggregation", "expected"),
    [
        (["79.5", "80", "79"], "mean", Decimal("79.5")),
        (["80", "80.5", "79.5"], "mean", Decimal("80.0")),
        (["70", "80", "81", "82", "95"], "trimmed_mean", Decimal("81.0")),
        (["70", "80", "81", "95"], "median", Decimal("80.5")),
        (["79.25"], "mean", Decimal("79.3")),
    ],
)
def test_panel_score(totals, aggregation, expected):
    assert panel_score([Decimal(t) for t in totals], aggregation=aggregation) == expected


def test_half_even_rounding_option():
    assert panel_score([Decimal("79.25")], mode="half_even") == Decimal("79.2")


def test_threshold_under_chongqing():
    scoring = find_pack("chongqing@2024").acceptance_scoring
    assert not passes(
        Decimal("79.5"), pass_score=scoring.pass_score, comparison=scoring.pass_comparison
    )
    assert passes(
        Decimal("80.0"), pass_score=scoring.pass_score, comparison=scoring.pass_comparison
    )


def test_pack_rubric_sums_to_the_maximum():
    scoring = find_pack("chongqing@2024").acceptance_scoring
    items = rubric_items(scoring.example_rubric)
    assert sum(i.max_points for i in items) == Decimal(scoring.max_score)
