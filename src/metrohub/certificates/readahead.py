"""Reading a scan's certificate ahead (PostgreSQL): the statement is sent as soon as the request's
path names a token, before the middleware and the view run, and its row is taken when the view
asks for it.

A scan's read is one indexed statement, cheap for the server; what it costs the app server is the
wait: the process sleeps for the round trip, and on a shared machine wakes to cold caches (a read
taken after Django's request work cost 0.25 ms more than the same read in a loop). Sent ahead,
the server answers while the middleware runs, and the row is usually waiting when the view reads
it: the request never sleeps for it.

The read goes through a connection of its own (one per thread, in autocommit: it sees what is
committed, as a scan must), so nothing that runs between sending and taking (a session read, an
audit write) can meet a statement in flight. Read-ahead is an optimisation only: wherever it
cannot be used (SQLite, inside a transaction, as in tests; a failed send or read; another
token), verification reads on Django's connection as before, and the answer is the same.

A request refused by the rate limiter has been read ahead all the same: the row is read and
dropped (one indexed read; the limiter is for what a scan shows and what it costs to answer).
"""

import contextlib
import os
import re
import select
import threading
from time import monotonic

from django.core.signals import request_finished
from django.db import connection, connections
from django.dispatch import receiver

# /verify/<token> and /api/v1/verify/<token> with a token's shape (secrets.token_urlsafe(32)).
PATH = re.compile(r"/(?:api/v1/)?verify/([A-Za-z0-9_-]{43})\Z")
STATEMENT = b"metrohub_verify"
NOTHING = object()  # take(): no row read ahead for this token


# After a connection could not be opened (or its statement prepared), scans read in the view for
# this long before read-ahead tries again: an opening that fails would otherwise be paid by every
# scan on top of its read.
RETRY_SECONDS = 30.0


class _Reader(threading.local):
    connection = None  # _Connection
    pending: str | None = None  # the token whose statement is in flight
    retry_at = 0.0  # monotonic() before which no connection is opened

    @property
    def wrapper(self):
        return self.connection.wrapper if self.connection is not None else None


class _Connection:
    """A DatabaseWrapper of its own (Django's settings, time zone and autocommit), closed when
    let go: with the thread that held it (a development or test server's request thread), or
    by close()."""

    loader = None  # psycopg's Transformer, loading the statement's rows

    def __init__(self):
        self.wrapper = connections.create_connection("default")
        self.wrapper.ensure_connection()

    def __del__(self):
        with contextlib.suppress(Exception):  # already broken: nothing left to close
            self.wrapper.close()


_reader = _Reader()


def _forget_after_fork() -> None:
    """A forked child must not use the socket its parent reads on, nor end the parent's session
    by closing it: the inherited descriptor is pointed at /dev/null (what closing then writes
    goes nowhere) and the child opens its own connection when it needs one."""
    global _reader
    held = _reader.connection
    if held is not None:
        with contextlib.suppress(Exception):  # no socket: nothing to detach
            socket = held.wrapper.connection.pgconn.socket
            nowhere = os.open(os.devnull, os.O_RDWR)
            os.dup2(nowhere, socket)
            os.close(nowhere)
    _reader = _Reader()


os.register_at_fork(after_in_child=_forget_after_fork)


def usable() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def start(token: str) -> bool:
    """Send the read of `token`'s certificate; False when it was not sent (nothing pending)."""
    if _reader.pending is not None or not usable():
        return False
    if _reader.connection is None and monotonic() < _reader.retry_at:
        return False
    try:
        pgconn = _pgconn()
        pgconn.send_query_prepared(STATEMENT, [token.encode()])
        _flush(pgconn)
    except Exception:  # noqa: BLE001  (read-ahead is never needed: drop the connection)
        close()
        return False
    _reader.pending = token
    return True


def take(token: str):
    """The row read ahead for `token` (None when there is no such certificate), or NOTHING when
    none was read ahead for it or the read failed: the caller then reads for itself."""
    if _reader.pending != token:
        return NOTHING
    try:
        result = _result()
    except Exception:  # noqa: BLE001
        close()
        return NOTHING
    from psycopg import pq
    from psycopg.adapt import Transformer

    if result.status != pq.ExecStatus.TUPLES_OK:
        close()
        return NOTHING
    if not result.ntuples:
        return None
    held = _reader.connection
    if held.loader is None:
        held.loader = Transformer(held.wrapper.connection)
        held.loader.set_pgresult(result)
    else:  # the one statement's columns: the loaders chosen for its first row serve every row
        held.loader.set_pgresult(result, set_loaders=False)
    return held.loader.load_row(0, tuple)


def finish() -> None:
    """After the request: a read the view did not take is received and dropped, so that the
    connection is idle for the next request."""
    if _reader.pending is None:
        return
    try:
        _result()
    except Exception:  # noqa: BLE001
        close()


def close() -> None:
    _reader.pending = None
    held, _reader.connection = _reader.connection, None
    if held is not None:
        held.__del__()


@receiver(request_finished)
def _close_with_djangos(**kwargs) -> None:
    """Kept as long as Django keeps its own connection (CONN_MAX_AGE): closed after the request
    at whose end Django closed its."""
    if _reader.connection is not None and connection.connection is None:
        close()


def _pgconn():
    from psycopg import pq

    wrapper = _reader.wrapper
    if wrapper is None or wrapper.connection is None or wrapper.connection.closed:
        close()
        _reader.retry_at = monotonic() + RETRY_SECONDS  # unless it opens
        _reader.connection = _Connection()
        wrapper = _reader.wrapper
        _prepare(wrapper.connection)
        _reader.retry_at = 0.0
    pgconn = wrapper.connection.pgconn
    if pgconn.status != pq.ConnStatus.OK or pgconn.transaction_status != pq.TransactionStatus.IDLE:
        raise ConnectionError("the read-ahead connection is not idle")
    return pgconn


def _prepare(raw) -> None:
    from psycopg import pq

    from metrohub.certificates import statement

    sql = statement.sql()
    assert sql.count("%s") == 1, "the statement takes the token only"
    with raw.cursor() as cursor:
        # as on Django's connection (verification._prepare_connection): the generic plan
        cursor.execute("SET plan_cache_mode TO force_generic_plan")
    prepared = raw.pgconn.prepare(STATEMENT, sql.replace("%s", "$1").encode())
    if prepared.status != pq.ExecStatus.COMMAND_OK:
        raise ConnectionError(prepared.get_error_message())


def _flush(pgconn) -> None:
    while pgconn.flush():  # 1: not all sent yet (a non-blocking socket)
        _wait(pgconn.socket, select.POLLOUT)


def _result():
    """The pending statement's result, waited for without holding the interpreter."""
    pgconn = _reader.wrapper.connection.pgconn
    _reader.pending = None
    pgconn.consume_input()
    while pgconn.is_busy():
        _wait(pgconn.socket, select.POLLIN)
        pgconn.consume_input()
    result = pgconn.get_result()
    while pgconn.get_result() is not None:  # the end of the statement's results
        pass
    return result


def _wait(socket: int, event: int) -> None:
    poller = select.poll()  # not select(): no limit on the descriptor's number
    poller.register(socket, event)
    poller.poll()
