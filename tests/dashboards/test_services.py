"""Every number of the dashboards against the database, inside the viewer's scope only, with a
query count that does not grow with the rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from metrohub.cases.models import Case, Obligation, SupervisionVisit
from metrohub.catalogue.models import CapabilityLine
from metrohub.centers.models import Center
from metrohub.certificates.models import Certificate
from metrohub.dashboards.services import dashboard, statistics
from tests.cases.plans import assert_plans_skip_the_deadlines
from tests.dashboards.conftest import TODAY, fill


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def panels(user, role):
    data = dashboard(user=user, today=TODAY)
    section = next(s for s in data["sections"] if s["role"] == role)
    return {p["key"]: p for p in section["panels"]}


def table(panel) -> dict:
    return {row[0]: row[1:] for row in panel["rows"]}


def figures(panel) -> dict:
    return {f["key"]: f["value"] for f in panel["figures"]}


def cq_centers():
    return Center.objects.filter(jurisdiction__code__startswith="50")


def test_programme_regulator_counts_its_programme_only(programme):
    fill(programme, 3)
    got = panels(programme["users"]["regulator"], "programme_regulator")
    centers = cq_centers()
    assert centers.count() == 6  # Yubei and Jiangbei; Hubei's three are not Chongqing's

    assert table(got["centers_by_status"]) == {
        "已成立": [centers.filter(status="established").count()],
        "筹建中": [centers.filter(status="preparing").count()],
    }
    assert table(got["centers_by_status"])["已成立"] == [4]
    assert table(got["centers_by_region"]) == {
        "渝北区": [centers.filter(jurisdiction__name="渝北区").count()],
        "江北区": [centers.filter(jurisdiction__name="江北区").count()],
    }
    assert table(got["centers_by_industry"]) == {
        "汽车": [centers.filter(industry_domain="汽车").count()],
        "仪器仪表": [centers.filter(industry_domain="仪器仪表").count()],
    }

    # plan vs actual: the pack's targets (渝府发〔2022〕33号), centers built and in preparation
    established = centers.filter(level="municipal", status="established").count()
    preparing = centers.filter(level="municipal", status="preparing").count()
    assert got["plan_targets"]["rows"] == [
        ["2025 · 市级", 6, established, preparing],
        ["2025 · 国家级", 2, 0, 0],
        ["2035 · 市级", 10, established, preparing],
        ["2035 · 国家级", 6, 0, 0],
    ]
    assert got["plan_targets"]["chart"]["series"][0]["data"] == [6, 2, 10, 6]
    assert "渝府发〔2022〕33号" in got["plan_targets"]["note"]

    live = Obligation.objects.filter(case__jurisdiction__code="500000")
    overdue = live.filter(deadline__due__lt=TODAY).count()
    soon = live.filter(deadline__due__gte=TODAY, deadline__due__lte=TODAY + dt.timedelta(30))
    assert figures(got["obligations"]) == {
        "open": live.count(),
        "due_soon": soon.count(),
        "overdue": overdue,
        "late": 0,
    }
    assert figures(got["obligations"]) == {"open": 12, "due_soon": 6, "overdue": 6, "late": 0}
    assert len(got["obligations"]["items"]) == overdue
    assert all(
        i["overdue"] and i["due_label"] == "2025年6月11日" for i in got["obligations"]["items"]
    )
    assert {i["detail"] for i in got["obligations"]["items"]} == {"补正期限"}

    # its own next actions: the obligations the programme regulator answers for
    mine = live.filter(responsible_role="programme_regulator")
    assert [i["due_label"] for i in got["next_actions"]["items"]] == [
        "2025年6月26日"
    ] * mine.count()

    assert table(got["cases_by_stage"]) == {"形式审查": [6]}

    lines = CapabilityLine.objects.filter(center__in=centers)
    assert sorted(got["capability_lines"]["columns"][1:]) == ["已公布", "草稿"]
    for name, counts in table(got["capability_lines"]).items():
        by_status = dict(zip(got["capability_lines"]["columns"][1:], counts, strict=True))
        assert by_status["已公布"] == lines.filter(center__name=name, status="published").count()
        assert by_status["草稿"] == lines.filter(center__name=name, status="draft").count()
    assert len(table(got["capability_lines"])) == 6

    certificates = Certificate.objects.filter(center__in=centers)
    assert table(got["certificates_by_year"]) == {
        "2024": [certificates.filter(issued_at__year=2024).count()],
        "2025": [certificates.filter(issued_at__year=2025).count()],
    }
    assert table(got["alliance_activities"]) == {"2024": [6]}

    trends = table(got["trends"])
    assert got["trends"]["columns"] == ["年度", "申报数", "建成中心数", "出具证书数", "联盟活动数"]
    assert list(trends) == ["2020", "2021", "2022", "2023", "2024", "2025"]
    assert trends["2023"] == [0, established, 0, 0]
    assert trends["2024"] == [6, 0, certificates.filter(issued_at__year=2024).count(), 6]
    assert trends["2025"] == [0, 0, 6, 0]


def test_an_obligation_met_late_is_counted_late_and_one_met_on_time_is_not(programme):
    """Each place's case has a supplement period overdue since 11 June and one due on 26 June:
    both met on 16 June, the first late, the second on time."""
    from metrohub.cases.services.obligations import close

    fill(programme, 1)
    yubei = Obligation.objects.get(case__district__name="渝北区", deadline__due__lt=TODAY)
    assert close(yubei.case, ["supplement_period"], TODAY) == ["supplement_period"] * 2
    assert sorted(yubei.case.obligations.values_list("state", flat=True)) == ["late", "met"]
    # the Chongqing regulator: Jiangbei's two still open (one overdue), Yubei's one late
    got = panels(programme["users"]["regulator"], "programme_regulator")
    assert figures(got["obligations"]) == {"open": 2, "due_soon": 1, "overdue": 1, "late": 1}
    assert [f["label"] for f in got["obligations"]["figures"]] == [
        "未完成职责",
        "30日内到期",
        "已逾期",
        "逾期履行",
    ]
    # the districts see their own: Jiangbei none late, Yubei its one
    jiangbei = panels(programme["users"]["jiangbei"], "district_regulator")
    assert figures(jiangbei["obligations"])["late"] == 0
    assert figures(panels(programme["users"]["yubei"], "district_regulator")["obligations"]) == {
        "open": 0,
        "due_soon": 0,
        "overdue": 0,
        "late": 1,
    }
    # Hubei's regulator counts nothing of Chongqing's
    hubei = panels(programme["users"]["hb_regulator"], "programme_regulator")
    assert figures(hubei["obligations"])["late"] == 0


def test_a_district_regulator_never_sees_another_districts_numbers(programme):
    fill(programme, 3)
    got = panels(programme["users"]["yubei"], "district_regulator")
    yubei = Center.objects.filter(jurisdiction__name="渝北区")
    assert table(got["centers_by_region"]) == {"渝北区": [yubei.count()]}
    assert sum(r[1] for r in got["centers_by_status"]["rows"]) == 3
    assert figures(got["obligations"]) == {"open": 6, "due_soon": 3, "overdue": 3, "late": 0}
    assert table(got["certificates_by_year"]) == {"2024": [3], "2025": [3]}
    assert table(got["alliance_activities"]) == {"2024": [3]}
    assert table(got["cases_by_stage"]) == {"形式审查": [3]}
    visits = SupervisionVisit.objects.filter(case__district__name="渝北区", visited_on__year=2025)
    assert figures(got["supervision_visits"]) == {"this_year": visits.count()} == {"this_year": 3}
    assert [i["due_label"] for i in got["supervision_visits"]["items"]] == ["2025年5月17日"] * 3
    assert set(table(got["capability_lines"])) == set(yubei.values_list("name", flat=True))
    text = repr(got)
    assert "江北" not in text and "湖北" not in text
    assert "plan_targets" not in got  # targets are the programme regulator's

    # the other district, the same way round
    other = panels(programme["users"]["jiangbei"], "district_regulator")
    assert table(other["centers_by_region"]) == {"江北区": [3]}
    assert "渝北" not in repr(other)


def test_the_other_province_is_not_counted(programme):
    fill(programme, 2)
    got = panels(programme["users"]["hb_regulator"], "programme_regulator")
    assert table(got["centers_by_region"]) == {"湖北省": [2]}
    assert "重庆" not in repr(got) and "渝北" not in repr(got)
    assert "plan_targets" not in got  # Hubei's pack sets no targets


def test_on_a_months_first_days_the_director_sees_last_month_and_is_told_none_yet(programme):
    fill(programme, 3)
    mine = Center.objects.filter(host=programme["orgs"]["yubei"])
    june = Certificate.objects.filter(center__in=mine, issued_at__year=2025, issued_at__month=6)
    moved = june.update(issued_at=timezone.make_aware(dt.datetime(2025, 5, 31, 15, 0)))
    got = panels(programme["users"]["director"], "center_director")["certificates_this_month"]
    assert got["columns"][1::2] == ["2025年6月出具", "2025年5月出具"]
    assert [sum(r[i] for r in got["rows"]) for i in (1, 3)] == [0, moved] == [0, 3]
    assert got["note"] == "2025年6月尚未出具证书。"


def test_center_director_sees_my_center(programme):
    fill(programme, 3)
    got = panels(programme["users"]["director"], "center_director")
    mine = Center.objects.filter(host=programme["orgs"]["yubei"]).order_by("code")
    assert [i["title"] for i in got["my_centers"]["items"]] == [c.name for c in mine]
    assert got["my_centers"]["items"][0]["detail"] == "市级 · 已成立"
    assert got["my_centers"]["items"][0]["due_label"] == "2023年5月1日"
    month = Certificate.objects.filter(center__in=mine, issued_at__year=2025, issued_at__month=6)
    assert got["certificates_this_month"]["columns"][1] == "2025年6月出具"
    assert sum(r[1] for r in got["certificates_this_month"]["rows"]) == month.count() == 3
    may = Certificate.objects.filter(center__in=mine, issued_at__year=2025, issued_at__month=5)
    assert got["certificates_this_month"]["columns"][3] == "2025年5月出具"
    assert sum(r[3] for r in got["certificates_this_month"]["rows"]) == may.count()
    assert got["certificates_this_month"]["note"] == ""
    assert len(got["duties"]["items"]) == Obligation.objects.filter(case__center__in=mine).count()
    assert len(got["bookings_waiting"]["items"]) == 3
    assert len(got["enquiries_waiting"]["items"]) == 3
    assert [r[1:4] for r in got["my_alliance"]["rows"]] == [[0, 0, 0]] * 3
    assert "江北" not in repr(got) and "湖北" not in repr(got)


def test_my_applications_list_applications_not_a_center_s_duties(programme):
    fill(programme, 1)
    director = programme["users"]["director"]
    applications = panels(director, "center_director")["my_cases"]["items"]
    assert applications
    mine = Center.objects.filter(host=programme["orgs"]["yubei"]).order_by("code").first()
    base = Case.objects.get(center=mine, kind=Case.ESTABLISHMENT)
    Case.objects.create(
        rulepack_code=base.rulepack_code,
        rulepack_version=base.rulepack_version,
        kind="annual_report",
        state="open",
        filed_on=TODAY,
        applicant=base.applicant,
        jurisdiction=base.jurisdiction,
        district=base.district,
        center_name=mine.name,
        center=mine,
    )
    assert panels(director, "center_director")["my_cases"]["items"] == applications


def test_industry_user_sees_own_records_only(programme):
    fill(programme, 1)
    got = panels(programme["users"]["industry"], "industry_user")
    due = Certificate.objects.filter(customer=programme["orgs"]["customer"], valid_until__lte=TODAY + dt.timedelta(60))  # fmt: skip
    assert len(got["instruments_due"]["items"]) == due.count() == 6
    assert got["instruments_due"]["items"][0]["due_label"] == "2025年7月6日"
    assert len(got["my_bookings"]["items"]) == 3
    assert len(got["my_enquiries"]["items"]) == 3

    rival = panels(programme["users"]["rival"], "industry_user")
    assert all(not p["items"] for p in rival.values())


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        dashboard(user=user, today=TODAY)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["regulator", "yubei", "director", "industry"])
def test_query_count_does_not_grow_with_the_rows(programme, who):
    from metrohub.accounts.roles import forget

    user = programme["users"][who]
    fill(programme, 1)
    few = _queries(user)
    forget(user)
    fill(programme, 12)
    forget(user)
    assert _queries(user) == few


def test_public_statistics_count_the_whole_registry(programme):
    fill(programme, 2)
    got = {p["key"]: p for p in statistics()["panels"]}
    assert table(got["centers_by_province"]) == {"重庆市": [4], "湖北省": [2]}
    assert table(got["centers_by_status"]) == {
        "已成立": [Center.objects.filter(status="established").count()],
        "筹建中": [Center.objects.filter(status="preparing").count()],
    }
    assert table(got["centers_by_industry"]) == {"汽车": [3], "仪器仪表": [3]}
    published = CapabilityLine.objects.filter(status="published").count()
    assert table(got["capability_lines_by_area"]) == {"电磁学": [published]}
    assert table(got["certificates_by_year"]) == {"2024": [6], "2025": [6]}


def test_obligation_panels_read_the_due_date_kept_on_the_obligation(programme):
    """The regulator's obligation panels (next actions, the overdue list, the four figures) read
    each due date from the obligation itself: joined to the deadlines, PostgreSQL hashed every
    deadline ever stored to sort a region's live obligations for ten rows. Same figures as the
    deadlines give; on PostgreSQL, with a country's closed and other obligations beside them, no
    plan touches the deadline table or reads the whole obligation table."""
    fill(programme, 2)
    regulator = programme["users"]["regulator"]
    with CaptureQueriesContext(connection) as ctx:
        got = panels(regulator, "programme_regulator")
    live = Obligation.objects.filter(case__jurisdiction__code="500000")
    assert (
        figures(got["obligations"])
        == {
            "open": live.count(),
            "due_soon": live.filter(deadline__due__gt=TODAY).count(),
            "overdue": live.filter(deadline__due__lt=TODAY).count(),
            "late": 0,
        }
        == {"open": 8, "due_soon": 4, "overdue": 4, "late": 0}
    )
    assert [i["due_label"] for i in got["next_actions"]["items"]] == ["2025年6月26日"] * 4
    assert [i["due_label"] for i in got["obligations"]["items"]] == ["2025年6月11日"] * 4
    sqls = [q["sql"] for q in ctx.captured_queries if 'FROM "cases_obligation"' in q["sql"]]
    assert len(sqls) >= 4, sqls  # next actions, overdue list, live figures, late figure
    assert [s for s in sqls if "legaltime_storeddeadline" in s] == []
    if connection.vendor != "postgresql":
        return
    other = Obligation.objects.filter(case__jurisdiction__code="420000").first().case
    assert_plans_skip_the_deadlines(sqls, other_case=other)
