"""One catalogue row as people write it (the Excel template, the forms) and its validation.

`clean_row` turns a row of text cells into model field values or a list of (column, message)
errors; the importer, the change-request form and the demo all go through it.
"""

import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from metrohub.catalogue import formulas, units
from metrohub.catalogue.documents import (
    DocumentCodeError,
    parse_document_code,
    split_document_codes,
)
from metrohub.catalogue.models import Area, ServiceKind, UncertaintyForm
from metrohub.core.exports import unguard


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese header of the template
    width: int = 14
    required: bool = False


COLUMNS = [
    Column("kind", "服务类型", 10, True),
    Column("area", "专业领域", 12, True),
    Column("branch", "子专业", 12),
    Column("industry_domain", "服务行业", 14),
    Column("measurand", "被测量/参数", 20, True),
    Column("instrument", "测量仪器/对象", 22),
    Column("conditions", "参数及条件", 20),
    Column("range_lower", "测量范围下限", 12),
    Column("range_upper", "测量范围上限", 12),
    Column("unit", "单位", 8),
    Column("u_form", "不确定度表示方式", 14),
    Column("uncertainty", "扩展不确定度U", 22),
    Column("u_relative", "绝对/相对", 10),
    Column("u_unit", "不确定度单位", 10),
    Column("coverage_k", "包含因子k", 10),
    Column("coverage_p", "包含概率p", 10),
    Column("accuracy", "准确度等级/最大允许误差", 18),
    Column("methods", "依据文件", 26),
    Column("cnas", "CNAS认可", 9),
]
COLUMN_KEYS = [column.key for column in COLUMNS]
HEADERS = {column.key: column.header for column in COLUMNS}

# Cell values of the template, in Chinese whatever the page's language.
KIND_ZH = {
    ServiceKind.VERIFICATION: "检定",
    ServiceKind.CALIBRATION: "校准",
    ServiceKind.TESTING: "检测",
    ServiceKind.MEASUREMENT_REPORT: "测试",
}
AREA_ZH = {
    Area.GEOMETRIC: "几何量",
    Area.THERMAL: "热学",
    Area.MECHANICAL: "力学",
    Area.ELECTROMAGNETIC: "电磁学",
    Area.RADIO: "无线电",
    Area.TIME_FREQUENCY: "时间频率",
    Area.OPTICAL: "光学",
    Area.ACOUSTIC: "声学",
    Area.IONIZING_RADIATION: "电离辐射",
    Area.PHYSICO_CHEMICAL: "物理化学",
}
FORM_ZH = {
    UncertaintyForm.VALUE: "单一值",
    UncertaintyForm.RANGE: "范围",
    UncertaintyForm.FORMULA: "公式",
    UncertaintyForm.TABLE: "表格",
    UncertaintyForm.ACCURACY_CLASS: "准确度等级",
    UncertaintyForm.MPE: "最大允许误差",
}
RELATIVE_ZH = {False: "绝对", True: "相对"}
YES_NO_ZH = {True: "是", False: "否"}
CHOICES = {  # the template's drop-down lists
    "kind": list(KIND_ZH.values()),
    "area": list(AREA_ZH.values()),
    "u_form": list(FORM_ZH.values()),
    "u_relative": list(RELATIVE_ZH.values()),
    "cnas": list(YES_NO_ZH.values()),
}
NUMERIC_FORMS = (
    UncertaintyForm.VALUE,
    UncertaintyForm.RANGE,
    UncertaintyForm.FORMULA,
    UncertaintyForm.TABLE,
)
MAX_LENGTHS = {
    "branch": 100,
    "industry_domain": 200,
    "measurand": 200,
    "instrument": 200,
    "conditions": 500,
    "accuracy": 100,
}
_RANGE_SEPARATORS = ("~", "～", "至", "〜")


