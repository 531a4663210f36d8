"""Monte Carlo: 10^6 trials of a 10-input non-linear model against the floor.

    PYTHONPATH=src python bench/uncertainty_mcm.py [TRIALS]

The floor is numpy alone drawing the same random numbers (6 normal and 4 uniform arrays of
TRIALS values, same generator). The metrohub figure is the whole run: sampling, the model, mean,
u, both coverage intervals and the histogram. Best of 3. If CuPy imports, the same on the GPU.
"""

import sys
import time

import numpy as np

from metrohub.uncertainty import inputs, mcm
from metrohub.uncertainty.model import compile_model

MODEL = "X1*X2/X3 + sin(X4)*exp(X5/10) + sqrt(X6)*log(X7) + X8**2/X9 - X10"
SYMBOLS = tuple(f"X{i}" for i in range(1, 11))
NORMAL, UNIFORM = 6, 4


def budget_inputs():
    xs = [inputs.standard(s, 2.0 + i, 0.01 * (i + 1)) for i, s in enumerate(SYMBOLS[:NORMAL])]
    xs += [inputs.half_width(s, 3.0 + i, 0.05, "rectangular")
           for i, s in enumerate(SYMBOLS[NORMAL:])]  # fmt: skip
    return xs


def best_of(work, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def floor(trials: int) -> float:
    def draw():
        rng = np.random.Generator(np.random.PCG64(1))
        for _ in range(NORMAL):
            rng.standard_normal(trials)
        for _ in range(UNIFORM):
            rng.random(trials)

    return best_of(draw)


def engine(trials: int, xp=None) -> tuple[float, mcm.McmResult]:
    model = compile_model((MODEL,), SYMBOLS)
    xs = budget_inputs()
    result = []
    mcm.run(model, xs, trials=10_000, seed=1, xp=xp)  # compile for this namespace, warm up

    def run():
        result.append(mcm.run(model, xs, trials=trials, seed=1, xp=xp))
        if xp is not None and hasattr(xp, "cuda"):
            xp.cuda.Stream.null.synchronize()

    return best_of(run), result[-1]


def main(trials: int = 1_000_000) -> None:
    print(f"{trials} trials, model Y = {MODEL}")
    t_floor = floor(trials)
    t_engine, result = engine(trials)
    m = result.measurands[0]
    print(f"numpy drawing the same random numbers (floor): {t_floor * 1e3:8.1f} ms")
    print(f"metrohub mcm.run (numpy):                      {t_engine * 1e3:8.1f} ms"
          f"  ({trials / t_engine:,.0f} trials/s)")  # fmt: skip
    print(f"ratio to the floor: {t_engine / t_floor:.2f}x (target <= 2x)")
    print(f"  y = {m.value:.6g}, u = {m.standard_uncertainty:.3g}, "
          f"95 % interval [{m.interval[0]:.6g}, {m.interval[1]:.6g}]")  # fmt: skip
    try:
        import cupy
    except ImportError:
        print("cupy not importable: no GPU figure")
        return
    t_gpu, gpu = engine(trials, cupy)
    print(f"metrohub mcm.run (cupy, {cupy.cuda.runtime.getDeviceProperties(0)['name'].decode()}):"
          f" {t_gpu * 1e3:8.1f} ms  ({trials / t_gpu:,.0f} trials/s)")  # fmt: skip
    print(f"  y = {gpu.measurands[0].value:.6g}, u = {gpu.measurands[0].standard_uncertainty:.3g}")


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000)
