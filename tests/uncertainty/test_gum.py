import math

import numpy as np
import pytest
from GTC import atan as gtc_atan
from GTC import cos, exp, log, multiple_ureal, set_correlation, sin, sqrt, ureal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metrohub.uncertainty import gum, inputs
from metrohub.uncertainty.model import compile_model

from .conftest import GUM_443_READINGS, GUM_H2_SETS


def test_gum_4_4_3_single_type_a_input():
    t = inputs.type_a("t", GUM_443_READINGS)
    result = gum.evaluate(compile_model(("t",), ("t",)), [t]).measurands[0]
    assert round(result.value, 3) == 100.145
    assert round(result.standard_uncertainty, 3) == 0.333
    assert result.dof == 19 and result.dof_effective == pytest.approx(19)


def _h2():
    columns = list(zip(*GUM_H2_SETS, strict=True))
    xs = [inputs.type_a(s, c) for s, c in zip(("V", "I", "phi"), columns, strict=True)]
    r = inputs.correlation_from_observations(xs)
    model = compile_model(
        ("V*cos(phi)/I", "V*sin(phi)/I", "V/I"), ("V", "I", "phi"), ("R", "X", "Z")
    )
    return model, xs, r


def test_gum_h2_three_measurands_with_correlated_inputs():
    model, xs, r = _h2()
    result = gum.evaluate(model, xs, r)
    # I is in mA, so the results are in kΩ: compare in Ω (GUM H.2 table H.3, approach 1).
    published = {"R": (127.732, 0.071), "X": (219.847, 0.295), "Z": (254.260, 0.236)}
    for m in result.measurands:
        value, u = published[m.symbol]
        assert round(m.value * 1000, 3) == value
        if m.symbol == "X":
            # From the raw data u(X) = 0.29558 Ω; the GUM prints 0.295 (its table H.3 works from
            # rounded intermediate values), so X agrees to within one unit of the last digit.
            assert m.standard_uncertainty * 1000 == pytest.approx(u, abs=6e-4)
        else:
            assert round(m.standard_uncertainty * 1000, 3) == u
        # one set of simultaneous observations, n = 5: nu = 4 (as GUM H.2 approach 2)
        assert m.dof_effective == pytest.approx(4)
    c = result.correlation
    assert round(c[0, 1], 3) == -0.588
    assert round(c[0, 2], 3) == -0.485
    assert round(c[1, 2], 3) == 0.993


def test_gum_h2_against_gtc_ensemble():
    model, xs, r = _h2()
    v, i, phi = multiple_ureal(
        [x.value for x in xs], [x.standard_uncertainty for x in xs], 4, ["V", "I", "phi"]
    )
    for a, b in ((0, 1), (0, 2), (1, 2)):
        set_correlation(r[a, b], (v, i, phi)[a], (v, i, phi)[b])
    result = gum.evaluate(model, xs, r)
    for m, g in zip(result.measurands, (v * cos(phi) / i, v * sin(phi) / i, v / i), strict=True):
        assert m.standard_uncertainty == pytest.approx(g.u, rel=1e-12)
        assert m.dof_effective == pytest.approx(g.df, rel=1e-9)


def test_supplement1_9_2_additive_model():
    xs = [inputs.standard(f"X{i}", 0.0, 1.0) for i in range(1, 5)]
    model = compile_model(("X1 + X2 + X3 + X4",), tuple(x.symbol for x in xs))
    m = gum.evaluate(model, xs, probability=0.95).measurands[0]
    assert round(m.standard_uncertainty, 2) == 2.00
    assert round(m.expanded_uncertainty, 2) == 3.92


def test_supplement1_9_4_first_order_gum():
    # S1 9.4.2.2, x1 = 0.010: the first-order GUM gives y = 0.100e-3, u = 0.100e-3
    xs = [inputs.standard("X1", 0.010, 0.005), inputs.standard("X2", 0.0, 0.005)]
    m = gum.evaluate(compile_model(("X1**2 + X2**2",), ("X1", "X2")), xs).measurands[0]
    assert round(m.value * 1e3, 3) == 0.100
    assert round(m.standard_uncertainty * 1e3, 3) == 0.100


