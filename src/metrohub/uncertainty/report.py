"""Reporting a result (JJF 1059.1-2012 §7, GB/T 8170-2008).

U keeps at most two significant digits, rounded half to even (GB/T 8170's 四舍六入五成双) or
rounded up (只进不舍); the estimate is rounded, half to even, to the same last digit. All the
rounding is done on :class:`~decimal.Decimal` built from the shortest repr of the float, so a
value printed as 0.145 is rounded as 0.145 and not as its binary neighbour 0.14499999...
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal

ROUNDING = {"half-even": ROUND_HALF_EVEN, "up": ROUND_CEILING}


def to_decimal(x: float) -> Decimal:
    return Decimal(repr(float(x)))


def round_significant(x: float, digits: int = 2, rounding: str = "half-even") -> Decimal:
    """Round a non-negative uncertainty to ``digits`` significant digits."""
    d = to_decimal(x)
    if d == 0:
        return Decimal(0)
    mode = ROUNDING[rounding]
    exponent = d.adjusted() - (digits - 1)
    rounded = d.quantize(Decimal(1).scaleb(exponent), rounding=mode)
    if rounded.adjusted() > d.adjusted():  # 9.96 -> 10: keep `digits` digits, not one more
        rounded = d.quantize(Decimal(1).scaleb(exponent + 1), rounding=mode)
    return rounded


def round_to(x: float, like: Decimal) -> Decimal:
    """Round the estimate, half to even, to the last digit of ``like``."""
    return to_decimal(x).quantize(Decimal(1).scaleb(like.as_tuple().exponent), ROUND_HALF_EVEN)


def plain(d: Decimal) -> str:
    """Fixed-point text without an exponent; -0 printed as 0."""
    text = format(d, "f")
    return text[1:] if text.startswith("-") and d == 0 else text


def format_k(k: float) -> str:
    """k as given when it is a whole or short number (2, 2.5); otherwise two decimals (2.09)."""
    d = to_decimal(k)
    if d == d.to_integral_value() or -d.as_tuple().exponent <= 2:
        return plain(d.normalize()) if d != d.to_integral_value() else str(int(d))
    return plain(d.quantize(Decimal("0.01"), ROUND_HALF_EVEN))


@dataclass(frozen=True)
class RoundedResult:
    value: str
    expanded_uncertainty: str
    k: str


def round_result(
    value: float, expanded: float, k: float, digits: int = 2, rounding: str = "half-even"
) -> RoundedResult:
    if not 1 <= digits <= 2:
        raise ValueError("U is reported with one or two significant digits")
    if not math.isfinite(value) or not math.isfinite(expanded):
        raise ValueError("cannot report a value that is not finite")
    u_text = round_significant(abs(expanded), digits, rounding)
    y_text = round_to(value, u_text) if u_text != 0 else to_decimal(value)
    return RoundedResult(plain(y_text), plain(u_text), format_k(k))


def _with_unit(number: str, unit: str) -> str:
    return f"{number} {unit}" if unit else number


def report_strings(
    symbol: str,
    value: float,
    expanded: float,
    k: float,
    unit: str = "",
    digits: int = 2,
    rounding: str = "half-even",
    probability: float | None = None,
) -> dict:
    """The rounded numbers and the two report forms in Chinese and English.

    - "y = 100.15 °C, U = 0.70 °C, k = 2"
    - "y = (100.15 ± 0.70) °C, k = 2"
    """
    r = round_result(value, expanded, k, digits, rounding)
    u_label = "U" if probability is None else f"U{_subscript(probability)}"
    forms = {}
    for language, sep in (("en", ", "), ("zh", "，")):
        tail = f"k = {r.k}"
        if probability is not None:
            tail += f"{sep}p = {probability * 100:g}{' %' if language == 'en' else '%'}"
        plus_minus = f"{r.value} ± {r.expanded_uncertainty}"
        forms[language] = {
            "short": sep.join(
                [
                    f"{symbol} = {_with_unit(r.value, unit)}",
                    f"{u_label} = {_with_unit(r.expanded_uncertainty, unit)}",
                    tail,
                ]
            ),
            "plus_minus": f"{symbol} = "
            + (f"({plus_minus}) {unit}" if unit else plus_minus)
            + f"{sep}{tail}",
        }
    return {
        "value": r.value,
        "expanded_uncertainty": r.expanded_uncertainty,
        "k": r.k,
        "unit": unit,
        "significant_digits": digits,
        "rounding": rounding,
        **forms,
    }


def _subscript(probability: float) -> str:
    # U95, U99: the JJF 1059.1 notation for an expanded uncertainty at a coverage probability
    return f"{probability * 100:g}".replace(".", "")
