"""Uncertainty formulas in the measured value x, such as `0.02 + 0.0001*x`.

The text is checked against the uncertainty engine's whitelist (`validate_expression`) and then
evaluated by walking the syntax tree: no eval, nothing but numbers, x, arithmetic and a few
functions.
"""

import ast
import math

from metrohub.core.bounds import digits
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


# ------------------------------------------------------------------------- mathematical form

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_PRECEDENCE = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4, ast.BitXor: 4}
_NAMES = {"pi": "π"}


def pretty(text: str) -> str:
    """A formula as people write it on paper: `0.001+0.0002*x` → `0.001 + 0.0002·x`, `x**2` →
    `x²`, `sqrt(a)` → `√a`, a minus sign for minus. The numbers keep the digits the author
    wrote. A formula that does not parse is returned as it is."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
        return _pretty(tree.body, text.strip())
    except (SyntaxError, ValueError, FormulaError, RecursionError):
        return text


def _level(node) -> int:
    if isinstance(node, ast.BinOp):
        return _PRECEDENCE.get(type(node.op), 0)
    if isinstance(node, ast.UnaryOp):
        return 3
    return 5


def _pretty(node, source: str) -> str:
    match node:
        case ast.Constant(value=value) if isinstance(value, int | float):
            return ast.get_source_segment(source, node) or repr(value)
        case ast.Name(id=name):
            return _NAMES.get(name, name)
        case ast.UnaryOp(op=ast.USub(), operand=operand):
            inner = _pretty(operand, source)
            return f"−{inner}" if _level(operand) >= 3 else f"−({inner})"
        case ast.UnaryOp(op=ast.UAdd(), operand=operand):
            return _pretty(operand, source)
        case ast.BinOp(left=left, op=op, right=right):
            level = _PRECEDENCE.get(type(op))
            if level is None:
                raise FormulaError(type(op).__name__)
            # A power's base is bracketed unless it is a number, a name or a call.
            a = _wrap(_pretty(left, source), _level(left) < (5 if level == 4 else level))
            strict = _level(right) <= level if not isinstance(op, ast.Add | ast.Mult) else False
            b = _wrap(_pretty(right, source), _level(right) < level or strict)
            match op:
                case ast.Add():
                    return f"{a} + {b}"
                case ast.Sub():
                    return f"{a} − {b}"
                case ast.Mult():
                    return f"{a}·{b}"
                case ast.Div():
                    return f"{a}/{b}"
                case _:
                    exponent = ast.get_source_segment(source, right) or ""
                    if digits(exponent.lstrip("-")):
                        return f"{a}{exponent.translate(SUPERSCRIPT)}"
                    return f"{a}^{b}"
        case ast.Call(func=ast.Name(id="sqrt"), args=[arg]):
            inner = _pretty(arg, source)
            return f"√{inner}" if _level(arg) == 5 and len(inner) <= 12 else f"√({inner})"
        case ast.Call(func=ast.Name(id="abs"), args=[arg]):
            return f"|{_pretty(arg, source)}|"
        case ast.Call(func=ast.Name(id=name), args=args):
            return f"{name}({', '.join(_pretty(a, source) for a in args)})"
    raise FormulaError(type(node).__name__)


def _wrap(text: str, needed: bool) -> str:
    return f"({text})" if needed else text
