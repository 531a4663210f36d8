"""The public check of a certificate by the token in its QR code: its status, its key data, the
SHA-256 of its PDF and XML, and whether the stored XML still matches its detached signature.

It is public, so it is rate-limited (the "verification" rate of metrohub.core.ratelimit), and
every check is counted. It is also
the platform's busiest read at national scale (one scan per instrument handed over), so it reads
what it shows with one hand-written query and counts with one UPDATE, without building models.
"""

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from metrohub.centers.models import Center
from metrohub.certificates import keys
from metrohub.certificates.models import (
    Certificate,
    CertificateKind,
    Job,
    SigningKey,
    VerificationTally,
)
from metrohub.organisations.models import Organisation

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


_COLUMNS = (
    "c.id, c.number, c.kind, c.status, c.issued_at, c.valid_until, c.revoked_at, c.revoke_reason, "
    "c.pdf, c.pdf_sha256, c.xml, c.xml_sha256, c.signature, {count}, k.key_id, k.public_key, "
    "k.algorithm, ce.name, o.name, j.instrument_name, j.instrument_model, j.serial_number, "
    "j.manufacturer, j.method_code, j.method_title, j.measured_on"
)


# The statements below are built from the models' table names only; the token is a parameter.


def _tables() -> tuple[str, ...]:
    models = (Certificate, Job, Center, Organisation, SigningKey, VerificationTally)
    return tuple(m._meta.db_table for m in models)


def _joins() -> str:
    c, j, ce, o, k, _t = _tables()
    return (
        f"(SELECT r.number FROM {c} r WHERE r.replaces_id = c.id), "  # noqa: S608
        f"(SELECT p.number FROM {c} p WHERE p.id = c.replaces_id) "
        f"FROM {c} c JOIN {j} j ON j.id = c.job_id JOIN {ce} ce ON ce.id = c.center_id "
        f"JOIN {o} o ON o.id = c.customer_id JOIN {k} k ON k.id = c.signing_key_id "
    )


def _upsert() -> str:
    c, *_, t = _tables()
    # The WHERE also settles SQLite's parse of INSERT … SELECT … ON CONFLICT.
    return (
        f"INSERT INTO {t} (certificate_id, count, last_at) SELECT id, 1, %s FROM {c} "  # noqa: S608
        f"WHERE token = %s ON CONFLICT (certificate_id) DO UPDATE SET count = {t}.count + 1, "
        f"last_at = excluded.last_at RETURNING certificate_id, count"
    )


@functools.cache
def _sql() -> str:
    """SQLite: the read after the counting upsert (table names from the models)."""
    return f"SELECT {_COLUMNS.format(count='0')}, {_joins()} WHERE c.token = %s"


@functools.cache
def _sql_counting() -> str:
    """PostgreSQL: count and read in one statement (a data-modifying WITH), one round trip."""
    return (
        f"WITH counted AS ({_upsert()}) SELECT {_COLUMNS.format(count='counted.count')}, "
        f"{_joins()} JOIN counted ON counted.certificate_id = c.id"
    )


def _aware(value):
    if isinstance(value, str):  # SQLite hands raw timestamps back as text
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, dt.UTC)
    return value


def _date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _counted_row_postgresql(now, token):
    """One round trip, as a prepared statement: planning seven joined tables costs more than
    running the plan, so each connection plans it once (psycopg's server-side binding)."""
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    if connection.in_atomic_block or not raw.autocommit:
        with psycopg.Cursor(raw) as cursor:
            cursor.execute(_sql_counting(), [now, token], prepare=True)
            return cursor.fetchone()
    # A scan's count is not worth a disk flush: committed without waiting for the WAL to reach
    # the disk (a crash may lose the last fraction of a second of counts, never corrupt them;
    # the certificate itself is only read). The three statements travel in one pipeline.
    with raw.pipeline(), raw.transaction(), psycopg.Cursor(raw) as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        cursor.execute(_sql_counting(), [now, token], prepare=True)
        row = cursor.fetchone()
    return row


def lookup(token: str) -> Record | None:
    """Count one verification and read the certificate, without building a model: one round
    trip on PostgreSQL, an upsert and a read on SQLite (in-process, where round trips are free)."""
    if not token or len(token) != TOKEN_LENGTH:
        return None
    now = timezone.now()
    if connection.vendor == "postgresql":
        row = _counted_row_postgresql(now, token)
    else:
        with connection.cursor() as cursor:
            cursor.execute(_upsert(), [now, token])
            counted = cursor.fetchone()
            if counted is None:
                return None
            cursor.execute(_sql(), [token])
            row = cursor.fetchone()
            row = row and (*row[:13], counted[1], *row[14:])
    if row is None:
        return None
    values = list(row)
    values[4], values[6] = _aware(values[4]), _aware(values[6])
    values[5], values[25] = _date(values[5]), _date(values[25])
    return Record(*values)


@dataclass(frozen=True)
class Check:
    record: Record
    xml_intact: bool  # the stored XML still has the digest recorded at issue
    signature_valid: bool

    @property
    def status(self) -> str:
        return self.record.status


def _read(name: str) -> bytes:
    return (Path(settings.MEDIA_ROOT) / name).read_bytes()


def check(token: str) -> Check | None:
    """Look the token up, count the verification, verify the stored XML's signature."""
    record = lookup(token)
    if record is None:
        return None
    if not record.pdf_sha256:
        # A demo certificate, issued without its PDF: render it now so its digest can be shown.
        from metrohub.certificates.services import ensure_pdf

        ensure_pdf(Certificate.objects.get(pk=record.id))
        record = Record(**{**record.__dict__, **_pdf_of(record.id)})
    try:
        xml = _read(record.xml)
    except (OSError, ValueError):
        return Check(record, False, False)
    intact = hashlib.sha256(xml).hexdigest() == record.xml_sha256
    return Check(record, intact, intact and _verifies(record, xml))


def _pdf_of(pk: int) -> dict:
    return dict(Certificate.objects.filter(pk=pk).values("pdf", "pdf_sha256").get())


def _verifies(record: Record, xml: bytes) -> bool:
    key = SigningKey(key_id=record.key_id, public_key=record.public_key)
    return keys.verify(key, xml, record.signature)
