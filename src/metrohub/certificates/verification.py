"""The public check of a certificate by the token in its QR code: its status, its key data, the
SHA-256 of its PDF and XML, and whether the stored XML still matches its detached signature.

It is public, so it is rate-limited (the "verification" rate of metrohub.core.ratelimit), and
every check is counted. It is also
the platform's busiest read at national scale (one scan per instrument handed over), so it reads
what it shows with one hand-written query, without building models, and counts in memory,
written in batches (metrohub.certificates.counting): a scan writes nothing.

What does not change from one scan to the next (the XML's digest and signature checks and the
traceability chain's verdict) is judged once and stored beside the count (VerificationTally),
with the CheckGeneration it was judged in. Every write that can change a verdict raises the
generation in its own transaction (connect_invalidation), so a stored verdict is trusted only
while nothing it depends on has changed since; the certificate's own status, replacement and
revocation are read afresh by every scan.
"""

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from metrohub.certificates import counting, keys, readahead, statement
from metrohub.certificates.models import (
    Certificate,
    CertificateKind,
    CheckGeneration,
    Job,
    SigningKey,
    VerificationTally,
)

TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Record:
    """What the verification shows, read in one query."""

    id: int
    number: str
    kind: str
    status: str
    issued_at: dt.datetime
    valid_until: dt.date | None
    revoked_at: dt.datetime | None
    revoke_reason: str
    pdf: str
    pdf_sha256: str
    xml: str
    xml_sha256: str
    signature: str
    verification_count: int  # this verification included
    key_id: str
    public_key: str
    algorithm: str
    center: str
    customer: str
    instrument_name: str
    instrument_model: str
    serial_number: str
    manufacturer: str
    method_code: str
    method_title: str
    measured_on: dt.date
    replaced_by: str | None
    replaces: str | None

    @property
    def kind_label(self) -> str:
        return CertificateKind(self.kind).label

    @property
    def status_label(self) -> str:
        return Certificate.Status(self.status).label

    @property
    def issued_on(self) -> dt.date:
        return timezone.localtime(self.issued_at).date()

    @property
    def revoked_on(self) -> dt.date | None:
        return timezone.localtime(self.revoked_at).date() if self.revoked_at else None


@dataclass(frozen=True)
class Stored:
    """The checks stored beside the count, and the generation current when they were read."""

    generation: int | None
    chain_broken: bool | None
    xml_intact: bool | None
    signature_valid: bool | None
    xml_file: str
    current: int

    def fresh(self, xml_file: str) -> bool:
        return self.generation == self.current and self.xml_file == xml_file


def _aware(value):
    if isinstance(value, str):  # SQLite hands raw timestamps back as text
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, dt.UTC)
    return value


def _date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


# Django's psycopg connections prepare nothing (prepare_threshold None); the statement below asks
# for it explicitly, and nothing else on the connection uses server-side binding.
_PREPARE_ON_REQUEST = 1 << 30


def _row_postgresql(token):
    """The row read ahead while the request's middleware ran (readahead), or one round trip:
    one statement, prepared once per connection with its generic plan (planning seven joined
    tables costs several times running the plan), through one cursor kept per connection (making a cursor, its adapters and loaders, cost a fifth of the read)."""
    row = readahead.take(token)
    if row is not readahead.NOTHING:
        return row
    connection.ensure_connection()
    raw = connection.connection
    # kept on Django's (per-thread) connection with the raw connection it belongs to: a new
    # raw connection (Django reconnected) gets its own, and the closed one is let go
    kept = getattr(connection, "_verification_cursor", None)
    if kept is None or kept[0] is not raw:
        kept = connection._verification_cursor = (raw, _prepare_connection(raw))
    cursor = kept[1]
    cursor.execute(statement.sql(), [token], prepare=True)
    return cursor.fetchone()


def _prepare_connection(raw):
    import psycopg

    if raw.prepare_threshold is None:
        raw.prepare_threshold = _PREPARE_ON_REQUEST
        with raw.cursor() as cursor:
            # Left to choose, PostgreSQL keeps re-planning the statement (its custom plans look
            # cheaper); the setting touches prepared statements only, and only this one is.
            cursor.execute("SET plan_cache_mode TO force_generic_plan")
    return psycopg.Cursor(raw)


def _record(row, unwritten: int = 0) -> tuple[Record, Stored]:
    values, stored, tail = list(row[:26]), row[26:31], row[31:]
    values[13] += unwritten
    values[4], values[6] = _aware(values[4]), _aware(values[6])
    values[5], values[25] = _date(values[5]), _date(values[25])
    return Record(*values, *tail[:2]), Stored(*stored, current=tail[2])


def lookup(token: str) -> tuple[Record, Stored] | None:
    """Read the certificate with its stored checks, without building a model (one prepared
    statement on PostgreSQL), and count the verification in this process's tally (counting):
    no write on the scan's path. The count shown is the stored one plus this process's scans
    not yet written, this one included."""
    if not token or len(token) != TOKEN_LENGTH:
        return None
    if connection.vendor == "postgresql":
        row = _row_postgresql(token)
    else:
        with connection.cursor() as cursor:
            cursor.execute(statement.sql(), [token])
            row = cursor.fetchone()
    if row is None:
        return None
    found = _record(row, counting.add(row[0], timezone.now()))
    counting.flush_if_due()
    return found


