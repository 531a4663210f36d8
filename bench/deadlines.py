"""Benchmark: 100,000 mixed deadlines with the legal calculator, against bare relativedelta.

Run: PYTHONPATH=src python bench/deadlines.py [N]

The mix: calendar days (7, 15, 30), working days (5, 10, 20), months (1, 3, 24) and years (2, 5),
with and without the art. 203 extension / next-working-day option, from random start dates across
2004–2026 (so some counts run into 2027 and come out provisional). The baseline is the same number
of bare ``date + relativedelta(...)`` additions, measured in the same run.
"""

import datetime as dt
import random
import sys
import time

from dateutil.relativedelta import relativedelta

from metrohub.legaltime.calculator import compute
from metrohub.legaltime.sources import ChineseCalendarSource

MIX = [
    (7, "days", {}),
    (7, "days", {"extend_holiday": True}),
    (15, "days", {"next_working_day": True}),
    (30, "days", {"extend_holiday": True}),
    (5, "working_days", {}),
    (10, "working_days", {}),
    (20, "working_days", {}),
    (1, "months", {}),
    (3, "months", {"extend_holiday": True}),
    (24, "months", {"extend_holiday": True}),
    (2, "years", {"extend_holiday": True}),
    (5, "years", {}),
]


def main(n: int = 100_000) -> None:
    rng = random.Random(20250930)
    first, span = dt.date(2004, 1, 1).toordinal(), 23 * 365
    cases = [
        (dt.date.fromordinal(first + rng.randrange(span)), *MIX[rng.randrange(len(MIX))])
        for _ in range(n)
    ]
    t0 = time.perf_counter()
    calendar = ChineseCalendarSource()
    setup = time.perf_counter() - t0

    t0 = time.perf_counter()
    provisional = 0
    for start, count, unit, options in cases:
        provisional += compute(start, count, unit, calendar=calendar, **options).provisional
    elapsed = time.perf_counter() - t0

    deltas = {
        "days": lambda c: relativedelta(days=c),
        "working_days": lambda c: relativedelta(days=c),
        "months": lambda c: relativedelta(months=c),
        "years": lambda c: relativedelta(years=c),
    }
    t0 = time.perf_counter()
    for start, count, unit, _options in cases:
        start + deltas[unit](count)
    baseline = time.perf_counter() - t0

    print(f"calendar setup (chinesecalendar 2004-2026): {setup * 1000:.0f} ms")
    print(
        f"deadlines: {n} in {elapsed:.3f} s = {n / elapsed:,.0f} deadlines/s "
        f"({provisional} provisional)"
    )
    print(
        f"baseline (bare relativedelta additions): {n} in {baseline:.3f} s = "
        f"{n / baseline:,.0f} additions/s"
    )
    print(f"ratio: the calculator takes {elapsed / baseline:.1f}x the bare arithmetic")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
