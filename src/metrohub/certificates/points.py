"""Measurement points: what people type, checked; what follows from it, computed.

Numbers stay the decimal text typed (0.250 is shown as 0.250). The error is the indication
(as-left after an adjustment, else the mean of the readings, else the as-found value) minus the
nominal value, unless typed. An expanded uncertainty is typed with k (and p), or evaluated by the
uncertainty engine from the job's budget with the point's values, all points in one call. The
conformity follows the job's decision rule: simple acceptance (|error| ≤ MPE) or guarded
acceptance (|error| ≤ MPE − r·U).
"""

import math
from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from scipy import special

from metrohub.catalogue import units
from metrohub.certificates.models import Conformity, DecisionRule, JobKind, Point
from metrohub.core.bounds import clean_text
from metrohub.uncertainty import BudgetError, evaluate_points, parse_budget
from metrohub.uncertainty.report import format_k, plain, round_significant, to_decimal

MAX_POINTS = 200
MAX_READINGS = 100
NUMBER_FIELDS = ("nominal", "as_found", "as_left", "error", "mpe", "expanded_uncertainty")
FIELDS = (
    "characteristic", "nominal", "unit", "readings", "as_found", "as_left", "error", "mpe",
    "expanded_uncertainty", "coverage_k", "coverage_p", "u_source", "budget_values",
)  # fmt: skip


def parse_decimal(text) -> Decimal | None:
    """A finite decimal from text or a number; None if it is not one."""
    if isinstance(text, bool):
        return None
    if isinstance(text, Decimal):
        return text if text.is_finite() else None
    if isinstance(text, int | float):
        text = repr(text) if isinstance(text, float) else str(text)
    if not isinstance(text, str):
        return None
    text = text.strip().replace("±", "").replace("＋", "+").replace("－", "-").replace("−", "-")
    if not text or len(text) > 40:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _number_text(value) -> str:
    """The canonical text of a typed number: as typed (trailing zeros kept), sign normalised."""
    if isinstance(value, bool) or parse_decimal(value) is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, float):
        return plain(to_decimal(value))
    text = value.strip().replace("±", "").replace("＋", "+").replace("－", "-").replace("−", "-")
    if "e" in text.lower():
        return plain(Decimal(text))
    return text.lstrip("+")


def clean_points(raw, errors: dict, *, has_budget: bool) -> list[dict]:
    """Check every point, each problem under `points[i].field`; the cleaned field values."""
    if not isinstance(raw, list):
        errors.setdefault("points", []).append(_("Give the points as a list."))
        return []
    if len(raw) > MAX_POINTS:
        errors.setdefault("points", []).append(
            _("At most %(limit)d points.") % {"limit": MAX_POINTS}
        )
        return []
    return [_clean_point(p, data, errors, has_budget) for p, data in enumerate(raw)]


def _clean_point(p: int, data, errors: dict, has_budget: bool) -> dict:
    where = f"points[{p}]"
    if not isinstance(data, dict):
        errors.setdefault(where, []).append(_("Give each point as an object."))
        return {}
    out: dict = {"position": p + 1}

    def add(field, message):
        errors.setdefault(f"{where}.{field}", []).append(message)

    for field in data:
        if field not in FIELDS:
            add(field, _("Unknown field."))
    out["characteristic"] = clean_text(
        errors, f"{where}.characteristic", data.get("characteristic"), 100
    )
    for field in NUMBER_FIELDS:
        value = data.get(field)
        if value in (None, ""):
            out[field] = ""
            if field == "nominal":
                add(field, _("This field is required."))
            continue
        parsed = parse_decimal(value)
        if parsed is None:
            add(field, _("Enter a number."))
            out[field] = ""
            continue
        if field in ("mpe", "expanded_uncertainty") and parsed < 0:
            add(field, _("Must not be negative."))
        out[field] = _number_text(value)
    unit = clean_text(errors, f"{where}.unit", data.get("unit"), 32, required=True)
    try:
        out["unit"] = units.canonical_unit(unit) if unit else ""
    except units.UnitError:
        add("unit", _("Unknown unit %(unit)s.") % {"unit": unit})
        out["unit"] = ""
    out["readings"] = _readings(data.get("readings", []), add)
    out["coverage_k"], out["coverage_p"] = _coverage(data, add)
    source = data.get("u_source") or Point.Source.TYPED
    if source not in Point.Source.values:
        add("u_source", _("Choose typed or evaluated from the budget."))
        source = Point.Source.TYPED
    out["u_source"] = source
    values = data.get("budget_values") or {}
    if not isinstance(values, dict) or len(values) > 50:
        add("budget_values", _("Give the budget values as an object of at most 50 inputs."))
        values = {}
    out["budget_values"] = values
    if source == Point.Source.BUDGET:
        if not has_budget:
            add("u_source", _("The job has no uncertainty budget to evaluate."))
        if out["expanded_uncertainty"]:
            add("expanded_uncertainty", _("Type U or evaluate it from the budget, not both."))
    elif out["expanded_uncertainty"] and not out["coverage_k"]:
        add("coverage_k", _("State the coverage factor k of U."))
    return out


