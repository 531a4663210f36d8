"""Certificate numbers: per center and year, without gaps, unique under concurrent issue.

The next number is taken inside the issuing transaction by locking the center's row for the year
(SELECT … FOR UPDATE on PostgreSQL; SQLite's writers are serialised by its IMMEDIATE
transactions). If the issue fails later in that transaction, the increment rolls back with it, so
no number is ever skipped; a second issuer waits for the first to commit.
"""

from django.db import transaction

from metrohub.certificates.models import NumberSequence


def format_number(center_code: str, year: int, sequence: int) -> str:
    return f"{center_code}-{year}-{sequence:06d}"


def next_sequence(*, center, year: int) -> int:
    """Reserve the next number of `center` in `year`; call inside the issuing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_sequence must run inside the issuing transaction")
    # Creating the year's row must not fail when another issuer creates it at the same moment.
    NumberSequence.objects.bulk_create(
        [NumberSequence(center=center, year=year, last=0)], ignore_conflicts=True
    )
    row = NumberSequence.objects.select_for_update().get(center=center, year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last
