import math

import numpy as np
import pytest

from metrohub.uncertainty import gum, inputs, mcm
from metrohub.uncertainty.model import compile_model

from .test_gum import _h2


@pytest.fixture(scope="module")
def s1_9_2():
    xs = [inputs.standard(f"X{i}", 0.0, 1.0) for i in range(1, 5)]
    model = compile_model(("X1 + X2 + X3 + X4",), tuple(x.symbol for x in xs))
    return model, xs, mcm.run(model, xs, trials=1_000_000, seed=20120601)


def test_supplement1_9_2_additive_model(s1_9_2):
    model, xs, result = s1_9_2
    m = result.measurands[0]
    # S1 table 2: MCM (10^6 trials) y = 0.00, u = 2.00, 95 % interval [-3.92, 3.92]. The
    # interval ends of one run scatter by about 0.005, so they are held to 0.02 (delta = 0.05).
    assert abs(m.value) < 0.01
    assert round(m.standard_uncertainty, 2) == 2.00
    assert m.interval[0] == pytest.approx(-3.92, abs=0.02)
    assert m.interval[1] == pytest.approx(3.92, abs=0.02)
    assert m.shortest_interval[1] - m.shortest_interval[0] <= m.interval[1] - m.interval[0]
    assert m.tolerance == pytest.approx(0.05)
    check = mcm.validate_gum(gum.evaluate(model, xs).measurands[0], m, 0.95)
    assert check.validated and check.gum_interval[1] == pytest.approx(3.92, abs=5e-4)
    assert "validated" in check.verdict["en"] and "通过" in check.verdict["zh"]


def test_supplement1_9_4_comparison_loss():
    xs = [inputs.standard("X1", 0.010, 0.005), inputs.standard("X2", 0.0, 0.005)]
    model = compile_model(("X1**2 + X2**2",), ("X1", "X2"))
    result = mcm.run(model, xs, trials=1_000_000, seed=9)
    m = result.measurands[0]
    # S1 9.4.2.2, x1 = 0.010: MCM y = 0.150e-3, u = 0.112e-3 (GUM first order: 0.100e-3 both)
    assert round(m.value * 1e3, 3) == 0.150
    assert round(m.standard_uncertainty * 1e3, 3) == 0.112
    check = mcm.validate_gum(gum.evaluate(model, xs).measurands[0], m, 0.95)
    assert not check.validated
    assert "not validated" in check.verdict["en"] and "未通过" in check.verdict["zh"]


def test_same_seed_same_result_and_seed_recorded():
    xs = [inputs.half_width("a", 1.0, 0.1, "triangular"), inputs.standard("b", 2.0, 0.1, dof=3)]
    model = compile_model(("a*b",), ("a", "b"))
    first = mcm.run(model, xs, trials=20_000, seed=123)
    again = mcm.run(model, xs, trials=20_000, seed=123)
    assert first.seed == 123 and first.measurands == again.measurands
    drawn = mcm.run(model, xs, trials=20_000)
    assert 0 <= drawn.seed < 2**mcm.SEED_BITS


@pytest.mark.parametrize(
    "x",
    [
        inputs.half_width("x", 5.0, 0.3, "rectangular"),
        inputs.half_width("x", 5.0, 0.3, "triangular"),
        inputs.half_width("x", 5.0, 0.3, "arcsine"),
        inputs.half_width("x", 5.0, 0.3, "trapezoidal", beta=0.4),
        inputs.standard("x", 5.0, 0.3),
    ],
    ids=lambda x: x.distribution,
)
def test_sampled_distributions_have_the_stated_mean_and_u(x):
    m = mcm.run(compile_model(("x",), ("x",)), [x], trials=200_000, seed=5).measurands[0]
    assert m.value == pytest.approx(5.0, abs=0.003)
    assert m.standard_uncertainty == pytest.approx(x.standard_uncertainty, rel=0.01)
    if x.half_width:
        assert 5.0 - x.half_width <= m.interval[0] and m.interval[1] <= 5.0 + x.half_width


