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
(10,000 at 10M certificates and 1,000 standards... with the defaults below, see the printout).
"""

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import certificate_verify  # noqa: E402  (sets Django up)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from metrohub.centers.models import Center  # noqa: E402
from metrohub.certificates.models import Certificate  # noqa: E402
from metrohub.core.demo import build_demo  # noqa: E402
from metrohub.standards.models import (  # noqa: E402
    InstrumentCertificate,
    MeasurementStandard,
    StandardInstrument,
)
from metrohub.traceability.affected import affected, affected_naive  # noqa: E402

WINDOW = (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
DOWNSTREAM = 10


def standards(count: int) -> list[int]:
    centers = list(Center.objects.filter(status="established"))
    made = MeasurementStandard.objects.bulk_create(
        MeasurementStandard(
            center=centers[i % len(centers)],
            name=f"基准测试标准 {i}",
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
    """Each generated job uses standard (job id mod K): one INSERT … SELECT."""
    start = time.perf_counter()
    base, count = pks[0], len(pks)
    assert pks == list(range(base, base + count))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO certificates_job_standards (job_id, measurementstandard_id) "
            "SELECT id, %s + (id %% %s) FROM certificates_job WHERE id >= %s",
            [base, count, first_job],
        )
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) certificates_job_standards")
        cursor.execute("ANALYZE standards_instrumentcertificate")
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--standards", type=int, default=1_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("run under scripts/with-postgres", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    build_demo()
    have = Certificate.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) + 1 FROM certificates_job")
        first_job = cursor.fetchone()[0]
    print(f"generating {args.certificates - have:,} certificates with COPY …", flush=True)
    seconds = certificate_verify.generate(args.certificates - have)
    print(f"generated in {seconds:.0f} s", flush=True)
    pks = standards(args.standards)
    print(f"{args.standards} standards given to the jobs in {assign(pks, first_job):.0f} s")
    link_downstream(pks[0], pks[1 : 1 + DOWNSTREAM])
    total = Certificate.objects.count()

    timings = []
    for _ in range(3):
        t0 = time.perf_counter()
        found = affected(standard_id=pks[0], since=WINDOW[0], until=WINDOW[1])
        timings.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    naive = affected_naive(standard_id=pks[0], since=WINDOW[0], until=WINDOW[1])
    naive_seconds = time.perf_counter() - t0
    ids = {pk for pk, _depth, _via in found}
    assert ids == naive, (len(ids), len(naive))
    levels = {}
    for _pk, depth, _via in found:
        levels[depth] = levels.get(depth, 0) + 1
    print(
        f"certificates: {total:,}; affected: {len(ids):,} (by level {dict(sorted(levels.items()))})"
    )
    print(
        f"recursive query: first {timings[0] * 1e3:.0f} ms, best {min(timings) * 1e3:.0f} ms "
        f"(target < 2 s); naive walk {naive_seconds * 1e3:.0f} ms; "
        f"{naive_seconds / min(timings):.1f}× faster"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
