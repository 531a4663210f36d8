import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from metrohub.eventlog.models import Event
from metrohub.eventlog.services import GENESIS, append_event, verify_all


def _chain(n=3, subject="case:1"):
    return [
        append_event(
            subject=subject, action=f"step{i}", article="第十一条", payload={"i": i, "名称": "中心"}
        )
        for i in range(n)
    ]


def test_events_chain_per_subject(db):
    first, second, third = _chain()
    other = append_event(subject="case:2", action="start")
    assert (first.seq, second.seq, third.seq, other.seq) == (1, 2, 3, 1)
    assert (
        first.prev_hash == GENESIS
        and second.prev_hash == first.hash
        and third.prev_hash == second.hash
    )
    assert other.prev_hash == GENESIS
    assert [broken for _s, _n, broken in verify_all()] == [None, None]


def test_events_cannot_be_changed_through_the_orm(db):
    event = _chain(1)[0]
    event.action = "forged"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_verify_log_passes_then_fails_after_raw_sql_tampering(db, capsys):
    _chain(3)
    call_command("verify-log")
    assert "OK: 1 chain(s), 3 event(s)" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Event._meta.db_table} SET payload = %s WHERE seq = 2", ['{"i": 99}']
        )
    with pytest.raises(CommandError, match=r"case:1 event #2: payload does not match its digest"):
        call_command("verify-log")


def test_tampered_article_is_detected(db):
    _chain(3)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Event._meta.db_table} SET article = %s WHERE seq = 3", ["第九条"])
    ((_subject, _count, broken),) = verify_all()
    assert (broken.seq, broken.reason) == (3, "fields do not match the stored hash")


def test_deleted_event_is_detected(db):
    _chain(3)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Event._meta.db_table} WHERE seq = 2")
    ((_subject, _count, broken),) = verify_all()
    assert (broken.seq, broken.reason) == (3, "expected position 2")