def test_coverage_factor_from_t_and_default_k():
    assert gum.coverage_factor(0.95, 19) == pytest.approx(2.093, abs=5e-4)
    assert gum.coverage_factor(0.95) == pytest.approx(1.960, abs=5e-4)
    assert gum.coverage_factor(0.99, 4) == pytest.approx(4.604, abs=5e-4)
    x = inputs.standard("x", 1.0, 0.1, dof=9.7)
    m = gum.evaluate(compile_model(("x",), ("x",)), [x]).measurands[0]
    assert m.k == 2 and m.dof == 9  # truncated, never rounded up
    m = gum.evaluate(compile_model(("x",), ("x",)), [x], probability=0.95).measurands[0]
    assert m.k == pytest.approx(gum.coverage_factor(0.95, 9))


def test_budget_rows():
    xs = [inputs.standard("a", 2.0, 0.1, dof=5), inputs.constant("b", 3.0)]
    m = gum.evaluate(compile_model(("a*b",), ("a", "b")), xs).measurands[0]
    a, b = m.budget
    assert (a.sensitivity, a.contribution, a.dof) == (3.0, pytest.approx(0.3), 5)
    assert b.contribution == 0 and b.type == "constant"
    assert m.dof == 5


# --- property test against GTC ------------------------------------------------------------------

# Templates written once as model text; the test evaluates the same text with GTC's functions.
TEMPLATES = [
    "X1*X2/X3",
    "X1*exp(X2/X3) - X4",
    "sqrt(X1)*log(X2) + X3**2",
    "sin(X1)*cos(X2)/X3 + X4*X5",
    "X1**3/(X2 + X3)",
    "atan(X1/X2)*X3 + X4/X5 - X6",
]
GTC_NAMESPACE = {"exp": exp, "log": log, "sqrt": sqrt, "sin": sin, "cos": cos, "atan": gtc_atan}


def _gtc_value(text: str, values: dict) -> object:
    # trusted test constants, evaluated over GTC's ureal arithmetic
    return eval(text, {"__builtins__": {}, **GTC_NAMESPACE}, values)  # noqa: S307


