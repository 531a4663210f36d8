"""`metrohub serve`: gunicorn, a task worker and the scheduler, supervised together."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from metrohub.core.management.commands.serve import default_web_workers, gunicorn_command


def test_web_workers_follow_the_core_count(monkeypatch):
    monkeypatch.delenv("METROHUB_WEB_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert default_web_workers() == 5
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert default_web_workers() == 8
    monkeypatch.setenv("METROHUB_WEB_WORKERS", "3")
    assert default_web_workers() == 3


def test_gunicorn_serves_the_wsgi_application():
    command = gunicorn_command("127.0.0.1:9000", 3)
    assert command[1:4] == ["-m", "gunicorn", "metrohub.wsgi:application"]
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--bind") + 1] == "127.0.0.1:9000"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_serve_answers_health_through_gunicorn_and_stops_cleanly(tmp_path):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the served process needs the test database: PostgreSQL only")
    settings = connection.settings_dict
    url = f"postgresql://{settings['USER']}@/{settings['NAME']}?host=" + urllib.request.quote(
        settings["HOST"] or "localhost", safe=""
    )
    port = _free_port()
    environment = {**os.environ, "DATABASE_URL": url, "METROHUB_DATA_DIR": str(tmp_path)}
    # served as in production: tasks queued in the database and a worker beside gunicorn
    environment.pop("METROHUB_TASK_BACKEND", None)
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "metrohub", "serve", f"127.0.0.1:{port}", "--workers", "2"],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        body = _wait_for(f"http://127.0.0.1:{port}/healthz", server, log)
        assert '"status": "ok"' in body and '"vendor": "postgresql"' in body
        # the scheduler is a process of its own: gunicorn may answer before it has started, and a
        # stop then would end it before it says so
        _wait_for_line(log, "Scheduler: ", server)
    finally:
        server.terminate()
        server.wait(timeout=60)
    output = log.read_text()
    assert server.returncode == 0, output
    assert "Starting gunicorn" in output and "Scheduler: remind at 01:00" in output
    assert "Shutting down: Master" in output


def _wait_for(url: str, server, log, seconds: float = 300) -> str:
    # four processes import the whole application at once: on two busy cores that has taken
    # over 90 s; a server that does not start at all fails at once (poll) rather than here
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text()
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                return response.read().decode()
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def _wait_for_line(log, text: str, server, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while text not in log.read_text():
        assert server.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"no {text!r} within {seconds} s: {log.read_text()}"
        time.sleep(0.2)
