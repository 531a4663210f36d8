"""A country's worth of other deadlines, and plans checked against it (PostgreSQL): shared by the
worklist's and the dashboards' tests of the queries over live obligations."""

from django.db import connection


def assert_plans_skip_the_deadlines(sqls: list[str], *, other_case) -> None:
    """Give another case 20,000 stored deadlines with their obligations (one in ten live), as a
    country would, then check that no plan of `sqls` reads the deadline table or every
    obligation: the due date kept on the obligation and the live index answer them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO legaltime_storeddeadline (start, count, unit, extend_holiday, "
            "next_working_day, include_start, rule, article, due, provisional, calendar_years, "
            "steps, computed_at) SELECT DATE '2024-01-01' + n % 300, 30, 'days', true, false, "
            "false, 'x', '', DATE '2024-02-01' + n % 300, false, '[]', '[]', now() "
            "FROM generate_series(1, 20000) AS n"
        )
        cursor.execute(
            "INSERT INTO cases_obligation (code, kind, indicative, article, responsible_role, "
            "opened_by, state, waived_reason, opened_at, reminders_sent, case_id, deadline_id, "
            "due_on) SELECT 'x', 'maximum', false, '', 'programme_regulator', 'test', "
            "CASE WHEN id %% 10 = 0 THEN 'open' ELSE 'met' END, '', now(), '[]', %s, id, due "
            "FROM legaltime_storeddeadline WHERE rule = 'x'",
            [other_case.pk],
        )
        cursor.execute("ANALYZE legaltime_storeddeadline")
        cursor.execute("ANALYZE cases_obligation")
        for sql in sqls:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "legaltime_storeddeadline" not in plan, plan
            assert "Seq Scan on cases_obligation" not in plan, plan
