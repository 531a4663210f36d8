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
