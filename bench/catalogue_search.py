"""Catalogue search latency, p50 and p95 over a fixed query mix, against a plain LIKE scan
measured in the same run on the same data.

Each measured request does what the API does for one page: the count, the first 20 results in
rank order, and (second figure) the facets. The LIKE scan filters the same text with LIKE only
(no FTS5 table, no trigram index can serve a leading-wildcard LIKE on SQLite).

    .venv/bin/python bench/catalogue_search.py [--lines 1000000] [--rounds 5]
    scripts/with-postgres .venv/bin/python bench/catalogue_search.py --lines 1000000
"""

import argparse
import statistics
import sys
import time

from catalogue_generate import generate  # noqa: I001  (sets Django up)
from django.db import connection  # noqa: E402

QUERIES = [
    "压力",
    "压力表",
    "铂电阻温度计",
    "0.05级",
    "JJG 52",
    "数字压力计",
    "扭矩扳子",
    "温度 校准",
    "电子天平",
    "温",
    "JJF 1587",
    "声级计",
]


def _page(queryset):
    count = queryset.count()
    ids = list(queryset.values_list("pk", flat=True)[:20])
    return count, ids


def measure(run, rounds: int) -> tuple[float, float]:
    timings = []
    for _ in range(rounds):
        for q in QUERIES:
            started = time.perf_counter()
            run(q)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--centers", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from metrohub.catalogue.models import CapabilityLine
    from metrohub.catalogue.search import Filters, facets, like_scan, search

    if CapabilityLine.objects.count() < args.lines if _table_exists() else True:
        generate(args.lines, args.centers)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalogue_capabilityline")
    total = CapabilityLine.objects.count()
    for q in QUERIES:  # warm caches; the results must agree
        assert _page(search(Filters(q=q)))[0] == _page(like_scan(q))[0], q

    indexed = measure(lambda q: _page(search(Filters(q=q))), args.rounds)
    with_facets = measure(
        lambda q: (_page(search(Filters(q=q))), facets(search(Filters(q=q)))), args.rounds
    )
    like = measure(lambda q: _page(like_scan(q)), args.rounds)
    print(f"{total} lines on {connection.vendor}, {len(QUERIES)} queries × {args.rounds} rounds")
    print(f"search (count + page):  p50 {indexed[0]:7.1f} ms   p95 {indexed[1]:7.1f} ms")
    print(f"search + facets:        p50 {with_facets[0]:7.1f} ms   p95 {with_facets[1]:7.1f} ms")
    print(f"plain LIKE scan:        p50 {like[0]:7.1f} ms   p95 {like[1]:7.1f} ms")
    print(f"LIKE / search at p95: {like[1] / indexed[1]:.2f}×")
    return 0


def _table_exists() -> bool:
    return "catalogue_capabilityline" in connection.introspection.table_names()


if __name__ == "__main__":
    sys.exit(main())