def test_student_t_for_finite_dof_and_constants():
    # S1 6.4.9: a Type A input with nu = 10 is a scaled t, variance u^2 nu/(nu-2)
    xs = [inputs.standard("x", 0.0, 1.0, dof=10), inputs.constant("c", 3.0)]
    m = mcm.run(compile_model(("x + c",), ("x", "c")), xs, trials=200_000, seed=3).measurands[0]
    assert m.value == pytest.approx(3.0, abs=0.01)
    assert m.standard_uncertainty == pytest.approx(math.sqrt(10 / 8), rel=0.01)


def test_correlated_inputs_keep_their_correlation():
    xs = [inputs.standard("a", 0.0, 1.0), inputs.standard("b", 0.0, 2.0)]
    r = inputs.correlation_matrix(xs, {("a", "b"): 0.8})
    model = compile_model(("a", "b", "a + b"), ("a", "b"))
    result = mcm.run(model, xs, r, trials=200_000, seed=4)
    assert result.correlation[0, 1] == pytest.approx(0.8, abs=0.01)
    u_sum = gum.evaluate(model, xs, r).measurands[2].standard_uncertainty
    assert result.measurands[2].standard_uncertainty == pytest.approx(u_sum, rel=0.01)
    assert not result.warnings


def test_gum_h2_validated_with_multivariate_t():
    model, xs, r = _h2()
    result = mcm.run(model, xs, r, trials=200_000, seed=2)
    g = gum.evaluate(model, xs, r)
    assert result.correlation[0, 1] == pytest.approx(g.correlation[0, 1], abs=0.01)
    for gm, mm in zip(g.measurands, result.measurands, strict=True):
        # multivariate t with nu = 4 (S1 6.4.8): intervals agree with k = t_95(4) u_c
        lo, hi = mcm.validate_gum(gm, mm, 0.95).gum_interval
        assert mm.interval[0] == pytest.approx(lo, abs=4 * mm.tolerance)
        assert mm.interval[1] == pytest.approx(hi, abs=4 * mm.tolerance)


def test_mixed_correlated_distributions_warn():
    xs = [inputs.half_width("a", 0.0, 1.0), inputs.standard("b", 0.0, 1.0)]
    r = inputs.correlation_matrix(xs, {("a", "b"): 0.5})
    result = mcm.run(compile_model(("a+b",), ("a", "b")), xs, r, trials=10_000, seed=1)
    assert [code for code, _ in result.warnings] == ["mcm_correlated_non_normal"]


def test_adaptive_procedure_stabilises():
    xs = [inputs.standard(f"X{i}", 0.0, 1.0) for i in range(1, 5)]
    model = compile_model(("X1 + X2 + X3 + X4",), tuple(x.symbol for x in xs))
    result = mcm.run(model, xs, adaptive=True, significant_digits=2, seed=11)
    assert result.adaptive and result.converged
    assert result.trials % 10_000 == 0 and result.trials >= 20_000
    m = result.measurands[0]
    assert m.standard_uncertainty == pytest.approx(2.0, abs=0.05)
    assert m.interval[1] == pytest.approx(3.92, abs=0.1)


def test_adaptive_procedure_reports_when_it_gives_up():
    xs = [inputs.standard("x", 0.0, 1.0, dof=1)]  # Cauchy: nothing stabilises
    result = mcm.run(compile_model(("x",), ("x",)), xs, adaptive=True, seed=1, max_trials=30_000)
    assert not result.converged and result.trials == 30_000
    assert result.warnings[0][0] == "mcm_not_converged"


@pytest.mark.parametrize(
    ("u", "digits", "delta"),
    [(2.0, 2, 0.05), (0.112e-3, 2, 0.005e-3), (0.333, 1, 0.05), (9.96, 2, 0.5), (0.0, 2, 0.0)],
)
def test_numerical_tolerance(u, digits, delta):
    assert mcm.numerical_tolerance(u, digits) == pytest.approx(delta)


def test_batches_bound_memory_but_not_the_result_size():
    xs = [inputs.standard("x", 1.0, 0.1)]
    result = mcm.run(compile_model(("x",), ("x",)), xs, trials=10_001, seed=1, batch_size=1000)
    assert result.trials == 10_001
    hist = result.measurands[0].histogram
    assert len(hist["edges"]) == mcm.HISTOGRAM_BINS + 1
    assert sum(hist["counts"]) == pytest.approx(10_001, rel=0.002)
    assert isinstance(np.asarray(result.correlation), np.ndarray)
