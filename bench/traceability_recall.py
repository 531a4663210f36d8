"""Reverse traceability at national scale on PostgreSQL: the affected set of a failed standard
(every certificate issued with it in its window, and recursively every certificate issued with
the standards it calibrated) found by the one recursive query of `metrohub.traceability.affected`,
against a naive walk of the same graph one certificate at a time through the ORM, same run.

    scripts/with-postgres .venv/bin/python bench/traceability_recall.py --certificates 10000000

The certificates come from certificate_verify.py's COPY generator; each generated job is given
one of --standards standards (job id modulo), so each standard carries N/K jobs spread over ten
years. The failed standard's window is one year; ten of its certificates in that window are the
certificates of the instruments of ten other standards, each recalibrated elsewhere a year later,
so the downstream windows are a year each: an affected set of about 11 × N/K/10 certificates
(11,000 at 10M certificates and the default 1,000 standards).

Against a kept cluster (DATABASE_URL) the world grows: `--build-only --certificates 3000000`
after a 1M run generates the 2M missing certificates and gives their jobs standards;
`--measure-only` then measures what is there (build at low priority, measure under a lock).
`--naive-sample N` times the naive walk over its first N certificates only and extrapolates to
the whole affected set (the full walk takes hours at 10M); `--explain` prints the query's plan.
"""

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bulk  # noqa: E402
import certificate_verify  # noqa: E402  (sets Django up)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from metrohub.centers.models import Center  # noqa: E402
from metrohub.certificates.models import Certificate, StandardUse  # noqa: E402
from metrohub.core.demo import build_demo  # noqa: E402
from metrohub.standards.models import (  # noqa: E402
    InstrumentCertificate,
    MeasurementStandard,
    StandardInstrument,
)
from metrohub.traceability.affected import (  # noqa: E402
    MAX_DEPTH,
    _tables,
    affected,
    affected_naive,
    query,
)

WINDOW = (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
DOWNSTREAM = 10
PREFIX = "基准测试标准 "
USES = StandardUse._meta.db_table


def standards(count: int) -> list[int]:
    centers = list(Center.objects.filter(status="established"))
    made = MeasurementStandard.objects.bulk_create(
        MeasurementStandard(
            center=centers[i % len(centers)],
            name=f"{PREFIX}{i}",
            measurand="压力",
            exam_certificate_number=f"B-{i}",
            exam_valid_until=dt.date(2030, 12, 31),
        )  # fmt: skip
        for i in range(count)
    )
    StandardInstrument.objects.bulk_create(
        StandardInstrument(standard=s, name="标准器", serial_number=f"B-{s.pk}") for s in made
    )
    return [s.pk for s in made]


def assign(pks: list[int], first_job: int) -> float:
    """Each generated job from `first_job` on uses standard (job id mod K), with its date beside
    it: one INSERT … SELECT with the uses' indexes suspended and rebuilt once."""
    start = time.perf_counter()
    base, count = pks[0], len(pks)
    assert pks == list(range(base, base + count))
    with bulk.suspended([USES]), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {USES} (job_id, measurementstandard_id, measured_on) "  # noqa: S608
            "SELECT id, %s + (id %% %s), measured_on FROM certificates_job WHERE id >= %s",
            [base, count, first_job],
        )
    bulk.vacuum([USES, "standards_instrumentcertificate"])
    return time.perf_counter() - start


def link_downstream(failed: int, others: list[int]) -> None:
    """Ten certificates of the failed standard in its window become the certificates of ten
    other standards' instruments; a national institute recalibrates each a year later."""
    sources = list(
        Certificate.objects.filter(job__standards=failed, job__measured_on__range=WINDOW)
        .select_related("job", "center")
        .order_by("job__measured_on", "pk")[:DOWNSTREAM]
    )
    for source, standard in zip(sources, others, strict=False):
        instrument = StandardInstrument.objects.get(standard_id=standard)
        day = source.job.measured_on
        InstrumentCertificate.objects.create(
            instrument=instrument, platform_certificate=source, issuer=source.center.name,
            number=source.number, issued_on=day, due_on=day + dt.timedelta(days=364),
        )  # fmt: skip
        InstrumentCertificate.objects.create(
            instrument=instrument, issuer="中国计量科学研究院", number=f"NIM-{standard}",
            issued_on=day + dt.timedelta(days=365), due_on=day + dt.timedelta(days=729),
        )  # fmt: skip


