"""Open-sharing pages: what each person sees, the calendars, the iCal feeds, and query counts
that do not grow with the rows (lists and calendars page and prefetch)."""

import datetime as dt

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrohub.sharing import services
from metrohub.sharing.models import Booking, CalendarFeed, Resource

from .conftest import at

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def many_bookings(resource, user, n, day=3):
    Booking.objects.bulk_create(
        Booking(
            resource=resource,
            requester=user,
            organisation=None,
            starts_at=at(day, 8) + dt.timedelta(minutes=10 * i),
            ends_at=at(day, 8) + dt.timedelta(minutes=10 * i + 5),
            purpose=f"批量 {i}",
            status=Booking.Status.CONFIRMED if i % 2 else Booking.Status.REQUESTED,
        )
        for i in range(n)
    )


def test_resource_list_and_calendar_queries_do_not_grow(
    client_for, resource, director, user_for, django_assert_max_num_queries
):
    visitor, manager = client_for("anonymous"), client_for("sh_simt_director")
    url = f"/sharing/resources/{resource.pk}/?date=2026-06-03"
    few_list = count_queries(visitor, "/sharing/")
    few_calendar = count_queries(manager, url)
    many_bookings(resource, user_for("industry"), 50)
    Resource.objects.bulk_create(
        Resource(
            center=resource.center,
            owner=resource.owner,
            kind="instrument",
            name=f"仪器 {i:02d}",
        )
        for i in range(40)
    )
    with django_assert_max_num_queries(few_list):
        assert count_queries(visitor, "/sharing/") == few_list
    with django_assert_max_num_queries(few_calendar):
        page = manager.get(url).content.decode()
    # the manager sees who booked and the requests; the public sees only "booked"
    assert page.count('data-kind="booking"') == 25 and page.count('data-kind="requested"') == 25
    public = visitor.get(url).content.decode()
    assert public.count('data-kind="booking"') == 25 and 'data-kind="requested"' not in public
    assert "上海示例集成电路有限公司" not in public


def test_bookings_and_calendar_pages_queries_do_not_grow(
    client_for, resource, user_for, clock, django_assert_max_num_queries
):
    industry = client_for("industry")
    services.request_booking(
        actor=user_for("industry"),
        resource=resource,
        starts_at=at(4, 9),
        ends_at=at(4, 10),
        purpose="一次",
    )
    few_list = count_queries(industry, "/sharing/bookings/")
    few_calendar = count_queries(industry, "/sharing/calendar/?view=month&date=2026-06-01")
    many_bookings(resource, user_for("industry"), 30, day=5)
    with django_assert_max_num_queries(few_list):
        industry.get("/sharing/bookings/")
    with django_assert_max_num_queries(few_calendar):
        page = industry.get("/sharing/calendar/?view=month&date=2026-06-01").content.decode()
    assert page.count('data-testid="calendar-booking"') == 31


def test_ical_feeds_personal_and_per_resource_secret_and_revocable(
    client, client_for, resource, director, user_for, clock
):
    person = user_for("expert")  # a person without demo bookings
    booking = services.request_booking(
        actor=person,
        resource=resource,
        starts_at=at(3, 9),
        ends_at=at(3, 11),
        purpose="校准前比对",
    )
    clock.moment = at(1, 8)
    mine, raw = services.issue_feed(actor=person)
    _feed, resource_raw = services.issue_feed(actor=director, resource=resource)
    with pytest.raises(services.PermissionDenied):
        services.issue_feed(actor=person, resource=resource)
    for token in (raw, resource_raw):
        response = client.get(f"/sharing/ical/{token}.ics")
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        calendar = icalendar.Calendar.from_ical(response.content)
        events = [e for e in calendar.walk("VEVENT")]
        assert [
            (str(e["uid"]), e["dtstart"].dt, e["dtend"].dt, str(e["status"])) for e in events
        ] == [(f"booking-{booking.pk}@metrohub", at(3, 9), at(3, 11), "CONFIRMED")]
        assert str(events[0]["summary"]) == "半导体参数分析仪"
    # only the digest is stored; revoking ends the address
    assert CalendarFeed.objects.filter(digest=raw).count() == 0
    services.revoke_feed(actor=person, feed=mine)
    assert client.get(f"/sharing/ical/{raw}.ics").status_code == 404
    assert client.get(f"/sharing/ical/{resource_raw}.ics").status_code == 200
    # the feeds page shows the new address once
    page = client_for("expert").post("/sharing/feeds/", {"resource": ""}).content.decode()
    assert "/sharing/ical/cal_" in page


