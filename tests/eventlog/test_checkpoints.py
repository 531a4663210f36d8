"""Everything shown of an event is hashed; signed checkpoints of the chain heads reveal what a
hash chain alone cannot: a deleted last event, a deleted chain, a rewritten tail."""

import json
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from metrohub.eventlog import checkpoints
from metrohub.eventlog.models import Checkpoint, Event
from metrohub.eventlog.services import GENESIS, append_event, event_hash, verify_all


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def log(db, user_for):
    """Two chains of three events, alone in the log (the demo world writes its own)."""
    regulator = user_for("regulator")
    _sql("DELETE FROM {table}")
    for subject in ("case:1", "case:2"):
        for step in range(3):
            append_event(
                subject=subject, action=f"step{step}", actor=regulator, payload={"i": step}
            )
    return regulator


def _verify(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify-log", *args, stdout=out)
    return out.getvalue()


def _sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=Event._meta.db_table), params)


def test_an_edited_actor_label_is_detected(log):
    _sql("UPDATE {table} SET actor_label = %s WHERE subject = %s AND seq = 2", ["王五", "case:1"])
    broken = {name: b for name, _n, b in verify_all() if b}
    assert (broken["case:1"].seq, broken["case:1"].reason) == (
        2,
        "fields do not match the stored hash",
    )
    with pytest.raises(CommandError, match=r"case:1 event #2: fields do not match the stored hash"):
        _verify()


def test_every_field_shown_is_covered_by_the_hash(log):
    event = Event.objects.get(subject="case:2", seq=3)
    for field, value in [
        ("actor_label", "someone else"),
        ("action", "forged"),
        ("article", "第九条"),
        ("subject", "case:9"),
        ("seq", 9),
        ("actor_id", None),
        ("hash_version", 1),
    ]:
        original = getattr(event, field)
        setattr(event, field, value)
        assert event_hash(event) != event.hash, field
        setattr(event, field, original)
    assert event_hash(event) == event.hash


def test_a_deleted_last_event_is_detected_against_the_checkpoint(log):
    call_command("checkpoint", stdout=None)
    assert "they hold the checkpoint of" in _verify()
    Event.objects.filter(subject="case:1", seq=3).delete()
    assert [b for _s, _n, b in verify_all()] == [None, None]  # the chain alone looks whole
    with pytest.raises(
        CommandError, match=r"case:1 #2: the chain ends at #2; the checkpoint of .* has #3"
    ):
        _verify()


def test_a_deleted_chain_is_detected(log):
    checkpoints.write_checkpoint()
    Event.objects.filter(subject="case:2").delete()
    with pytest.raises(CommandError, match=r"case:2 #3: the chain is gone"):
        _verify()


def test_a_rewritten_tail_is_detected(log):
    checkpoints.write_checkpoint()
    # The tail rewritten as a careful forger would: every hash recomputed, the chain consistent.
    forged = Event.objects.get(subject="case:1", seq=3)
    forged.actor_label = "王五"
    forged.payload = {"i": 99}
    from metrohub.eventlog.services import canonical_json, sha256

    forged.payload_digest = sha256(canonical_json(forged.payload))
    forged.hash = event_hash(forged)
    Event.objects.filter(pk=forged.pk).update(
        actor_label=forged.actor_label,
        payload=forged.payload,
        payload_digest=forged.payload_digest,
        hash=forged.hash,
    )
    assert [b for _s, _n, b in verify_all()] == [None, None]
    with pytest.raises(CommandError, match=r"case:1 #3: event #3 is not the one the checkpoint"):
        _verify()


def test_events_appended_after_a_checkpoint_keep_it_valid(log):
    checkpoints.write_checkpoint()
    append_event(subject="case:1", action="later")
    append_event(subject="case:3", action="new chain")
    assert "OK: 3 chain(s), 8 event(s) verified; they hold the checkpoint" in _verify()


def test_a_forged_checkpoint_is_refused(log):
    written = checkpoints.write_checkpoint()
    document = json.loads(written.document)
    document["heads"]["case:1"] = [2, document["heads"]["case:1"][1]]
    Checkpoint.objects.filter(pk=written.pk).update(document=json.dumps(document))
    with pytest.raises(CommandError, match="signature does not match its content"):
        _verify()


def test_an_exported_checkpoint_still_reveals_truncation_when_the_stored_ones_are_gone(
    log, tmp_path
):
    exported = tmp_path / "checkpoint.json"
    call_command("checkpoint", "--export", str(exported), stdout=None)
    Event.objects.filter(subject="case:2", seq__gte=2).delete()
    Checkpoint.objects.all().delete()
    assert "no checkpoint yet" in _verify()
    with pytest.raises(CommandError, match=r"case:2 #1: the chain ends at #1"):
        _verify("--checkpoint", str(exported))


def test_the_signing_key_is_private_to_the_service_account(log, data_dir):
    checkpoints.write_checkpoint()
    path = data_dir / "eventlog-checkpoint.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in path.read_bytes()
    assert path.read_text() not in Checkpoint.objects.get().document


def test_a_checkpoint_signed_by_another_key_is_refused(log, data_dir, tmp_path):
    exported = tmp_path / "other.json"
    checkpoints.write_checkpoint()
    call_command("checkpoint", "--no-write", "--export", str(exported), stdout=None)
    (data_dir / "eventlog-checkpoint.key").unlink()
    checkpoints.signing_key()  # a new key: the exported checkpoint is no longer this platform's
    with pytest.raises(CommandError, match="signed by another key"):
        _verify("--checkpoint", str(exported))


def test_events_hashed_before_actor_labels_were_covered_still_verify(db):
    from metrohub.eventlog.services import _link_hash

    event = append_event(subject="legacy:1", action="old")
    v1 = _link_hash(
        prev_hash=GENESIS,
        subject=event.subject,
        seq=1,
        actor_id=None,
        actor_label="ignored in version 1",
        recorded_at=event.recorded_at,
        effective_date=None,
        action="old",
        article="",
        payload_digest=event.payload_digest,
        version=1,
    )
    Event.objects.filter(pk=event.pk).update(hash=v1, hash_version=1)
    assert [b for _s, _n, b in verify_all("legacy:1")] == [None]
    append_event(subject="legacy:1", action="new")  # version 2 after version 1
    assert [b for _s, _n, b in verify_all("legacy:1")] == [None]


def test_the_checkpoint_is_a_daily_job():
    from metrohub.jobs.registry import get

    assert get("eventlog-checkpoint").description == "signed checkpoint of chain heads"
