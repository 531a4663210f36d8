import numpy as np
import pytest
import sympy

from metrohub.uncertainty.model import (
    ModelError,
    compile_model,
    parse_model,
    symbol_problem,
    validate_expression,
)

SYMBOLS = ["V", "I", "phi"]


def test_parses_whitelisted_functions_and_caret_power():
    expr = parse_model("V^2 + pi*I + log10(phi) + abs(V) + atan2(V, I)", SYMBOLS)
    V, I, phi = sympy.symbols("V I phi", real=True)  # noqa: E741
    assert (
        sympy.simplify(
            expr - (V**2 + sympy.pi * I + sympy.log(phi, 10) + sympy.Abs(V) + sympy.atan2(V, I))
        )
        == 0
    )


def test_symbol_named_like_a_sympy_constant_stays_a_symbol():
    # I is the imaginary unit in sympy and E is Euler's number: here they are inputs.
    model = compile_model(("V/I + E",), ("V", "I", "E"))
    values, jacobian = model.evaluate([4.0, 2.0, 1.0])
    assert values[0] == pytest.approx(3.0)
    assert jacobian[0] == pytest.approx([0.5, -1.0, 1.0])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('__import__("os").system("true")', "model_unsupported"),
        ('__import__("os")', "model_function"),
        ("V.__class__", "model_unsupported"),
        ("V.real", "model_unsupported"),
        ("Q * 2", "model_unknown_name"),
        ("V[0]", "model_unsupported"),
        ("lambda: 1", "model_unsupported"),
        ("V if I else phi", "model_unsupported"),
        ("V < I", "model_unsupported"),
        ("'text'", "model_unsupported"),
        ("1j * V", "model_unsupported"),
        ("sin(V, I)", "model_call_form"),
        ("sin(x=V)", "model_call_form"),
        ("V(2)", "model_function"),
        ("eval('1')", "model_function"),
        ("sin + 1", "model_unknown_name"),
        ("2**100**100", "model_power"),
        ("10**(10**10)", "model_power"),
        ("(2**99)**99", "model_power"),
        ("V*", "model_syntax"),
        ("2 V", "model_syntax"),
        ("", "empty_string"),
        ("V+" * 1500 + "V", "model_too_long"),
    ],
)
def test_rejects_everything_outside_the_whitelist(text, code):
    with pytest.raises(ModelError) as info:
        validate_expression(text, SYMBOLS)
    assert info.value.code == code


def test_symbolic_exponent_is_allowed():
    assert validate_expression("V**phi + 2**V + V**-2", SYMBOLS) == {"V", "phi"}


@pytest.mark.parametrize(
    ("name", "ok"),
    [("V", True), ("phi_1", True), ("φ", True), ("_x", False), ("__x", False), ("sin", False),
     ("pi", False), ("lambda", False), ("1a", False), ("a-b", False), ("ℌ", False), (3, False)],
)  # fmt: skip
def test_symbol_names(name, ok):
    assert (symbol_problem(name) is None) is ok


def test_sensitivity_coefficients_are_exact_derivatives():
    model = compile_model(("V*cos(phi)/I",), tuple(SYMBOLS))
    v, i, phi = 5.0, 0.02, 1.0
    values, jacobian = model.evaluate([v, i, phi])
    assert values[0] == pytest.approx(v * np.cos(phi) / i, rel=1e-15)
    expected = [np.cos(phi) / i, -v * np.cos(phi) / i**2, -v * np.sin(phi) / i]
    assert jacobian[0] == pytest.approx(expected, rel=1e-14)


def test_array_function_broadcasts_and_handles_constant_measurands():
    model = compile_model(("2*V", "3"), ("V",))
    out = model.array_function(np)(np.array([1.0, 2.0]))
    assert list(out[0]) == [2.0, 4.0]
    assert float(out[1]) == 3.0


def test_evaluation_outside_the_domain_is_a_model_error():
    model = compile_model(("log(V)",), ("V",))
    with pytest.raises(ModelError) as info:
        model.evaluate([-1.0])
    assert info.value.code == "model_evaluation"


def test_compiled_models_are_cached():
    assert compile_model(("V*I",), ("V", "I")) is compile_model(("V*I",), ("V", "I"))
