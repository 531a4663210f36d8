"""The GUM uncertainty framework (JJF 1059.1-2012, JCGM 100:2008), first order.

u_c^2(y) = c^T V c with c the exact sensitivity coefficients and V the input covariance matrix;
for several measurands U_y = J V J^T gives their covariances (GUM H.2). Effective degrees of
freedom by Welch-Satterthwaite (GUM G.4.1), truncated to an integer before looking up k.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

from .inputs import INF, Input, correlated_groups
from .model import Model

DEFAULT_K = 2.0


@dataclass(frozen=True)
class BudgetRow:
    """One line of the uncertainty budget (不确定度分量汇总表)."""

    symbol: str
    value: float
    standard_uncertainty: float
    sensitivity: float
    contribution: float  # |c_i| u(x_i)
    dof: float
    type: str
    distribution: str


@dataclass(frozen=True)
class MeasurandResult:
    symbol: str
    value: float
    standard_uncertainty: float
    dof_effective: float  # Welch-Satterthwaite, not truncated; inf when infinite
    dof: float  # truncated to an integer (or inf): what k is looked up with
    k: float
    probability: float | None
    budget: tuple[BudgetRow, ...]

    @property
    def expanded_uncertainty(self) -> float:
        return self.k * self.standard_uncertainty

    def coverage_factor_for(self, probability: float) -> float:
        return coverage_factor(probability, self.dof)


@dataclass(frozen=True)
class GumResult:
    measurands: tuple[MeasurandResult, ...]
    covariance: np.ndarray  # between measurands
    correlation: np.ndarray


def coverage_factor(probability: float, dof: float = INF) -> float:
    """k_p = t_p(nu): the two-sided Student t quantile; the normal one when nu is infinite."""
    tail = (1.0 + probability) / 2.0
    if math.isinf(dof):
        return float(special.ndtri(tail))
    return float(special.stdtrit(dof, tail))


def welch_satterthwaite(
    uc: float,
    sensitivities: np.ndarray,
    cov_x: np.ndarray,
    dofs: np.ndarray,
    correlation: np.ndarray | None = None,
) -> float:
    """nu_eff = u_c^4 / sum(u_g^4 / nu_g) (GUM G.4.1); infinite when nothing finite contributes.

    Uncorrelated inputs are their own terms, u_g = |c_i| u(x_i). A set of correlated inputs
    sharing one nu (simultaneous observations, GUM H.2) is one term whose u_g^2 is the sum of its
    variance and covariance contributions (Willink 2007, the rule GTC applies too): H.2 then gets
    nu = n - 1 as its approach 2 does. Correlated inputs with different nu stay separate terms,
    for which the GUM gives no rule.
    """
    if uc == 0.0:
        return INF
    denominator = 0.0
    for group in correlated_groups(range(len(dofs)), correlation):
        group_dofs = dofs[group]
        if len(group) > 1 and np.all(group_dofs == group_dofs[0]):
            c = sensitivities[group]
            terms = [(float(c @ cov_x[np.ix_(group, group)] @ c), float(group_dofs[0]))]
        else:
            terms = [(float(sensitivities[i] ** 2 * cov_x[i, i]), float(dofs[i])) for i in group]
        # Each variance as a share of u_c^2, so that large values cannot overflow uc**4.
        denominator += sum(
            (var / uc / uc) ** 2 / nu for var, nu in terms if math.isfinite(nu) and var != 0
        )
    return INF if denominator == 0.0 else 1.0 / denominator


def truncate_dof(dof: float) -> float:
    """Truncate to an integer as JJF 1059.1 does, never below 1."""
    return dof if math.isinf(dof) else float(max(1, math.floor(dof + 1e-9)))


def input_covariance(inputs: Sequence[Input], correlation: np.ndarray | None) -> np.ndarray:
    u = np.array([inp.standard_uncertainty for inp in inputs])
    if correlation is None:
        return np.diag(u * u)
    return correlation * np.outer(u, u)


def evaluate(
    model: Model,
    inputs: Sequence[Input],
    correlation: np.ndarray | None = None,
    k: float | None = None,
    probability: float | None = None,
) -> GumResult:
    """Evaluate every measurand of ``model``; ``inputs`` in the model's input order.

    Give ``k`` (default 2) or a coverage ``probability`` (k then from the t distribution with
    the truncated effective degrees of freedom).
    """
    if k is not None and probability is not None:
        raise ValueError("give k or probability, not both")
    x = [inp.value for inp in inputs]
    u = np.array([inp.standard_uncertainty for inp in inputs])
    dofs = np.array([inp.dof for inp in inputs])
    values, jacobian = model.evaluate(x)
    cov_x = input_covariance(inputs, correlation)
    cov_y = jacobian @ cov_x @ jacobian.T
    uc = np.sqrt(np.clip(np.diag(cov_y), 0.0, None))  # rounding can leave -1e-30
    results = []
    for i, symbol in enumerate(model.measurands):
        contributions = np.abs(jacobian[i]) * u
        nu_eff = welch_satterthwaite(float(uc[i]), jacobian[i], cov_x, dofs, correlation)
        nu = truncate_dof(nu_eff)
        factor = coverage_factor(probability, nu) if probability is not None else k or DEFAULT_K
        rows = tuple(
            BudgetRow(
                inp.symbol,
                inp.value,
                inp.standard_uncertainty,
                float(jacobian[i, j]),
                float(contributions[j]),
                inp.dof,
                inp.type,
                inp.distribution,
            )
            for j, inp in enumerate(inputs)
        )
        results.append(
            MeasurandResult(
                symbol, float(values[i]), float(uc[i]), nu_eff, nu, factor, probability, rows
            )
        )
    return GumResult(tuple(results), cov_y, _correlation(cov_y, uc))


def _correlation(cov: np.ndarray, u: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov / np.outer(u, u)
    r[~np.isfinite(r)] = 0.0  # an exact measurand is uncorrelated with everything
    np.fill_diagonal(r, 1.0)
    return r


# --- many points of one model -------------------------------------------------------------------


@dataclass(frozen=True)
class PointsResult:
    """The GUM evaluation of N points of one model: arrays of shape (N, m), m measurands."""

    values: np.ndarray
    standard_uncertainties: np.ndarray
    dof_effective: np.ndarray  # inf where infinite
    dof: np.ndarray  # truncated as JJF 1059.1 does
    k: np.ndarray

    @property
    def expanded_uncertainties(self) -> np.ndarray:
        return self.k * self.standard_uncertainties


def _column(value, n_points: int) -> np.ndarray:
    """A lambdified term is a scalar where it does not depend on the inputs: spread it."""
    return np.broadcast_to(np.asarray(value, dtype=float), (n_points,))


def evaluate_many(
    model: Model,
    values: np.ndarray,
    uncertainties: np.ndarray,
    dofs: np.ndarray | None = None,
    correlation: np.ndarray | None = None,
    k: float | None = None,
    probability: float | None = None,
) -> PointsResult:
    """Evaluate N points of one model in one vectorised call.

    ``values``, ``uncertainties`` and ``dofs`` are (N, n) arrays in the model's input order (or
    (n,) rows shared by every point); ``correlation`` is the (n, n) matrix shared by the points.
    Each point gets exactly what :func:`evaluate` gives it alone (same sensitivities, the same
    Welch-Satterthwaite grouping, the same k); a point whose model value is not finite has NaN.
    """
    if k is not None and probability is not None:
        raise ValueError("give k or probability, not both")
    x = np.atleast_2d(np.asarray(values, dtype=float))
    n_points, n_inputs = x.shape
    u = np.broadcast_to(np.asarray(uncertainties, dtype=float), x.shape)
    nu = np.broadcast_to(
        np.asarray(np.inf if dofs is None else dofs, dtype=float), x.shape
    )  # fmt: skip
    m = len(model.measurands)
    with np.errstate(all="ignore"):
        flat = model.array_gradient(np)(*x.T)
        terms = np.stack([_column(v, n_points) for v in flat], axis=1)
        y = terms[:, :m]
        jac = terms[:, m:].reshape(n_points, m, n_inputs)
        if correlation is None:
            variance = np.sum((jac * u[:, None, :]) ** 2, axis=2)
            cov_x = None
        else:
            cov_x = np.asarray(correlation)[None, :, :] * u[:, :, None] * u[:, None, :]
            variance = np.einsum("pmi,pij,pmj->pm", jac, cov_x, jac)
        uc = np.sqrt(np.clip(variance, 0.0, None))
        nu_eff = _welch_satterthwaite_many(uc, jac, u, nu, cov_x, correlation)
    truncated = np.where(np.isinf(nu_eff), np.inf, np.maximum(1.0, np.floor(nu_eff + 1e-9)))
    if probability is not None:
        tail = (1.0 + probability) / 2.0
        finite = np.where(np.isinf(truncated), 1.0, truncated)
        factor = np.where(
            np.isinf(truncated), special.ndtri(tail), special.stdtrit(finite, tail)
        )  # fmt: skip
    else:
        factor = np.full_like(uc, k or DEFAULT_K)
    return PointsResult(y, uc, nu_eff, truncated, factor)


def _welch_satterthwaite_many(uc, jac, u, nu, cov_x, correlation) -> np.ndarray:
    """:func:`welch_satterthwaite` for every point and measurand at once."""
    n_inputs = u.shape[1]
    denominator = np.zeros_like(uc)

    def share(var, dof):
        # (var / uc^2)^2 / nu, counted only where nu is finite and the term contributes
        with np.errstate(all="ignore"):
            term = (var / uc / uc) ** 2 / dof[:, None]
        keep = np.isfinite(dof)[:, None] & (var != 0)
        return np.where(keep, term, 0.0)

    for group in correlated_groups(range(n_inputs), correlation):
        separate = sum(share(jac[:, :, i] ** 2 * u[:, i : i + 1] ** 2, nu[:, i]) for i in group)
        if len(group) > 1:
            sub = np.ix_(range(len(u)), group, group)
            joint_var = np.einsum(
                "pmi,pij,pmj->pm", jac[:, :, group], cov_x[sub], jac[:, :, group]
            )  # fmt: skip
            joint = share(joint_var, nu[:, group[0]])
            same = np.all(nu[:, group] == nu[:, group[:1]], axis=1)[:, None]
            denominator = denominator + np.where(same, joint, separate)
        else:
            denominator = denominator + separate
    with np.errstate(divide="ignore"):
        return np.where((denominator == 0.0) | (uc == 0.0), np.inf, 1.0 / denominator)
