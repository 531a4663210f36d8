"""The budget file: the JSON document users save, send and load (issue 7, "The budget file").

:func:`parse_budget` validates a decoded document and reports every problem with the JSON path
it sits at (``inputs[3].uncertainty.half_width: must be > 0``); :func:`evaluate` runs the GUM
and/or Monte Carlo methods on it and returns the result object, ready for ``json.dumps``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from . import gum, mcm, messages
from . import inputs as inp
from .model import Model, ModelError, compile_model, symbol_problem, validate_expression
from .report import report_strings

METHODS = ("gum", "mcm", "both")
MAX_TRIALS = mcm.DEFAULT_MAX_TRIALS
# Bounds that keep one evaluation's memory and time in reason (a budget may come from anyone).
MAX_INPUTS = 200
MAX_MEASURANDS = 20
MAX_TEXT = 2_000  # characters of a title, description, unit or model
MAX_OBSERVATIONS = 100_000
MAX_MCM_VALUES = 50_000_000  # trials x measurands kept for the intervals: 400 MB of float64
ROUNDINGS = ("half-even", "up")
HALF_WIDTH_DISTRIBUTIONS = ("rectangular", "triangular", "arcsine", "trapezoidal")

TOP_KEYS = {"title", "description", "measurands", "inputs", "correlations", "coverage", "mcm",
            "report"}  # fmt: skip
MEASURAND_KEYS = {"symbol", "model", "unit", "description"}
INPUT_KEYS = {"symbol", "value", "unit", "observations", "uncertainty", "description"}
UNCERTAINTY_KEYS = {"standard", "dof", "type", "distribution", "expanded", "k", "probability",
                    "half_width", "beta"}  # fmt: skip
CORRELATION_KEYS = {"inputs", "r", "from"}
COVERAGE_KEYS = {"k", "probability"}
MCM_KEYS = {"trials", "adaptive", "significant_digits", "seed", "probability", "max_trials"}
REPORT_KEYS = {"significant_digits", "rounding"}


class BudgetError(ValueError):
    """An invalid budget; ``errors`` is a list of (path, English message) pairs.

    ``details`` keeps (path, code, params) so another layer can render the messages in another
    language with :func:`messages.render`.
    """

    def __init__(self, details: list[tuple[str, str, dict]]) -> None:
        self.details = details
        self.errors = [(path, messages.render(code, params)) for path, code, params in details]
        super().__init__("\n".join(f"{path}: {message}" for path, message in self.errors))

    def translated(self, language: str) -> list[tuple[str, str]]:
        return [(p, messages.render(code, params, language)) for p, code, params in self.details]


@dataclass(frozen=True)
class McmSettings:
    trials: int = mcm.DEFAULT_TRIALS
    adaptive: bool = False
    significant_digits: int | None = None
    seed: int | None = None
    probability: float | None = None
    max_trials: int = MAX_TRIALS


@dataclass(frozen=True)
class Budget:
    title: str
    measurands: tuple[tuple[str, str, str], ...]  # (symbol, model, unit)
    inputs: tuple[inp.Input, ...]
    correlation: np.ndarray | None
    k: float | None
    probability: float | None
    mcm: McmSettings
    significant_digits: int = 2
    rounding: str = "half-even"
    model: Model = field(default=None, repr=False)


# --- checking helpers ---------------------------------------------------------------------------


class _Checker:
    """Collects (path, code, params) problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str, dict]] = []

    def error(self, path: str, code: str, **params: Any) -> None:
        self.problems.append((path, code, params))

    def obj(self, value: Any, path: str, allowed: set[str]) -> dict | None:
        if not isinstance(value, dict):
            self.error(path or "$", "not_object")
            return None
        for key in value:
            if key not in allowed:
                # Name the keys that are valid here, so a typo is fixed without the manual.
                self.error(_join(path, key), "unknown_key", allowed=", ".join(sorted(allowed)))
        return value

    def items(
        self, value: Any, path: str, allow_empty: bool = False, maximum: int | None = None
    ) -> list | None:
        if not isinstance(value, list):
            self.error(path, "not_list")
            return None
        if not value and not allow_empty:
            self.error(path, "empty_list")
            return None
        if maximum is not None and len(value) > maximum:
            self.error(path, "too_many", maximum=maximum)
            return None
        return value

    def string(self, d: dict, key: str, path: str, required: bool = False) -> str | None:
        if key not in d:
            if required:
                self.error(_join(path, key), "required")
            return None
        if not isinstance(d[key], str):
            self.error(_join(path, key), "not_string")
            return None
        if len(d[key]) > MAX_TEXT:
            self.error(_join(path, key), "too_long", maximum=MAX_TEXT)
            return None
        return d[key]

    def number(
        self,
        d: dict,
        key: str,
        path: str,
        *,
        required: bool = False,
        positive: bool = False,
        unit_interval: bool = False,
        integer: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        where = _join(path, key)
        if key not in d:
            if required:
                self.error(where, "required")
            return None
        value = d[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.error(where, "not_number")
            return None
        if integer and not float(value).is_integer():
            self.error(where, "not_integer")
            return None
        checks = (
            (positive and value <= 0, "gt_zero", {}),
            (unit_interval and not 0 < value < 1, "open_unit_interval", {}),
            (minimum is not None and value < minimum, "ge_value", {"minimum": minimum}),
            (maximum is not None and value > maximum, "le_value", {"maximum": maximum}),
        )
        for failed, code, params in checks:
            if failed:
                self.error(where, code, **params)
                return None
        return int(value) if integer else float(value)

    def symbol(self, d: dict, path: str, taken: set[str]) -> str | None:
        if "symbol" not in d:
            self.error(_join(path, "symbol"), "required")
            return None
        name = d["symbol"]
        problem = symbol_problem(name)
        if problem:
            self.error(_join(path, "symbol"), problem[0], **problem[1])
            return None
        if name in taken:
            self.error(_join(path, "symbol"), "duplicate_symbol", name=name)
            return None
        taken.add(name)
        return name


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# --- sections -----------------------------------------------------------------------------------


def _parse_input(c: _Checker, raw: Any, path: str, taken: set[str]) -> inp.Input | None:
    d = c.obj(raw, path, INPUT_KEYS)
    if d is None:
        return None
    symbol = c.symbol(d, path, taken)
    unit = c.string(d, "unit", path) or ""
    if "observations" in d:
        for other in ("value", "uncertainty"):
            if other in d:
                c.error(_join(path, other), "not_allowed_with", other="observations")
        return _parse_observations(c, d["observations"], _join(path, "observations"), symbol, unit)
    value = c.number(d, "value", path, required=True)
    if "uncertainty" not in d:
        return None if symbol is None or value is None else inp.constant(symbol, value, unit)
    return _parse_uncertainty(c, d["uncertainty"], _join(path, "uncertainty"), symbol, value, unit)


def _parse_observations(c: _Checker, raw: Any, path: str, symbol, unit) -> inp.Input | None:
    values = c.items(raw, path, maximum=MAX_OBSERVATIONS)
    if values is None:
        return None
    ok = True
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            c.error(_join(path, i), "not_number")
            ok = False
    if len(values) < 2:
        c.error(path, "too_few_observations")
        ok = False
    return inp.type_a(symbol, values, unit) if ok and symbol else None


def _parse_uncertainty(c: _Checker, raw: Any, path: str, symbol, value, unit) -> inp.Input | None:
    d = c.obj(raw, path, UNCERTAINTY_KEYS)
    if d is None:
        return None
    forms = [key for key in ("standard", "expanded", "half_width") if key in d]
    if len(forms) != 1:
        c.error(path, "exactly_one_of", choices="standard, expanded, half_width")
        return None
    before = len(c.problems)
    dof = c.number(d, "dof", path, positive=True)
    distribution = d.get("distribution", "normal" if forms[0] != "half_width" else None)
    # An invalid value is already reported; 0.0 stands in so the uncertainty is still checked.
    estimate = 0.0 if value is None else value
    result = {"standard": _standard, "expanded": _expanded, "half_width": _half_width}[forms[0]](
        c, d, path, symbol, estimate, unit, dof, distribution
    )
    return result if len(c.problems) == before and symbol and value is not None else None


def _standard(c: _Checker, d, path, symbol, value, unit, dof, distribution) -> inp.Input | None:
    u = c.number(d, "standard", path, positive=True)
    _expect_distribution(c, distribution, path, ("normal",))
    for key in ("k", "probability", "beta"):
        if key in d:
            c.error(_join(path, key), "not_allowed_with", other="standard")
    kind = d.get("type", "B")
    if kind not in ("A", "B"):
        c.error(_join(path, "type"), "one_of", choices="A, B")
    return None if u is None else inp.standard(symbol, value, u, dof, kind, unit)


def _expanded(c: _Checker, d, path, symbol, value, unit, dof, distribution) -> inp.Input | None:
    big_u = c.number(d, "expanded", path, positive=True)
    _expect_distribution(c, distribution, path, ("normal",))
    _no_type(c, d, path)
    if ("k" in d) == ("probability" in d):
        c.error(path, "exactly_one_of", choices="k, probability")
        return None
    k = c.number(d, "k", path, positive=True)
    p = c.number(d, "probability", path, unit_interval=True)
    if "beta" in d:
        c.error(_join(path, "beta"), "not_allowed_with", other="expanded")
    if big_u is None or (k is None and p is None):
        return None
    try:
        return inp.expanded(symbol, value, big_u, k=k, probability=p, dof=dof, unit=unit)
    except ArithmeticError:  # a probability so near 0 that k underflows to 0
        c.error(path, "not_computable")
        return None


def _half_width(c: _Checker, d, path, symbol, value, unit, dof, distribution) -> inp.Input | None:
    a = c.number(d, "half_width", path, positive=True)
    _no_type(c, d, path)
    if distribution is None:
        c.error(_join(path, "distribution"), "required")
        return None
    if not _expect_distribution(c, distribution, path, HALF_WIDTH_DISTRIBUTIONS):
        return None
    for key in ("k", "probability"):
        if key in d:
            c.error(_join(path, key), "not_allowed_with", other="half_width")
    beta = None
    if distribution == "trapezoidal":
        beta = c.number(d, "beta", path, required=True, minimum=0, maximum=1)
    elif "beta" in d:
        c.error(_join(path, "beta"), "not_allowed_with", other=distribution)
    if a is None or (distribution == "trapezoidal" and beta is None):
        return None
    return inp.half_width(symbol, value, a, distribution, beta, dof, unit)


def _expect_distribution(c: _Checker, distribution, path: str, allowed: tuple) -> bool:
    if distribution not in allowed:
        c.error(_join(path, "distribution"), "one_of", choices=", ".join(allowed))
        return False
    return True


def _no_type(c: _Checker, d: dict, path: str) -> None:
    # "type" distinguishes A from B only for a directly stated standard uncertainty.
    if "type" in d:
        c.error(_join(path, "type"), "not_allowed_with", other="standard")


def _parse_measurands(c: _Checker, raw: Any, taken: set[str]) -> list[tuple[str, Any, str]]:
    items = c.items(raw, "measurands", maximum=MAX_MEASURANDS)
    parsed = []
    for i, item in enumerate(items or []):
        path = _join("measurands", i)
        d = c.obj(item, path, MEASURAND_KEYS)
        if d is None:
            continue
        symbol = c.symbol(d, path, taken)
        model = d.get("model")
        if "model" not in d:
            c.error(_join(path, "model"), "required")
        elif not isinstance(model, str) or not model.strip():
            c.error(_join(path, "model"), "not_string" if not isinstance(model, str) else
                    "empty_string")  # fmt: skip
        parsed.append((symbol, model, c.string(d, "unit", path) or ""))
    return parsed


def _check_models(c: _Checker, measurands, symbols: tuple[str, ...]) -> None:
    for i, (_, model, _) in enumerate(measurands):
        if not isinstance(model, str) or not model.strip():
            continue
        try:
            validate_expression(model, symbols)
        except ModelError as exc:
            c.error(_join(_join("measurands", i), "model"), exc.code, **exc.params)


def _parse_correlations(c: _Checker, raw: Any, inputs: list) -> np.ndarray | None:
    items = c.items(raw, "correlations", allow_empty=True)
    if not items:
        return None
    by_symbol = {x.symbol: x for x in inputs if x is not None}
    pairs: dict[tuple[str, str], float] = {}
    for i, item in enumerate(items):
        path = _join("correlations", i)
        d = c.obj(item, path, CORRELATION_KEYS)
        if d is None:
            continue
        names = _correlated_names(c, d, path, by_symbol)
        if names is None:
            continue
        for (a, b), r in _pair_values(c, d, path, names, by_symbol).items():
            key = (a, b) if (b, a) not in pairs else (b, a)
            if key in pairs:
                c.error(_join(path, "inputs"), "duplicate_pair", a=a, b=b)
            pairs[key] = r
    if c.problems or len(by_symbol) != len(inputs):
        return None
    matrix = inp.correlation_matrix(inputs, pairs)
    if not inp.is_positive_semidefinite(matrix):
        c.error("correlations", "not_psd")
        return None
    return matrix


def _correlated_names(c: _Checker, d: dict, path: str, by_symbol: dict) -> list[str] | None:
    where = _join(path, "inputs")
    names = c.items(d.get("inputs"), where) if "inputs" in d else None
    if "inputs" not in d:
        c.error(where, "required")
    if names is None:
        return None
    ok = True
    for j, name in enumerate(names):
        if not isinstance(name, str) or name not in by_symbol:
            c.error(_join(where, j), "unknown_input", name=name)
            ok = False
        elif by_symbol[name].is_constant:
            c.error(_join(where, j), "constant_input", name=name)
            ok = False
    if ok and len(set(names)) != len(names) or len(names) < 2:
        c.error(where, "same_input" if len(names) >= 2 else "too_few_observations")
        ok = False
    return names if ok else None


def _pair_values(c: _Checker, d, path, names, by_symbol) -> dict[tuple[str, str], float]:
    if ("r" in d) == ("from" in d):
        c.error(path, "exactly_one_of", choices="r, from")
        return {}
    if "r" in d:
        r = c.number(d, "r", path, minimum=-1, maximum=1)
        if len(names) != 2:
            c.error(_join(path, "inputs"), "le_value", maximum=2)
            return {}
        return {} if r is None else {(names[0], names[1]): r}
    if d["from"] != "observations":
        c.error(_join(path, "from"), "one_of", choices="observations")
        return {}
    missing = [n for n in names if by_symbol[n].observations is None]
    for name in missing:
        c.error(_join(path, "inputs"), "no_observations", name=name)
    counts = {len(by_symbol[n].observations) for n in names if n not in missing}
    if len(counts) > 1:
        c.error(_join(path, "inputs"), "observation_count", counts=sorted(counts))
    if missing or len(counts) > 1:
        return {}
    r = inp.correlation_from_observations([by_symbol[n] for n in names])
    return {
        (names[a], names[b]): float(r[a, b])
        for a in range(len(names))
        for b in range(a + 1, len(names))
    }


def _parse_coverage(c: _Checker, raw: Any) -> tuple[float | None, float | None]:
    d = c.obj(raw, "coverage", COVERAGE_KEYS)
    if d is None:
        return gum.DEFAULT_K, None
    if ("k" in d) == ("probability" in d):
        c.error("coverage", "exactly_one_of", choices="k, probability")
        return gum.DEFAULT_K, None
    return (
        c.number(d, "k", "coverage", positive=True),
        c.number(d, "probability", "coverage", unit_interval=True),
    )


def _parse_mcm(c: _Checker, raw: Any) -> McmSettings:
    d = c.obj(raw, "mcm", MCM_KEYS)
    if d is None:
        return McmSettings()
    adaptive = d.get("adaptive", False)
    if not isinstance(adaptive, bool):
        c.error("mcm.adaptive", "not_bool")
        adaptive = False
    if adaptive and "trials" in d:
        c.error("mcm.trials", "not_allowed_with", other="adaptive")
    if not adaptive and "significant_digits" in d:
        c.error("mcm.significant_digits", "not_allowed_with", other="trials")
    trials = c.number(d, "trials", "mcm", integer=True, minimum=100, maximum=MAX_TRIALS)
    max_trials = c.number(d, "max_trials", "mcm", integer=True, minimum=10_000, maximum=MAX_TRIALS)
    return McmSettings(
        trials=trials or mcm.DEFAULT_TRIALS,
        adaptive=adaptive,
        significant_digits=c.number(
            d, "significant_digits", "mcm", integer=True, minimum=1, maximum=3
        ),
        seed=c.number(d, "seed", "mcm", integer=True, minimum=0, maximum=2**63 - 1),
        probability=c.number(d, "probability", "mcm", unit_interval=True),
        max_trials=max_trials or MAX_TRIALS,
    )


def _bound_mcm(c: _Checker, s: McmSettings, raw: Any, measurands: int) -> McmSettings:
    """All trials x measurands values are kept (the intervals need them): bound their number."""
    cap = MAX_MCM_VALUES // max(measurands, 1)
    if not s.adaptive and s.trials > cap:
        c.error("mcm.trials", "le_value", maximum=cap)
    if s.max_trials > cap:
        if isinstance(raw, dict) and "max_trials" in raw:
            c.error("mcm.max_trials", "le_value", maximum=cap)
        else:
            return replace(s, max_trials=cap)
    return s


def _parse_report(c: _Checker, raw: Any) -> tuple[int, str]:
    d = c.obj(raw, "report", REPORT_KEYS)
    if d is None:
        return 2, "half-even"
    digits = c.number(d, "significant_digits", "report", integer=True, minimum=1, maximum=2)
    rounding = d.get("rounding", "half-even")
    if rounding not in ROUNDINGS:
        c.error("report.rounding", "one_of", choices=", ".join(ROUNDINGS))
    return digits or 2, rounding if rounding in ROUNDINGS else "half-even"


# --- public API ---------------------------------------------------------------------------------


def parse_budget(data: Any) -> Budget:
    """Validate a decoded budget document; raise :class:`BudgetError` listing every problem."""
    c = _Checker()
    d = c.obj(data, "", TOP_KEYS)
    if d is None:
        raise BudgetError(c.problems)
    title = c.string(d, "title", "") or ""
    taken: set[str] = set()
    raw_inputs = c.items(d.get("inputs"), "inputs", maximum=MAX_INPUTS) if "inputs" in d else None
    if "inputs" not in d:
        c.error("inputs", "required")
    parsed = [_parse_input(c, x, _join("inputs", i), taken) for i, x in enumerate(raw_inputs or [])]
    input_symbols = tuple(sorted(taken))  # declared, even where the rest of the input is wrong
    if "measurands" not in d:
        c.error("measurands", "required")
    measurands = _parse_measurands(c, d.get("measurands"), taken) if "measurands" in d else []
    _check_models(c, measurands, input_symbols)
    correlation = _parse_correlations(c, d.get("correlations", []), parsed)
    k, probability = _parse_coverage(c, d["coverage"]) if "coverage" in d else (2.0, None)
    settings = _parse_mcm(c, d["mcm"]) if "mcm" in d else McmSettings()
    settings = _bound_mcm(c, settings, d.get("mcm"), len(measurands))
    digits, rounding = _parse_report(c, d["report"]) if "report" in d else (2, "half-even")
    if c.problems:
        raise BudgetError(c.problems)
    symbols = tuple(x.symbol for x in parsed)
    model = compile_model(tuple(m[1] for m in measurands), symbols, tuple(m[0] for m in measurands))
    return Budget(
        title, tuple(measurands), tuple(parsed), correlation, k, probability, settings, digits,
        rounding, model,
    )  # fmt: skip


def load_budget(path: str | Path) -> dict:
    """Read and decode a budget file; decoding problems become a :class:`BudgetError`."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # Windows editors add a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise BudgetError([("$", "cannot_read", {"detail": str(exc)})]) from None
    return decode_json(text)


class _NotJson(ValueError):
    """NaN, Infinity or -Infinity: Python's json module reads them, JSON has none."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is not valid JSON")
        self.name = name


def _reject_constant(name: str) -> None:
    raise _NotJson(name)


def decode_json(text: str) -> Any:
    """A budget's JSON text decoded; a problem is a BudgetError at "$" that says where it lies in
    the reader's language (the parser's own message is English: “Expecting value …”)."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except _NotJson as exc:
        raise BudgetError([("$", "json_constant", {"name": exc.name})]) from None
    except json.JSONDecodeError as exc:
        where = {"line": exc.lineno, "column": exc.colno}
        raise BudgetError([("$", "invalid_json", where)]) from None
    except RecursionError:
        raise BudgetError([("$", "json_too_deep", {})]) from None


def evaluate(budget: dict | Budget, method: str = "both", xp: Any = None) -> dict:
    """Evaluate a budget document with the GUM method, the Monte Carlo method, or both."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    b = budget if isinstance(budget, Budget) else parse_budget(budget)
    try:
        with np.errstate(all="ignore"):
            gum_result = _run_gum(b)
            mcm_result = _run_mcm(b, xp) if method in ("mcm", "both") else None
            document = _result_document(b, method, gum_result, mcm_result)
    except BudgetError:
        raise
    except (ArithmeticError, ValueError):
        # Estimates or uncertainties near the ends of the float range: overflow, 0/0, ...
        raise BudgetError([("measurands", "not_computable", {})]) from None
    _check_finite(document)
    return document


def _check_finite(document: dict) -> None:
    """A result must be plain JSON: a NaN or infinity anywhere means the numbers overflowed."""

    def finite(value: Any) -> bool:
        if isinstance(value, float):
            return math.isfinite(value)
        if isinstance(value, dict):
            return all(finite(v) for v in value.values())
        if isinstance(value, list | tuple):
            return all(finite(v) for v in value)
        return True

    problems = [
        (f"measurands[{i}]", "not_computable", {})
        for i, m in enumerate(document["measurands"])
        if not finite(m)
    ]
    if not problems and not finite(document["correlation"]):
        problems = [("measurands", "not_computable", {})]
    if problems:
        raise BudgetError(problems)


def _run_gum(b: Budget) -> gum.GumResult:
    try:
        return gum.evaluate(b.model, b.inputs, b.correlation, k=b.k, probability=b.probability)
    except ModelError as exc:
        raise BudgetError(_locate_model_error(b, exc)) from None


def _locate_model_error(b: Budget, exc: ModelError) -> list[tuple[str, str, dict]]:
    """Find which measurand cannot be evaluated, to name it in the path."""
    symbols = tuple(x.symbol for x in b.inputs)
    values = [x.value for x in b.inputs]
    found = []
    for i, (symbol, model, _) in enumerate(b.measurands):
        try:
            compile_model((model,), symbols, (symbol,)).evaluate(values)
        except ModelError as single:
            found.append((f"measurands[{i}].model", single.code, single.params))
    return found or [("measurands", exc.code, exc.params)]


def _run_mcm(b: Budget, xp: Any) -> mcm.McmResult:
    s = b.mcm
    probability = b.probability or s.probability or 0.95
    result = mcm.run(
        b.model,
        b.inputs,
        b.correlation,
        trials=s.trials,
        adaptive=s.adaptive,
        significant_digits=s.significant_digits or b.significant_digits,
        probability=probability,
        seed=s.seed,
        xp=xp,
        max_trials=s.max_trials,
    )
    # A model undefined where the input distributions reach (log of a negative draw) gives NaN.
    problems = [
        (f"measurands[{i}].model", "mcm_not_finite", {})
        for i, m in enumerate(result.measurands)
        if not all(map(math.isfinite, (m.value, m.standard_uncertainty, *m.interval)))
    ]
    if problems:
        raise BudgetError(problems)
    return result


# --- the result document ------------------------------------------------------------------------


def _dof(value: float) -> int | None:
    return None if math.isinf(value) else int(value)


def _float_or_none(value: float) -> float | None:
    return None if math.isinf(value) else float(value)


def _matrix(a: np.ndarray) -> list[list[float]]:
    return [[float(v) for v in row] for row in np.asarray(a)]


def _input_document(x: inp.Input) -> dict:
    return {
        "symbol": x.symbol,
        "unit": x.unit,
        "value": x.value,
        "standard_uncertainty": x.standard_uncertainty,
        "dof": _float_or_none(x.dof),
        "type": x.type,
        "distribution": x.distribution,
    }


def _gum_document(b: Budget, r: gum.MeasurandResult, unit: str) -> dict:
    units = {x.symbol: x.unit for x in b.inputs}
    return {
        "value": r.value,
        "standard_uncertainty": r.standard_uncertainty,
        "dof": _dof(r.dof),
        "dof_effective": _float_or_none(r.dof_effective),
        "k": r.k,
        "probability": r.probability,
        "expanded_uncertainty": r.expanded_uncertainty,
        "budget": [
            {
                "symbol": row.symbol,
                "unit": units[row.symbol],
                "value": row.value,
                "standard_uncertainty": row.standard_uncertainty,
                "sensitivity": row.sensitivity,
                "contribution": row.contribution,
                "dof": _float_or_none(row.dof),
                "type": row.type,
                "distribution": row.distribution,
            }
            for row in r.budget
        ],
        "report": report_strings(
            r.symbol,
            r.value,
            r.expanded_uncertainty,
            r.k,
            unit,
            b.significant_digits,
            b.rounding,
            r.probability,
        ),  # fmt: skip
    }


def _mcm_document(res: mcm.McmResult, m: mcm.McmMeasurand, g: gum.MeasurandResult) -> dict:
    check = mcm.validate_gum(g, m, res.probability)
    return {
        "value": m.value,
        "standard_uncertainty": m.standard_uncertainty,
        "interval": list(m.interval),
        "shortest_interval": list(m.shortest_interval),
        "probability": res.probability,
        "trials": res.trials,
        "seed": res.seed,
        "adaptive": res.adaptive,
        "converged": res.converged,
        "significant_digits": res.significant_digits,
        "tolerance": m.tolerance,
        "gum_validated": check.validated,
        "d_low": check.d_low,
        "d_high": check.d_high,
        "gum_interval": list(check.gum_interval),
        "verdict": check.verdict,
        "histogram": m.histogram,
    }


def _result_document(b: Budget, method: str, g: gum.GumResult, res: mcm.McmResult | None) -> dict:
    measurands = []
    for i, (symbol, model, unit) in enumerate(b.measurands):
        gm = g.measurands[i]
        measurands.append(
            {
                "symbol": symbol,
                "unit": unit,
                "model": model,
                "gum": _gum_document(b, gm, unit) if method in ("gum", "both") else None,
                "mcm": _mcm_document(res, res.measurands[i], gm) if res else None,
            }
        )
    correlation = {"symbols": [m[0] for m in b.measurands]}
    if method in ("gum", "both"):
        correlation["gum_covariance"] = _matrix(g.covariance)
        correlation["gum_correlation"] = _matrix(g.correlation)
    if res is not None:
        correlation["mcm_correlation"] = _matrix(res.correlation)
    warnings = [
        {"code": code, "en": messages.render(code, p), "zh": messages.render(code, p, "zh-hans")}
        for code, p in (res.warnings if res else ())
    ]
    return {
        "title": b.title,
        "method": method,
        "inputs": [_input_document(x) for x in b.inputs],
        "measurands": measurands,
        "correlation": correlation,
        "warnings": warnings,
    }


def dumps(result: dict, indent: int | None = 2) -> str:
    """JSON text of a result (non-ASCII units such as Ω kept readable)."""
    return json.dumps(result, ensure_ascii=False, indent=indent, allow_nan=False)


# --- many points of one budget ------------------------------------------------------------------

MAX_POINTS = 100_000


def evaluate_points(budget: dict | Budget, points: list[dict[str, Any]]) -> gum.PointsResult:
    """The GUM result of one budget at many points, in one vectorised call.

    Each point maps input symbols to what changes at that point: a number replaces the input's
    estimate (its uncertainty stays as budgeted), a list of readings replaces the input by a
    Type A evaluation of them. Problems are reported with the point's index, every one at once
    (``points[3].X: must be a finite number``).
    """
    b = budget if isinstance(budget, Budget) else parse_budget(budget)
    c = _Checker()
    rows = c.items(points, "points", maximum=MAX_POINTS)
    if rows is None:
        raise BudgetError(c.problems)
    index = {x.symbol: i for i, x in enumerate(b.inputs)}
    values = np.tile([x.value for x in b.inputs], (len(rows), 1))
    us = np.tile([x.standard_uncertainty for x in b.inputs], (len(rows), 1))
    dofs = np.tile([x.dof for x in b.inputs], (len(rows), 1))
    readings: dict[tuple[int, int], tuple[list[int], list[list]]] = {}
    for p, point in enumerate(rows):
        if not isinstance(point, dict):
            c.error(_join("points", p), "not_object")
            continue
        for symbol, given in point.items():
            i = index.get(symbol)
            if i is None:
                c.error(
                    _join(_join("points", p), symbol),
                    "unknown_key",
                    allowed=", ".join(sorted(index)),
                )
            elif type(given) in (float, int) and math.isfinite(given):
                values[p, i] = given  # the common case, checked without building its path
            elif isinstance(given, list) and not b.inputs[i].is_constant:
                if _readings_ok(c, given, _join(_join("points", p), symbol)):
                    group = readings.setdefault((i, len(given)), ([], []))
                    group[0].append(p)
                    group[1].append(given)
            else:
                c.error(_join(_join("points", p), symbol), "not_number")
    if c.problems:
        raise BudgetError(c.problems)
    # Type A of every point's readings at once, per input and number of readings (GUM 4.2).
    for (i, n), (where, data) in readings.items():
        obs = np.asarray(data, dtype=float)
        values[where, i] = obs.mean(axis=1)
        us[where, i] = obs.std(axis=1, ddof=1) / math.sqrt(n)
        dofs[where, i] = n - 1
    result = gum.evaluate_many(
        b.model, values, us, dofs, b.correlation, k=b.k, probability=b.probability
    )  # fmt: skip
    finite = np.isfinite(result.values) & np.isfinite(result.standard_uncertainties)
    problems = [(_join("points", p), "not_computable", {}) for p in np.flatnonzero(~finite.all(1))]
    if problems:
        raise BudgetError(problems)
    return result


def _readings_ok(c: _Checker, given: list, where: str) -> bool:
    if len(given) < 2:
        c.error(where, "too_few_observations")
        return False
    if len(given) > MAX_OBSERVATIONS:
        c.error(where, "too_many", maximum=MAX_OBSERVATIONS)
        return False
    if not all(type(v) in (float, int) and math.isfinite(v) for v in given):
        c.error(where, "not_number")
        return False
    return True