def _readings(raw, add) -> list[str]:
    if not isinstance(raw, list):
        add("readings", _("Give the readings as a list."))
        return []
    if len(raw) > MAX_READINGS:
        add("readings", _("At most %(limit)d readings.") % {"limit": MAX_READINGS})
        return []
    readings = []
    for value in raw:
        if parse_decimal(value) is None:
            add("readings", _("Every reading must be a number."))
            return []
        readings.append(_number_text(value))
    return readings


def _coverage(data: dict, add) -> tuple[str, str]:
    k_text, p_text = data.get("coverage_k") or "", data.get("coverage_p") or ""
    k, p = parse_decimal(k_text) if k_text else None, parse_decimal(p_text) if p_text else None
    if k_text and (k is None or k < 1 or k > 10):
        add("coverage_k", _("The coverage factor k is a number from 1 to 10."))
        k_text = ""
    if p_text and (p is None or not 0 < p <= 1):
        add("coverage_p", _("The coverage probability p lies between 0 and 1."))
        p_text = ""
    return (_number_text(k_text) if k_text else "", _number_text(p_text) if p_text else "")


# ------------------------------------------------------------------------------ derived values


def indication(point: dict) -> Decimal | None:
    if point.get("as_left"):
        return parse_decimal(point["as_left"])
    if point.get("readings"):
        values = [parse_decimal(r) for r in point["readings"]]
        mean = sum(values) / len(values)
        digits = max(-v.as_tuple().exponent for v in values)
        # The mean of several readings keeps one digit more than they have (JJF 1059.1 practice).
        return mean.quantize(Decimal(1).scaleb(-digits - (len(values) > 1)))
    if point.get("as_found"):
        return parse_decimal(point["as_found"])
    return None


def derive(points: list[dict], *, budget: dict | None, errors: dict) -> None:
    """Fill in the error and the budget-evaluated U of every point (in place)."""
    for point in points:
        if not point:
            continue
        if not point.get("error"):
            shown = indication(point)
            nominal = parse_decimal(point.get("nominal"))
            if shown is not None and nominal is not None:
                point["error"] = plain(shown - nominal)
    evaluated = [p for p in points if p and p.get("u_source") == Point.Source.BUDGET]
    if evaluated and budget is not None:
        _evaluate(evaluated, budget, errors)


def _evaluate(points: list[dict], budget: dict, errors: dict) -> None:
    try:
        parsed = parse_budget(budget)
        result = evaluate_points(parsed, [p["budget_values"] for p in points])
    except BudgetError as exc:
        for path, message in exc.translated(get_language() or "zh-hans"):
            field = "budget"
            if path.startswith("points["):
                index = int(path[7 : path.index("]")])
                rest = path[path.index("]") + 1 :].lstrip(".")
                field = f"points[{points[index]['position'] - 1}].budget_values"
                message = f"{rest}: {message}" if rest else message
            errors.setdefault(field, []).append(message)
        return
    unit = parsed.measurands[0][2]
    for i, point in enumerate(points):
        expanded = float(result.expanded_uncertainties[i, 0])
        if unit and point["unit"] and unit != point["unit"]:
            try:
                expanded *= units.interval_factor(unit, point["unit"])
            except Exception:  # noqa: BLE001  (pint raises assorted errors for incompatible units)
                errors.setdefault(f"points[{point['position'] - 1}].unit", []).append(
                    _("The budget's unit %(unit)s does not convert to this unit.") % {"unit": unit}
                )
                continue
        point["expanded_uncertainty"] = plain(
            round_significant(expanded, parsed.significant_digits, parsed.rounding)
        )
        point["coverage_k"] = format_k(float(result.k[i, 0]))
        point["coverage_p"] = (
            "" if parsed.probability is None else plain(to_decimal(parsed.probability))
        )


def conformity(point: dict, *, kind: str, rule: str, factor: Decimal, requested: bool) -> str:
    """pass / fail / '' (no statement) for a point under the job's decision rule."""
    if kind != JobKind.VERIFICATION and not requested:
        return ""
    mpe, error = parse_decimal(point.get("mpe")), parse_decimal(point.get("error"))
    if mpe is None or error is None:
        return ""
    limit = abs(mpe)
    if rule == DecisionRule.GUARD_BAND:
        u = parse_decimal(point.get("expanded_uncertainty")) or Decimal(0)
        limit -= factor * u
    return Conformity.PASS if abs(error) <= limit else Conformity.FAIL


def coverage_probability(point) -> str:
    """The p a DCC must state: as given, else the normal one for k (k = 2: 0.9545)."""
    p = point.coverage_p if hasattr(point, "coverage_p") else point.get("coverage_p")
    if p:
        return p
    k = parse_decimal(point.coverage_k if hasattr(point, "coverage_k") else point.get("coverage_k"))
    if k is None:
        return ""
    return f"{float(special.erf(float(k) / math.sqrt(2))):.4f}"
