"""Calendar feeds read back with icalendar: one's own live obligations with their exact due
dates and names, never another person's; a revoked or renewed address answers 404; a center's
duty calendar lists the duties its schedules opened, public as the center's profile is."""

import datetime as dt
import re

import pytest
from django.test import Client
from icalendar import Calendar

from metrohub.cases.models import Case, Obligation
from metrohub.inspections.models import DistrictReport
from metrohub.legaltime.services import store_deadline

pytestmark = pytest.mark.django_db


def case_of(world, code, kind, district="500112", version="2024"):
    center = world["centers"][code]
    return Case.objects.create(
        kind=kind,
        rulepack_code=center.jurisdiction.code == "500000" and "chongqing" or "shanghai",
        rulepack_version=version,
        state="open",
        filed_on=dt.date(2025, 1, 1),
        applicant=center.host,
        jurisdiction=center.jurisdiction,
        district=world["jurisdictions"].get(district),
        center=center,
        center_name=center.name,
    )


def obligation(case, code, due, role, opened_by):
    start = due - dt.timedelta(days=10)
    return Obligation.objects.create(
        case=case,
        code=code,
        deadline=store_deadline(start=start, count=10, unit="days", article="第二十七条"),
        article="第二十七条",
        responsible_role=role,
        opened_by=opened_by,
    )


@pytest.fixture
def duties(world):
    report = case_of(world, "CQ-AUTO", "annual_report")
    report.state = "draft"
    report.save()
    inspection = case_of(world, "CQ-AUTO", "inspection")
    sh = case_of(world, "SH-IC", "annual_report", district=None, version="2023")
    out = {
        "annual": obligation(
            report, "annual_report", dt.date(2025, 12, 31), "center_director", "schedule:x"
        ),
        "inspection": obligation(
            inspection, "inspection_due", dt.date(2025, 12, 31), "district_regulator", "schedule:y"
        ),
        "rectification": obligation(
            inspection,
            "inspection_rectification",
            dt.date(2025, 10, 9),
            "center_director",
            "order_rectification",
        ),
        # another center's director's duty, which the demo's director must never see
        "foreign": obligation(
            sh, "annual_report", dt.date(2025, 11, 30), "center_director", "schedule:z"
        ),
    }
    met = obligation(report, "annual_report", dt.date(2024, 12, 31), "center_director", "s:old")
    Obligation.objects.filter(pk=met.pk).update(state="met")
    return out


