"""Demo certificates: every established center has a few dozen, of every kind its published
capabilities allow (verification certificates and notices, calibration certificates, test and
measurement test reports), within its capability lines, on its standards, signed by its three
authorized people. One is amended (its first version superseded), one revoked, and one calibration
certificate is the certificate of another center's standard instrument (a platform link).

Tests build the demo world often, so the certificates are written in bulk: each gets its number,
its DCC XML and the XML's signature; its PDF is rendered on first download (services.ensure_pdf).
"""

import base64
import datetime as dt
import hashlib
import random
import secrets
from decimal import ROUND_CEILING, Decimal

from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from metrohub.catalogue.lines import uncertainty_at
from metrohub.catalogue.models import CapabilityLine, ServiceKind
from metrohub.certificates import dcc, keys, numbering, tallies, verification
from metrohub.certificates.models import (
    Certificate,
    Job,
    JobKind,
    NumberSequence,
    Point,
)
from metrohub.certificates.points import conformity
from metrohub.certificates.services import certificate_kind, valid_until
from metrohub.standards.models import (
    InstrumentCertificate,
    MeasurementStandard,
    StandardInstrument,
)

# kind of work: (line kind, measurand preferred, jobs per center)
PLAN = [
    (JobKind.VERIFICATION, ServiceKind.VERIFICATION, "压力", 10),
    (JobKind.CALIBRATION, ServiceKind.CALIBRATION, "压力", 8),
    (JobKind.TESTING, ServiceKind.TESTING, "", 6),
    (JobKind.MEASUREMENT, ServiceKind.MEASUREMENT_REPORT, "", 6),
]
CUSTOMERS = {
    "500000": ["cq-auto", "cq-univ"],
    "420000": ["hb-optics"],
    "310000": ["sh-ic", "sh-bio"],
}
FRACTIONS = (Decimal("0.2"), Decimal("0.4"), Decimal("0.6"), Decimal("0.8"), Decimal("1.0"))


def build(world: dict) -> None:
    centers = [c for c in world["centers"].values() if c.status == "established"]
    if Certificate.objects.filter(center__in=centers).exists():
        return
    today = timezone.localdate()
    key = keys.current_key()
    private = keys._read_private(key.key_id)
    for center in centers:
        _center(world, center, today, key, private)
    _link_platform_certificate(world)


def _line(center, kind: str, measurand: str):
    lines = [
        line
        for line in CapabilityLine.objects.filter(
            center=center, status=CapabilityLine.Status.PUBLISHED, kind=kind
        ).order_by("pk")
        if line.unit and line.range_lower is not None and line.range_upper is not None
        and line.range_upper > max(line.range_lower, Decimal(0))
        and (kind == ServiceKind.VERIFICATION or uncertainty_at(line, float(line.range_upper)))
    ]  # fmt: skip
    lines.sort(key=lambda line: (line.measurand != measurand, line.pk))
    return lines[0] if lines else None


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != 0 else "0"


def _up(value: float) -> str:
    """Two significant digits, rounded up, as an expanded uncertainty is reported."""
    d = Decimal(repr(value))
    exponent = d.adjusted() - 1
    return _text(d.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_CEILING))


def _points(line, kind: str, rng: random.Random, failing: bool) -> list[dict]:
    low, high = max(line.range_lower, Decimal(0)), line.range_upper
    points = []
    for i, fraction in enumerate(FRACTIONS):
        nominal = (low + (high - low) * fraction).quantize(Decimal("0.001")).normalize()
        span = high - low
        if kind == JobKind.VERIFICATION:
            mpe = (span * Decimal("0.016")).quantize(Decimal("0.0001")).normalize()
            offset = mpe * Decimal(rng.randint(-60, 60)) / 100
            if failing and i == 3:
                offset = mpe * Decimal("1.4")
            reading = nominal + offset.quantize(Decimal("0.0001"))
            points.append(
                {"nominal": _text(nominal), "unit": line.unit, "readings": [_text(reading)],
                 "mpe": _text(mpe), "expanded_uncertainty": "", "coverage_k": ""}
            )  # fmt: skip
            continue
        cmc = uncertainty_at(line, float(nominal)) or uncertainty_at(line, float(high))
        u = _up(cmc * 1.25)
        step = Decimal(1).scaleb(Decimal(u).as_tuple().exponent - 1)
        reading = nominal + (Decimal(u) * rng.randint(-80, 80) / 100).quantize(step)
        points.append(
            {"nominal": _text(nominal), "unit": line.unit, "readings": [_text(reading)], "mpe": "",
             "expanded_uncertainty": u, "coverage_k": "2"}
        )  # fmt: skip
    return points


