"""The pack schema on its own: shapes, the article on every rule, text not given."""

import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

from metrohub.rulepacks.schema import (
    ROLE_CODES,
    STAGE_CODES,
    AcceptanceScoring,
    AnnualDuty,
    Condition,
    Deadline,
    RulePack,
    Stage,
    cross_reference_errors,
)

VALID = Path(__file__).parent / "fixtures" / "valid" / "testland-2025.toml"


def data():
    return tomllib.loads(VALID.read_text(encoding="utf-8"))


def test_the_fixture_is_valid():
    pack = RulePack.model_validate(data())
    assert cross_reference_errors(pack) == []
    assert pack.key == "testland@2025" and pack.initial_stage().code == "draft"
    assert [t.name for t in pack.transitions_from("formal_review", "programme_regulator")] == [
        "approve",
        "reject",
    ]
    assert pack.deadlines_opened_by("submit")[0].count == 20
    assert pack.transition("submit").from_ == ["draft"]
    assert pack.to_public_dict()["transitions"][0]["from"] == ["draft"]
    with pytest.raises(KeyError, match="no transition 'nope'"):
        pack.transition("nope")


def test_codes_are_the_common_sets():
    assert "programme_regulator" in ROLE_CODES and len(ROLE_CODES) == 9
    for code in ("draft", "public_notice", "rectification", "established", "revoked"):
        assert code in STAGE_CODES


def _fails(model, **kw):
    with pytest.raises(ValidationError) as exc:
        model.model_validate(kw)
    return [(".".join(map(str, e["loc"])), e["msg"]) for e in exc.value.errors()]


DL = {
    "code": "x",
    "name_zh": "期限",
    "name_en": "period",
    "unit": "days",
    "count": 7,
    "anchor": "submit",
    "article": "第一条",
}


def test_deadline_rules():
    assert Deadline.model_validate(DL).kind == "maximum"
    assert _fails(Deadline, **(DL | {"extend_holiday": True, "next_working_day": True}))[0][
        1
    ].endswith("extend_holiday and next_working_day exclude each other")
    assert "count: required unless set_by" in _fails(Deadline, **(DL | {"count": None}))[0][1]
    assert Deadline.model_validate(DL | {"count": None, "set_by": "programme_regulator"})
    assert "count_min: must not exceed count" in _fails(Deadline, **(DL | {"count_min": 8}))[0][1]
    assert _fails(Deadline, **(DL | {"count": 0}))[0][0] == "count"
    errors = _fails(Deadline, **{k: v for k, v in DL.items() if k != "article"})
    assert errors == [("article", "Field required")]
    assert _fails(Deadline, **(DL | {"article": " "}))[0][0] == "article"


def test_text_not_given_must_say_so():
    base = {"code": "c", "text_zh": "某条件", "text_en": "a condition", "article": "第八条"}
    assert Condition.model_validate(base).text_given
    msg = _fails(Condition, **(base | {"text_given": False}))[0][1]
    assert "原文未给出" in msg
    ok = {"text_zh": "（原文未给出）", "text_en": "— not given in the source", "text_given": False}
    assert not Condition.model_validate(base | ok).text_given
    assert "cannot quote" in _fails(Condition, **(base | ok | {"quote": "x"}))[0][1]


def test_rubric_must_be_marked_example_and_scores_consistent():
    base = {"max_score": 100, "pass_score": 80, "article": "第十九条"}
    assert AcceptanceScoring.model_validate(base).passes(80)
    assert not AcceptanceScoring.model_validate(base).passes(79.9)
    assert "pass_score" in _fails(AcceptanceScoring, **(base | {"pass_score": 120}))[0][1]
    rubric = {"example": False, "note": "n", "areas": []}
    errors = _fails(AcceptanceScoring, **(base | {"example_rubric": rubric}))
    assert (errors[0][0],) == ("example_rubric.example",)
    assert (
        "rectification_deadline"
        in _fails(AcceptanceScoring, **(base | {"rectification_rounds": 1}))[0][1]
    )


def test_annual_duty_dates():
    base = {
        "code": "r",
        "name_zh": "报告",
        "name_en": "report",
        "role": "center_director",
        "period": "established",
        "article": "第二十一条",
    }
    assert AnnualDuty.model_validate(base | {"due_month": 2, "due_day": 29})
    assert (
        "day is out of range"
        in _fails(AnnualDuty, **(base | {"due_month": 2, "due_day": 30}))[0][1]
    )
    assert "due_note" in _fails(AnnualDuty, **base)[0][1]
    assert "together" in _fails(AnnualDuty, **(base | {"due_month": 11}))[0][1]


def test_stage_flags_and_unknown_codes():
    base = {"code": "draft", "name_zh": "草稿", "name_en": "draft", "article": "第一条"}
    assert "terminal" in _fails(Stage, **(base | {"terminal": True, "initial": True}))[0][1]
    assert _fails(Stage, **(base | {"code": "limbo"}))[0][0] == "code"
    assert _fails(Stage, **(base | {"colour": "red"})) == [
        ("colour", "Extra inputs are not permitted")
    ]
