"""The worklist at national scale: its SQL picks the most urgent cases with one pass over the live
obligations, the stages where a person acts are compiled once, and the case lists read each
case's due date as a column instead of loading every obligation."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrohub.cases import services
from metrohub.cases.models import Case, Obligation
from metrohub.cases.services import worklists
from metrohub.legaltime.services import store_deadline
from tests.cases.plans import assert_plans_skip_the_deadlines

pytestmark = pytest.mark.django_db


def _case(world, name, *, state="formal_review", kind="establishment"):
    with services.quiet():
        case = services.create_case(
            actor=world["users"]["cq_applicant"],
            rulepack="chongqing",
            center_name=name,
            district="500112",
        )
    Case.objects.filter(pk=case.pk).update(state=state, kind=kind)
    return Case.objects.get(pk=case.pk)


def _obligation(case, start, *, role="programme_regulator", kind="maximum"):
    return Obligation.objects.create(
        case=case,
        code="supplement_period",
        deadline=store_deadline(start=start, count=7, unit="days", rule="chongqing@2024:x"),
        kind=kind,
        article="第十一条",
        responsible_role=role,
        opened_by="test",
    )


def _select_list(sql: str) -> str:
    """The columns of a query's outermost SELECT (up to its first top-level FROM)."""
    depth = 0
    for match in re.finditer(r"\(|\)|\bFROM\b", sql):
        token = match.group()
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif depth == 0:
            return sql[: match.start()]
    return sql


def test_worklist_aggregates_the_live_obligations_once(world, clock):
    """Due date and lateness come from one GROUP BY over the live obligations, not from a
    subquery computed for every case where the person may act before the first 100 are taken."""
    clock.set(2025, 3, 20)
    late = _case(world, "逾期")
    _obligation(late, dt.date(2025, 3, 1))
    soon = _case(world, "将到期")
    _obligation(soon, dt.date(2025, 3, 18))
    idle = _case(world, "无时限")
    regulator = world["users"]["cq_regulator"]
    with CaptureQueriesContext(connection) as ctx:
        items = services.worklist(regulator)
    by_case = {i.case.pk: i for i in items}
    assert by_case[late.pk].overdue and by_case[late.pk].due == dt.date(2025, 3, 8)
    assert not by_case[soon.pk].overdue and by_case[soon.pk].due == dt.date(2025, 3, 25)
    assert by_case[idle.pk].due is None
    order = [i.case.pk for i in items]
    assert order.index(late.pk) < order.index(soon.pk) < order.index(idle.pk)
    sqls = [q["sql"] for q in ctx.captured_queries]
    # the candidates: obligations grouped by case, the most urgent groups first, cut at the limit
    ranked = [
        s for s in sqls if 'FROM "cases_obligation"' in s and "GROUP BY" in s and "LIMIT" in s
    ]
    assert len(ranked) == 1, sqls
    assert 'MIN("cases_obligation"."due_on")' in ranked[0] and "ORDER BY" in ranked[0]
    # and no obligation is loaded row by row: their dates are read grouped too
    assert not [s for s in sqls if _select_list(s).startswith('SELECT "cases_obligation"."id"')]
    for sql in sqls:
        # no subquery per case, and no due date read from the deadlines
        assert "(SELECT" not in _select_list(sql), sql


def test_the_worklist_reads_due_dates_from_the_live_obligations(world, clock):
    """The worklist's two queries over obligations (its candidates ranked, its cases' due dates
    by role) read the live obligations and the due date each keeps from their own index: joined
    to the deadlines, PostgreSQL hashed the whole deadline table, every time limit of the country
    whether running or not, so the page grew with the country rather than with the person's
    cases. Same due dates, lateness and order as before."""
    clock.set(2025, 3, 20)
    late = _case(world, "逾期")
    _obligation(late, dt.date(2025, 3, 1))
    soon = _case(world, "将到期")
    _obligation(soon, dt.date(2025, 3, 18))
    _obligation(soon, dt.date(2025, 3, 28), role="applicant")
    done = _obligation(soon, dt.date(2025, 2, 1))
    Obligation.objects.filter(pk=done.pk).update(state="met")
    regulator = world["users"]["cq_regulator"]
    with CaptureQueriesContext(connection) as ctx:
        items = {i.case.pk: i for i in services.worklist(regulator)}
    assert (items[late.pk].due, items[late.pk].overdue) == (dt.date(2025, 3, 8), True)
    assert (items[soon.pk].due, items[soon.pk].overdue) == (dt.date(2025, 3, 25), False)
    mine = {i.case.pk: i for i in services.worklist(world["users"]["cq_applicant"])}
    assert (mine[soon.pk].due, mine[soon.pk].overdue) == (dt.date(2025, 4, 4), False)
    grouped = [
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "cases_obligation"' in q["sql"] and "GROUP BY" in q["sql"]
    ]
    assert len(grouped) == 2, grouped  # the candidates, the due dates by role
    for sql in grouped:
        assert "legaltime_storeddeadline" not in sql and '"cases_obligation"."due_on"' in sql
    if connection.vendor != "postgresql":
        return
    # time limits of other cases (run and done) in numbers, as in a country's table
    other = _case(world, "别处")
    assert_plans_skip_the_deadlines(grouped, other_case=other)


