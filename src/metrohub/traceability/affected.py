"""The affected set of a failed standard, in one recursive query.

Level 0: every certificate whose job used the standard and was measured from the last good
calibration to the day the fault was found. Level n+1: when a certificate of level n is the
certificate of a standard instrument (at any center), every certificate whose job used that
instrument's standard from that calibration on, until the instrument's next calibration.
"""

import datetime as dt

from django.db import connection

from metrohub.certificates.models import Certificate, Job
from metrohub.standards.models import InstrumentCertificate, StandardInstrument

MAX_DEPTH = 12


def _tables() -> dict:
    return {
        "cert": Certificate._meta.db_table,
        "job": Job._meta.db_table,
        "used": Job.standards.through._meta.db_table,
        "record": InstrumentCertificate._meta.db_table,
        "instrument": StandardInstrument._meta.db_table,
    }


SQL = """
WITH RECURSIVE affected(certificate_id, depth, via_id) AS (
    SELECT c.id, 0, CAST(NULL AS bigint)
    FROM {used} u
    JOIN {job} j ON j.id = u.job_id
    JOIN {cert} c ON c.job_id = j.id
    WHERE u.measurementstandard_id = %s AND j.measured_on BETWEEN %s AND %s
  UNION
    SELECT c.id, a.depth + 1, a.certificate_id
    FROM affected a
    JOIN {record} r ON r.platform_certificate_id = a.certificate_id
    JOIN {instrument} i ON i.id = r.instrument_id
    JOIN {used} u ON u.measurementstandard_id = i.standard_id
    JOIN {job} j ON j.id = u.job_id
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


def affected(*, standard_id: int, since: dt.date, until: dt.date) -> list[tuple[int, int, int]]:
    """[(certificate id, level, the certificate it came through or None)], in one query."""
    sql = SQL.format(depth=MAX_DEPTH, **_tables())
    with connection.cursor() as cursor:
        cursor.execute(sql, [standard_id, since, until])
        return sorted(cursor.fetchall())


def affected_naive(*, standard_id: int, since: dt.date, until: dt.date) -> set[int]:
    """The same set walked one certificate at a time through the ORM: the baseline."""
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
