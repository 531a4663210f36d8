"""Catalogue search latency, p50 and p95 over a fixed query mix, against a plain LIKE scan
measured in the same run on the same data.

Each measured request does what the API does for one page (`search_page`): the count (exact up to
SEARCH_CAP), the first 20 results in rank order, and (second figure) the facets. The LIKE scan
filters the same text with LIKE only and counts and ranks every match: no FTS5 table, and on
PostgreSQL index and bitmap scans are switched off in its transaction, so it is a real sequential
scan rather than the pg_trgm index.

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
    # Terms of two Chinese characters, which pg_trgm cannot serve: none matches 上海 or 中心 (a
    # line's search text holds no center or place), 电能 matches about 0.14 % of the lines.
    "温度 上海",
    "中心",
    "电能",
]


def _page(queryset):
    count = queryset.count()
    ids = list(queryset.values_list("pk", flat=True)[:20])
    return count, ids


def _like_page(q):
    from django.db import transaction

    from metrohub.catalogue.search import like_scan

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
                cursor.execute("SET LOCAL enable_indexonlyscan = off")
        return _page(like_scan(q))


def _search_page(q, facets=False):
    from metrohub.catalogue.search import Filters, search_page

    page = search_page(Filters(q=q), page=1, page_size=20, with_facets=facets)
    return page.count, [line.pk for line in page.lines], page.count_exact


def measure(run, rounds: int, per_query: dict | None = None) -> tuple[float, float]:
    timings = []
    for _ in range(rounds):
        for q in QUERIES:
            started = time.perf_counter()
            run(q)
            timings.append((time.perf_counter() - started) * 1000)
            if per_query is not None:
                per_query.setdefault(q, []).append(timings[-1])
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--centers", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from metrohub.catalogue.models import CapabilityLine
    from metrohub.catalogue.search import SEARCH_CAP, query_groups

    if CapabilityLine.objects.count() < args.lines if _table_exists() else True:
        generate(args.lines, args.centers)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalogue_capabilityline")
    total = CapabilityLine.objects.count()
    capped = 0
    for q in QUERIES:  # warm caches; the results must agree with the plain scan
        count, ids, exact = _search_page(q)
        like_count, like_ids = _like_page(q)
        if all(len(group) == 1 for group in query_groups(q)):  # synonyms: more than LIKE finds
            assert ids == like_ids and count == min(like_count, SEARCH_CAP), q
            assert exact == (like_count <= SEARCH_CAP), q
        capped += not exact

    per_query: dict[str, list[float]] = {}
    indexed = measure(_search_page, args.rounds, per_query)
    with_facets = measure(lambda q: _search_page(q, facets=True), args.rounds)
    like = measure(_like_page, args.rounds)
    print(
        f"{total} lines on {connection.vendor}, {len(QUERIES)} queries × {args.rounds} rounds; "
        f"{capped} of the queries match more than {SEARCH_CAP:,} lines (count capped)"
    )
    print(f"search (count + page):  p50 {indexed[0]:7.1f} ms   p95 {indexed[1]:7.1f} ms")
    print(f"search + facets:        p50 {with_facets[0]:7.1f} ms   p95 {with_facets[1]:7.1f} ms")
    print(f"plain LIKE scan:        p50 {like[0]:7.1f} ms   p95 {like[1]:7.1f} ms")
    print(
        f"LIKE / search at p95: {like[1] / indexed[1]:.1f}× (with facets {like[1] / with_facets[1]:.1f}×)"
    )
    print("search (count + page), per query: max ms")
    for q, times in per_query.items():
        print(f"  {q:<14} {max(times):7.1f}")
    return 0


def _table_exists() -> bool:
    return "catalogue_capabilityline" in connection.introspection.table_names()


if __name__ == "__main__":
    sys.exit(main())
