"""GUM budgets evaluated per second, 10-input non-linear model, against GTC in the same run.

    PYTHONPATH=src python bench/uncertainty_gum.py [N]

Three figures on the same N random budgets: metrohub's GUM step on a compiled model (what GTC
also does: the model is code, only values change), metrohub's whole `evaluate` of a budget
document (validation, inputs, GUM and the report strings; the parsed model is cached), and GTC.
"""

import math
import sys
import time

import numpy as np
from GTC import exp, log, sin, sqrt, ureal

from metrohub.uncertainty import budget, gum, inputs
from metrohub.uncertainty.model import compile_model

MODEL = "X1*X2/X3 + sin(X4)*exp(X5/10) + sqrt(X6)*log(X7) + X8**2/X9 - X10"
SYMBOLS = tuple(f"X{i}" for i in range(1, 11))


def gtc_model(x):
    return x[0] * x[1] / x[2] + sin(x[3]) * exp(x[4] / 10) + sqrt(x[5]) * log(x[6]) \
        + x[7] ** 2 / x[8] - x[9]  # fmt: skip


def random_budgets(n: int, seed: int = 1) -> list[list[tuple[float, float, float]]]:
    rng = np.random.default_rng(seed)
    values = rng.uniform(1.0, 10.0, (n, 10))
    us = values * rng.uniform(0.001, 0.05, (n, 10))
    dofs = np.where(rng.random((n, 10)) < 0.5, math.inf, rng.integers(2, 50, (n, 10)))
    return [list(zip(v, u, d, strict=True)) for v, u, d in zip(values, us, dofs, strict=True)]


def as_document(b) -> dict:
    def uncertainty(u, d):
        return {"standard": u} if math.isinf(d) else {"standard": u, "dof": d}

    return {
        "measurands": [{"symbol": "Y", "model": MODEL}],
        "inputs": [{"symbol": s, "value": v, "uncertainty": uncertainty(u, d)}
                   for s, (v, u, d) in zip(SYMBOLS, b, strict=True)],
    }  # fmt: skip


def timed(label: str, work, n: int) -> float:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"{label:<42} {n / seconds:10.0f} budgets/s  ({seconds * 1e6 / n:7.1f} µs each)")
    return n / seconds


def main(n: int = 2000) -> None:
    budgets = random_budgets(n)
    documents = [as_document(b) for b in budgets]
    model = compile_model((MODEL,), SYMBOLS)
    ours, theirs = [], []

    def run_gum():
        for b in budgets:
            xs = [inputs.standard(s, v, u, d) for s, (v, u, d) in zip(SYMBOLS, b, strict=True)]
            ours.append(gum.evaluate(model, xs).measurands[0])

    def run_documents():
        for d in documents:
            budget.evaluate(d, method="gum")

    def run_gtc():
        for b in budgets:
            y = gtc_model([ureal(v, u, d) for v, u, d in b])
            theirs.append((y.u, y.df))

    print(f"{n} budgets, model Y = {MODEL}")
    rate_gum = timed("metrohub gum.evaluate (compiled model)", run_gum, n)
    rate_doc = timed("metrohub budget.evaluate (JSON document)", run_documents, n)
    rate_gtc = timed("GTC ureal arithmetic", run_gtc, n)
    worst = max(abs(a.standard_uncertainty / u - 1) for a, (u, _) in zip(ours, theirs, strict=True))
    print(f"ratio gum.evaluate / GTC:      {rate_gum / rate_gtc:.2f}x")
    print(f"ratio budget.evaluate / GTC:   {rate_doc / rate_gtc:.2f}x")
    print(f"largest relative difference in u_c against GTC: {worst:.1e}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