def test_booking_page_actions_refuse_cancel_and_record_use(client_for, resource, user_for, clock):
    resource.approval_required = True
    resource.save()
    person, center = client_for("industry"), client_for("sh_simt_director")
    first = services.request_booking(
        actor=user_for("industry"),
        resource=resource,
        starts_at=at(3, 9),
        ends_at=at(3, 10),
        purpose="一",
    )
    second = services.request_booking(
        actor=user_for("industry"),
        resource=resource,
        starts_at=at(4, 9),
        ends_at=at(4, 10),
        purpose="二",
    )
    center.post(f"/sharing/bookings/{first.pk}/refuse/", {"reason": "设备维修"})
    page = person.get(f"/sharing/bookings/{first.pk}/").content.decode()
    assert "设备维修" in page and "已拒绝" in page
    # the maker cannot approve; the center approves, then the maker cancels in time
    person.post(f"/sharing/bookings/{second.pk}/approve/")
    second.refresh_from_db()
    assert second.status == "requested"
    center.post(f"/sharing/bookings/{second.pk}/approve/")
    person.post(f"/sharing/bookings/{second.pk}/cancel/", {"reason": "改期"})
    second.refresh_from_db()
    assert (second.status, second.cancel_reason, second.late_cancellation) == (
        "cancelled",
        "改期",
        False,
    )
    third = services.request_booking(
        actor=user_for("industry"),
        resource=resource,
        starts_at=at(4, 9),
        ends_at=at(4, 11),
        purpose="三",
    )
    center.post(f"/sharing/bookings/{third.pk}/approve/")
    clock.moment = at(4, 12)
    center.post(
        f"/sharing/bookings/{third.pk}/usage/",
        {"used_hours": "1.5", "samples": "4", "outcome": "完成"},
    )
    page = person.get(f"/sharing/bookings/{third.pk}/").content.decode()
    assert "1.50 小时" in page and "4 个样品" in page
    assert center.post(f"/sharing/bookings/{third.pk}/nope/").status_code == 404


def test_a_photo_uploaded_on_its_page_is_shown_and_a_pdf_renamed_png_is_refused(
    client_for, resource, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_services import png

    settings.MEDIA_ROOT = tmp_path
    manager = client_for("sh_simt_director")
    url = f"/sharing/resources/{resource.pk}/photos/"
    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    refused = manager.post(url, {"photo": SimpleUploadedFile("前面板.png", pdf, "image/png")})
    message = "不接受该类型的文件。可接受：PNG图片、JPEG图片、GIF图片、WebP图片。"
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"photo": [message]}
    assert message in refused.content.decode() and resource.photos.count() == 0
    content = png()
    upload = SimpleUploadedFile("前面板.png", content, "image/png")
    saved = manager.post(url, {"photo": upload, "caption": "仪器前面板"})
    assert saved.status_code == 302 and saved["Location"] == f"/sharing/resources/{resource.pk}/"
    photo = resource.photos.get()
    page = client_for("anonymous").get(f"/sharing/resources/{resource.pk}/").content.decode()
    assert f'<img src="/sharing/photos/{photo.pk}/" alt="仪器前面板">' in page
    shown = client_for("anonymous").get(f"/sharing/photos/{photo.pk}/")
    assert shown["Content-Type"] == "image/png" and b"".join(shown.streaming_content) == content


