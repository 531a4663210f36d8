"""Measurement models: safe parsing of user expressions and exact sensitivity coefficients.

A model is text such as ``V*cos(phi)/I``. It is never passed to Python's ``eval`` as written:
the text is first parsed with :mod:`ast` and every node is checked against a whitelist (numbers,
the input symbols, + - * / ** ^, and calls of a few named functions). Only text that passed the
check reaches sympy's ``parse_expr``, with a namespace holding nothing but those symbols and
functions, so nothing else is reachable. Sensitivity coefficients are sympy derivatives, compiled
once per model into a scalar function (GUM) and an array function (Monte Carlo).
"""

from __future__ import annotations

import ast
import functools
import keyword
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy
from sympy.parsing.sympy_parser import auto_number, convert_xor, parse_expr

from . import messages

MAX_EXPRESSION_LENGTH = 2000
MAX_NODES = 1000
# A constant exponent beyond this could ask sympy for astronomically large exact integers.
MAX_CONSTANT_EXPONENT = 100

# name -> (sympy object, number of arguments); None for constants
FUNCTIONS: dict[str, tuple[Any, int | None]] = {
    "sin": (sympy.sin, 1),
    "cos": (sympy.cos, 1),
    "tan": (sympy.tan, 1),
    "asin": (sympy.asin, 1),
    "acos": (sympy.acos, 1),
    "atan": (sympy.atan, 1),
    "atan2": (sympy.atan2, 2),
    "sinh": (sympy.sinh, 1),
    "cosh": (sympy.cosh, 1),
    "tanh": (sympy.tanh, 1),
    "exp": (sympy.exp, 1),
    "log": (sympy.log, 1),
    "ln": (sympy.log, 1),
    "log10": (lambda x: sympy.log(x, 10), 1),
    "sqrt": (sympy.sqrt, 1),
    "abs": (sympy.Abs, 1),
    "pi": (sympy.pi, None),
}
RESERVED = frozenset(FUNCTIONS)

_BINARY_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.BitXor)
_UNARY_OPERATORS = (ast.UAdd, ast.USub)


class ModelError(ValueError):
    """A model that cannot be parsed or evaluated; ``code``/``params`` index :mod:`messages`."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(messages.render(code, params))


def symbol_problem(name: object) -> tuple[str, dict[str, Any]] | None:
    """Why ``name`` cannot name an input or measurand, as (code, params), or None if it can."""
    if not isinstance(name, str) or not name:
        return "not_string", {}
    if (
        not name.isidentifier()
        or name.startswith("_")
        or keyword.iskeyword(name)
        or unicodedata.normalize("NFKC", name) != name  # Python would silently rename it
    ):
        return "bad_symbol", {"name": name}
    if name in RESERVED:
        return "reserved_symbol", {"name": name}
    return None


def _is_constant(node: ast.AST) -> bool:
    return not any(isinstance(child, ast.Name) for child in ast.walk(node)) or all(
        child.id == "pi" for child in ast.walk(node) if isinstance(child, ast.Name)
    )


def _literal_value(node: ast.AST) -> float | None:
    """The value of a (signed) numeric literal, else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, _UNARY_OPERATORS):
        inner = _literal_value(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    return None


def _check_power(node: ast.BinOp) -> None:
    # Symbolic exponents are harmless; constant ones are evaluated exactly by sympy and must be
    # kept small, and a constant base must not itself hide a power (2**100**100).
    if not _is_constant(node.right):
        return
    exponent = _literal_value(node.right)
    if exponent is None or abs(exponent) > MAX_CONSTANT_EXPONENT:
        raise ModelError("model_power")
    if _is_constant(node.left) and any(
        isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Pow, ast.BitXor))
        for n in ast.walk(node.left)
    ):
        raise ModelError("model_power")


def _source(node: ast.AST) -> str:
    """The piece of the expression a message points at, as written (not the parser's class name,
    “BitAnd”, “Compare”, which no reader of either language knows)."""
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:39] + "…"


def _check_node(node: ast.AST, symbols: frozenset[str]) -> None:
    """Recursively accept only the whitelisted grammar."""
    match node:
        case ast.Constant(value=value):
            if type(value) not in (int, float):
                raise ModelError("model_unsupported", what=repr(value))
        case ast.Name(id=name):
            if name not in symbols and not (name in FUNCTIONS and FUNCTIONS[name][1] is None):
                raise ModelError("model_unknown_name", name=name)
        case ast.BinOp(left=left, op=op, right=right):
            if not isinstance(op, _BINARY_OPERATORS):
                raise ModelError("model_unsupported", what=_source(node))
            if isinstance(op, (ast.Pow, ast.BitXor)):
                _check_power(node)
            _check_node(left, symbols)
            _check_node(right, symbols)
        case ast.UnaryOp(op=op, operand=operand):
            if not isinstance(op, _UNARY_OPERATORS):
                raise ModelError("model_unsupported", what=_source(node))
            _check_node(operand, symbols)
        case ast.Call(func=func, args=args, keywords=keywords):
            _check_call(func, args, keywords, symbols)
            for arg in args:
                _check_node(arg, symbols)
        case _:
            raise ModelError("model_unsupported", what=_source(node))