def _center(world, center, today: dt.date, key, private) -> None:
    host = next(k for k, o in world["organisations"].items() if o.pk == center.host_id)
    people = world["lab_people"][host]
    standards = world["demo_standards"][center.code]
    customers = [world["organisations"][k] for k in CUSTOMERS[center.province().code]]
    rng = random.Random(center.code)
    planned = []  # (job, points)
    for job_kind, line_kind, measurand, count in PLAN:
        line = _line(center, line_kind, measurand)
        if line is None:
            continue
        for n in range(count):
            failing = job_kind == JobKind.VERIFICATION and n % 5 == 4
            measured = today - dt.timedelta(days=150 - n * 11 - len(planned) % 7)
            job = Job(
                center=center,
                customer=customers[n % len(customers)],
                kind=job_kind,
                state=Job.State.ISSUED,
                instrument_name=line.instrument or line.measurand,
                instrument_model=f"M-{100 + n}",
                serial_number=f"{center.code}-{job_kind[:3].upper()}-{n + 1:04d}",
                manufacturer="示例仪器制造有限公司",
                instrument_range=line.range_text,
                accuracy=line.accuracy[:200],
                measurand=line.measurand,
                method_code=(line.method_codes or ["Q/MH 001—2024"])[0],
                method_title=line.instrument,
                location="laboratory",
                place=f"{center.name}实验室",
                temperature=Decimal("20.5"),
                humidity=Decimal("52"),
                measured_on=measured,
                record_number=f"{center.code}-R{measured:%Y%m%d}-{n:02d}",
                interval_months=12 if job_kind == JobKind.VERIFICATION else None,
                created_by=people["engineer"],
                performer=people["engineer"],
                checker=people["checker"],
                approver=people["director"],
                performed_at=_at(measured, 10),
                checked_at=_at(measured + dt.timedelta(days=1), 9),
                approved_at=_at(measured + dt.timedelta(days=1), 15),
            )
            if center.code == "CQ-AUTO" and job_kind == JobKind.CALIBRATION and n == 0:
                # Calibrates CQ-INSTR's pressure standard instrument (linked below).
                job.customer = center.host
                job.instrument_name, job.serial_number = "精密数字压力计", "CQ-INSTR-S01"
            planned.append((job, _points(line, job_kind, rng, failing)))
    Job.objects.bulk_create([job for job, _ in planned])
    Job.standards.through.objects.bulk_create(
        Job.standards.through(
            job_id=job.pk, measurementstandard_id=s.pk, measured_on=job.measured_on
        )
        for job, _ in planned
        for s in standards
    )
    rows = []
    for job, points in planned:
        for position, data in enumerate(points, start=1):
            point = Point(job=job, position=position, u_source="typed", **data)
            reading = Decimal(data["readings"][0])
            point.error = _text(reading - Decimal(data["nominal"]))
            point.conformity = conformity(
                {"mpe": point.mpe, "error": point.error}, kind=job.kind, rule=job.decision_rule,
                factor=job.guard_band_factor, requested=False,
            )  # fmt: skip
            rows.append(point)
    Point.objects.bulk_create(rows)
    by_job = {}
    for point in rows:
        by_job.setdefault(point.job_id, []).append(point)
    certificates = _issue_all(center, planned, by_job, key, private)
    if center.code == "CQ-AUTO":
        _amend_and_revoke(certificates, by_job, people, key, private)


