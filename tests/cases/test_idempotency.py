"""The same request sent many times at once with one Idempotency-Key acts once, and every sender
gets the answer of the one that acted (real transactions, threads, PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from metrohub.cases import services
from metrohub.cases.models import Case, IdempotencyKey
from metrohub.eventlog.models import Event

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SENDERS = 40


@pytest.mark.django_db(transaction=True)
def test_parallel_identical_requests_act_once_and_all_get_the_answer(world, form):
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (scripts/with-postgres)")
    applicant = world["users"]["cq_applicant"]
    with services.quiet():
        case = services.create_case(
            actor=applicant,
            rulepack="chongqing",
            center_name="并发",
            industry_domain="high_end_equipment",
            form=form,
        )
        services.upload_material(
            actor=applicant, case=case, code="application_form", content=PDF, filename="a.pdf"
        )
    barrier = threading.Barrier(SENDERS)
    answers, errors = [], []

    def send():
        try:
            barrier.wait()
            with services.quiet():
                done = services.take_transition(
                    case=Case.objects.get(pk=case.pk),
                    name="submit_for_endorsement",
                    actor=applicant,
                    idempotency_key="same-request",
                )
            answers.append(done.state)
        except Exception as exc:  # reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(SENDERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert answers == ["endorsement"] * SENDERS
    taken = Event.objects.filter(subject=case.subject, action="transition.submit_for_endorsement")
    assert taken.count() == 1
    assert IdempotencyKey.objects.get(key="same-request").result == {
        "case": case.pk,
        "state": "endorsement",
    }
