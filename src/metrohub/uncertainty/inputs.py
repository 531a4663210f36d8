"""Input quantities: Type A and Type B evaluations of standard uncertainty (JJF 1059.1 §4.3).

Each constructor returns an :class:`Input` holding the estimate, the standard uncertainty, the
degrees of freedom (``math.inf`` when infinite) and what the Monte Carlo method needs to sample it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

INF = math.inf

# half-width a -> standard uncertainty a / divisor (JJF 1059.1 Table 2; GUM 4.3.7-4.3.9)
DIVISORS = {
    "rectangular": math.sqrt(3.0),
    "triangular": math.sqrt(6.0),
    "arcsine": math.sqrt(2.0),
}
DISTRIBUTIONS = ("normal", "rectangular", "triangular", "arcsine", "trapezoidal")


@dataclass(frozen=True)
class Input:
    """One input quantity X_i with estimate x_i and standard uncertainty u(x_i)."""

    symbol: str
    value: float
    standard_uncertainty: float
    dof: float = INF
    type: str = "B"  # "A", "B" or "constant"
    distribution: str = "normal"  # sampled as Student t when normal with finite dof
    half_width: float | None = None
    beta: float | None = None
    unit: str = ""
    observations: tuple[float, ...] | None = None

    @property
    def is_constant(self) -> bool:
        return self.type == "constant"


def type_a(symbol: str, observations: Sequence[float], unit: str = "") -> Input:
    """Mean, Bessel standard deviation s, u = s/sqrt(n), nu = n - 1 (GUM 4.2)."""
    obs = np.asarray(observations, dtype=float)
    n = obs.size
    if n < 2:
        raise ValueError("a Type A evaluation needs at least 2 observations")
    s = float(np.std(obs, ddof=1))
    return Input(
        symbol,
        float(np.mean(obs)),
        s / math.sqrt(n),
        dof=float(n - 1),
        type="A",
        unit=unit,
        observations=tuple(float(v) for v in obs),
    )


def standard(
    symbol: str, value: float, u: float, dof: float | None = None, type: str = "B", unit: str = ""
) -> Input:
    """A standard uncertainty stated directly, with its degrees of freedom (None = infinite)."""
    return Input(
        symbol, float(value), float(u), INF if dof is None else float(dof), type, unit=unit
    )


def coverage_factor_normal(probability: float) -> float:
    """k such that a normal distribution has ``probability`` within +-k sigma."""
    return float(special.ndtri((1.0 + probability) / 2.0))


def expanded(
    symbol: str,
    value: float,
    expanded_uncertainty: float,
    k: float | None = None,
    probability: float | None = None,
    dof: float | None = None,
    unit: str = "",
) -> Input:
    """Type B from an expanded uncertainty with k, or with a coverage probability (normal)."""
    if (k is None) == (probability is None):
        raise ValueError("give exactly one of k and probability")
    factor = k if k is not None else coverage_factor_normal(probability)
    return Input(
        symbol,
        float(value),
        float(expanded_uncertainty) / factor,
        INF if dof is None else float(dof),
        unit=unit,
    )


def trapezoidal_divisor(beta: float) -> float:
    """a / u for a symmetric trapezoid whose top is beta times its base (GUM 4.3.9)."""
    return math.sqrt(6.0 / (1.0 + beta * beta))


def half_width(
    symbol: str,
    value: float,
    a: float,
    distribution: str = "rectangular",
    beta: float | None = None,
    dof: float | None = None,
    unit: str = "",
) -> Input:
    """Type B from the half-width a of a rectangular, triangular, arcsine or trapezoidal law."""
    if distribution == "trapezoidal":
        if beta is None or not 0.0 <= beta <= 1.0:
            raise ValueError("a trapezoidal distribution needs 0 <= beta <= 1")
        divisor = trapezoidal_divisor(beta)
    elif distribution in DIVISORS:
        divisor = DIVISORS[distribution]
    else:
        raise ValueError(f"unknown distribution {distribution!r}")
    return Input(
        symbol,
        float(value),
        float(a) / divisor,
        INF if dof is None else float(dof),
        distribution=distribution,
        half_width=float(a),
        beta=beta,
        unit=unit,
    )


def constant(symbol: str, value: float, unit: str = "") -> Input:
    """A quantity taken as exact (no uncertainty)."""
    return Input(
        symbol, float(value), 0.0, INF, type="constant", distribution="constant", unit=unit
    )


def correlation_from_observations(inputs: Sequence[Input]) -> np.ndarray:
    """r(x_i, x_j) of means of simultaneous observations (GUM 5.2.3, eq. 17; used in H.2).

    r(q_mean, r_mean) = s(q_mean, r_mean) / (s(q_mean) s(r_mean)); the 1/n factors cancel,
    so it is the sample correlation coefficient of the observation series.
    """
    data = np.array([inp.observations for inp in inputs], dtype=float)
    return np.corrcoef(data)


def correlation_matrix(
    inputs: Sequence[Input], pairs: dict[tuple[str, str], float] | None = None
) -> np.ndarray:
    """The n x n correlation matrix with the given r for (symbol, symbol) pairs."""
    index = {inp.symbol: i for i, inp in enumerate(inputs)}
    r = np.eye(len(inputs))
    for (a, b), value in (pairs or {}).items():
        r[index[a], index[b]] = r[index[b], index[a]] = value
    return r


def correlated_groups(indices: Sequence[int], r: np.ndarray | None) -> list[list[int]]:
    """Split ``indices`` into sets linked by non-zero correlation (connected components)."""
    remaining, groups = set(indices), []
    while remaining:
        stack = [min(remaining)]
        remaining.discard(stack[0])
        group = []
        while stack:
            i = stack.pop()
            group.append(i)
            linked = [] if r is None else [j for j in remaining if r[i, j] != 0.0]
            remaining.difference_update(linked)
            stack.extend(linked)
        groups.append(sorted(group))
    return sorted(groups)


def is_positive_semidefinite(matrix: np.ndarray, tolerance: float = 1e-10) -> bool:
    return bool(np.all(np.linalg.eigvalsh(matrix) >= -tolerance))
