"""Score sheets and the panel score, as plain functions over Decimal (no Django).

A sheet gives each rubric item a score from 0 to the item's maximum in steps of 0.5; items that
require it carry a written reason for any deduction. The panel score combines the submitted
sheets' totals by the rule pack's method and rounding, and is compared with the pass score.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

STEP = Decimal("0.5")
_ROUNDING = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


@dataclass(frozen=True)
class Item:
    code: str
    max_points: Decimal
    reason_required: bool = False


@dataclass(frozen=True)
class SheetError:
    item: str
    code: str  # missing, not_a_number, out_of_range, not_a_half_step, reason_required, unknown_item
    params: dict


def rubric_items(rubric) -> list[Item]:
    """The flat item list of a pack rubric (areas → items)."""
    return [
        Item(item.code, Decimal(str(item.max_points)), getattr(item, "reason_required", False))
        for area in rubric.areas
        for item in area.items
    ]


def check_sheet(
    items: list[Item], scores: dict[str, object], reasons: dict[str, str]
) -> list[SheetError]:
    """Every problem of a sheet at once, item by item, in rubric order."""
    errors = [
        SheetError(code, "unknown_item", {})
        for code in scores
        if code not in {i.code for i in items}
    ]
    for item in items:
        raw = scores.get(item.code)
        if raw is None or raw == "":
            errors.append(SheetError(item.code, "missing", {}))
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            errors.append(SheetError(item.code, "not_a_number", {"value": str(raw)}))
            continue
        if not value.is_finite() or value < 0 or value > item.max_points:
            errors.append(
                SheetError(
                    item.code, "out_of_range", {"value": str(raw), "max": str(item.max_points)}
                )
            )
        elif value % STEP != 0:
            errors.append(SheetError(item.code, "not_a_half_step", {"value": str(raw)}))
        elif (
            item.reason_required
            and value < item.max_points
            and not (reasons.get(item.code) or "").strip()
        ):
            errors.append(SheetError(item.code, "reason_required", {}))
    return errors


def sheet_total(items: list[Item], scores: dict[str, object]) -> Decimal:
    return sum((Decimal(str(scores[item.code])) for item in items), Decimal(0))


def panel_score(
    totals: list[Decimal], *, aggregation: str = "mean", places: int = 1, mode: str = "half_up"
) -> Decimal:
    """Combine the sheets' totals: mean, median, or the mean without the highest and lowest."""
    if not totals:
        raise ValueError("totals: no submitted sheet")
    values = sorted(Decimal(t) for t in totals)
    if aggregation == "trimmed_mean" and len(values) > 2:
        values = values[1:-1]
    if aggregation == "median":
        middle = len(values) // 2
        raw = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    else:
        raw = sum(values, Decimal(0)) / len(values)
    return raw.quantize(Decimal(1).scaleb(-places), rounding=_ROUNDING[mode])


def passes(score: Decimal, *, pass_score, comparison: str = "at_least") -> bool:
    threshold = Decimal(str(pass_score))
    return score >= threshold if comparison == "at_least" else score > threshold
