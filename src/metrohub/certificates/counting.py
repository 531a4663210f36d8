"""The count of public verifications, kept apart from the scan that makes it.

A scan is the platform's busiest public read; writing its count on every scan cost more than
everything else it does (a write round trip, a WAL record, a row rewritten). So each process
adds its scans to an in-memory tally and folds it into VerificationTally in one statement every
FLUSH_EVERY scans or FLUSH_SECONDS (checked at each scan, outside a transaction) and when the
process exits. What a scan shows is the stored count plus this process's scans not yet written:
exact within one process; with several processes, the other processes' most recent scans appear
once they flush (a process that scans nothing more keeps its last, fewer than FLUSH_EVERY, until
it exits). No scan is lost: a batch whose write fails goes back into the tally, to be written
with the next one; only a process killed without exiting (SIGKILL, a crash) loses the scans it
had not written yet, fewer than FLUSH_EVERY.
"""

import atexit
import datetime as dt
import logging
import threading
import time

from django.db import DatabaseError, connection, transaction

from metrohub.certificates.models import Certificate, VerificationTally

logger = logging.getLogger(__name__)

FLUSH_EVERY = 500  # scans
FLUSH_SECONDS = 2.0

_lock = threading.Lock()
_pending: dict[int, list] = {}  # certificate id → [scans not yet written, last scanned at]
_scans = 0  # scans in _pending
_since = time.monotonic()  # when _pending was last emptied


def add(certificate_id: int, at: dt.datetime) -> int:
    """Count one scan; this process's scans of the certificate not yet written, this one
    included."""
    global _scans
    with _lock:
        entry = _pending.get(certificate_id)
        if entry is None:
            entry = _pending[certificate_id] = [0, at]
        entry[0] += 1
        entry[1] = at
        _scans += 1
        return entry[0]


def pending(certificate_id: int) -> int:
    """This process's scans of the certificate not yet written."""
    with _lock:
        entry = _pending.get(certificate_id)
        return entry[0] if entry else 0


def due() -> bool:
    return _scans >= FLUSH_EVERY or (_scans > 0 and time.monotonic() - _since >= FLUSH_SECONDS)


def flush_if_due() -> None:
    """Write the tally when it is due and the connection is not inside a transaction (a batch
    written inside a request's transaction would be lost with its rollback)."""
    if due() and not connection.in_atomic_block:
        try:
            flush()
        except DatabaseError:
            # The scans are back in the tally (flush): the page is still answered, and the
            # next batch carries them.
            logger.exception("verification counts not written; kept for the next batch")


def _take() -> dict[int, list]:
    global _pending, _scans, _since
    with _lock:
        taken, _pending, _scans, _since = _pending, {}, 0, time.monotonic()
    return taken


def _give_back(taken: dict[int, list]) -> None:
    global _scans
    with _lock:
        for certificate_id, (count, at) in taken.items():
            entry = _pending.setdefault(certificate_id, [0, at])
            entry[0] += count
            entry[1] = max(entry[1], at)
            _scans += count


def flush() -> int:
    """Fold this process's tally into VerificationTally, one statement, its own transaction
    (or the caller's); the number of scans written. On failure the scans go back in the tally."""
    taken = _take()
    if not taken:
        return 0
    rows = sorted((pk, count, at) for pk, (count, at) in taken.items())  # one lock order
    try:
        with transaction.atomic():
            _write(rows)
    except BaseException:
        _give_back(taken)
        raise
    return sum(count for _pk, count, _at in rows)


def _upsert(source: str) -> str:
    t, c = VerificationTally._meta.db_table, Certificate._meta.db_table
    # Only certificates that still exist; the later of two scan times; the WHERE also settles
    # SQLite's parse of INSERT … SELECT … ON CONFLICT.
    return (
        f"INSERT INTO {t} (certificate_id, count, last_at) {source.format(c=c)} "  # noqa: S608
        f"ON CONFLICT (certificate_id) DO UPDATE SET count = {t}.count + excluded.count, "
        f"last_at = CASE WHEN {t}.last_at IS NULL OR excluded.last_at > {t}.last_at "
        f"THEN excluded.last_at ELSE {t}.last_at END"
    )


def _write(rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A count is not worth a disk flush: a crash may lose the last fraction of a second
            # of counts, never corrupt them (local to this transaction).
            cursor.execute("SELECT set_config('synchronous_commit', 'off', true)")
            ids, counts, ats = zip(*rows, strict=True)
            cursor.execute(
                _upsert(
                    "SELECT c.id, v.n, v.at FROM unnest(%s::bigint[], %s::bigint[], "
                    "%s::timestamptz[]) AS v(id, n, at) JOIN {c} c ON c.id = v.id WHERE true"
                ),
                [list(ids), list(counts), list(ats)],
            )
        else:
            cursor.executemany(
                _upsert("SELECT id, %s, %s FROM {c} WHERE id = %s"),
                [(count, at, pk) for pk, count, at in rows],
            )


def discard() -> None:
    """Forget the unwritten scans (tests: a rolled-back test's scans are not the next one's)."""
    _take()


def _at_exit() -> None:
    try:
        flush()
    except Exception:  # noqa: BLE001 — at exit there is no one left to tell but the log
        logger.exception("verification counts not written at exit")


atexit.register(_at_exit)
