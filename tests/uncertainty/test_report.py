from decimal import Decimal

import pytest

from metrohub.uncertainty.report import format_k, report_strings, round_result, round_significant


@pytest.mark.parametrize(
    ("u", "rounding", "expected"),
    [
        (0.145, "half-even", "0.14"),  # GB/T 8170: 5 after an even digit goes down
        (0.135, "half-even", "0.14"),  # ... and after an odd one up
        (0.1451, "half-even", "0.15"),
        (0.121, "up", "0.13"),  # 只进不舍
        (0.12, "up", "0.12"),
        (0.0001118, "half-even", "0.00011"),
        (9.96, "half-even", "10"),
        (1234.0, "half-even", "1.2E+3"),
    ],
)
def test_round_significant(u, rounding, expected):
    assert round_significant(u, 2, rounding) == Decimal(expected)


def test_estimate_rounded_to_the_last_digit_of_u():
    r = round_result(100.145, 0.6974, 2.0)
    assert (r.value, r.expanded_uncertainty, r.k) == ("100.14", "0.70", "2")
    r = round_result(0.15012e-3, 0.22e-3, 2.0, digits=1)
    assert (r.value, r.expanded_uncertainty) == ("0.0002", "0.0002")
    assert round_result(1234.5, 1234.0, 2).value == "1200"
    assert round_result(-0.0001, 0.5, 2).value == "0.00"  # no "-0.00"


def test_at_most_two_significant_digits():
    with pytest.raises(ValueError):
        round_result(1.0, 0.1234, 2, digits=3)


def test_format_k():
    assert [format_k(k) for k in (2, 2.0, 3, 2.5, 1.96, 2.093024)] == ["2", "2", "3", "2.5",
                                                                        "1.96", "2.09"]  # fmt: skip


def test_report_forms_in_both_languages():
    s = report_strings("R", 127.7321, 0.1421, 2, "Ω")
    assert s["en"]["short"] == "R = 127.73 Ω, U = 0.14 Ω, k = 2"
    assert s["en"]["plus_minus"] == "R = (127.73 ± 0.14) Ω, k = 2"
    assert s["zh"]["short"] == "R = 127.73 Ω，U = 0.14 Ω，k = 2"
    assert s["zh"]["plus_minus"] == "R = (127.73 ± 0.14) Ω，k = 2"


def test_report_with_coverage_probability_and_no_unit():
    s = report_strings("t", 100.145, 0.697, 2.093, probability=0.95)
    assert s["en"]["short"] == "t = 100.14, U95 = 0.70, k = 2.09, p = 95 %"
    assert s["zh"]["plus_minus"] == "t = 100.14 ± 0.70，k = 2.09，p = 95%"