def _check_call(func: ast.AST, args: list, keywords: list, symbols: frozenset[str]) -> None:
    if not isinstance(func, ast.Name):
        raise ModelError("model_unsupported", what=_source(func) + "(…)")
    name = func.id
    arity = FUNCTIONS.get(name, (None, None))[1]
    if name in symbols or arity is None:
        raise ModelError("model_function", name=name)
    if keywords or len(args) != arity or any(isinstance(a, ast.Starred) for a in args):
        raise ModelError("model_call_form", name=name, count=arity)


def validate_expression(text: str, symbols: Sequence[str]) -> frozenset[str]:
    """Check ``text`` against the whitelist; return the input symbols it uses."""
    if not isinstance(text, str) or not text.strip():
        raise ModelError("empty_string")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ModelError("model_too_long", limit=MAX_EXPRESSION_LENGTH)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ModelError("model_syntax", column=exc.offset or 1) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ModelError("model_too_long", limit=MAX_EXPRESSION_LENGTH)
    allowed = frozenset(symbols)
    _check_node(tree.body, allowed)
    return frozenset(n.id for n in nodes if isinstance(n, ast.Name) and n.id in allowed)


def parse_model(text: str, symbols: Sequence[str]) -> sympy.Expr:
    """Parse ``text`` into a sympy expression over ``symbols`` (see the module docstring)."""
    validate_expression(text, symbols)
    local_dict = {name: sympy.Symbol(name, real=True) for name in symbols}
    # The text has been whitelisted; this namespace only holds what auto_number emits and the
    # allowed functions, and an empty __builtins__ stops eval from adding the real ones.
    global_dict: dict[str, Any] = {
        "__builtins__": {},
        "Integer": sympy.Integer,
        "Float": sympy.Float,
        "Rational": sympy.Rational,
    }
    global_dict.update({name: obj for name, (obj, _) in FUNCTIONS.items()})
    expr = parse_expr(
        text.strip(),
        local_dict=local_dict,
        global_dict=global_dict,
        transformations=(auto_number, convert_xor),
    )
    if not isinstance(expr, sympy.Expr):
        raise ModelError("model_unsupported", what=type(expr).__name__)
    return expr


def _array_modules(xp: Any) -> list:
    # lambdify's NumPy printer writes numpy.sin(...); pointing the name "numpy" at another
    # array namespace (CuPy) runs the same generated code on that library.
    return [{"numpy": xp}, "numpy"]


@dataclass(frozen=True, eq=False)
class Model:
    """One or several measurands as functions of the same ordered inputs."""

    inputs: tuple[str, ...]
    measurands: tuple[str, ...]
    expressions: tuple[sympy.Expr, ...]
    jacobian: tuple[tuple[sympy.Expr, ...], ...]
    _scalar: Any = field(repr=False)
    _array_cache: dict = field(default_factory=dict, repr=False)

    def evaluate(self, x: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        """Estimates y (m,) and sensitivity coefficients J (m, n) at the input estimates x."""
        m, n = len(self.measurands), len(self.inputs)
        try:
            flat = self._scalar(*(float(v) for v in x))
        except (ArithmeticError, ValueError, TypeError):
            raise ModelError("model_evaluation") from None
        try:
            values = np.array([complex(v) for v in flat])
        except TypeError:  # a symbolic leftover such as zoo
            raise ModelError("model_evaluation") from None
        if np.any(values.imag != 0) or not np.all(np.isfinite(values.real)):
            raise ModelError("model_not_finite")
        values = values.real
        return values[:m], values[m:].reshape(m, n)

    def array_function(self, xp: Any = np):
        """f(*input_arrays) -> list of measurand arrays, for the array namespace ``xp``."""
        key = getattr(xp, "__name__", id(xp))
        if key not in self._array_cache:
            self._array_cache[key] = sympy.lambdify(
                self._symbols(), list(self.expressions), modules=_array_modules(xp), cse=True
            )
        return self._array_cache[key]

    def array_gradient(self, xp: Any = np):
        """f(*input_arrays) -> [y_1..y_m, dy_1/dx_1 .. dy_m/dx_n] as arrays (or scalars where a
        term is constant), for evaluating many points of one model in one call."""
        key = ("gradient", getattr(xp, "__name__", id(xp)))
        if key not in self._array_cache:
            flat = list(self.expressions) + [d for row in self.jacobian for d in row]
            self._array_cache[key] = sympy.lambdify(
                self._symbols(), flat, modules=_array_modules(xp), cse=True
            )
        return self._array_cache[key]

    def _symbols(self) -> list[sympy.Symbol]:
        return [sympy.Symbol(name, real=True) for name in self.inputs]


@functools.lru_cache(maxsize=256)
def compile_model(
    models: tuple[str, ...], inputs: tuple[str, ...], measurands: tuple[str, ...] | None = None
) -> Model:
    """Parse, differentiate and compile; cached so a budget re-evaluated reuses the work."""
    measurands = measurands or tuple(f"y{i + 1}" for i in range(len(models)))
    expressions = tuple(parse_model(text, inputs) for text in models)
    symbols = [sympy.Symbol(name, real=True) for name in inputs]
    jacobian = tuple(tuple(sympy.diff(e, s) for s in symbols) for e in expressions)
    flat = list(expressions) + [d for row in jacobian for d in row]
    # math on Python floats is several times faster than numpy on 0-d arrays for one point.
    scalar = sympy.lambdify(symbols, flat, modules="math", cse=True)
    return Model(inputs, measurands, expressions, jacobian, scalar)


def constant_value(value: Any) -> float:
    """Python float of a value that may be a 0-d array (helps JSON output)."""
    return float(value) if math.isfinite(float(value)) else float("nan")