def test_a_members_resource_is_listed_with_its_owner_and_bookable_on_its_page(
    client_for, center, director, world, clock
):
    from .test_services import member_resource

    resource = member_resource(center, director, world)
    listing = client_for("anonymous").get("/sharing/", {"q": "生物安全二级实验室"}).content.decode()
    row = listing[listing.index(f'href="/sharing/resources/{resource.pk}/"') :]
    row = row[: row.index("</tr>")]
    assert "上海市共享测试产业计量测试中心</a><br><small>上海示例生物医药研究所</small>" in row
    page = client_for("industry").get(f"/sharing/resources/{resource.pk}/").content.decode()
    assert "<dd>上海示例生物医药研究所</dd>" in page
    assert f'href="/sharing/resources/{resource.pk}/book/" data-testid="book"' in page
    booked = client_for("industry").post(
        f"/sharing/resources/{resource.pk}/book/",
        {"date": "2026-06-03", "start": "09:00", "end": "11:00", "purpose": "细胞培养环境测试"},
    )
    booking = resource.bookings.get()
    assert booked.status_code == 302 and booked["Location"] == f"/sharing/bookings/{booking.pk}/"
    assert (booking.status, booking.organisation.name) == ("confirmed", "上海示例集成电路有限公司")
    usage = client_for("sh_simt_director").get(f"/sharing/centers/{center.code}/usage/?year=2026")
    assert [(r.label, r.bookings, r.booked_hours) for r in usage.context["usage"].by_resource] == [
        ("生物安全二级实验室", 1, 2.0)
    ]


def test_an_approved_organisations_resource_page_to_another_organisation(
    client_for, resource, director, user_for, world
):
    services.update_resource(
        actor=director,
        resource=resource,
        audience="approved",
        approved_organisation_ids=[world["organisations"]["cq-auto"].pk],
    )
    services.request_booking(
        actor=user_for("applicant"),
        resource=resource,
        starts_at=at(3, 9),
        ends_at=at(3, 11),
        purpose="振动台试验",
    )
    url = f"/sharing/resources/{resource.pk}/?date=2026-06-03"
    for role in ("industry", "anonymous"):
        page = client_for(role).get(url).content.decode()
        assert '<li class="booking" data-kind="booking">09:00–11:00 已预约</li>' in page
        assert "重庆示例汽车零部件有限公司" not in page and "振动台试验" not in page
        assert 'data-testid="book"' not in page
    assert client_for("industry").get(f"/sharing/resources/{resource.pk}/book/").status_code == 403
    applicant = client_for("applicant").get(url).content.decode()
    assert 'data-testid="book"' in applicant


def test_the_calendars_read_in_the_page_s_language(client_for, resource, user_for, clock):
    """An English page headed its calendar 2026年6月1日 – 6月7日, its days 6月3日 and its
    bookings 2026年6月4日 09:00–10:00."""
    services.request_booking(
        actor=user_for("industry"), resource=resource, starts_at=at(4, 9), ends_at=at(4, 10),
        purpose="一次",
    )  # fmt: skip
    url = f"/sharing/resources/{resource.pk}/?date=2026-06-03"
    chinese = client_for("anonymous").get(url).content.decode()
    assert 'data-testid="calendar-title">2026年6月1日 – 6月7日</strong>' in chinese
    assert '<div class="date">6月3日</div>' in chinese
    english = client_for("anonymous")
    english.cookies["metrohub_language"] = "en"
    page = english.get(url).content.decode()
    assert 'data-testid="calendar-title">1 June – 7 June 2026</strong>' in page
    assert '<div class="date">3 Jun</div>' in page and "月" not in page.split("calendar-title")[1]
    month = english.get(url + "&view=month").content.decode()
    assert 'data-testid="calendar-title">June 2026</strong>' in month
    industry = client_for("industry")
    industry.cookies["metrohub_language"] = "en"
    assert "4 June 2026 09:00–10:00" in industry.get("/sharing/bookings/").content.decode()