def build(target: int, k: int) -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Certificate.objects.exists():
        build_demo()
    have = Certificate.objects.count()
    if have < target:
        generated = Certificate.objects.filter(
            pdf_sha256=certificate_verify.PDF_PLACEHOLDER
        ).count()
        first_job = bulk.next_id("certificates_job")
        print(f"generating {target - have:,} certificates with COPY …", flush=True)
        seconds = certificate_verify.generate(target - have, offset=generated, tallies=False)
        print(f"generated in {seconds:.0f} s", flush=True)
        pks = bench_standards() or standards(k)
        print(f"{len(pks)} standards given to the new jobs in {assign(pks, first_job):.0f} s")
    pks = bench_standards()
    if not InstrumentCertificate.objects.filter(instrument__standard_id=pks[1]).exists():
        link_downstream(pks[0], pks[1 : 1 + DOWNSTREAM])
    print(f"world built in {time.perf_counter() - started:.0f} s", flush=True)


def bench_standards() -> list[int]:
    return list(
        MeasurementStandard.objects.filter(name__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# The query before the uses carried their date: each step read every job the standard ever
# served and filtered them by the job's date (kept here to be measured in the same run).
BEFORE = """
WITH RECURSIVE affected(certificate_id, depth, via_id) AS (
    SELECT c.id, 0, CAST(NULL AS bigint)
    FROM {used} u
    JOIN certificates_job j ON j.id = u.job_id
    JOIN {cert} c ON c.job_id = j.id
    WHERE u.measurementstandard_id = %s AND j.measured_on BETWEEN %s AND %s
  UNION
    SELECT c.id, a.depth + 1, a.certificate_id
    FROM affected a
    JOIN {record} r ON r.platform_certificate_id = a.certificate_id
    JOIN {instrument} i ON i.id = r.instrument_id
    JOIN {used} u ON u.measurementstandard_id = i.standard_id
    JOIN certificates_job j ON j.id = u.job_id
    JOIN {cert} c ON c.job_id = j.id
    WHERE a.depth < {depth} AND j.measured_on >= r.issued_on
      AND NOT EXISTS (
        SELECT 1 FROM {record} n
        WHERE n.instrument_id = r.instrument_id AND n.issued_on > r.issued_on
          AND n.issued_on <= j.measured_on
      )
)
SELECT certificate_id, MIN(depth), MIN(via_id) FROM affected GROUP BY certificate_id
"""


def before(failed: int) -> tuple[set[int], float]:
    """The affected set by the query before, and its best time of two."""
    sql = BEFORE.format(depth=MAX_DEPTH, **_tables())
    timings = []
    for _ in range(2):
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [failed, *WINDOW])
            found = {row[0] for row in cursor.fetchall()}
        timings.append(time.perf_counter() - t0)
    return found, min(timings)


def explain(failed: int) -> None:
    sql, params = query(standard_id=failed, since=WINDOW[0], until=WINDOW[1])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("\n".join(row[0] for row in cursor.fetchall()))


def measure(naive_sample: int | None, plan: bool) -> None:
    failed = bench_standards()[0]
    total = Certificate.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    print(f"certificates: {total:,}; database {size}; load average {os.getloadavg()}", flush=True)
    if plan:
        explain(failed)
    timings = []
    for _ in range(3):
        t0 = time.perf_counter()
        found = affected(standard_id=failed, since=WINDOW[0], until=WINDOW[1])
        timings.append(time.perf_counter() - t0)
    ids = {pk for pk, _depth, _via in found}
    earlier, earlier_seconds = before(failed)
    assert earlier == ids, (len(earlier), len(ids))
    t0 = time.perf_counter()
    naive = affected_naive(standard_id=failed, since=WINDOW[0], until=WINDOW[1], limit=naive_sample)
    naive_seconds = time.perf_counter() - t0
    if naive_sample and len(naive) < len(ids):
        assert naive <= ids, len(naive - ids)
        walked = f"naive walk over its first {len(naive):,} certificates {naive_seconds:.1f} s"
        naive_seconds *= len(ids) / len(naive)
        walked += f", extrapolated to {len(ids):,}: {naive_seconds:.0f} s (estimate)"
    else:
        assert ids == naive, (len(ids), len(naive))
        walked = f"naive walk {naive_seconds:.1f} s (same set)"
    levels = {}
    for _pk, depth, _via in found:
        levels[depth] = levels.get(depth, 0) + 1
    print(f"affected: {len(ids):,} (by level {dict(sorted(levels.items()))})")
    print(
        f"recursive query: first {timings[0] * 1e3:.0f} ms, best {min(timings) * 1e3:.0f} ms "
        f"(target < 2 s); {walked}; {naive_seconds / min(timings):.0f}× faster"
    )
    print(
        f"the query before (each job's date read from the job): best {earlier_seconds * 1e3:.0f} ms, "
        f"{earlier_seconds / min(timings):.1f}× the time of the query now"
    )
    print(f"load average after: {os.getloadavg()}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--standards", type=int, default=1_000)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument("--naive-sample", type=int, default=None)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("run under scripts/with-postgres", file=sys.stderr)
        return 2
    if args.measure_only:
        call_command("migrate", verbosity=0)  # the indexes of the code under measurement
    else:
        build(args.certificates, args.standards)
    if not args.build_only:
        measure(args.naive_sample, args.explain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