@st.composite
def budgets(draw):
    linear = draw(st.booleans())
    n = draw(st.integers(1, 6)) if linear else 6
    if linear:
        coefficients = draw(st.lists(st.floats(-5, 5).filter(lambda c: abs(c) > 0.01),
                                     min_size=n, max_size=n))  # fmt: skip
        text = " + ".join(f"({c!r})*X{i + 1}" for i, c in enumerate(coefficients))
    else:
        text = draw(st.sampled_from(TEMPLATES))
    values = draw(st.lists(st.floats(0.5, 10), min_size=n, max_size=n))
    fractions = draw(st.lists(st.floats(0.001, 0.1), min_size=n, max_size=n))
    dofs = draw(st.lists(st.one_of(st.just(math.inf), st.integers(1, 60).map(float)),
                         min_size=n, max_size=n))  # fmt: skip
    return text, values, [v * f for v, f in zip(values, fractions, strict=True)], dofs


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budgets())
def test_uncorrelated_budgets_agree_with_gtc(budget):
    text, values, us, dofs = budget
    symbols = tuple(f"X{i + 1}" for i in range(len(values)))
    xs = [inputs.standard(s, v, u, d) for s, v, u, d in zip(symbols, values, us, dofs,
                                                            strict=True)]  # fmt: skip
    ours = gum.evaluate(compile_model((text,), symbols), xs).measurands[0]
    theirs = _gtc_value(text, {s: ureal(v, u, d) for s, v, u, d in zip(symbols, values, us, dofs,
                                                                        strict=True)})  # fmt: skip
    assert ours.value == pytest.approx(theirs.x, rel=1e-12)
    assert ours.standard_uncertainty == pytest.approx(theirs.u, rel=1e-9)
    if math.isinf(theirs.df):
        assert math.isinf(ours.dof_effective)
    else:
        assert ours.dof_effective == pytest.approx(theirs.df, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(budgets(), st.floats(-0.95, 0.95), st.floats(-0.95, 0.95))
def test_correlated_budgets_agree_with_gtc_in_uc(budget, r12, r23):
    text, values, us, _ = budget
    symbols = tuple(f"X{i + 1}" for i in range(len(values)))
    xs = [inputs.standard(s, v, u) for s, v, u in zip(symbols, values, us, strict=True)]
    pairs = {("X1", "X2"): r12, ("X2", "X3"): r23} if len(xs) >= 3 else {}
    r = inputs.correlation_matrix(xs, pairs)
    if not inputs.is_positive_semidefinite(r):
        return
    ureals = {s: ureal(v, u, independent=False) for s, v, u in zip(symbols, values, us,
                                                                   strict=True)}  # fmt: skip
    for (a, b), value in pairs.items():
        set_correlation(value, ureals[a], ureals[b])
    ours = gum.evaluate(compile_model((text,), symbols), xs, r).measurands[0]
    theirs = _gtc_value(text, ureals)
    assert ours.standard_uncertainty == pytest.approx(theirs.u, rel=1e-9)


def test_welch_satterthwaite_ignores_infinite_and_zero_terms():
    cov = np.diag([1.0, 4.0, 0.0])
    nu = gum.welch_satterthwaite(math.sqrt(5.0), np.ones(3), cov, np.array([4.0, np.inf, 2.0]))
    assert nu == pytest.approx(25.0 / (1.0 / 4.0))
    assert math.isinf(gum.welch_satterthwaite(1.0, np.ones(1), np.eye(1), np.array([np.inf])))


# --- many points in one call --------------------------------------------------------------------


def _points(n, seed=3):
    rng = np.random.default_rng(seed)
    values = rng.uniform(1.0, 5.0, (n, 3))
    us = values * rng.uniform(0.001, 0.05, (n, 3))
    dofs = np.where(rng.random((n, 3)) < 0.5, math.inf, rng.integers(2, 30, (n, 3)))
    return values, us, dofs


@pytest.mark.parametrize("coverage", [{"k": 2.0}, {"probability": 0.95}, {"k": None}])
@pytest.mark.parametrize("correlated", [False, True])
def test_evaluate_many_equals_one_point_at_a_time(coverage, correlated):
    model = compile_model(("A*B/C + sin(A)", "A - C"), ("A", "B", "C"), ("Y", "Z"))
    values, us, dofs = _points(40)
    if correlated:  # A and B correlated, and in half the points they share one nu (one term)
        r = inputs.correlation_matrix([inputs.constant(s, 0) for s in "ABC"], {("A", "B"): 0.4})
        dofs[::2, 1] = dofs[::2, 0]
    else:
        r = None
    many = gum.evaluate_many(model, values, us, dofs, r, **coverage)
    for p in range(len(values)):
        xs = [
            inputs.standard(
                s, values[p, i], us[p, i], None if math.isinf(dofs[p, i]) else dofs[p, i]
            )
            for i, s in enumerate("ABC")
        ]
        alone = gum.evaluate(model, xs, r, **coverage).measurands
        for j, m in enumerate(alone):
            assert many.values[p, j] == pytest.approx(m.value, rel=1e-12)
            assert many.standard_uncertainties[p, j] == pytest.approx(
                m.standard_uncertainty, rel=1e-12
            )
            assert many.dof[p, j] == m.dof
            assert many.k[p, j] == pytest.approx(m.k, rel=1e-12)
            assert many.expanded_uncertainties[p, j] == pytest.approx(
                m.expanded_uncertainty, rel=1e-12
            )


def test_evaluate_many_spreads_constant_sensitivities_and_shared_rows():
    # Linear model: every derivative is a constant, lambdify returns plain numbers for them.
    model = compile_model(("X - S",), ("X", "S"))
    result = gum.evaluate_many(model, [[10.0, 9.5], [20.0, 19.0]], [0.3, 0.4])
    assert result.values[:, 0].tolist() == [0.5, 1.0]
    assert result.standard_uncertainties[:, 0].tolist() == pytest.approx([0.5, 0.5])
    assert result.dof[:, 0].tolist() == [math.inf, math.inf]
    assert result.expanded_uncertainties[:, 0].tolist() == pytest.approx([1.0, 1.0])


def test_evaluate_many_marks_points_outside_the_model_domain():
    model = compile_model(("log(X)",), ("X",))
    result = gum.evaluate_many(model, [[1.0], [-1.0]], [0.1])
    assert result.values[0, 0] == 0.0
    assert math.isnan(result.values[1, 0])
