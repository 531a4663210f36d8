"""An obligation keeps its deadline's due date (`due_on`) so that lists and counts read dates
from the obligation alone: set when a transition or a reported event opens it, moved when the
deadline is recomputed, left alone when it is closed."""

import datetime as dt
import importlib
from pathlib import Path

import pytest

from metrohub.cases import services
from metrohub.cases.models import Obligation
from metrohub.cases.services.obligations import close
from metrohub.cases.walk import clock as walk_clock
from metrohub.cases.walk import new_case, path_to, walk
from metrohub.legaltime.services import import_schedule, store_deadline
from metrohub.legaltime.sources import parse_schedule_file
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db

SCHEDULE_2027 = Path(__file__).parents[1] / "legaltime" / "fixtures" / "schedule-2027.toml"


def _out_of_step(queryset) -> list:
    return [(o.code, o.due_on, o.deadline.due) for o in queryset if o.due_on != o.deadline.due]


@pytest.fixture
def shanghai(world):
    with services.quiet(), walk_clock(dt.date(2025, 3, 3)) as clk:
        case = new_case(world, "shanghai", name="上海市集成电路装备产业计量测试中心")
        return walk(case, path_to(registry().latest("shanghai"), "construction"), clk)


def test_transitions_open_obligations_with_their_due_date_and_closing_keeps_it(shanghai):
    opened = Obligation.objects.filter(case=shanghai)
    assert list(opened.values_list("code", flat=True)) == ["construction_period"]
    period = opened.get(code="construction_period")
    assert period.due_on == period.deadline.due and period.state == "open"
    assert close(shanghai, ["construction_period"], dt.date(2025, 4, 1)) == ["construction_period"]
    period.refresh_from_db()
    assert (period.state, period.due_on) == ("met", period.deadline.due)
    assert _out_of_step(opened) == []


def test_a_reported_event_opens_its_obligation_with_its_due_date(shanghai, world, clock):
    # Thursday 12 February 2026, 5 working days over the Spring Festival: Thursday 26 February
    clock.set(2026, 2, 26)
    ob = services.report_event(
        actor=world["users"]["sh_director"],
        case=shanghai,
        code="major_event",
        occurred_on="2026-02-12",
        text="中心主任变更为王伟",
    )
    assert Obligation.objects.get(pk=ob.pk).due_on == dt.date(2026, 2, 26)


def test_a_recomputed_deadline_moves_its_obligations_due_date(shanghai):
    # the tenth working day after 20 December 2026, provisional while 2027 is unknown
    stored = store_deadline(start=dt.date(2026, 12, 20), count=10, unit="working_days", rule="t")
    ob = Obligation.objects.create(
        case=shanghai,
        code="supplement_period",
        deadline=stored,
        due_on=stored.due,
        article="第十条",
        opened_by="test",
    )
    untouched = Obligation.objects.filter(case=shanghai).exclude(pk=ob.pk)
    before = dict(untouched.values_list("pk", "due_on"))
    assert ob.due_on == dt.date(2027, 1, 1)
    # the schedule makes 1–3 January 2027 a holiday: Monday 4 January
    import_schedule(schedule=parse_schedule_file(SCHEDULE_2027))
    ob.refresh_from_db()
    assert (ob.due_on, ob.deadline.due) == (dt.date(2027, 1, 4), dt.date(2027, 1, 4))
    assert dict(untouched.values_list("pk", "due_on")) == before


def test_an_obligation_saved_without_its_due_date_takes_its_deadlines(shanghai):
    stored = store_deadline(start=dt.date(2025, 9, 30), count=5, unit="working_days", rule="t")
    ob = Obligation.objects.create(
        case=shanghai, code="x", deadline=stored, article="第十条", opened_by="test"
    )
    assert Obligation.objects.get(pk=ob.pk).due_on == dt.date(2025, 10, 14)


def test_the_migration_fills_each_obligation_with_its_deadlines_due_date(shanghai):
    from django.apps import apps

    fill = importlib.import_module("metrohub.cases.migrations.0009_obligation_due_on").fill_due_on
    stored = store_deadline(start=dt.date(2025, 9, 30), count=5, unit="working_days", rule="t")
    Obligation.objects.create(
        case=shanghai, code="x", deadline=stored, article="第十条", opened_by="test"
    )
    Obligation.objects.update(due_on=dt.date(2000, 1, 1))  # as if stored before the column
    fill(apps, None)
    rows = Obligation.objects.filter(case=shanghai).order_by("pk")
    assert [(o.code, o.due_on) for o in rows] == [
        ("construction_period", rows[0].deadline.due),
        ("x", dt.date(2025, 10, 14)),
    ]
    assert _out_of_step(Obligation.objects.all()) == []
