"""The verification: its count outside a transaction, as a served request makes it (in batches,
committed without waiting for the disk on PostgreSQL, every scan counted); its stored checks,
never shown once a write has changed what they judged."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from metrohub.certificates import counting, services, verification
from metrohub.certificates.models import Certificate, VerificationTally
from metrohub.standards import services as standard_services
from metrohub.standards.models import MeasurementStandard, StandardInstrument

from .conftest import MEASURED, TODAY, job_data


@pytest.mark.django_db(transaction=True)
def test_scans_outside_a_transaction_are_written_in_batches(world, monkeypatch):
    """As a served request makes them: no write per scan, a batch every FLUSH_EVERY scans
    (committed without waiting for the disk on PostgreSQL, the session's setting untouched)."""
    monkeypatch.setattr(counting, "FLUSH_EVERY", 7)
    monkeypatch.setattr(counting, "FLUSH_SECONDS", 3600)
    certificates = list(Certificate.objects.filter(status="valid").order_by("pk")[:3])
    VerificationTally.objects.filter(certificate__in=certificates).update(count=0)
    assert not connection.in_atomic_block
    before = _synchronous_commit() if connection.vendor == "postgresql" else None
    shown = {c.pk: [] for c in certificates}
    for i in range(100):
        certificate = certificates[i % 3]
        record, _ = verification.lookup(certificate.token)
        assert (record.id, record.number) == (certificate.pk, certificate.number)
        shown[certificate.pk].append(record.verification_count)
    # each scan shows every earlier one, written or not
    assert [shown[c.pk] for c in certificates] == [
        list(range(1, 35)), list(range(1, 34)), list(range(1, 34))
    ]  # fmt: skip
    written = dict(
        VerificationTally.objects.filter(certificate__in=certificates).values_list(
            "certificate_id", "count"
        )
    )
    assert sum(written.values()) == 98  # 14 batches of 7; the last 2 scans not yet written
    assert sum(counting.pending(c.pk) for c in certificates) == 2
    assert counting.flush() == 2
    written = VerificationTally.objects.filter(certificate__in=certificates).order_by("pk")
    assert [(t.certificate_id, t.count) for t in written] == [
        (certificates[0].pk, 34), (certificates[1].pk, 33), (certificates[2].pk, 33)
    ]  # fmt: skip
    assert all(t.last_at is not None for t in written)
    assert connection.connection is None or connection.get_autocommit()
    if before is not None:
        assert _synchronous_commit() == before
    assert verification.lookup("x" * len(certificates[0].token)) is None


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


# ------------------------------------------------------------------ stored checks, never stale

BROKEN = "在测量日期，本证书的溯源链已中断"
VALID = "此证书有效。"
SIGNED = "已用平台公布的公钥"
ALTERED = "签名验证未通过：存档记录已被改动。"


def _page(token: str) -> str:
    response = Client().get(f"/verify/{token}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def judged(monkeypatch):
    """The certificates whose checks were judged afresh (not read as stored), in order."""
    calls = []
    original = verification.judge

    def judge(record):
        calls.append(record.number)
        return original(record)

    monkeypatch.setattr(verification, "judge", judge)
    return calls


@pytest.mark.django_db
def test_checks_are_stored_at_issue_and_scans_read_them(issue, judged):
    certificate = issue("calibration")
    tally = VerificationTally.objects.get(certificate=certificate)
    assert (tally.count, tally.chain_broken, tally.xml_intact, tally.signature_valid) == (
        0, False, True, True,
    )  # fmt: skip
    assert tally.generation == verification.current_generation()
    judged.clear()  # issue judged once; the scans below judge nothing
    page = _page(certificate.token)
    assert VALID in page and SIGNED in page and BROKEN not in page
    api = Client().get(f"/api/v1/verify/{certificate.token}").json()
    assert (api["signature"]["valid"], api["verifications"]) == (True, 2)
    assert judged == []


@pytest.mark.django_db
def test_a_revocation_shows_at_the_next_scan(issue, lab, judged):
    certificate = issue("calibration")
    assert VALID in _page(certificate.token)
    services.revoke(actor=lab.director, certificate=certificate, reason="委托方撤回样品")
    page = _page(certificate.token)
    assert "此证书已撤销：委托方撤回样品" in page and VALID not in page
    assert BROKEN in page  # its own link of the chain is revoked: judged again, not as stored
    assert judged[-1] == certificate.number


@pytest.mark.django_db
def test_a_supersession_shows_at_the_next_scan(issue, lab):
    first = issue("calibration")
    assert VALID in _page(first.token)
    job = services.amend(actor=lab.performer, certificate=first, reason="温度录入错误")
    for person in (lab.performer, lab.checker, lab.director):
        job = services.sign(actor=person, job=job, on=TODAY)
    second = job.certificate
    page = _page(first.token)
    assert f"此证书已被替代，替代证书为 {second.number}。" in page and VALID not in page
    assert VALID in _page(second.token)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [{"status": "retired"}, {"exam_valid_until": MEASURED - dt.timedelta(days=1)}],
    ids=["standard retired", "examination certificate corrected to end before the date"],
)
def test_a_change_of_a_standard_shows_at_the_next_scan(issue, lab, change):
    certificate = issue("calibration")
    assert BROKEN not in _page(certificate.token)
    standard_services.update_standard(actor=lab.director, standard=lab.standard, **change)
    assert BROKEN in _page(certificate.token)


@pytest.mark.django_db
def test_a_recall_upstream_shows_downstream_at_the_next_scan(issue, lab):
    """A standard calibrated with a certificate of this platform: when that certificate is
    withdrawn, the certificates made with the standard show a broken chain at once."""
    upstream = issue("calibration")
    standard = MeasurementStandard.objects.create(
        center=lab.center, name="工作用压力表标准装置", measurand="压力", uncertainty="0.4级",
        exam_certificate_number="[2024]渝量标企证字第 202 号", exam_valid_until=dt.date(2027, 6, 30),
    )  # fmt: skip
    instrument = StandardInstrument.objects.create(standard=standard, name="精密压力表")
    standard_services.record_instrument_certificate(
        actor=lab.director, instrument=instrument, platform_number=upstream.number,
        due_on=dt.date(2026, 3, 9),
    )  # fmt: skip
    downstream = issue("calibration", standards=[standard.pk])
    assert BROKEN not in _page(downstream.token)
    services.revoke(actor=lab.director, certificate=upstream, reason="标准器检定数据有误，召回")
    assert BROKEN in _page(downstream.token)


@pytest.mark.django_db
def test_an_altered_xml_file_shows_at_the_next_scan(issue):
    certificate = issue("calibration")
    assert SIGNED in _page(certificate.token)
    path = Path(settings.MEDIA_ROOT) / certificate.xml.name
    path.write_bytes(path.read_bytes().replace(b"JJG 875", b"JJG 876", 1))
    page = _page(certificate.token)
    assert ALTERED in page and SIGNED not in page


@pytest.mark.django_db
def test_a_write_while_judging_leaves_the_judgement_untrusted(issue, judged, monkeypatch):
    """Checks judged while a write that could change them commits are stored with the
    generation read before: the next scan judges again."""
    certificate = issue("calibration")
    verification.raise_generation()
    judge = verification.judge

    def judge_while_writing(record):
        found = judge(record)
        verification.raise_generation()  # a standard edited meanwhile
        return found

    monkeypatch.setattr(verification, "judge", judge_while_writing)
    judged.clear()
    _page(certificate.token)
    _page(certificate.token)
    assert judged == [certificate.number, certificate.number]
    monkeypatch.setattr(verification, "judge", judge)
    _page(certificate.token)
    _page(certificate.token)
    assert judged == [certificate.number] * 3


@pytest.mark.django_db
def test_bookkeeping_and_drafts_leave_stored_checks_trusted(issue, lab):
    certificate = issue("calibration")
    before = verification.current_generation()
    lab.standard.reminders_sent = ["2025-08-31:30"]
    lab.standard.save(update_fields=["reminders_sent"])
    services.create_job(actor=lab.performer, center=lab.center, data=job_data(lab, "calibration"))
    assert verification.current_generation() == before
    lab.instrument.name = "数字压力计（更换铭牌）"
    lab.instrument.save()
    assert verification.current_generation() == before + 1
    assert VALID in _page(certificate.token)


@pytest.mark.django_db
def test_scans_read_through_one_cursor_per_connection_and_a_new_one_after_a_reconnect(issue):
    if connection.vendor != "postgresql":
        pytest.skip("the prepared statement and its cursor are PostgreSQL's")
    certificate = issue("calibration")
    verification.check(certificate.token)
    raw, cursor = connection._verification_cursor
    assert raw is connection.connection
    assert verification.check(certificate.token).record.verification_count == 2
    assert connection._verification_cursor == (raw, cursor)  # the same cursor, kept
    # as if the cursor had been kept for a connection Django has since closed and replaced
    connection._verification_cursor = (object(), cursor)
    found = verification.check(certificate.token)
    assert (found.record.number, found.record.verification_count) == (certificate.number, 3)
    assert connection._verification_cursor[0] is raw
    assert connection._verification_cursor[1] is not cursor
