"""Two experts submitting at the same moment both land (real transactions, two threads)."""

import threading

import pytest
from django.db import connection, connections

from metrohub.panels import services
from metrohub.panels.models import ScoreSheet

from .conftest import fill


@pytest.mark.django_db(transaction=True)
def test_two_experts_submitting_at_once_both_land(draw):
    if connection.vendor == "sqlite":
        pytest.skip("row locks across threads need PostgreSQL (scripts/with-postgres)")
    panel = draw()
    members = list(panel.members.select_related("expert__user", "sheet"))[:2]
    for m in members:
        services.save_sheet(actor=m.expert.user, sheet=m.sheet, opinion="同意", **fill(m.sheet, 88))
    barrier = threading.Barrier(2)
    errors = []

    def submit(member):
        try:
            barrier.wait()
            services.submit_sheet(actor=member.expert.user, sheet=member.sheet)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert ScoreSheet.objects.filter(member__in=members, state="submitted").count() == 2
    from metrohub.eventlog.models import Event

    submitted = Event.objects.filter(subject=panel.case.subject, action="sheet.submitted")
    # (the case's expert-review panel, concluded on its way here, submitted sheets too)
    assert [e.payload["panel"] for e in submitted].count(panel.pk) == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_sheet_submitted_twice_at_once_lands_once(draw):
    if connection.vendor == "sqlite":
        pytest.skip("row locks across threads need PostgreSQL (scripts/with-postgres)")
    from metrohub.core.api import Conflict

    panel = draw()
    member = panel.members.select_related("expert__user", "sheet").first()
    services.save_sheet(
        actor=member.expert.user, sheet=member.sheet, opinion="同意", **fill(member.sheet, 88)
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            services.submit_sheet(actor=member.expert.user, sheet=member.sheet)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["409", "ok"]