def _amend_and_revoke(certificates, by_job, people, key, private) -> None:
    """The third verification certificate is amended (a corrected serial number), the second
    test report revoked."""
    verifications = [c for c in certificates if c.job.kind == JobKind.VERIFICATION]
    reports = [c for c in certificates if c.job.kind != JobKind.VERIFICATION]
    original = verifications[2]
    job = Job.objects.get(pk=original.job_id)
    standards = list(job.standards.all())
    job.pk = None
    job.serial_number += "A"
    job.replaces, job.amendment_reason = original, "出厂编号录入有误，予以更正"
    now = timezone.now()
    job.performed_at = job.checked_at = job.approved_at = now - dt.timedelta(hours=2)
    job.save()
    job.standards.set(standards)
    points = [
        Point(**{f.name: getattr(p, f.name) for f in Point._meta.concrete_fields if f.name not in ("id", "job")}, job=job)
        for p in by_job[original.job_id]
    ]  # fmt: skip
    Point.objects.bulk_create(points)
    _issue_all(original.center, [(job, points)], {job.pk: points}, key, private, replaces=original)
    Certificate.objects.filter(pk=original.pk).update(status=Certificate.Status.SUPERSEDED)
    revoked = reports[1]
    Certificate.objects.filter(pk=revoked.pk).update(
        status=Certificate.Status.REVOKED,
        revoked_at=revoked.issued_at + dt.timedelta(days=3),
        revoked_by=people["director"],
        revoke_reason="委托方送检样品信息有误，证书收回",
    )
    verification.raise_generation()  # the updates above send no signal


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _issue_all(center, planned, by_job, key, private, replaces=None) -> list[Certificate]:
    standards = list(
        MeasurementStandard.objects.filter(center=center).prefetch_related(
            "instruments__certificates__platform_certificate"
        )
    )
    certificates = []
    for job, _ in sorted(planned, key=lambda item: item[0].approved_at):
        points = by_job[job.pk]
        kind = certificate_kind(job, points)
        year = timezone.localtime(job.approved_at).year
        sequence = _next(center, year)
        certificate = Certificate(
            job=job, center=center, customer=job.customer,
            number=numbering.format_number(center.code, year, sequence), year=year,
            sequence=sequence, kind=kind, token=secrets.token_urlsafe(32),
            issued_at=job.approved_at, valid_until=valid_until(job, kind), signing_key=key,
            replaces=replaces,
        )  # fmt: skip
        xml = dcc.build(certificate, points=points, standards=standards)
        certificate.signature = base64.b64encode(private.sign(xml)).decode()
        certificate.xml_sha256 = hashlib.sha256(xml).hexdigest()
        certificate.xml.save(f"{certificate.number}.xml", ContentFile(xml), save=False)
        certificates.append(certificate)
    Certificate.objects.bulk_create(certificates)
    tallies.count_issued(certificates)
    _save_sequences(center)
    return certificates


_SEQUENCES: dict = {}


def _next(center, year: int) -> int:
    key = (connection.alias, center.pk, year)
    if key not in _SEQUENCES:
        row = NumberSequence.objects.filter(center=center, year=year).first()
        _SEQUENCES[key] = row.last if row else 0
    _SEQUENCES[key] += 1
    return _SEQUENCES[key]


def _save_sequences(center) -> None:
    for (alias, center_pk, year), last in list(_SEQUENCES.items()):
        if alias == connection.alias and center_pk == center.pk:
            NumberSequence.objects.update_or_create(
                center=center, year=year, defaults={"last": last}
            )
            del _SEQUENCES[(alias, center_pk, year)]


def _link_platform_certificate(world) -> None:
    """CQ-AUTO's first calibration certificate becomes the certificate of a CQ-INSTR standard
    instrument, with the instrument's serial number (the platform link traceability follows)."""
    source = (
        Certificate.objects.filter(center__code="CQ-AUTO", job__kind=JobKind.CALIBRATION)
        .select_related("job")
        .order_by("pk")
        .first()
    )
    instrument = (
        StandardInstrument.objects.filter(standard__center__code="CQ-INSTR").order_by("pk").first()
    )
    if source is None or instrument is None:
        return
    InstrumentCertificate.objects.create(
        instrument=instrument,
        platform_certificate=source,
        issuer=source.center.name,
        number=source.number,
        issued_on=source.job.measured_on,
        due_on=source.job.measured_on + dt.timedelta(days=364),
        uncertainty="U = 0.02%, k = 2",
    )
