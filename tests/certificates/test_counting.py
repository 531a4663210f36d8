"""Verification counts kept in memory and written in batches: none lost, none counted twice."""

import threading
from types import SimpleNamespace

import pytest
from django.db import DatabaseError
from django.test import Client

from metrohub.certificates import counting
from metrohub.certificates.models import Certificate, VerificationTally


@pytest.fixture
def unflushed(monkeypatch):
    """No batch written on its own: what the test flushes is all that is written."""
    monkeypatch.setattr(counting, "FLUSH_EVERY", 10**9)
    monkeypatch.setattr(counting, "FLUSH_SECONDS", 10**9)


def _stored(certificate) -> int:
    return VerificationTally.objects.get(certificate=certificate).count


@pytest.mark.django_db
def test_a_hundred_verifications_count_a_hundred_after_the_flush(issue, unflushed):
    certificate = issue("calibration")
    for _ in range(50):
        assert Client().get(f"/verify/{certificate.token}").status_code == 200
    for i in range(50):
        answer = Client().get(f"/api/v1/verify/{certificate.token}").json()
        assert answer["verifications"] == 51 + i  # every scan so far, written or not
    page = Client().get(f"/verify/{certificate.token}").content.decode()
    assert "<dt>验证次数</dt><dd>101</dd>" in page
    assert _stored(certificate) == 0  # nothing written on a scan's path
    assert counting.flush() == 101
    assert _stored(certificate) == 101
    assert counting.pending(certificate.pk) == 0
    assert counting.flush() == 0  # written once, not twice
    assert Client().get(f"/api/v1/verify/{certificate.token}").json()["verifications"] == 102
    assert Certificate.objects.get(pk=certificate.pk).verification_count == 101  # as of the flush


@pytest.mark.django_db
def test_counts_add_to_what_another_process_wrote(issue, unflushed):
    certificate = issue("calibration")
    VerificationTally.objects.filter(certificate=certificate).update(count=40)
    answer = Client().get(f"/api/v1/verify/{certificate.token}").json()
    assert answer["verifications"] == 41
    counting.flush()
    assert _stored(certificate) == 41


@pytest.mark.django_db
def test_a_failed_write_keeps_its_scans_for_the_next(issue, unflushed, monkeypatch):
    first, second = issue("calibration"), issue("testing")
    for certificate, scans in ((first, 3), (second, 2)):
        for _ in range(scans):
            Client().get(f"/api/v1/verify/{certificate.token}")
    real = counting._write

    def failing(rows):
        raise DatabaseError("the database is away")

    monkeypatch.setattr(counting, "_write", failing)
    with pytest.raises(DatabaseError):
        counting.flush()
    assert (counting.pending(first.pk), counting.pending(second.pk)) == (3, 2)
    # a scan meanwhile is answered, its count shown, and added to the kept ones
    assert Client().get(f"/api/v1/verify/{first.token}").json()["verifications"] == 4
    monkeypatch.setattr(counting, "_write", real)
    assert counting.flush() == 6
    assert (_stored(first), _stored(second)) == (4, 2)


@pytest.mark.django_db
def test_a_scan_that_finds_the_write_failing_is_still_answered(issue, monkeypatch):
    certificate = issue("calibration")
    monkeypatch.setattr(counting, "FLUSH_EVERY", 1)
    # as a served request, outside a transaction
    monkeypatch.setattr(counting, "connection", SimpleNamespace(in_atomic_block=False))
    monkeypatch.setattr(counting, "_write", lambda rows: (_ for _ in ()).throw(DatabaseError()))
    response = Client().get(f"/api/v1/verify/{certificate.token}")
    assert (response.status_code, response.json()["verifications"]) == (200, 1)
    assert counting.pending(certificate.pk) == 1


@pytest.mark.django_db
def test_the_tally_is_written_at_exit(issue, unflushed):
    certificate = issue("calibration")
    for _ in range(3):
        Client().get(f"/verify/{certificate.token}")
    counting._at_exit()  # registered with atexit
    assert _stored(certificate) == 3


@pytest.mark.django_db
def test_a_batch_is_due_after_its_seconds(issue, monkeypatch):
    certificate = issue("calibration")
    monkeypatch.setattr(counting, "FLUSH_EVERY", 10**9)
    monkeypatch.setattr(counting, "FLUSH_SECONDS", 0)
    assert not counting.due()  # nothing to write
    Client().get(f"/verify/{certificate.token}")  # inside the test's transaction: not written
    assert counting.due() and counting.pending(certificate.pk) == 1


def test_threads_counting_at_once_lose_nothing(monkeypatch):
    monkeypatch.setattr(counting, "_pending", {})
    monkeypatch.setattr(counting, "_scans", 0)

    def scan():
        for i in range(2000):
            counting.add(i % 5, None)

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [counting.pending(i) for i in range(5)] == [1600] * 5
    assert counting._scans == 8000