@dataclass(frozen=True)
class Check:
    record: Record
    xml_intact: bool  # the stored XML still has the digest recorded at issue
    signature_valid: bool
    chain_broken: bool = False  # on the date of measurement (metrohub.traceability.chain)

    @property
    def status(self) -> str:
        return self.record.status


def _path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def _file_id(name: str) -> str:
    """The XML file's size and modification time: a stored check is of these bytes only."""
    try:
        stat = os.stat(os.path.join(settings.MEDIA_ROOT, name))  # as _path, without a Path
    except (OSError, ValueError):
        return ""
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def check(token: str) -> Check | None:
    """Look the token up, count the verification; the checks as stored, or judged now (the XML
    read and its digest and signature verified, the chain walked) and stored."""
    found = lookup(token)
    if found is None:
        return None
    record, stored = found
    if not record.pdf_sha256:
        # A demo certificate, issued without its PDF: render it now so its digest can be shown.
        from metrohub.certificates.services import ensure_pdf

        ensure_pdf(Certificate.objects.get(pk=record.id))
        record = Record(**{**record.__dict__, **_pdf_of(record.id)})
    file_id = _file_id(record.xml)
    if stored.fresh(file_id):
        return Check(record, stored.xml_intact, stored.signature_valid, stored.chain_broken)
    found = judge(record)
    store(record.id, found, generation=stored.current, xml_file=file_id)
    return found


def judge(record: Record) -> Check:
    """The checks that do not change from scan to scan, judged now."""
    from metrohub.traceability.chain import broken_on_its_date

    broken = broken_on_its_date(record.id)
    try:
        xml = _path(record.xml).read_bytes()
    except (OSError, ValueError):
        return Check(record, False, False, broken)
    intact = hashlib.sha256(xml).hexdigest() == record.xml_sha256
    return Check(record, intact, intact and _verifies(record, xml), broken)


def store(certificate_id: int, found: Check, *, generation: int, xml_file: str) -> None:
    """Keep the checks with the generation read before they were judged: a write committed
    meanwhile has raised it, so what was judged on older records is never trusted."""
    checks = {
        "generation": generation,
        "chain_broken": found.chain_broken,
        "xml_intact": found.xml_intact,
        "signature_valid": found.signature_valid,
        "xml_file": xml_file,
    }
    # a certificate issued before the checks were stored may have no row yet (counts are
    # written apart from scans)
    if not VerificationTally.objects.filter(certificate_id=certificate_id).update(**checks):
        VerificationTally.objects.get_or_create(certificate_id=certificate_id, defaults=checks)


def store_at_issue(certificate: Certificate) -> None:
    """Judge a new certificate's checks at issue, so that even its first scan reads them."""
    generation = current_generation()
    VerificationTally.objects.create(certificate=certificate, count=0)
    record = lookup_quietly(certificate.pk)
    store(certificate.pk, judge(record), generation=generation, xml_file=_file_id(record.xml))


def lookup_quietly(certificate_id: int) -> Record:
    """The record a scan would show, read without counting it."""
    with connection.cursor() as cursor:
        cursor.execute(statement.sql().replace("c.token = %s", "c.id = %s"), [certificate_id])
        record, _stored = _record(cursor.fetchone())
    return record


def current_generation() -> int:
    return CheckGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def _pdf_of(pk: int) -> dict:
    return dict(Certificate.objects.filter(pk=pk).values("pdf", "pdf_sha256").get())


def _verifies(record: Record, xml: bytes) -> bool:
    key = SigningKey(key_id=record.key_id, public_key=record.public_key)
    return keys.verify(key, xml, record.signature)


# ---------------------------------------------------------------- invalidation of stored checks


def raise_generation(using: str = "default") -> None:
    """Make every stored check stale: part of the writer's transaction, so the new generation
    is seen exactly when the write is."""
    table = CheckGeneration._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, value) VALUES (1, 1) "  # noqa: S608
            f"ON CONFLICT (id) DO UPDATE SET value = {table}.value + 1"
        )


# Saves that change nothing a verdict reads (the daily reminders' bookkeeping, a PDF rendered).
_IRRELEVANT = {frozenset({"reminders_sent"}), frozenset({"pdf", "pdf_sha256"})}


def _on_save(sender, instance, created=False, update_fields=None, using="default", **_):
    if update_fields is not None and frozenset(update_fields) in _IRRELEVANT:
        return
    if sender is Certificate and created:
        return  # a new certificate changes no other's chain until a record links it (a save)
    raise_generation(using)


def _on_delete(sender, instance, using="default", **_):
    raise_generation(using)


def _on_standards(sender, instance, action, using="default", **_):
    # a draft's standards change nothing judged yet; an issued job's (or a standard's jobs) may
    if (
        action.startswith("post_")
        and getattr(instance, "state", Job.State.ISSUED) == Job.State.ISSUED
    ):
        raise_generation(using)


def connect_invalidation() -> None:
    """Every model a stored check reads, raising the generation when written."""
    from django.apps import apps

    for label in (
        "certificates.Certificate",
        "certificates.SigningKey",
        "standards.MeasurementStandard",
        "standards.StandardInstrument",
        "standards.InstrumentCertificate",
        "traceability.RecognisedInstitute",
    ):
        model = apps.get_model(label)
        post_save.connect(_on_save, sender=model, dispatch_uid=f"checks-save-{label}")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"checks-delete-{label}")
    m2m_changed.connect(_on_standards, sender=Job.standards.through, dispatch_uid="checks-m2m")
