"""Certificate numbers under concurrent issue (PostgreSQL: real row locks between threads):
gapless, unique, and a failed issue gives its number back."""

import threading

import pytest
from django.db import connection, transaction

from metrohub.certificates import numbering, services
from metrohub.certificates.models import Certificate, Job, NumberSequence

from .conftest import TODAY, job_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="threads need a server database; SQLite serialises writers by itself",
    ),
]


def _run(threads: int, work) -> list:
    results, errors = [], []
    barrier = threading.Barrier(threads)

    def run(index):
        try:
            barrier.wait()
            results.extend(work(index))
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    return results


def test_concurrent_reservations_are_gapless_and_a_rollback_gives_the_number_back(world):
    center = world["centers"]["HB-AUTO"]

    def work(index):
        taken = []
        for attempt in range(6):
            try:
                with transaction.atomic():
                    sequence = numbering.next_sequence(center=center, year=2031)
                    if (index + attempt) % 4 == 0:
                        raise RuntimeError("the issue failed after taking its number")
                    taken.append(sequence)
            except RuntimeError:
                pass
        return taken

    committed = _run(8, work)
    assert sorted(committed) == list(range(1, len(committed) + 1))
    assert len(committed) == 36  # 48 attempts, 12 rolled back
    assert NumberSequence.objects.get(center=center, year=2031).last == 36


def test_directors_approving_at_the_same_moment_get_consecutive_numbers(lab, on_day):
    jobs = []
    for n in range(6):
        job = services.create_job(
            actor=lab.performer,
            center=lab.center,
            data=job_data(lab, "testing", serial_number=f"C-{n}"),
        )
        job = services.sign(actor=lab.performer, job=job, on=TODAY)
        jobs.append(services.sign(actor=lab.checker, job=job, on=TODAY))

    def work(index):
        job = services.sign(actor=lab.director, job=Job.objects.get(pk=jobs[index].pk), on=TODAY)
        return [job.certificate.sequence]

    sequences = _run(len(jobs), work)
    assert sorted(sequences) == [1, 2, 3, 4, 5, 6]
    numbers = sorted(Certificate.objects.filter(job__in=jobs).values_list("number", flat=True))
    assert numbers == [f"CQ-AUTO-2025-{n:06d}" for n in range(1, 7)]
