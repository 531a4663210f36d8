"""Propagation of distributions by the Monte Carlo method (JJF 1059.2-2012, GUM Supplement 1).

Written against an array namespace ``xp`` (numpy by default; CuPy works the same way) so the
work runs where the arrays live. Trials are drawn and propagated in batches: memory holds one
batch of inputs plus the model values, which the coverage intervals need anyway. The values are
sorted once per measurand, at the end.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import messages
from .gum import MeasurandResult
from .inputs import Input, correlated_groups
from .model import Model

DEFAULT_TRIALS = 1_000_000
DEFAULT_BATCH = 1 << 16  # 512 KiB per float64 array: the elementwise work stays in cache
DEFAULT_MAX_TRIALS = 10_000_000
HISTOGRAM_BINS = 50
SEED_BITS = 48  # fits a JavaScript number, so the page can show and send it back intact


@dataclass(frozen=True)
class McmMeasurand:
    symbol: str
    value: float
    standard_uncertainty: float
    interval: tuple[float, float]  # probabilistically symmetric
    shortest_interval: tuple[float, float]
    tolerance: float  # numerical tolerance delta of u (S1 7.9.2)
    histogram: dict = field(repr=False)


@dataclass(frozen=True)
class McmResult:
    measurands: tuple[McmMeasurand, ...]
    probability: float
    trials: int
    seed: int
    adaptive: bool
    converged: bool
    significant_digits: int
    correlation: np.ndarray  # between measurands
    warnings: tuple[tuple[str, dict], ...] = ()


@dataclass(frozen=True)
class Validation:
    """GUM validated against MCM (S1 8.2): both d within the tolerance."""

    d_low: float
    d_high: float
    tolerance: float
    validated: bool
    gum_interval: tuple[float, float]
    verdict: dict[str, str]


def numerical_tolerance(u: float, significant_digits: int = 2) -> float:
    """delta = 1/2 10^l where u = c 10^l and c has ``significant_digits`` digits (S1 7.9.2)."""
    if not u > 0.0 or not math.isfinite(u):
        return 0.0
    exponent = math.floor(math.log10(u)) - (significant_digits - 1)
    if round(u / 10.0**exponent) >= 10**significant_digits:  # 9.96 -> 10: one digit more
        exponent += 1
    return 0.5 * 10.0**exponent


# --- sampling ---------------------------------------------------------------------------------


def make_rng(xp: Any, seed: int) -> Any:
    if xp is np:
        return np.random.Generator(np.random.PCG64(seed))
    return xp.random.default_rng(seed)


@dataclass(frozen=True)
class _Group:
    """Inputs drawn together: one independent input, or a correlated set (Cholesky factor)."""

    indices: tuple[int, ...]
    factor: Any = None  # lower-triangular, xp array, for correlated sets
    dof: float = math.inf  # Student t when finite (S1 6.4.8-6.4.9)


def _sqrt_factor(r: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.cholesky(r)
    except np.linalg.LinAlgError:  # singular but semi-definite (r = 1): symmetric square root
        w, v = np.linalg.eigh(r)
        return v * np.sqrt(np.clip(w, 0.0, None))


def plan_groups(
    inputs: Sequence[Input], correlation: np.ndarray | None, xp: Any
) -> tuple[list[_Group], list[tuple[str, dict]]]:
    variable = [i for i, inp in enumerate(inputs) if not inp.is_constant]
    r = np.eye(len(inputs)) if correlation is None else np.asarray(correlation, dtype=float)
    groups, warnings = [], []
    for members in correlated_groups(variable, r):
        if len(members) == 1:
            groups.append(_Group((members[0],), dof=inputs[members[0]].dof))
            continue
        dofs = {inputs[i].dof for i in members}
        normal = all(inputs[i].distribution == "normal" for i in members)
        if len(dofs) > 1 or not normal:
            warnings.append(
                (
                    "mcm_correlated_non_normal",
                    {"names": ", ".join(inputs[i].symbol for i in members)},
                )
            )
        # Simultaneous observations share nu = n - 1: multivariate t (S1 6.4.8); otherwise the
        # multivariate normal is the only joint law the budget defines.
        dof = dofs.pop() if len(dofs) == 1 else math.inf
        factor = xp.asarray(_sqrt_factor(r[np.ix_(members, members)]))
        groups.append(_Group(tuple(members), factor, dof))
    return groups, warnings


def _t_scale(rng: Any, xp: Any, dof: float, size: int) -> Any:
    """sqrt(chi2_nu / nu): divide standard normals by it to get Student t."""
    return xp.sqrt(rng.standard_gamma(dof / 2.0, size) * (2.0 / dof))


def _draw_single(inp: Input, rng: Any, xp: Any, size: int) -> Any:
    mu = inp.value
    dist = inp.distribution
    if dist == "normal":
        z = rng.standard_normal(size)
        if math.isfinite(inp.dof):
            z /= _t_scale(rng, xp, inp.dof, size)
        z *= inp.standard_uncertainty
        z += mu
        return z
    a = inp.half_width
    r = rng.random(size)
    if dist == "rectangular":
        r *= 2.0 * a
        r += mu - a
    elif dist == "triangular":  # sum of two uniforms (S1 6.4.5)
        r += rng.random(size)
        r *= a
        r += mu - a
    elif dist == "arcsine":  # S1 6.4.6
        r = xp.sin(r * (2.0 * math.pi))
        r *= a
        r += mu
    elif dist == "trapezoidal":  # S1 6.4.4
        r *= 1.0 + inp.beta
        r += (1.0 - inp.beta) * rng.random(size)
        r *= a
        r += mu - a
    else:  # pragma: no cover - the budget validator allows no other value
        raise ValueError(dist)
    return r


def _draw_group(
    group: _Group, inputs: Sequence[Input], rng: Any, xp: Any, size: int
) -> dict[int, Any]:
    if group.factor is None:
        i = group.indices[0]
        return {i: _draw_single(inputs[i], rng, xp, size)}
    z = group.factor @ rng.standard_normal((len(group.indices), size))
    if math.isfinite(group.dof):
        z /= _t_scale(rng, xp, group.dof, size)
    drawn = {}
    for row, i in enumerate(group.indices):
        x = z[row]
        x *= inputs[i].standard_uncertainty
        x += inputs[i].value
        drawn[i] = x
    return drawn


def _propagate(
    function: Any,
    inputs: Sequence[Input],
    groups: list[_Group],
    rng: Any,
    xp: Any,
    out: Any,
    start: int,
    stop: int,
    batch: int,
) -> None:
    """Fill out[:, start:stop] with model values, one batch at a time."""
    constants = {i: inp.value for i, inp in enumerate(inputs) if inp.is_constant}
    for lo in range(start, stop, batch):
        size = min(batch, stop - lo)
        args = dict(constants)
        for group in groups:
            args.update(_draw_group(group, inputs, rng, xp, size))
        values = function(*(args[i] for i in range(len(inputs))))
        for j, y in enumerate(values):
            out[j, lo : lo + size] = y  # broadcasts a measurand that came out constant


# --- summarising --------------------------------------------------------------------------------


def _to_float(x: Any) -> float:
    return float(x.item() if hasattr(x, "item") else x)


def _to_numpy(a: Any) -> np.ndarray:
    return a.get() if hasattr(a, "get") else np.asarray(a)


def _interval_indices(m: int, probability: float) -> tuple[int, int]:
    """0-based (low, high) of the probabilistically symmetric interval from sorted values."""
    q = int(probability * m + 0.5)
    r = (m - q) // 2 if (m - q) % 2 == 0 else (m - q + 1) // 2
    r = max(r, 1)
    return r - 1, min(r + q - 1, m - 1)


def _shortest(sorted_y: Any, probability: float, xp: Any) -> tuple[float, float]:
    m = sorted_y.shape[0]
    q = int(probability * m + 0.5)
    if q >= m:
        return _to_float(sorted_y[0]), _to_float(sorted_y[-1])
    widths = sorted_y[q:] - sorted_y[: m - q]
    i = int(xp.argmin(widths))
    return _to_float(sorted_y[i]), _to_float(sorted_y[i + q])


def _histogram(sorted_y: Any, xp: Any) -> dict:
    m = sorted_y.shape[0]
    # The central 99.9 %: a few far tail values (Student t inputs) would squash the picture.
    lo = _to_float(sorted_y[int(0.0005 * (m - 1))])
    hi = _to_float(sorted_y[int(0.9995 * (m - 1))])
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0) * 1e-9
    edges = xp.linspace(lo, hi, HISTOGRAM_BINS + 1)
    positions = xp.searchsorted(sorted_y, edges, side="left")
    positions[-1] = xp.searchsorted(sorted_y, edges[-1:], side="right")[0]
    counts = positions[1:] - positions[:-1]
    return {
        "edges": [float(e) for e in _to_numpy(edges)],
        "counts": [int(c) for c in _to_numpy(counts)],
    }


def _summarise(symbol: str, y: Any, probability: float, digits: int, xp: Any) -> McmMeasurand:
    """y is sorted in place."""
    mean = _to_float(xp.mean(y))
    u = _to_float(xp.std(y, ddof=1))
    y.sort()
    low, high = _interval_indices(y.shape[0], probability)
    return McmMeasurand(
        symbol,
        mean,
        u,
        (_to_float(y[low]), _to_float(y[high])),
        _shortest(y, probability, xp),
        numerical_tolerance(u, digits),
        _histogram(y, xp),
    )


def _correlation(values: Any, xp: Any) -> np.ndarray:
    if values.shape[0] == 1:
        return np.ones((1, 1))
    r = _to_numpy(xp.corrcoef(values))
    r[~np.isfinite(r)] = 0.0
    np.fill_diagonal(r, 1.0)
    return r


# --- the procedures -----------------------------------------------------------------------------


def run(
    model: Model,
    inputs: Sequence[Input],
    correlation: np.ndarray | None = None,
    *,
    trials: int = DEFAULT_TRIALS,
    adaptive: bool = False,
    significant_digits: int = 2,
    probability: float = 0.95,
    seed: int | None = None,
    xp: Any = None,
    batch_size: int = DEFAULT_BATCH,
    max_trials: int = DEFAULT_MAX_TRIALS,
) -> McmResult:
    """Monte Carlo propagation: ``trials`` fixed, or the adaptive procedure of S1 7.9."""
    xp = np if xp is None else xp
    seed = secrets.randbits(SEED_BITS) if seed is None else int(seed)
    rng = make_rng(xp, seed)
    groups, warnings = plan_groups(inputs, correlation, xp)
    function = model.array_function(xp)
    m = len(model.measurands)
    if adaptive:
        values, converged = _adaptive(
            function, inputs, groups, rng, xp, m, probability, significant_digits,
            batch_size, max_trials,
        )  # fmt: skip
        if not converged:
            warnings.append(("mcm_not_converged", {"trials": values.shape[1]}))
    else:
        values = xp.empty((m, int(trials)))
        _propagate(function, inputs, groups, rng, xp, values, 0, int(trials), batch_size)
        converged = True
    r = _correlation(values, xp)
    summaries = tuple(
        _summarise(symbol, values[j], probability, significant_digits, xp)
        for j, symbol in enumerate(model.measurands)
    )
    return McmResult(
        summaries, probability, int(values.shape[1]), seed, adaptive, converged,
        significant_digits, r, tuple(warnings),
    )  # fmt: skip


def _sequence_statistics(y: Any, probability: float, xp: Any) -> np.ndarray:
    """(mean, u, y_low, y_high) of one sequence; partition is enough for two order statistics."""
    low, high = _interval_indices(y.shape[0], probability)
    part = xp.partition(y, (low, high))
    return np.array(
        [_to_float(xp.mean(y)), _to_float(xp.std(y, ddof=1)), _to_float(part[low]),
         _to_float(part[high])]
    )  # fmt: skip


def _adaptive(
    function, inputs, groups, rng, xp, m, probability, digits, batch, max_trials
) -> tuple[Any, bool]:
    """S1 7.9.4: sequences of J trials until twice the standard deviation of each average of
    mean, u and interval ends is within the numerical tolerance, for every measurand."""
    per_sequence = max(math.ceil(100.0 / (1.0 - probability)), 10_000)
    sequences: list[Any] = []
    stats: list[np.ndarray] = []  # per sequence: (m, 4)
    converged = False
    while len(sequences) * per_sequence < max_trials:
        block = xp.empty((m, per_sequence))
        _propagate(function, inputs, groups, rng, xp, block, 0, per_sequence, batch)
        sequences.append(block)
        stats.append(np.stack([_sequence_statistics(block[j], probability, xp) for j in range(m)]))
        if len(stats) >= 2 and _stable(np.stack(stats), per_sequence, digits):
            converged = True
            break
    return xp.concatenate(sequences, axis=1), converged


def _stable(stats: np.ndarray, per_sequence: int, digits: int) -> bool:
    """stats: (h, m, 4). u over all h*J values is pooled from the sequence means and variances."""
    h = stats.shape[0]
    means, variances = stats[:, :, 0], stats[:, :, 1] ** 2
    total = h * per_sequence
    grand = means.mean(axis=0)
    pooled = ((per_sequence - 1) * variances.sum(axis=0)
              + per_sequence * ((means - grand) ** 2).sum(axis=0)) / (total - 1)  # fmt: skip
    spread = stats.std(axis=0, ddof=1) / math.sqrt(h)  # (m, 4)
    delta = np.array([numerical_tolerance(math.sqrt(v), digits) for v in pooled])
    return bool(np.all(2.0 * spread <= delta[:, None]))


# --- validation of the GUM result ---------------------------------------------------------------


def _g(x: float) -> str:
    return f"{x:.2g}"


def validate_gum(gum: MeasurandResult, mcm: McmMeasurand, probability: float) -> Validation:
    """S1 8.2: d_low = |y - U_p - y_low|, d_high = |y + U_p - y_high| against delta.

    U_p is taken at the Monte Carlo coverage probability (k_p from t with nu_eff), whatever
    coverage the GUM result is reported with, so that like is compared with like.
    """
    expanded = gum.coverage_factor_for(probability) * gum.standard_uncertainty
    low, high = gum.value - expanded, gum.value + expanded
    d_low = abs(low - mcm.interval[0])
    d_high = abs(high - mcm.interval[1])
    validated = d_low <= mcm.tolerance and d_high <= mcm.tolerance
    code = "mcm_validated" if validated else "mcm_not_validated"
    params = {"delta": _g(mcm.tolerance), "d_low": _g(d_low), "d_high": _g(d_high)}
    verdict = {
        "en": messages.render(code, {**params, "p": f"{probability * 100:g} %"}, "en"),
        "zh": messages.render(code, {**params, "p": f"{probability * 100:g}%"}, "zh-hans"),
    }
    return Validation(d_low, d_high, mcm.tolerance, validated, (low, high), verdict)
