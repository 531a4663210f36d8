"""The one helper every spreadsheet export uses against formula injection."""

import pytest

from metrohub.core.exports import neutralise, neutralise_row, unguard


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","点击")',
        "+1+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "＝1+1",
    ],
)
def test_formula_like_text_is_guarded_and_comes_back_unchanged(text):
    assert neutralise(text) == "'" + text
    assert unguard(neutralise(text)) == text


@pytest.mark.parametrize("value", ["-20", "+1.5e3", "0.0050", "压力", "", None, 12, -3.5, "a=b"])
def test_numbers_and_ordinary_text_are_left_alone(value):
    assert neutralise(value) == value


def test_a_leading_apostrophe_of_ordinary_text_is_kept_on_import():
    assert unguard("'quoted'") == "'quoted'"
    assert neutralise_row(["=1", 2, "x"]) == ["'=1", 2, "x"]
