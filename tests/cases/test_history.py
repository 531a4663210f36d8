"""The demo's centers with a history after establishment (metrohub.cases.history): built once for
the module, with the demo cases, in a transaction rolled back after its last test."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from metrohub.cases.history import NAMES
from metrohub.cases.models import Case, Obligation
from metrohub.eventlog.services import history

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # code under test may open `atomic(durable=True)`
        outer.__enter__()
        try:
            with override_settings(METROHUB_DEMO_CASES=True):
                call_command("demo", "--quiet")
            yield {code: base(code) for code in NAMES}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def base(code) -> Case:
    return Case.objects.select_related("center").get(kind="establishment", center_name=NAMES[code])


def duties(center, kind):
    return list(Case.objects.filter(center=center, kind=kind).order_by("filed_on", "pk"))


def actions(case) -> list[str]:
    return [
        e.action.removeprefix("transition.")
        for e in history(case.subject).filter(action__startswith="transition.")
    ]


def test_each_region_has_an_established_center_from_before_2025(built):
    got = {code: (b.state, b.center.status, b.center.established_on) for code, b in built.items()}
    assert got["chongqing"] == ("established", "established", dt.date(2022, 3, 1))
    assert built["chongqing"].rulepack_version == "2022"
    print(got)