def _lookup(value: str, zh: dict, choices) -> str | None:
    text = value.strip()
    for code, label in zh.items():
        if text == label or text.lower() == str(code):
            return str(code)
    for code, label in choices:
        if text.lower() == str(label).lower():
            return code
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unguard(unicodedata.normalize("NFC", str(value)).strip())


def parse_decimal(text: str) -> Decimal:
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    cleaned = cleaned.replace("−", "-")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def significant_digits(value: Decimal) -> int:
    digits = value.normalize().as_tuple().digits
    return len(digits) if value != 0 else 1


def decimal_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")


def clean_row(raw: dict) -> tuple[dict, list[tuple[str, str]]]:
    """Field values and errors [(column key, message)] for one row of text cells."""
    cells = {key: _text(raw.get(key)) for key in COLUMN_KEYS}
    data: dict = {}
    errors: list[tuple[str, str]] = []

    def error(key: str, message: str) -> None:
        errors.append((key, message))

    for key in ("kind", "area"):
        zh, choices = (KIND_ZH, ServiceKind.choices) if key == "kind" else (AREA_ZH, Area.choices)
        if not cells[key]:
            error(key, _("This column is required."))
        elif (code := _lookup(cells[key], zh, choices)) is None:
            error(key, _("Choose one of: %(choices)s.") % {"choices": "、".join(zh.values())})
        else:
            data[key] = code
    for key, limit in MAX_LENGTHS.items():
        if len(cells[key]) > limit:
            error(key, _("At most %(limit)d characters.") % {"limit": limit})
        data[key] = cells[key][:limit]
    if not cells["measurand"]:
        error("measurand", _("This column is required."))

    # Measuring range and its unit.
    for key in ("range_lower", "range_upper"):
        data[key] = None
        if cells[key]:
            try:
                data[key] = parse_decimal(cells[key])
            except ValueError:
                error(key, _("Not a number."))
    data["unit"] = ""
    if cells["unit"]:
        try:
            data["unit"] = units.canonical_unit(cells["unit"])
        except units.UnitError:
            error("unit", _("Unknown unit; write it as in SI, such as MPa, °C, N·m, mm, kg."))
    elif data["range_lower"] is not None or data["range_upper"] is not None:
        error("unit", _("A measuring range needs its unit."))
    lower, upper = data["range_lower"], data["range_upper"]
    if lower is not None and upper is not None and lower > upper:
        error("range_upper", _("The upper limit is below the lower limit."))

    _clean_uncertainty(cells, data, error)

    codes = []
    for part in split_document_codes(cells["methods"]):
        try:
            codes.append(parse_document_code(part))
        except DocumentCodeError as exc:
            if str(exc) == "year":
                error(
                    "methods", _("“%(code)s” needs its year, as in JJG 52—2013.") % {"code": part}
                )
            else:
                error(
                    "methods",
                    _("“%(code)s” is not a document code such as JJG 52—2013 or JJF 1059.1—2012.")
                    % {"code": part},
                )
    data["methods"] = "; ".join(dict.fromkeys(codes))
    if len(data["methods"]) > 500:
        error("methods", _("At most %(limit)d characters.") % {"limit": 500})

    cnas = cells["cnas"].lower()
    if cnas in ("", "否", "no", "n", "false", "0", "×"):
        data["cnas"] = False
    elif cnas in ("是", "yes", "y", "true", "1", "√", "✓"):
        data["cnas"] = True
    else:
        error("cnas", _("Write 是 or 否."))
    return data, errors


def _infer_form(cells: dict) -> str | None:
    text = cells["uncertainty"]
    if not text:
        return UncertaintyForm.ACCURACY_CLASS if cells["accuracy"] else None
    if any(sep in text for sep in _RANGE_SEPARATORS):
        return UncertaintyForm.RANGE
    if ":" in text or "：" in text:
        return UncertaintyForm.TABLE
    if "x" in text.lower():
        return UncertaintyForm.FORMULA
    return UncertaintyForm.VALUE


