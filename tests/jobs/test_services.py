"""Daily jobs: due at their time, run once a day however many schedulers start them."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections

from metrohub.jobs import registry, services
from metrohub.jobs.models import JobRun

SHANGHAI = services.SHANGHAI


def at(hour: int, minute: int = 0, day: int = 14) -> dt.datetime:
    return dt.datetime(2025, 10, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def two_known_jobs(monkeypatch):
    """The scheduler's mechanics are tried on two real jobs only, so that an app adding its own
    daily job does not change what these tests expect."""
    kept = {name: registry.get(name) for name in ("remind", "eventlog-checkpoint")}
    monkeypatch.setattr(registry, "_JOBS", kept)


@pytest.fixture
def counting_job():
    """A job registered for the test that counts its runs (and takes a moment, so that
    concurrent schedulers overlap)."""
    calls = []
    lock = threading.Lock()

    def work():
        time.sleep(0.2)
        with lock:
            calls.append(1)
        return f"run {len(calls)}"

    registry.daily_job("test-counting", at=dt.time(2, 30))(work)
    yield calls
    registry._JOBS.pop("test-counting", None)


def test_the_procedures_reminders_are_a_registered_daily_job():
    job = registry.get("remind")
    assert (job.at, job.description) == (dt.time(1, 0), job.description)
    with pytest.raises(KeyError, match="No daily job named 'nope'"):
        registry.get("nope")


def _names(runs) -> list[str]:
    return [run.job for run in runs]


@pytest.mark.django_db
def test_a_job_runs_from_its_time_on_once_a_day(counting_job):
    assert _names(services.run_due(at(0, 59))) == []
    assert _names(services.run_due(at(2, 29))) == ["remind", "eventlog-checkpoint"]
    assert counting_job == []
    runs = services.run_due(at(2, 30))
    assert [(r.job, r.day, r.ok, r.message) for r in runs] == [
        ("test-counting", dt.date(2025, 10, 14), True, "run 1")
    ]
    assert services.run_due(at(23, 59)) == []
    assert _names(services.run_due(at(2, 30, day=15))) == [
        "remind",
        "eventlog-checkpoint",
        "test-counting",
    ]
    assert len(counting_job) == 2


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run(counting_job):
    def broken():
        raise RuntimeError("the mail server is away")

    registry.daily_job("test-broken", at=dt.time(2, 0))(broken)
    try:
        runs = {r.job: r for r in services.run_due(at(3, 0))}
    finally:
        registry._JOBS.pop("test-broken", None)
    assert runs["test-broken"].ok is False
    assert "RuntimeError: the mail server is away" in runs["test-broken"].message
    assert runs["test-counting"].ok is True and counting_job == [1]


@pytest.mark.django_db
def test_run_by_hand_once_then_again_on_request(counting_job):
    assert services.run_now("test-counting", now=at(9)).ok is True
    assert services.run_now("test-counting", now=at(10)) is None
    assert services.run_now("test-counting", again=True, now=at(11)).message == "run 2"
    assert JobRun.objects.filter(job="test-counting").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_schedulers_run_a_job_exactly_once(counting_job):
    if connection.vendor == "sqlite":
        pytest.skip("threads share SQLite's in-memory test database; run on PostgreSQL")
    starters = 8
    barrier = threading.Barrier(starters)
    outcomes, errors = [], []

    def scheduler():
        try:
            barrier.wait()
            outcomes.append([r.job for r in services.run_due(at(4, 0))])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(starters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert counting_job == [1]
    assert sorted(job for jobs in outcomes for job in jobs) == [
        "eventlog-checkpoint",
        "remind",
        "test-counting",
    ]
    assert JobRun.objects.filter(day=dt.date(2025, 10, 14)).count() == 3


def test_a_scheduler_sleeps_until_the_next_job_at_most_five_minutes(counting_job):
    assert services.seconds_until_next(at(2, 29)) == 60
    assert services.seconds_until_next(at(1, 58)) == 120
    assert services.seconds_until_next(at(0, 0)) == services.LONGEST_SLEEP
    assert services.seconds_until_next(at(23, 59)) == services.LONGEST_SLEEP
    late = dt.datetime(2025, 10, 14, 0, 59, 30, tzinfo=SHANGHAI)
    assert services.seconds_until_next(late) == 30
