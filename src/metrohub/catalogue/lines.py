"""What a capability line derives from its fields: natural key, search text, SI range, and its
expanded uncertainty at a given value."""

import hashlib
import math
import unicodedata
from decimal import Decimal

from metrohub.catalogue import formulas, units
from metrohub.catalogue.grams import search_grams
from metrohub.catalogue.models import Area, CapabilityLine, ServiceKind, UncertaintyForm
from metrohub.catalogue.rows import AREA_ZH, KIND_ZH, decimal_text

# Fields a row sets; the content hash covers them all, so re-importing an unchanged row is a no-op.
CONTENT_FIELDS = (
    "kind",
    "area",
    "branch",
    "industry_domain",
    "measurand",
    "instrument",
    "conditions",
    "range_lower",
    "range_upper",
    "unit",
    "u_form",
    "u_value",
    "u_value_max",
    "u_formula",
    "u_table",
    "u_relative",
    "u_unit",
    "coverage_k",
    "coverage_p",
    "accuracy",
    "methods",
    "cnas",
)
KEY_FIELDS = (
    "kind",
    "area",
    "measurand",
    "instrument",
    "conditions",
    "range_lower",
    "range_upper",
    "unit",
)
AREA_EN = {code: code.replace("_", " ") for code in Area.values}


def fold(text: str) -> str:
    """The form both search backends compare: NFKC, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


def _canonical(value) -> str:
    if isinstance(value, Decimal):
        return decimal_text(value)
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(":".join(map(str, point)) for point in value)
    return str(value)


def _digest(data: dict, fields) -> str:
    text = "\x1f".join(_canonical(data.get(field)) for field in fields)
    return hashlib.sha1(fold(text).encode() if fields is KEY_FIELDS else text.encode()).hexdigest()  # noqa: S324


def natural_key(data: dict) -> str:
    return _digest(data, KEY_FIELDS)


def content_hash(data: dict) -> str:
    return _digest(data, CONTENT_FIELDS)


def search_text(data: dict) -> str:
    parts = [
        data.get("measurand"),
        data.get("instrument"),
        data.get("branch"),
        data.get("conditions"),
        data.get("industry_domain"),
        AREA_ZH.get(data.get("area"), ""),
        KIND_ZH.get(data.get("kind"), ""),
        data.get("accuracy"),
        data.get("methods"),
        ServiceKind(data["kind"]).label if data.get("kind") else "",
        AREA_EN.get(data.get("area"), ""),
    ]
    return fold(" ".join(str(part) for part in parts if part))


def derived(data: dict, *, center) -> dict:
    """The stored, derived fields of a line with these field values."""
    text = search_text(data)
    base_lower = base_upper = None
    dimension = ""
    if data.get("unit"):
        dimension = units.dimension(data["unit"])
        if data.get("range_lower") is not None:
            base_lower = units.to_base(data["range_lower"], data["unit"])
        if data.get("range_upper") is not None:
            base_upper = units.to_base(data["range_upper"], data["unit"])
    return {
        "natural_key": natural_key(data),
        "content_hash": content_hash(data),
        "search_text": text,
        "search_grams": search_grams(text),
        "measurand_key": fold(data.get("measurand", ""))[:200],
        "base_lower": base_lower,
        "base_upper": base_upper,
        "dimension": dimension,
        "region_code": center.province().code,
    }


def new_line(data: dict, *, center, **extra) -> CapabilityLine:
    return CapabilityLine(center=center, **data, **derived(data, center=center), **extra)


def line_data(line: CapabilityLine) -> dict:
    return {field: getattr(line, field) for field in CONTENT_FIELDS}


def snapshot(line: CapabilityLine) -> dict:
    """JSON-ready copy of a line's content for its version history."""
    out = {}
    for field in CONTENT_FIELDS:
        value = getattr(line, field)
        out[field] = decimal_text(value) if isinstance(value, Decimal) else value
    return out


def uncertainty_at(line: CapabilityLine, x: float) -> float | None:
    """The line's absolute expanded uncertainty at x (in the line's unit), or None where it does not
    state one (accuracy class, MPE) or x lies outside its table. A range over the measuring range
    counts at its largest value: without a stated law in between, only that is safe to promise."""
    form = line.u_form
    if form == UncertaintyForm.VALUE:
        u = float(line.u_value)
    elif form == UncertaintyForm.RANGE:
        u = float(line.u_value_max)
    elif form == UncertaintyForm.FORMULA:
        try:
            u = formulas.evaluate(line.u_formula, x)
        except (ArithmeticError, ValueError, formulas.FormulaError):
            return None
    elif form == UncertaintyForm.TABLE:
        points = [(float(a), float(b)) for a, b in line.u_table]
        u = None
        for (x0, u0), (x1, u1) in zip(points, points[1:], strict=False):
            if x0 <= x <= x1:
                u = u0 + (u1 - u0) * (x - x0) / (x1 - x0)
                break
        if u is None:
            return None
    else:
        return None
    if not math.isfinite(u) or u <= 0:
        return None
    if line.u_relative:
        return u * float(units.RELATIVE_UNITS[line.u_unit]) * abs(x)
    if line.u_unit and line.unit and line.u_unit != line.unit:
        return u * units.interval_factor(line.u_unit, line.unit)
    return u
