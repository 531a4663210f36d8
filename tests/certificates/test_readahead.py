"""Reading a scan's certificate ahead: sent before the middleware runs, taken by the view; never a
different answer from reading it in the view (fresh after a revocation, the same after a request
that took nothing, after the connection was lost, inside a transaction, on SQLite)."""

import gc
import os
import re
import signal
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from metrohub.certificates import counting, readahead, services
from metrohub.core.env import Rate

from .test_verification import VALID

TOKEN = "A" * 43


@pytest.mark.parametrize(
    ("path", "token"),
    [
        (f"/verify/{TOKEN}", TOKEN),
        (f"/api/v1/verify/{TOKEN}", TOKEN),
        (f"/verify/{TOKEN}/", None),  # not the page's path
        (f"/verify/{TOKEN[:-1]}", None),  # not a token's length
        (f"/verify/{TOKEN[:-1]}é", None),  # not a token's characters
        (f"/verify/{TOKEN}\n", None),
        (f"/certificates/verify/{TOKEN}", None),
    ],
)
def test_only_a_scans_path_is_read_ahead(path, token):
    match = readahead.PATH.match(path)
    assert (match[1] if match else None) == token


@pytest.mark.django_db
def test_nothing_is_read_ahead_inside_a_transaction_or_on_sqlite(issue):
    """Tests run inside a transaction: what it wrote is not committed, so a connection of its own
    would not see it. The view reads on Django's connection; the answer is the same."""
    certificate = issue("calibration")
    assert connection.in_atomic_block
    assert readahead.start(certificate.token) is False
    assert readahead.take(certificate.token) is readahead.NOTHING
    response = Client().get(f"/verify/{certificate.token}")
    assert response.status_code == 200 and certificate.number in response.content.decode()


def _exit_status(child: int, seconds: float = 30) -> int:
    """The forked child's exit status; killed (and the test failed) if it hangs: a lock another
    thread held at the fork can never be released in the child."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid:
            return status
        time.sleep(0.01)
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    pytest.fail("the forked child hung")


MISSED = "not read ahead"


@pytest.fixture
def taken(monkeypatch):
    """What each scan took from the read-ahead: the row's id, None (no such certificate) or
    MISSED (nothing read ahead: the view read for itself)."""
    rows = []
    original = readahead.take

    def take(token):
        row = original(token)
        rows.append(MISSED if row is readahead.NOTHING else (row and row[0]))
        return row

    monkeypatch.setattr(readahead, "take", take)
    yield rows
    readahead.close()


def _without_count(page: str) -> str:
    return re.sub(r"(<dd>)\d+(</dd>\n</dl>)", r"\1\2", page)


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
@pytest.mark.django_db(transaction=True)
def test_a_scan_is_read_ahead_and_answers_as_a_read_in_the_view(
    issue, lab, taken, settings, monkeypatch
):
    if connection.vendor != "postgresql":
        assert readahead.start(TOKEN) is False
        pytest.skip("read-ahead is PostgreSQL's")
    first, second = issue("calibration"), issue("calibration")
    client = Client()

    def page(certificate) -> str:
        response = client.get(f"/verify/{certificate.token}")
        assert response.status_code == 200
        return response.content.decode()

    shown = page(first)
    assert VALID in shown and first.number in shown and "<dd>1</dd>" in shown
    assert taken == [first.pk]
    assert client.get(f"/api/v1/verify/{second.token}").json()["number"] == second.number
    assert taken == [first.pk, second.pk]
    with monkeypatch.context() as patched:  # the same page as a read in the view makes
        patched.setattr(readahead, "start", lambda token: False)
        in_view = page(first)
    assert taken[-1] == MISSED
    assert "<dd>2</dd>" in in_view and _without_count(in_view) == _without_count(shown)

    # a forked child (a server's worker) lets its parent's connection be
    parent = readahead._reader.wrapper.connection.info.backend_pid
    child = os.fork()
    if child == 0:  # pragma: no cover  (the child)
        gc.collect()
        os._exit(0 if readahead._reader.connection is None else 1)
    assert _exit_status(child) == 0
    assert second.number in page(second)
    assert taken[-1] == second.pk
    assert readahead._reader.wrapper.connection.info.backend_pid == parent

    # a revocation committed on Django's connection shows at the next scan
    services.revoke(actor=lab.director, certificate=first, reason="委托方撤回样品")
    assert "此证书已撤销：委托方撤回样品" in page(first)
    assert taken[-1] == first.pk

    # requests that take nothing (a refused scan) or find nothing leave the connection idle
    assert client.get(f"/verify/{TOKEN}").status_code == 404
    assert taken[-1] is None
    settings.METROHUB_RATE_LIMITS_ENABLED = True
    settings.METROHUB_RATES = {**settings.METROHUB_RATES, "verification": Rate(1, 60)}
    cache.clear()
    page(second)
    scans = len(taken)
    assert client.get(f"/verify/{second.token}").status_code == 429
    assert len(taken) == scans  # refused before the view read
    settings.METROHUB_RATE_LIMITS_ENABLED = False
    before = counting.pending(second.pk)
    assert second.number in page(second)
    assert taken[-1] == second.pk
    assert counting.pending(second.pk) == before + 1

    # the connection lost (a server restart, an idle timeout): answered all the same, and the
    # next scan reads ahead on a new one
    gone = readahead._reader.wrapper.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [gone])
    assert second.number in page(second)
    assert taken[-1] == MISSED
    assert second.number in page(second)
    assert taken[-1] == second.pk
    assert readahead._reader.wrapper.connection.info.backend_pid != gone


def test_a_connection_that_cannot_be_opened_is_tried_again_only_after_a_while(monkeypatch):
    opened = []

    class Refused:
        def __init__(self):
            opened.append(1)
            raise ConnectionError("the server refuses")

    now = [1000.0]
    monkeypatch.setattr(readahead, "usable", lambda: True)
    monkeypatch.setattr(readahead, "_Connection", Refused)
    monkeypatch.setattr(readahead, "monotonic", lambda: now[0])
    try:
        assert readahead.start(TOKEN) is False
        assert readahead.take(TOKEN) is readahead.NOTHING  # the view reads for itself
        now[0] += readahead.RETRY_SECONDS - 1
        assert readahead.start(TOKEN) is False
        assert len(opened) == 1  # not tried again within the while
        now[0] += 1
        assert readahead.start(TOKEN) is False
        assert len(opened) == 2
    finally:
        readahead._reader.retry_at = 0.0
