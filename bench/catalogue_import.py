"""Import throughput (rows/s) of the Excel importer: reading the .xlsx, checking every row and
writing in bulk, for the 2,300-row file (Chongqing's catalogue today) and a 100,000-row one, each
into an empty center and then again (the idempotent re-import).

    .venv/bin/python bench/catalogue_import.py [--sizes 2300 100000]
"""

import argparse
import sys
import time

from catalogue_generate import ensure_centers, variants  # noqa: I001  (sets Django up)
from django.core.management import call_command  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2300, 100_000])
    args = parser.parse_args()
    from metrohub.catalogue import importing
    from metrohub.catalogue.models import CapabilityLine
    from metrohub.catalogue.rows import line_to_row
    from metrohub.catalogue.services import import_rows

    call_command("migrate", verbosity=0)
    centers = ensure_centers(len(args.sizes))
    pool = variants()
    for size, center in zip(args.sizes, centers, strict=True):
        rows = []
        for index in range(size):
            data = dict(pool[index % len(pool)])
            data["conditions"] = f"{data['conditions']} 组{index // len(pool)}"
            rows.append(line_to_row(CapabilityLine(**data)))
        blob = importing.xlsx_bytes(rows)
        started = time.perf_counter()
        parsed = importing.read_rows(blob, filename="bench.xlsx", max_rows=size)
        read = time.perf_counter() - started
        result = import_rows(actor=None, center=center, rows=parsed)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = import_rows(
            actor=None, center=center, rows=importing.read_rows(blob, filename="bench.xlsx")
        )
        second = time.perf_counter() - started
        assert result.created == size and again.unchanged == size, result.issues[:3]
        print(
            f"{size:>7} rows: {first:6.2f} s ({size / first:,.0f} rows/s; reading the file "
            f"{read:.2f} s); re-import {second:6.2f} s ({size / second:,.0f} rows/s), 0 changes"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
