"""Catalogue search latency, p50 and p95 over a fixed query mix, against a plain LIKE scan
measured in the same run on the same data.

Each measured request does what the API does for one page (`search_page`): the count (exact up to
SEARCH_CAP), the first 20 results in rank order, and (second figure) the facets. The LIKE scan
filters the same text with LIKE only and counts and ranks every match: no FTS5 table, and on
PostgreSQL index and bitmap scans are switched off in its transaction, so it is a real sequential
scan rather than the pg_trgm index.

The code before the grams (every short term a LIKE, as when `common_grams` finds every one
common) is measured too, same run, same data, rounds alternating; the figures are also given per
class of query: with a rare short term (one or two Chinese characters asked of the grams), with
only common short terms (read in order until the cap), and the rest.

    .venv/bin/python bench/catalogue_search.py [--lines 1000000] [--rounds 5] [--no-like]
    scripts/with-postgres .venv/bin/python bench/catalogue_search.py --lines 1000000

To measure apart from the generation (kept database, e.g. under a lock):
    METROHUB_DATA_DIR=/tmp/x nice -n 19 .venv/bin/python bench/catalogue_generate.py --lines N
    METROHUB_DATA_DIR=/tmp/x flock /tmp/bench.lock .venv/bin/python bench/catalogue_search.py --lines N
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
    # Rare words no generated line holds, and two less rare: 流量 in 1.5 % of the lines, 恒温
    # in 9.7 % (at 200,000 lines just under the share at which a term counts as common).
    "邮电",
    "蠕变",
    "流量",
    "恒温",
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


def _before_grams(run):
    """`run` as the code before the grams: every short term common, so a LIKE."""
    from metrohub.catalogue import search

    def before(q):
        common_grams = search.common_grams
        search.common_grams = set
        try:
            return run(q)
        finally:
            search.common_grams = common_grams

    return before


def _percentiles(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[max(int(len(timings) * 0.95) - 1, 0)]


def measure(run, rounds: int, per_query: dict | None = None) -> tuple[float, float]:
    timings = []
    for _ in range(rounds):
        for q in QUERIES:
            started = time.perf_counter()
            run(q)
            timings.append((time.perf_counter() - started) * 1000)
            if per_query is not None:
                per_query.setdefault(q, []).append(timings[-1])
    return _percentiles(timings)


def query_class(q: str) -> str:
    """`rare short` when a term of one or two Chinese characters is asked of the grams, `common
    short` when such terms are all common (a LIKE read in order), else `other`."""
    from metrohub.catalogue.grams import is_gram
    from metrohub.catalogue.search import common_grams, query_groups

    short = [t for alts in query_groups(q) for t in alts if is_gram(t)]
    if not short:
        return "other"
    return "common short" if common_grams(short) == set(short) else "rare short"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--centers", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-like", action="store_true", help="skip the plain LIKE scan phase")
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
    classes = {q: query_class(q) for q in QUERIES}
    for q in QUERIES:  # warm caches; the results must agree with the plain scan
        count, ids, exact = _search_page(q)
        assert _before_grams(_search_page)(q) == (count, ids, exact), q
        like_count, like_ids = _like_page(q)
        if all(len(group) == 1 for group in query_groups(q)):  # synonyms: more than LIKE finds
            assert ids == like_ids and count == min(like_count, SEARCH_CAP), q
            assert exact == (like_count <= SEARCH_CAP), q
        capped += not exact

    per_query: dict[str, list[float]] = {}
    before_per_query: dict[str, list[float]] = {}
    for _ in range(args.rounds):  # alternating, so that a change of load falls on both
        measure(_search_page, 1, per_query)
        measure(_before_grams(_search_page), 1, before_per_query)
    indexed = _percentiles(sum(per_query.values(), []))
    before = _percentiles(sum(before_per_query.values(), []))
    with_facets = measure(lambda q: _search_page(q, facets=True), args.rounds)
    like = None if args.no_like else measure(_like_page, args.rounds)
    print(
        f"{total} lines on {connection.vendor}, {len(QUERIES)} queries × {args.rounds} rounds; "
        f"{capped} of the queries match more than {SEARCH_CAP:,} lines (count capped)"
    )
    print(f"search (count + page):  p50 {indexed[0]:7.1f} ms   p95 {indexed[1]:7.1f} ms")
    print(f"the code before grams:  p50 {before[0]:7.1f} ms   p95 {before[1]:7.1f} ms")
    print(f"search + facets:        p50 {with_facets[0]:7.1f} ms   p95 {with_facets[1]:7.1f} ms")
    if like:
        print(f"plain LIKE scan:        p50 {like[0]:7.1f} ms   p95 {like[1]:7.1f} ms")
        print(
            f"LIKE / search at p95: {like[1] / indexed[1]:.1f}× "
            f"(with facets {like[1] / with_facets[1]:.1f}×)"
        )
    print("per class (count + page), p50 / p95 ms: search | the code before grams")
    for name in ("rare short", "common short", "other"):
        members = [q for q in QUERIES if classes[q] == name]
        if members:
            now = _percentiles(sum((per_query[q] for q in members), []))
            then = _percentiles(sum((before_per_query[q] for q in members), []))
            print(
                f"  {name:<13} {now[0]:7.1f} / {now[1]:7.1f} | {then[0]:7.1f} / {then[1]:7.1f}"
                f"   ({', '.join(members)})"
            )
    print("per query (count + page), p50 / max ms: search | the code before grams")
    for q, times in per_query.items():
        then = before_per_query[q]
        print(
            f"  {q:<14} {statistics.median(times):7.1f} / {max(times):7.1f} | "
            f"{statistics.median(then):7.1f} / {max(then):7.1f}   {classes[q]}"
        )
    return 0


def _table_exists() -> bool:
    return "catalogue_capabilityline" in connection.introspection.table_names()


if __name__ == "__main__":
    sys.exit(main())
