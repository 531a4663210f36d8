"""The affected set of a failed standard, in one recursive query.

Level 0: every certificate whose job used the standard and was measured from the last good
calibration to the day the fault was found. Level n+1: when a certificate of level n is the
certificate of a standard instrument (at any center), every certificate whose job used that
instrument's standard from that calibration on, until the instrument's next calibration.
"""

import contextlib
import datetime as dt

from django.db import connection, transaction

from metrohub.certificates.models import Certificate, StandardUse
from metrohub.standards.models import InstrumentCertificate, StandardInstrument

MAX_DEPTH = 12
FOREVER = dt.date(9999, 12, 31)  # the window of an instrument not yet recalibrated


def _tables() -> dict:
    return {
        "cert": Certificate._meta.db_table,
        "used": StandardUse._meta.db_table,
        "record": InstrumentCertificate._meta.db_table,
        "instrument": StandardInstrument._meta.db_table,
    }


# Every step reads the jobs that used one standard between two dates as a range scan of the
# (standard, date, job) index of the uses, both bounds in the index condition, then each job's
# certificate by its unique job id: the work grows with the affected set, not with the number of
# certificates or the number of jobs a standard ever served. A level's window ends the day before
# the instrument's next calibration (one probe per calibration record, not per job). UNION
# drops a row already found (same certificate, level and source), so two paths to one certificate
# expand it once per level; MAX_DEPTH ends a cycle of calibrations. Each certificate is answered
# once, at its lowest level, with the (smallest) certificate it came through at that level (a
# certificate found directly has none: at level 0 the source is always NULL).
SQL = """
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
    JOIN {used} u ON u.measurementstandard_id = i.standard_id
        AND u.measured_on >= r.issued_on
        AND u.measured_on < COALESCE(
            (SELECT MIN(n.issued_on) FROM {record} n
             WHERE n.instrument_id = r.instrument_id AND n.issued_on > r.issued_on), %s)
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


def query(*, standard_id: int, since: dt.date, until: dt.date) -> tuple[str, list]:
    return SQL.format(depth=MAX_DEPTH, **_tables()), [standard_id, since, until, FOREVER]


# PostgreSQL plans the recursive step once, for a level it cannot size (it guesses ten times the
# first level) joined with uses whose window it cannot size (bounds from another table's row):
# past a few thousand calibration records it hashes every certificate (a sequential scan per
# level) or merges the level with every record's window, and compiles that plan (JIT, a second
# and more). The step costs least as nested loops driven by the level through the indexes
# (record by certificate, uses by standard and window, certificate by job), so the query runs
# with hash joins, merge joins and JIT off; the settings are put back after it, as a caller's
# transaction would otherwise keep them to its end.
PLANNER = {"enable_hashjoin": "off", "enable_mergejoin": "off", "jit": "off"}


@contextlib.contextmanager
def _planned(cursor):
    if connection.vendor != "postgresql":
        yield
        return
    names = list(PLANNER)
    cursor.execute(
        "SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names
    )  # the caller's values
    before = dict(zip(names, cursor.fetchone(), strict=True))

    def put(values: dict) -> None:
        pairs = [x for name, value in values.items() for x in (name, value)]
        cursor.execute("SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(values)), pairs)

    put(PLANNER)
    yield
    put(before)  # after an error the rollback of the atomic block puts them back


def affected(*, standard_id: int, since: dt.date, until: dt.date) -> list[tuple[int, int, int]]:
    """[(certificate id, level, the certificate it came through or None)], in one query (on
    PostgreSQL with three statements around it: read, set and put back the planner's settings)."""
    sql, params = query(standard_id=standard_id, since=since, until=until)
    with transaction.atomic(), connection.cursor() as cursor, _planned(cursor):
        cursor.execute(sql, params)
        return sorted(cursor.fetchall())


def affected_naive(
    *, standard_id: int, since: dt.date, until: dt.date, limit: int | None = None
) -> set[int]:
    """The same set walked one certificate at a time through the ORM: the baseline. `limit`
    stops the walk after that many certificates (a timed sample where the whole walk takes hours)."""
    found: set[int] = set()
    frontier = [
        (pk, 0)
        for pk in Certificate.objects.filter(
            job__standards=standard_id, job__measured_on__range=(since, until)
        ).values_list("pk", flat=True)
    ]
    while frontier:
        pk, depth = frontier.pop()
        if pk in found:
            continue
        found.add(pk)
        if limit is not None and len(found) >= limit:
            break
        if depth >= MAX_DEPTH:
            continue
        for record in InstrumentCertificate.objects.filter(platform_certificate_id=pk):
            later = (
                InstrumentCertificate.objects.filter(
                    instrument_id=record.instrument_id, issued_on__gt=record.issued_on
                )
                .order_by("issued_on")
                .values_list("issued_on", flat=True)
                .first()
            )
            jobs = Certificate.objects.filter(
                job__standards__instruments=record.instrument_id,
                job__measured_on__gte=record.issued_on,
            )
            if later is not None:
                jobs = jobs.filter(job__measured_on__lt=later)
            frontier.extend((c, depth + 1) for c in jobs.values_list("pk", flat=True))
    return found