def _clean_uncertainty(cells: dict, data: dict, error) -> None:
    data.update(
        u_value=None,
        u_value_max=None,
        u_formula="",
        u_table=[],
        u_relative=False,
        u_unit="",
        coverage_k=None,
        coverage_p=None,
        accuracy=cells["accuracy"][:100],
    )
    if cells["u_form"]:
        form = _lookup(cells["u_form"], FORM_ZH, UncertaintyForm.choices)
        if form is None:
            error(
                "u_form",
                _("Choose one of: %(choices)s.") % {"choices": "、".join(FORM_ZH.values())},
            )
            return
    else:
        form = _infer_form(cells)
        if form is None:
            error(
                "uncertainty",
                _(
                    "Give the expanded uncertainty, or an accuracy class or maximum permissible error."
                ),
            )
            return
    data["u_form"] = form
    if form not in NUMERIC_FORMS:
        if not cells["accuracy"]:
            error("accuracy", _("Give the accuracy class or the maximum permissible error."))
        return

    relative = cells["u_relative"]
    if relative in ("", "绝对", "absolute"):
        data["u_relative"] = False
    elif relative in ("相对", "relative"):
        data["u_relative"] = True
    else:
        error("u_relative", _("Write 绝对 or 相对."))
    u_unit = cells["u_unit"]
    if data["u_relative"]:
        u_unit = u_unit or "%"
        if u_unit not in units.RELATIVE_UNITS:
            error("u_unit", _("A relative uncertainty is given in percent or ppm."))
        data["u_unit"] = u_unit
    elif u_unit:
        try:
            data["u_unit"] = units.canonical_unit(u_unit)
        except units.UnitError:
            error("u_unit", _("Unknown unit; write it as in SI, such as MPa, °C, N·m, mm, kg."))
        else:
            if data.get("unit") and not units.compatible(data["u_unit"], data["unit"]):
                error(
                    "u_unit",
                    _("The unit of U does not fit the range's unit %(unit)s.")
                    % {"unit": data["unit"]},
                )
    elif not data.get("unit"):
        error("u_unit", _("An absolute uncertainty needs a unit."))

    for key, low, high in (("coverage_k", "1", "10"), ("coverage_p", "0.5", "1")):
        if cells[key]:
            try:
                value = parse_decimal(cells[key].rstrip("%"))
                if cells[key].endswith("%"):
                    value /= 100
            except ValueError:
                error(key, _("Not a number."))
                continue
            if not Decimal(low) <= value <= Decimal(high):
                error(key, _("Must lie between %(low)s and %(high)s.") % {"low": low, "high": high})
            data[key] = value
    if not cells["coverage_k"] and not cells["coverage_p"]:
        error("coverage_k", _("Give the coverage factor k or the coverage probability p."))

    text = cells["uncertainty"]
    if not text:
        error("uncertainty", _("This column is required."))
        return
    if form == UncertaintyForm.VALUE:
        _set_u(data, "u_value", text, error)
    elif form == UncertaintyForm.RANGE:
        parts = _split_range(text)
        if parts is None:
            error("uncertainty", _("Write a range as smallest~largest, such as 0.02~0.05."))
            return
        _set_u(data, "u_value", parts[0], error)
        _set_u(data, "u_value_max", parts[1], error)
        if (
            data["u_value"] is not None
            and data["u_value_max"] is not None
            and data["u_value"] > data["u_value_max"]
        ):
            error("uncertainty", _("The smallest value is larger than the largest."))
    elif form == UncertaintyForm.FORMULA:
        try:
            data["u_formula"] = formulas.check_formula(text)
        except formulas.FormulaError:
            error(
                "uncertainty",
                _(
                    "Not a formula in the measured value x, such as 0.02+0.0001*x or sqrt(0.1^2+(0.002*x)^2)."
                ),
            )
            return
        for bound in (data.get("range_lower"), data.get("range_upper")):
            if bound is None:
                continue
            try:
                value = formulas.evaluate(data["u_formula"], float(bound))
            except (ArithmeticError, ValueError, formulas.FormulaError):
                value = float("nan")
            if not math.isfinite(value) or value <= 0:
                error(
                    "uncertainty",
                    _("The formula gives no positive value at %(x)s.") % {"x": decimal_text(bound)},
                )
                break
    elif form == UncertaintyForm.TABLE:
        _clean_table(text, data, error)


