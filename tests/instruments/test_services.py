import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from icalendar import Calendar

from metrohub.instruments import importing, services
from metrohub.instruments.models import CompulsoryCategory, Instrument
from tests.instruments.conftest import TODAY, fifty_rows, workbook

pytestmark = pytest.mark.django_db


def test_the_due_date_follows_the_last_verification_and_the_catalogue_interval(place):
    instrument = services.create_instrument(
        actor=place.user, owner=place.owner,
        data={"name": "精密压力表", "category": "压力表", "last_verified_on": "2025-08-31"},
    )  # fmt: skip
    assert (instrument.interval_months, instrument.due_on) == (6, dt.date(2026, 2, 28))
    assert services.state_of(instrument, TODAY) == "overdue"


def test_importing_fifty_rows(place):
    rows = importing.parse(workbook(fifty_rows(TODAY)), "register.xlsx")
    assert services.import_rows(actor=place.user, owner=place.owner, rows=rows) == 50
    due = services.register_of(place.user).filter(due_on__lte=TODAY + dt.timedelta(days=30))
    assert sorted(due.values_list("name", flat=True)) == ["压力表00", "压力表01", "压力表02"]
    assert Instrument.objects.get(name="压力表00").category.name == "压力表"
    assert Instrument.objects.get(name="压力表00").use == "safety"


def test_a_bad_row_imports_nothing_and_is_named(place):
    rows = fifty_rows(TODAY)
    rows[4][0] = ""  # name missing
    rows[7][8] = "不存在的器具"
    rows[9][10] = 999
    parsed = importing.parse(workbook(rows), "register.xlsx")
    with pytest.raises(ValidationError) as error:
        services.import_rows(actor=place.user, owner=place.owner, rows=parsed)
    from django.utils import translation

    with translation.override("zh-hans"):
        messages = [str(m) for m in error.value.messages]
    assert messages == [
        "第 6 行，器具名称：这个字段是必填项。",
        "第 9 行，强检目录项：不在强制检定计量器具目录中：不存在的器具",
        "第 11 行，检定周期（月）：请输入 1 至 120 个月。",
    ]
    assert not Instrument.objects.exists()


def test_reminders_30_and_7_days_before_once_each(place):
    services.create_instrument(actor=place.user, owner=place.owner,
                               data={"name": "电子计价秤", "due_on": TODAY + dt.timedelta(days=30)})  # fmt: skip
    assert services.remind(on=TODAY) == 1
    assert services.remind(on=TODAY) == 0
    assert services.remind(on=TODAY + dt.timedelta(days=20)) == 0
    assert services.remind(on=TODAY + dt.timedelta(days=23)) == 1
    assert len(mail.outbox) == 2 and "电子计价秤" in mail.outbox[0].subject
    assert "/catalogue/find/?quantity=" in mail.outbox[0].body


def test_ical_feed(place):
    services.create_instrument(actor=place.user, owner=place.owner,
                               data={"name": "血压计", "due_on": "2026-04-15"})  # fmt: skip
    token = services.feed_of(place.owner).token
    response = Client().get(f"/instruments/calendar/{token}.ics")
    calendar = Calendar.from_ical(response.content)
    events = [e for e in calendar.walk("VEVENT")]
    assert [(str(e["summary"]), e.decoded("dtstart")) for e in events] == [
        ("血压计 检定/校准到期", dt.date(2026, 4, 15))
    ]
    assert Client().get("/instruments/calendar/" + "x" * 43 + ".ics").status_code == 404


def test_a_certificate_of_the_platform_gives_the_due_date(place):
    b = place.b
    certificate = b.certificate(b.a, [], dt.date(2026, 1, 10))
    certificate.valid_until = dt.date(2026, 7, 9)
    certificate.save()
    instrument = services.create_instrument(actor=place.user, owner=place.owner,
                                            data={"name": "压力表"})  # fmt: skip
    services.link_certificate(actor=place.user, instrument=instrument, number=certificate.number)
    instrument.refresh_from_db()
    assert (instrument.last_verified_on, instrument.due_on, instrument.last_result) == (
        dt.date(2026, 1, 10), dt.date(2026, 7, 9), "pass",
    )  # fmt: skip
    other = b.certificate(b.a, [], dt.date(2026, 1, 10), customer=b.other_customer)
    with pytest.raises(ValidationError):
        services.link_certificate(actor=place.user, instrument=instrument, number=other.number)


def test_find_a_center_link(place):
    instrument = services.create_instrument(
        actor=place.user, owner=place.owner,
        data={"name": "压力表", "measurand": "压力", "value": "1.6", "unit": "MPa"},
    )  # fmt: skip
    assert services.find_center_url(instrument) == (
        "/catalogue/find/?quantity=%E5%8E%8B%E5%8A%9B&value=1.6&unit=MPa"
    )


def test_the_catalogue_is_data():
    assert CompulsoryCategory.objects.get(name="出租汽车计价器").interval_months == 12


def test_a_center_sees_its_customers_instruments_falling_due_with_their_consent(place):
    b = place.b
    certificate = b.certificate(b.a, [], dt.date(2025, 4, 1))
    certificate.valid_until = dt.date(2026, 3, 31)
    certificate.save()
    for name, shared in (("共享压力表", True), ("未共享压力表", False)):
        instrument = services.create_instrument(
            actor=place.user, owner=place.owner, data={"name": name, "shared_with_center": shared}
        )
        services.link_certificate(
            actor=place.user, instrument=instrument, number=certificate.number
        )
    before = TODAY + dt.timedelta(days=90)
    assert [i.name for i in services.customers_due(b.staff_a, before=before)] == ["共享压力表"]
    assert not services.customers_due(b.staff_b, before=before).exists()
