"""The one statement a scan reads with (verification.lookup, and readahead, which sends it before
the view runs): the certificate by its token, with its key, center, customer, job, stored checks
and count, what replaced it and what it replaces, and the current check generation."""

import functools

from metrohub.centers.models import Center
from metrohub.certificates.models import (
    Certificate,
    CheckGeneration,
    Job,
    SigningKey,
    VerificationTally,
)
from metrohub.organisations.models import Organisation

_STORED = "{t}.generation, {t}.chain_broken, {t}.xml_intact, {t}.signature_valid, {t}.xml_file"

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


def _generation() -> str:
    table = CheckGeneration._meta.db_table
    return f"COALESCE((SELECT g.value FROM {table} g WHERE g.id = 1), 0)"  # noqa: S608


def _joins() -> str:
    c, j, ce, o, k, _t = _tables()
    return (
        f"(SELECT r.number FROM {c} r WHERE r.replaces_id = c.id), "  # noqa: S608
        f"(SELECT p.number FROM {c} p WHERE p.id = c.replaces_id), {_generation()} "
        f"FROM {c} c JOIN {j} j ON j.id = c.job_id JOIN {ce} ce ON ce.id = c.center_id "
        f"JOIN {o} o ON o.id = c.customer_id JOIN {k} k ON k.id = c.signing_key_id "
    )


@functools.cache
def sql() -> str:
    """The certificate with its stored checks and count, by token (table names from the models;
    the token is a parameter)."""
    *_, t = _tables()
    return (
        f"SELECT {_COLUMNS.format(count='COALESCE(t.count, 0)')}, {_STORED.format(t='t')}, "
        f"{_joins()} LEFT JOIN {t} t ON t.certificate_id = c.id WHERE c.token = %s"
    )