def test_the_stages_where_a_person_acts_are_compiled_once():
    roles = {"programme_regulator", "district_regulator"}
    first = worklists._pack_states(roles)
    assert worklists._pack_states(set(roles)) is first
    assert worklists._pack_states({"applicant"}) is not first


def test_a_case_of_another_kind_waits_where_its_own_procedure_lets_the_person_act(world):
    """An annual report submitted waits for the regulator though the establishment procedure has
    no step of theirs at that stage, and it has no time limit running."""
    report = _case(world, "年度报告", state="submitted", kind="annual_report")
    assert not report.obligations.exists()
    regulator = world["users"]["cq_regulator"]
    items = {i.case.pk: i for i in services.worklist(regulator)}
    assert report.pk in items
    names = {t.name for t in items[report.pk].transitions}
    expected = {
        t.name
        for t in report.pack.transitions_from("submitted")
        if "programme_regulator" in t.roles
    }
    assert names == expected and names


@pytest.mark.parametrize("url", ["/cases/", "/api/v1/cases"])
def test_case_lists_read_the_due_date_without_loading_obligations(world, client_for, clock, url):
    clock.set(2025, 3, 20)
    late = _case(world, "逾期")
    _obligation(late, dt.date(2025, 3, 1), role="applicant")
    Obligation.objects.filter(case=late).update(state="open")
    later = _case(world, "未到期")
    _obligation(later, dt.date(2025, 3, 18), role="applicant")
    done = _obligation(later, dt.date(2025, 3, 2), role="applicant")
    Obligation.objects.filter(pk=done.pk).update(state="met")
    client = client_for("regulator")
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    loads = [
        q["sql"]
        for q in ctx.captured_queries
        if _select_list(q["sql"]).startswith('SELECT "cases_obligation"."id"')
        and "cases_case" not in q["sql"]
    ]
    if url == "/cases/":
        # only the worklist's few cases load their live obligations
        assert all('"cases_obligation"."state" IN' in s for s in loads), loads
        html = response.content.decode()
        table = html[html.index('data-testid="cases"') :]
        rows = dict(re.findall(r'href="/cases/(\d+)/">.*?data-testid="case-due">([^<]*)<', table))
        assert rows[str(late.pk)] == "2025年3月8日"
        assert rows[str(later.pk)] == "2025年3月25日"
    else:
        assert loads == []
        listed = {c["id"]: c["overdue"] for c in response.json()}
        assert listed[late.pk] is True
        assert listed[later.pk] is False


def test_the_worklist_reads_its_cases_without_joining_the_jurisdiction_tree(world):
    """Who acts for a case is read up the jurisdiction tree: the worklist reads the few
    jurisdictions its cases name in one query, instead of joining five levels of the tree to
    every case (PostgreSQL spent longer planning those joins than running the query)."""
    supervised = _case(world, "有监督员", state="onsite_acceptance")
    Case.objects.filter(pk=supervised.pk).update(supervisor="张三")
    unsupervised = _case(world, "无监督员", state="onsite_acceptance")
    review = _case(world, "形式审查", state="formal_review")
    district = world["users"]["cq_district"]
    with CaptureQueriesContext(connection) as ctx:
        items = {i.case.pk: i for i in services.worklist(district)}
    # the district regulator of 500112 (below Chongqing) records the supervisor's report
    assert supervised.pk in items and unsupervised.pk not in items
    assert items[supervised.pk].transitions == []
    assert str(items[supervised.pk].case.applicant) == supervised.applicant.name
    mine = {i.case.pk: i for i in services.worklist(world["users"]["cq_regulator"])}
    assert {t.name for t in mine[review.pk].transitions} == {
        t.name
        for t in review.pack.transitions_from("formal_review")
        if "programme_regulator" in t.roles
    }
    sqls = [q["sql"] for q in ctx.captured_queries]
    loads = [s for s in sqls if _select_list(s).startswith('SELECT "cases_case"."id", ')]
    assert len(loads) == 1, sqls
    assert '"organisations_jurisdiction"' not in loads[0]
    assert '"form_data"' not in _select_list(loads[0])
    trees = [
        s for s in sqls if _select_list(s).startswith('SELECT "organisations_jurisdiction"."id", ')
    ]
    assert len(trees) == 1 and "JOIN" in trees[0], trees


def test_the_case_list_page_reads_only_what_its_rows_show(world, client_for):
    """The page of the list selects the columns a row shows, joins nothing, and computes only
    the next due date; the packs of the list are read once for the stage and programme filters."""
    for i in range(3):
        _case(world, f"列表{i}")
    client = client_for("regulator")
    client.get("/cases/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/cases/")
    assert response.status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    page = [s for s in sqls if '"next_due_on"' in s]
    assert len(page) == 1, sqls
    columns = _select_list(page[0])
    assert '"center_name"' in columns and '"filed_on"' in columns
    for heavy in ('"form_data"', '"self_check"', '"organisations_', '"centers_center"'):
        assert heavy not in columns, (heavy, columns)
    tables = page[0].split('AS "next_due_on" FROM ', 1)[1].split(" WHERE ", 1)[0]
    assert tables == '"cases_case"', page[0]
    assert "late_obligation_id" not in page[0]
    assert len([s for s in sqls if "DISTINCT" in s and '"rulepack_version"' in s]) == 1, sqls
