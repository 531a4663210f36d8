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

`--calibrated N` (with the build) makes a failed standard that calibrated many instruments: N
more instruments spread over the other standards, each calibrated by one of the failed
standard's certificates in its window (taken in turn by date) and recalibrated `--interval` days
later: N calibration records downstream, each window holding about interval × (certificates /
K / 3,650) uses of its standard. The measurement runs the query now and its other forms
(`--forms`: before, the same query under the planner's own plan; lateral, each window's end
computed per record) in alternating rounds, each form checked to give the same rows; a round
past `--timeout` seconds ends that form's rounds.
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
from django.db import OperationalError, connection, transaction  # noqa: E402

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
    PLANNER,
    _tables,
    affected,
    affected_naive,
    query,
)

WINDOW = (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
DOWNSTREAM = 10
PREFIX = "基准测试标准 "
MANY = "BC-"  # the serial numbers of the instruments of --calibrated
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


def calibrate_many(failed: int, others: list[int], count: int, interval: int) -> None:
    """`count` more instruments, spread over the other standards (a standard with many
    instruments), each calibrated by one of the failed standard's certificates in its window
    (taken in turn by date) and recalibrated by a national institute `interval` days later: as
    many calibration records downstream of the failed standard, one window each."""
    sources = list(
        Certificate.objects.filter(job__standards=failed, job__measured_on__range=WINDOW)
        .order_by("job__measured_on", "pk")
        .values_list("pk", "number", "center__name", "job__measured_on")
    )
    instruments = StandardInstrument.objects.bulk_create(
        StandardInstrument(
            standard_id=others[n % len(others)], name="标准器组", serial_number=f"{MANY}{n}"
        )  # fmt: skip
        for n in range(count)
    )
    records = []
    for n, instrument in enumerate(instruments):
        pk, number, issuer, day = sources[n % len(sources)]
        later = day + dt.timedelta(days=interval)
        records += [
            InstrumentCertificate(
                instrument=instrument, platform_certificate_id=pk, issuer=issuer, number=number,
                issued_on=day, due_on=later - dt.timedelta(days=1),
            ),
            InstrumentCertificate(
                instrument=instrument, issuer="中国计量科学研究院", number=f"NIM-{MANY}{n}",
                issued_on=later, due_on=later + dt.timedelta(days=364),
            ),
        ]  # fmt: skip
    InstrumentCertificate.objects.bulk_create(records, batch_size=5_000)
    bulk.vacuum(["standards_standardinstrument", "standards_instrumentcertificate"])


def build(target: int, k: int, calibrated: int, interval: int) -> None:
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
    have = StandardInstrument.objects.filter(serial_number__startswith=MANY).count()
    if calibrated > have:
        assert have == 0, f"{have} instruments calibrated already: build a fresh world"
        t0 = time.perf_counter()
        calibrate_many(pks[0], pks[1:], calibrated, interval)
        print(
            f"{calibrated:,} instruments calibrated downstream in {time.perf_counter() - t0:.0f} s"
        )
    print(f"world built in {time.perf_counter() - started:.0f} s", flush=True)


def bench_standards() -> list[int]:
    return list(
        MeasurementStandard.objects.filter(name__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# The recursive step's other forms, measured in the same run as the query now (the step's
# joins as nested loops driven by the level, JIT off: `affected.PLANNER`):
# - before: the same query under the planner's own choice, as the code before ran it (with many
#   calibration records: hash joins over every certificate, or merges with every record's
#   window, and JIT);
# - lateral: the end of each window computed once per record in a LATERAL subquery, under the
#   settings of the query now.
STEP = """
WITH RECURSIVE affected(certificate_id, depth, via_id) AS (
    SELECT c.id, 0, CAST(NULL AS bigint)
    FROM {used} u
    JOIN {cert} c ON c.job_id = u.job_id
    WHERE u.measurementstandard_id = %s AND u.measured_on >= %s AND u.measured_on <= %s
  UNION
    SELECT c.id, a.depth + 1, a.certificate_id
    FROM affected a
    JOIN {record} r ON r.platform_certificate_id = a.certificate_id
    JOIN {instrument} i ON i.id = r.instrument_id
    {step}
    JOIN {cert} c ON c.job_id = u.job_id
    WHERE a.depth < {depth}
)
SELECT certificate_id, depth, via_id FROM (
    SELECT certificate_id, depth, via_id,
           ROW_NUMBER() OVER (PARTITION BY certificate_id ORDER BY depth, via_id) AS nth
    FROM affected
) ranked
WHERE nth = 1
"""
FORMS = {
    "before": """JOIN {used} u ON u.measurementstandard_id = i.standard_id
        AND u.measured_on >= r.issued_on
        AND u.measured_on < COALESCE(
            (SELECT MIN(n.issued_on) FROM {record} n
             WHERE n.instrument_id = r.instrument_id AND n.issued_on > r.issued_on), %s)""",
    "lateral": """CROSS JOIN LATERAL (
        SELECT COALESCE(MIN(n.issued_on), %s) AS ends FROM {record} n
        WHERE n.instrument_id = r.instrument_id AND n.issued_on > r.issued_on) w
    JOIN {used} u ON u.measurementstandard_id = i.standard_id
        AND u.measured_on >= r.issued_on AND u.measured_on < w.ends""",
}


def other_form(name: str) -> str:
    tables = _tables()
    step = FORMS[name].format(**tables)
    return STEP.format(depth=MAX_DEPTH, step=step, **tables)


def timed(
    sql: str, params: list, timeout_s: int, planned: bool
) -> tuple[list | None, float | None]:
    """The rows and the time of one round, in a transaction of its own (under the settings of the
    query now when `planned`); (None, None) past `timeout_s`."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if planned:
                for name, value in PLANNER.items():
                    cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
            cursor.execute(f"SET LOCAL statement_timeout = {timeout_s * 1000}")
            t0 = time.perf_counter()
            cursor.execute(sql, params)
            rows = sorted(cursor.fetchall())
            return rows, time.perf_counter() - t0
    except OperationalError:  # the timeout
        return None, None


def explain(sql: str, params: list, planned: bool) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if planned:
            for name, value in PLANNER.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("\n".join(row[0] for row in cursor.fetchall()), flush=True)


def ms(timings: list) -> str:
    return ", ".join("timeout" if t is None else f"{t * 1e3:.0f}" for t in timings) + " ms"


def measure(naive_sample: int | None, plan: bool, forms: list[str], timeout_s: int) -> None:
    failed = bench_standards()[0]
    total = Certificate.objects.count()
    records = InstrumentCertificate.objects.filter(platform_certificate__isnull=False).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    print(
        f"certificates: {total:,}; calibration records on platform certificates: {records:,}; "
        f"database {size}; load average {os.getloadavg()}",
        flush=True,
    )
    sql, params = query(standard_id=failed, since=WINDOW[0], until=WINDOW[1])
    if plan:
        explain(sql, params, planned=True)
        for name in forms:
            print(f"-- the step as {name}:")
            explain(other_form(name), params, planned=name != "before")
    # rounds alternate: now, each other form, now again, ... (the same rows, sources included)
    found, timings, others = None, [], {name: [] for name in forms}
    for _ in range(3):
        t0 = time.perf_counter()
        rows = affected(standard_id=failed, since=WINDOW[0], until=WINDOW[1])
        timings.append(time.perf_counter() - t0)
        found = found or rows
        for name in forms:
            if others[name] and others[name][-1] is None:
                continue  # timed out once: not again
            rows, took = timed(other_form(name), params, timeout_s, planned=name != "before")
            others[name].append(took)
            if rows is not None:
                assert rows == found, (name, len(rows), len(found))
    ids = {pk for pk, _depth, _via in found}
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
    best = min(timings)
    print(f"affected: {len(ids):,} (by level {dict(sorted(levels.items()))})")
    print(
        f"recursive query: {ms(timings)}, best {best * 1e3:.0f} ms "
        f"(target < 2 s); {walked}; {naive_seconds / best:.0f}× faster"
    )
    for name, took in others.items():
        done = [t for t in took if t is not None]
        ratio = f"best {min(done) / best:.1f}× the time of the query now" if done else "no round"
        print(f"the step as {name}: {ms(took)} (timeout {timeout_s} s); {ratio}")
    print(f"load average after: {os.getloadavg()}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--standards", type=int, default=1_000)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument("--calibrated", type=int, default=0)
    parser.add_argument("--interval", type=int, default=7)
    parser.add_argument("--naive-sample", type=int, default=None)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--forms", nargs="*", default=["before"], choices=list(FORMS))
    parser.add_argument("--timeout", type=int, default=120)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        # skipped, not failed: `make bench` goes on to the benches SQLite can run
        print(
            "skipped (PostgreSQL only): "
            "scripts/with-postgres .venv/bin/python bench/traceability_recall.py"
        )
        return 0
    if args.measure_only:
        call_command("migrate", verbosity=0)  # the indexes of the code under measurement
    else:
        build(args.certificates, args.standards, args.calibrated, args.interval)
    if not args.build_only:
        measure(args.naive_sample, args.explain, args.forms, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