def read(response) -> list[tuple[str, dt.date]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    # in the feed's order: soonest due first
    return [
        (str(e.get("summary")), e.decoded("dtstart"), e.decoded("dtend"))
        for e in cal.walk("VEVENT")
    ]


def issue(client_for, role) -> str:
    html = client_for(role).post("/calendars/", {"action": "renew"}).content.decode()
    return re.search(r"/calendars/feed/([A-Za-z0-9_-]+)\.ics", html).group(1)


def test_a_directors_feed_lists_their_obligations_only(world, duties, client_for):
    token = issue(client_for, "director")
    events = read(Client().get(f"/calendars/feed/{token}.ics"))
    auto = "重庆市汽车零部件产业计量测试中心"
    assert events == [
        (f"整改期限 · {auto}", dt.date(2025, 10, 9), dt.date(2025, 10, 10)),
        (f"年度信息报送期限 · {auto}", dt.date(2025, 12, 31), dt.date(2026, 1, 1)),
    ]
    cal = Calendar.from_ical(Client().get(f"/calendars/feed/{token}.ics").content)
    (first, _second) = cal.walk("VEVENT")
    assert str(first.get("description")) == "截止日期；依据第二十七条"
    assert str(first.get("url")).endswith(f"/cases/{duties['rectification'].case_id}/")


def test_a_district_bureaus_feed(world, duties, client_for):
    report = DistrictReport.objects.create(
        district=world["jurisdictions"]["500112"],
        jurisdiction=world["jurisdictions"]["500000"],
        year=2025,
        rulepack_code="chongqing",
        rulepack_version="2024",
        schedule="district_inspection_report",
        article="第二十七条",
        deadline=store_deadline(start=dt.date(2026, 1, 1), count=30, unit="days"),
        opened_on=dt.date(2026, 1, 1),
    )
    token = issue(client_for, "district")
    events = read(Client().get(f"/calendars/feed/{token}.ics"))
    assert events == [
        (
            "年度监督检查期限 · 重庆市汽车零部件产业计量测试中心",
            dt.date(2025, 12, 31),
            dt.date(2026, 1, 1),
        ),
        (
            "2025年度监督检查情况报告 · 渝北区",
            report.deadline.due,
            report.deadline.due + dt.timedelta(1),
        ),
    ]
    assert report.deadline.due == dt.date(2026, 1, 31)
    # submitted, the report leaves the feed
    DistrictReport.objects.filter(pk=report.pk).update(state="submitted")
    assert len(read(Client().get(f"/calendars/feed/{token}.ics"))) == 1


def test_revoked_and_renewed_addresses_answer_404(world, duties, client_for):
    director = client_for("director")
    first = issue(client_for, "director")
    second = issue(client_for, "director")
    assert Client().get(f"/calendars/feed/{first}.ics").status_code == 404
    assert len(read(Client().get(f"/calendars/feed/{second}.ics"))) == 2
    page = director.post("/calendars/", {"action": "revoke"}).content.decode()
    assert "您目前没有有效的日历订阅" in page
    assert Client().get(f"/calendars/feed/{second}.ics").status_code == 404
    assert Client().get("/calendars/feed/guess.ics").status_code == 404
    # the address is stored as a hash, never as itself
    third = issue(client_for, "director")
    from metrohub.calendars.models import CalendarFeed

    assert third not in CalendarFeed.objects.get().token_hash


def test_a_centers_duty_calendar_is_public(world, duties, client_for):
    events = read(Client().get("/calendars/centers/CQ-AUTO.ics"))
    auto = "重庆市汽车零部件产业计量测试中心"
    # the schedules' duties; not the rectification ordered after an inspection
    assert events == [
        (f"年度信息报送期限 · {auto}", dt.date(2025, 12, 31), dt.date(2026, 1, 1)),
        (f"年度监督检查期限 · {auto}", dt.date(2025, 12, 31), dt.date(2026, 1, 1)),
    ]
    assert Client().get("/calendars/centers/NO-SUCH.ics").status_code == 404


def test_grid(check_grid, world):
    signed_in = {"anonymous": 302}
    check_grid(
        [
            ("GET", "/calendars/", signed_in, 200),
            ("GET", "/calendars/feed/not-a-token.ics", {}, 404),
            ("GET", "/calendars/supervision/not-a-token.ics", {}, 404),
            ("GET", "/calendars/centers/CQ-AUTO.ics", {}, 200),
            ("GET", "/calendars/centers/NO-SUCH.ics", {}, 404),
            ("GET", "/accounts/me/", signed_in, 200),
        ]
    )


def test_the_profile_links_the_feed(client_for, world):
    html = client_for("director").get("/accounts/me/").content.decode()
    assert 'href="/calendars/"' in html and "我的办理期限日历订阅" in html


def test_a_regulators_supervision_calendar(world, duties, client_for):
    html = client_for("regulator").post("/calendars/", {"action": "renew"}).content.decode()
    token = re.search(r"/calendars/supervision/([A-Za-z0-9_-]+)\.ics", html).group(1)
    cal = Calendar.from_ical(Client().get(f"/calendars/supervision/{token}.ics").content)
    auto = "重庆市汽车零部件产业计量测试中心"
    # every live duty of the Chongqing cases, whoever answers for it; not Shanghai's, not met ones
    assert [(str(e.get("summary")), e.decoded("dtstart")) for e in cal.walk("VEVENT")] == [
        (f"整改期限 · {auto}", dt.date(2025, 10, 9)),
        (f"年度信息报送期限 · {auto}", dt.date(2025, 12, 31)),
        (f"年度监督检查期限 · {auto}", dt.date(2025, 12, 31)),
    ]
    first = cal.walk("VEVENT")[0]
    assert str(first.get("description")) == "截止日期；依据第二十七条；由中心主任办理"
    assert str(first.get("uid")) == f"supervision-obligation-{duties['rectification'].pk}@metrohub"
    # a director supervises nothing: the same kind of address answers 404 with their token
    director = issue(client_for, "director")
    assert Client().get(f"/calendars/supervision/{director}.ics").status_code == 404
    assert (
        "/calendars/supervision/"
        not in client_for("director").post("/calendars/", {"action": "renew"}).content.decode()
    )
    # revoked, it is gone
    client_for("regulator").post("/calendars/", {"action": "revoke"})
    assert Client().get(f"/calendars/supervision/{token}.ics").status_code == 404