def _split_range(text: str) -> list[str] | None:
    for sep in _RANGE_SEPARATORS:
        if sep in text:
            parts = [p.strip() for p in text.split(sep)]
            return parts if len(parts) == 2 and all(parts) else None
    return None


def _set_u(data: dict, key: str, text: str, error) -> None:
    try:
        value = parse_decimal(text.rstrip("%"))
    except ValueError:
        error("uncertainty", _("Not a number."))
        return
    if value <= 0:
        error("uncertainty", _("An uncertainty is larger than zero."))
        return
    if significant_digits(value) > 2:
        error(
            "uncertainty",
            _("%(value)s has more than two significant digits (JJF 1059.1).") % {"value": text},
        )
        return
    data[key] = value


def _clean_table(text: str, data: dict, error) -> None:
    points = []
    for item in text.replace("；", ";").replace("\n", ";").split(";"):
        if not item.strip():
            continue
        pair = item.replace("：", ":").split(":")
        if len(pair) != 2:
            error("uncertainty", _("Write a table as x:U; x:U, such as 0:0.02; 100:0.05."))
            return
        try:
            x, u = parse_decimal(pair[0]), parse_decimal(pair[1])
        except ValueError:
            error("uncertainty", _("Not a number."))
            return
        if u <= 0 or significant_digits(u) > 2:
            error(
                "uncertainty",
                _("%(value)s has more than two significant digits (JJF 1059.1).")
                % {"value": pair[1].strip()}
                if u > 0
                else _("An uncertainty is larger than zero."),
            )
            return
        points.append((x, u))
    if len(points) < 2 or any(a[0] >= b[0] for a, b in zip(points, points[1:], strict=False)):
        error("uncertainty", _("A table needs at least two points with increasing x."))
        return
    data["u_table"] = [[decimal_text(x), decimal_text(u)] for x, u in points]


def line_to_row(line) -> dict:
    """The template row of a line (export, change-request forms): clean_row(line_to_row(l)) gives
    back the line's fields."""
    if line.u_form == UncertaintyForm.VALUE:
        uncertainty = decimal_text(line.u_value)
    elif line.u_form == UncertaintyForm.RANGE:
        uncertainty = f"{decimal_text(line.u_value)}~{decimal_text(line.u_value_max)}"
    elif line.u_form == UncertaintyForm.FORMULA:
        uncertainty = line.u_formula
    elif line.u_form == UncertaintyForm.TABLE:
        uncertainty = "; ".join(f"{x}:{u}" for x, u in line.u_table)
    else:
        uncertainty = ""
    numeric = line.u_form in NUMERIC_FORMS
    return {
        "kind": KIND_ZH.get(line.kind, line.kind),
        "area": AREA_ZH.get(line.area, line.area),
        "branch": line.branch,
        "industry_domain": line.industry_domain,
        "measurand": line.measurand,
        "instrument": line.instrument,
        "conditions": line.conditions,
        "range_lower": decimal_text(line.range_lower),
        "range_upper": decimal_text(line.range_upper),
        "unit": line.unit,
        "u_form": FORM_ZH.get(line.u_form, line.u_form),
        "uncertainty": uncertainty,
        "u_relative": RELATIVE_ZH[line.u_relative] if numeric else "",
        "u_unit": line.u_unit,
        "coverage_k": decimal_text(line.coverage_k),
        "coverage_p": decimal_text(line.coverage_p),
        "accuracy": line.accuracy,
        "methods": line.methods,
        "cnas": YES_NO_ZH[line.cnas],
    }
