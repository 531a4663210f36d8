"""Uncertainty formulas in the measured value x, such as `0.02 + 0.0001*x`.

The text is checked against the uncertainty engine's whitelist (`validate_expression`) and then
evaluated by walking the syntax tree: no eval, nothing but numbers, x, arithmetic and a few
functions.
"""

import ast
import math

from metrohub.uncertainty.model import ModelError, validate_expression

SYMBOL = "x"
_FUNCTIONS = {
    "sqrt": math.sqrt,
    "abs": abs,
    "exp": math.exp,
    "log": math.log,
    "ln": math.log,
    "log10": math.log10,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
}


class FormulaError(ValueError):
    pass


def check_formula(text: str) -> str:
    text = (text or "").strip().replace("×", "*").replace("·", "*").replace("X", "x")
    try:
        validate_expression(text, [SYMBOL])
    except ModelError as exc:
        raise FormulaError(str(exc)) from None
    for node in ast.walk(ast.parse(text, mode="eval")):
        if isinstance(node, ast.Call) and node.func.id not in _FUNCTIONS:
            raise FormulaError(node.func.id)
    return text


def evaluate(text: str, x: float) -> float:
    return _eval(ast.parse(text, mode="eval").body, float(x))


def _eval(node, x: float) -> float:
    match node:
        case ast.Constant(value=value):
            return float(value)
        case ast.Name(id="pi"):
            return math.pi
        case ast.Name(id=name) if name == SYMBOL:
            return x
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            return -_eval(operand, x)
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _eval(operand, x)
        case ast.BinOp(left=left, op=op, right=right):
            a, b = _eval(left, x), _eval(right, x)
            match op:
                case ast.Add():
                    return a + b
                case ast.Sub():
                    return a - b
                case ast.Mult():
                    return a * b
                case ast.Div():
                    return a / b
                case ast.Pow() | ast.BitXor():
                    return float(a**b)
        case ast.Call(func=ast.Name(id=name), args=args) if name in _FUNCTIONS:
            return float(_FUNCTIONS[name](*(_eval(arg, x) for arg in args)))
    raise FormulaError(type(node).__name__)
