"""Pages and endpoints whose rows grow make the same number of queries for 5 rows as for 50."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrohub.cases import services
from metrohub.cases.models import Case, Objection, Obligation
from metrohub.legaltime.services import store_deadline

pytestmark = pytest.mark.django_db


def _cases(world, n, *, notice=False):
    applicant = world["users"]["cq_applicant"]
    made = []
    with services.quiet():
        for i in range(n):
            case = services.create_case(
                actor=applicant, rulepack="chongqing", center_name=f"查询{i}", district="500112"
            )
            deadline = store_deadline(
                start=dt.date(2025, 9, 28), count=7, unit="days", rule="chongqing@2024:x"
            )
            Obligation.objects.create(
                case=case,
                code="public_notice_period" if notice else "supplement_period",
                deadline=deadline,
                kind="minimum" if notice else "maximum",
                article="第十一条",
                responsible_role="applicant",
                opened_by="test",
            )
            if notice:
                Case.objects.filter(pk=case.pk).update(
                    state="public_notice",
                    accepting_objections=True,
                    notice_published_on=dt.date(2025, 9, 28),
                )
            made.append(case)
    return made


def _count(client, url) -> int:
    client.get(url)  # any once-a-while recheck (the rule packs' registry) happens here
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "notice"),
    [
        ("/cases/", False),
        ("/api/v1/cases", False),
        ("/cases/notices/", True),
        ("/api/v1/notices", True),
    ],
)
def test_lists_do_not_grow_with_their_rows(world, client_for, url, notice):
    client = client_for("regulator")
    client.get(url)  # warm the per-process caches (packs, translations)
    _cases(world, 5, notice=notice)
    few = _count(client, url)
    _cases(world, 45, notice=notice)
    many = _count(client, url)
    assert many == few, (url, few, many)
    assert few <= 40, (url, few)


def test_case_detail_does_not_grow_with_its_rows(world, client_for, django_assert_max_num_queries):
    case = _cases(world, 1)[0]
    client = client_for("regulator")

    def add(n):
        for i in range(n):
            Objection.objects.create(case=case, name=f"异议人{i}", text="异议", email="a@b.cn")

    add(5)
    url = f"/cases/{case.pk}/"
    client.get(url)
    few = _count(client, url)
    api_few = _count(client, f"/api/v1/cases/{case.pk}")
    add(45)
    assert _count(client, url) == few
    assert _count(client, f"/api/v1/cases/{case.pk}") == api_few
    with django_assert_max_num_queries(few):
        client.get(url)
