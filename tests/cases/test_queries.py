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


def test_worklist_reads_the_most_urgent_cases_not_the_whole_scope(world, client_for, monkeypatch):
    """A national regulator has thousands of cases: the page loads the worklist's most urgent
    cases and one page of the case list, however many cases the scope holds."""
    import re

    from django.db.models.signals import post_init

    from metrohub.cases import views
    from metrohub.cases.services import worklists

    monkeypatch.setattr(worklists, "LIMIT", 5)
    monkeypatch.setattr(views, "CASES_PER_PAGE", 10)
    made = _cases(world, 12)
    Case.objects.filter(pk__in=[c.pk for c in made]).update(state="formal_review")
    for case, start in ((made[1], dt.date(2025, 3, 3)), (made[0], dt.date(2025, 3, 1))):
        Obligation.objects.create(
            case=case,
            code="supplement_period",
            deadline=store_deadline(start=start, count=7, unit="days", rule="chongqing@2024:x"),
            kind="maximum",
            article="第十一条",
            responsible_role="programme_regulator",
            opened_by="test",
        )
    client = client_for("regulator")
    client.get("/cases/")
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance.pk)

    post_init.connect(count, sender=Case)
    try:
        response = client.get("/cases/")
    finally:
        post_init.disconnect(count, sender=Case)
    html = response.content.decode()
    table = html[html.index('data-testid="worklist"') : html.index("</table>", html.index('data-testid="worklist"'))]  # fmt: skip
    shown = [int(pk) for pk in re.findall(r'href="/cases/(\d+)/"', table)]
    # the overdue ones first (the earlier due date first), then the newest
    newest = sorted((c.pk for c in made[2:]), reverse=True)[:3]
    assert shown == [made[0].pk, made[1].pk, *newest]
    assert 'data-testid="worklist-more"' in html
    assert len(loaded) <= 5 + 10, len(loaded)


def test_case_list_api_pages_the_newest_first(world, client_for):
    made = _cases(world, 7)
    client = client_for("regulator")
    newest = sorted((c.pk for c in made), reverse=True)
    first = client.get("/api/v1/cases?limit=3").json()
    second = client.get("/api/v1/cases?limit=3&offset=3").json()
    assert [c["id"] for c in first] == newest[:3]
    assert [c["id"] for c in second] == newest[3:6]
    assert client.get("/api/v1/cases?limit=1001").status_code == 422
