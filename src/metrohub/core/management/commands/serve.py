"""`metrohub serve`: the platform on one machine, or one role of it on several.

By default: gunicorn (workers from the core count), a task worker and the scheduler of the daily
jobs, supervised together: when one stops, the others are stopped and serve exits non-zero, for
systemd (or whoever started it) to restart. `--dev` serves with Django's autoreloading development
server instead. On several machines (docs/operations.md): app servers run `serve ADDR
--task-workers 0 --no-scheduler`, worker machines `serve --no-web`.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from metrohub.core.bounds import digits

# Django's autoreloader runs the command again in a child process; sidecars start only once.
_RELOADED_CHILD = "RUN_MAIN"


def default_web_workers() -> int:
    """gunicorn's advice, 2 × cores + 1, kept to 8 so a large machine's memory is not all spent."""
    configured = os.environ.get("METROHUB_WEB_WORKERS", "").strip()
    if configured:
        if not digits(configured) or int(configured) < 1:
            raise CommandError("METROHUB_WEB_WORKERS must be a whole number of at least 1.")
        return int(configured)
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def gunicorn_command(addrport: str, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "metrohub.wsgi:application",
        "--bind",
        addrport,
        "--workers",
        str(workers),
        "--timeout",
        "120",  # the longest requests are PDFs and imports of 20,000 rows
        "--graceful-timeout",
        "20",
        "--access-logfile",
        "-",
        "--preload",  # the app is imported once, before the workers fork: faster, less memory
        "--no-control-socket",  # one per user by default: several servers on a machine collide
        "--forwarded-allow-ips",
        ",".join(settings.METROHUB_TRUSTED_PROXIES) or "127.0.0.1",
    ]


def _metrohub(*args: str) -> list[str]:
    return [sys.executable, "-m", "metrohub", *args]


class Command(BaseCommand):
    help = (
        "Serve the site (gunicorn) with task workers and the daily jobs' scheduler beside it; "
        "--dev for the autoreloading development server."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--dev", action="store_true", help="Django's development server")
        parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 × cores + 1)")
        parser.add_argument("--task-workers", type=int, default=1, help="task workers (default 1)")
        parser.add_argument("--no-scheduler", action="store_true", help="no daily jobs here")
        parser.add_argument("--no-web", action="store_true", help="task workers and scheduler only")

    def handle(self, *args, addrport, dev, workers, task_workers, no_scheduler, no_web, **options):
        if task_workers < 0 or (workers is not None and workers < 1):
            raise CommandError("--workers must be at least 1 and --task-workers at least 0.")
        if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
            call_command("createcachetable", verbosity=0)
        if not _tasks_queued_in_database():
            # an immediate or dummy backend runs (or drops) tasks in the request: no queue to work
            task_workers = 0
        sidecars = []
        if os.environ.get(_RELOADED_CHILD) != "true":
            sidecars += [_metrohub("db_worker", "--interval", "1")] * task_workers
            if not no_scheduler:
                sidecars.append(_metrohub("jobs", "schedule"))
        if dev and not no_web:
            self._dev(addrport, sidecars)
            return
        commands = list(sidecars)
        if not no_web:
            workers = workers or default_web_workers()
            commands.insert(0, gunicorn_command(addrport, workers))
            self.stdout.write(
                f"Metrohub: http://{addrport}/   API: http://{addrport}/api/v1/docs   "
                f"({workers} web workers, {task_workers} task workers, "
                f"scheduler {'off' if no_scheduler else 'on'})"
            )
        if not commands:
            raise CommandError("Nothing to run: --no-web with no task workers and no scheduler.")
        self.stdout.flush()
        sys.exit(supervise(commands))

    def _dev(self, addrport, sidecars):
        children = [subprocess.Popen(command) for command in sidecars]  # noqa: S603
        try:
            self.stdout.write(f"Metrohub (development server): http://{addrport}/")
            call_command("runserver", addrport, use_reloader=True)
        finally:
            _stop(children)


def supervise(commands: list[list[str]]) -> int:
    """Start every command; when one ends or a stop signal comes, stop the rest. The exit status:
    0 after a signal, else that of the command that ended first (1 if it was 0: it should not)."""
    children = [subprocess.Popen(command) for command in commands]  # noqa: S603
    stopping = {"signal": False}

    def on_signal(signum, frame):
        stopping["signal"] = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping["signal"]:
            ended = [child for child in children if child.poll() is not None]
            if ended:
                print(
                    f"metrohub serve: {' '.join(ended[0].args[1:4])} exited with "
                    f"{ended[0].returncode}; stopping the others.",
                    file=sys.stderr,
                )
                return ended[0].returncode or 1
            time.sleep(0.5)
        return 0
    finally:
        _stop(children)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop(children, timeout: float = 25.0) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _tasks_queued_in_database() -> bool:
    return settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
