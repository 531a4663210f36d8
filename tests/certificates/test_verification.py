"""The verification's count on PostgreSQL outside a transaction, as a served request makes it:
committed without waiting for the disk, one scan after another counted."""

import pytest
from django.db import connection

from metrohub.certificates import verification
from metrohub.certificates.models import Certificate, VerificationTally


@pytest.mark.django_db(transaction=True)
def test_each_scan_is_counted_outside_a_transaction(world):
    if connection.vendor != "postgresql":
        pytest.skip("the pipelined, asynchronously committed count is PostgreSQL's")
    certificate = Certificate.objects.filter(status="valid").order_by("pk").first()
    assert not connection.in_atomic_block
    before = _synchronous_commit()
    first = verification.lookup(certificate.token)
    second = verification.lookup(certificate.token)
    assert (first.id, first.number) == (certificate.pk, certificate.number)
    assert (first.verification_count, second.verification_count) == (1, 2)
    assert VerificationTally.objects.get(certificate=certificate).count == 2
    # the connection is back in autocommit, its session's commit setting untouched
    assert connection.connection.autocommit
    assert _synchronous_commit() == before
    assert verification.lookup("x" * len(certificate.token)) is None


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]
