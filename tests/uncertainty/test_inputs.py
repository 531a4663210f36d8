import math

import numpy as np
import pytest

from metrohub.uncertainty import inputs

from .conftest import GUM_443_READINGS, GUM_H2_SETS


def test_type_a_from_gum_4_4_3_readings():
    x = inputs.type_a("t", GUM_443_READINGS, "°C")
    assert round(x.value, 3) == 100.145
    assert round(x.standard_uncertainty, 3) == 0.333
    assert x.dof == 19 and x.type == "A"


@pytest.mark.parametrize(
    ("distribution", "divisor"),
    [("rectangular", math.sqrt(3)), ("triangular", math.sqrt(6)), ("arcsine", math.sqrt(2))],
)
def test_half_width_divisors(distribution, divisor):
    assert inputs.half_width("t", 0, 0.6, distribution).standard_uncertainty == pytest.approx(
        0.6 / divisor
    )


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0])
def test_trapezoidal_reduces_to_triangular_and_rectangular(beta):
    u = inputs.half_width("t", 0, 1.0, "trapezoidal", beta=beta).standard_uncertainty
    assert u == pytest.approx(math.sqrt((1 + beta**2) / 6))


def test_expanded_with_k_and_with_probability():
    assert inputs.expanded("s", 1, 0.05, k=2).standard_uncertainty == pytest.approx(0.025)
    u = inputs.expanded("p", 1, 0.05, probability=0.95).standard_uncertainty
    assert u == pytest.approx(0.05 / 1.959963984540054)
    with pytest.raises(ValueError):
        inputs.expanded("p", 1, 0.05, k=2, probability=0.95)


def test_constant_and_direct_standard():
    c = inputs.constant("c", 1.2)
    assert c.is_constant and c.standard_uncertainty == 0
    s = inputs.standard("x", 1.0, 0.002, dof=9)
    assert s.dof == 9 and math.isinf(inputs.standard("x", 1.0, 0.002).dof)


def test_correlation_from_simultaneous_observations_gum_h2():
    v, i, phi = (inputs.type_a(s, col) for s, col in zip("VIp", zip(*GUM_H2_SETS, strict=True),
                                                            strict=True))  # fmt: skip
    r = inputs.correlation_from_observations([v, i, phi])
    # GUM H.2, table H.2: r(V,I) = -0.36, r(V,phi) = 0.86, r(I,phi) = -0.65
    assert np.round(r[0, 1], 2) == -0.36
    assert np.round(r[0, 2], 2) == 0.86
    assert np.round(r[1, 2], 2) == -0.65


def test_positive_semidefinite_check():
    good = inputs.correlation_matrix([inputs.standard(s, 0, 1) for s in "ab"], {("a", "b"): 1.0})
    assert inputs.is_positive_semidefinite(good)
    bad = np.array([[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]])
    assert not inputs.is_positive_semidefinite(bad)
