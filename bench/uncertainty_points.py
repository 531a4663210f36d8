"""The uncertainty of 1,000 points of one budget: one vectorised call against 1,000 single
evaluations, in the same run (target: at least 10x).

    PYTHONPATH=src python bench/uncertainty_points.py [N]

The budget is what a calibration lab evaluates per point: the error E = X - S of an instrument
against a standard, with the standard's expanded uncertainty, its drift, the resolution of the
instrument, a temperature effect proportional to the value, and the readings of the point
(Type A, 5 readings each). Both sides get the same values and readings; the results must agree.
"""

import math
import sys
import time

import numpy as np

from metrohub.uncertainty import evaluate_points, gum, inputs, parse_budget

BUDGET = {
    "measurands": [{"symbol": "E", "model": "X - S*(1 + alpha*(t - 20)) + d", "unit": "MPa"}],
    "inputs": [
        {"symbol": "X", "value": 0.0, "uncertainty": {"standard": 0.0001}},
        {"symbol": "S", "value": 0.0, "uncertainty": {"expanded": 0.0004, "k": 2}},
        {"symbol": "alpha", "value": 2e-5, "uncertainty": {"distribution": "rectangular", "half_width": 1e-5}},
        {"symbol": "t", "value": 20.0, "uncertainty": {"distribution": "rectangular", "half_width": 0.5}},
        {"symbol": "d", "value": 0.0, "uncertainty": {"distribution": "rectangular", "half_width": 0.0005}},
    ],
    "coverage": {"probability": 0.95},
}  # fmt: skip


def points(n: int, seed: int = 7) -> list[dict]:
    rng = np.random.default_rng(seed)
    nominal = np.linspace(0.5, 60.0, n)
    out = []
    for x in nominal:
        readings = (x + rng.normal(0, 0.0008, 5)).tolist()
        out.append({"X": readings, "S": float(x), "t": float(20 + rng.uniform(-1, 1))})
    return out


def one_at_a_time(budget, rows) -> np.ndarray:
    """What a lab without the vectorised call does: a GUM evaluation per point."""
    symbols = [x.symbol for x in budget.inputs]
    u = []
    for row in rows:
        xs = []
        for x in budget.inputs:
            given = row.get(x.symbol)
            if isinstance(given, list):
                xs.append(inputs.type_a(x.symbol, given))
            elif given is not None:
                xs.append(inputs.Input(x.symbol, float(given), x.standard_uncertainty, x.dof,
                                       x.type, x.distribution))  # fmt: skip
            else:
                xs.append(x)
        result = gum.evaluate(budget.model, xs, budget.correlation, k=budget.k,
                              probability=budget.probability)  # fmt: skip
        u.append(result.measurands[0].expanded_uncertainty)
    assert len(symbols) == len(xs)
    return np.array(u)


def best_of(runs: int, work) -> tuple[float, object]:
    best, value = math.inf, None
    for _ in range(runs):
        start = time.perf_counter()
        value = work()
        best = min(best, time.perf_counter() - start)
    return best, value


def main(n: int = 1000) -> None:
    budget = parse_budget(BUDGET)
    rows = points(n)
    evaluate_points(budget, rows[:2])  # compile the array function once, as a server would have
    vector_s, vector = best_of(5, lambda: evaluate_points(budget, rows))
    single_s, single = best_of(3, lambda: one_at_a_time(budget, rows))
    worst = float(np.max(np.abs(vector.expanded_uncertainties[:, 0] / single - 1)))
    print(f"{n} points, model E = {BUDGET['measurands'][0]['model']}, coverage p = 95 %")
    print(
        f"one vectorised call (evaluate_points): {vector_s * 1e3:8.2f} ms  ({n / vector_s:10.0f} points/s)"
    )
    print(
        f"{n} single gum.evaluate calls:        {single_s * 1e3:8.2f} ms  ({n / single_s:10.0f} points/s)"
    )
    print(
        f"ratio: {single_s / vector_s:.1f}x faster (target >= 10x); largest relative difference in U: {worst:.1e}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
