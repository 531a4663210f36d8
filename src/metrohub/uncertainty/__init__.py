"""Measurement uncertainty: GUM (JJF 1059.1) and Monte Carlo (JJF 1059.2) evaluation.

Plain Python and numpy; no Django. The usual entry point is :func:`evaluate` on a budget
document (see docs/uncertainty.md); the pieces are usable on their own::

    from metrohub.uncertainty import compile_model, inputs, gum, mcm
"""

from . import gum, inputs, mcm, messages, report
from .budget import Budget, BudgetError, evaluate, evaluate_points, load_budget, parse_budget
from .model import Model, ModelError, compile_model

__all__ = [
    "Budget",
    "BudgetError",
    "Model",
    "ModelError",
    "compile_model",
    "evaluate",
    "evaluate_points",
    "gum",
    "inputs",
    "load_budget",
    "mcm",
    "messages",
    "parse_budget",
    "report",
]
