"""Certificates issued per center, year and kind (`IssueTally`), for the dashboards' by-year panels.

The year is the local year of `issued_at` (settings.TIME_ZONE), the one the panels grouped by
when they counted certificates directly, so the numbers stay the same. A certificate counts once,
when written; revoking or superseding it changes nothing here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.functions import ExtractYear
from django.utils import timezone

from metrohub.certificates.models import Certificate, IssueTally


def count_issued(certificates: Iterable[Certificate]) -> None:
    """Add certificates just written to their tallies; call inside the transaction writing them.

    Safe under concurrent issue: the row is created if missing without failing on a concurrent
    creator (as numbering does), then raised by an UPDATE … SET issued = issued + n, which locks
    the row and adds to the committed value, so no increment is lost.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("count_issued must run inside the transaction writing the certificates")
    added = Counter(
        (c.center_id, timezone.localtime(c.issued_at).year, c.kind) for c in certificates
    )
    if not added:
        return
    IssueTally.objects.bulk_create(
        [IssueTally(center_id=c, year=y, kind=k, issued=0) for c, y, k in added],
        ignore_conflicts=True,
    )
    for (center_id, year, kind), n in sorted(added.items()):  # one order: no deadlock
        IssueTally.objects.filter(center_id=center_id, year=year, kind=kind).update(
            issued=F("issued") + n
        )


def fill_sql(certificates, tallies) -> tuple[str, tuple]:
    """One INSERT … SELECT … GROUP BY writing every tally from the certificates (models passed
    in, so the data migration can use its historical ones)."""
    counted = (
        certificates.objects.order_by()
        .annotate(in_year=ExtractYear("issued_at"))
        .values("center_id", "in_year", "kind")
        .annotate(n=Count("pk"))
    )
    select, params = counted.query.sql_with_params()
    table = connection.ops.quote_name(tallies._meta.db_table)
    # the SELECT is compiled by the ORM with its parameters apart; the table name is the model's
    sql = (
        f"INSERT INTO {table} (center_id, year, kind, issued) "  # noqa: S608
        f"SELECT counted.center_id, counted.in_year, counted.kind, counted.n FROM ({select}) counted"
    )
    return sql, params


@transaction.atomic
def recount() -> int:
    """Write every tally again from the certificates (after certificates were written in bulk
    outside the services, e.g. by COPY); returns the number of tallies."""
    IssueTally.objects.all().delete()
    sql, params = fill_sql(Certificate, IssueTally)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return IssueTally.objects.count()
