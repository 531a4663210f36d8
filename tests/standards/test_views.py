"""The standards pages: registering a standard through the form; the list's flags; a bounded
number of queries however many standards there are."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from metrohub.standards.models import MeasurementStandard

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_register_a_standard_through_the_form(world):
    client = _client(world["users"]["cq_engineer"])
    response = client.post(
        "/standards/new/",
        {"center": world["centers"]["CQ-INSTR"].pk, "name": "温度二次标准装置", "measurand": "温度",
         "exam_certificate_number": "[2025]渝量标证字第 9 号", "exam_valid_until": "2029-01-01"},
    )  # fmt: skip
    standard = MeasurementStandard.objects.get(name="温度二次标准装置")
    assert response.status_code == 302 and response["Location"] == f"/standards/{standard.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "尚无标准器" in page and "登记计量标准" in page and "standard.created" not in page
    response = client.post("/standards/new/", {"center": world["centers"]["SH-IC"].pk, "name": "x"})
    assert response.status_code == 422  # not a center of this person: not a valid choice


def test_the_list_flags_the_standard_falling_due(world):
    html = _client(world["users"]["cq_director"]).get("/standards/?center=CQ-AUTO").content.decode()
    assert html.count('data-flag="due_soon"') == 1  # the demo's standard expiring in 20 days
    assert html.count('data-flag="ok"') == 1
    assert "30 天内到期" in html


def test_list_queries_do_not_grow_with_rows(world):
    from metrohub.standards.models import InstrumentCertificate, StandardInstrument

    client = _client(world["users"]["cq_regulator"])
    client.get("/standards/")
    with CaptureQueriesContext(connection) as few:
        html = client.get("/standards/").content.decode()
    assert html.count("/standards/") >= 4
    for n in range(20):
        standard = MeasurementStandard.objects.create(
            center=world["centers"]["CQ-AUTO"], name=f"标准 {n}", measurand="压力",
            exam_certificate_number=f"N-{n}", exam_valid_until=dt.date(2030, 1, 1),
        )  # fmt: skip
        instrument = StandardInstrument.objects.create(standard=standard, name=f"标准器 {n}")
        InstrumentCertificate.objects.create(
            instrument=instrument, issuer="实验室", number=f"C-{n}", issued_on=dt.date(2025, 1, 1),
            due_on=dt.date(2026, 1, 1),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        html = client.get("/standards/").content.decode()
    assert html.count("标准器 1") >= 10
    assert len(many) == len(few) <= 15


def test_an_empty_instrument_or_certificate_names_the_field_and_adds_nothing(world):
    """The standard's page read “这个字段是必填项。”, naming no field."""
    from metrohub.standards.models import StandardInstrument

    standard = MeasurementStandard.objects.filter(center__code="CQ-INSTR").first()
    client = _client(world["users"]["cq_engineer"])
    before = StandardInstrument.objects.count()
    page = client.post(f"/standards/{standard.pk}/instruments/", {"name": ""}, follow=True)
    assert "器具名称：这个字段是必填项。" in page.content.decode()
    assert StandardInstrument.objects.count() == before
    instrument = StandardInstrument.objects.filter(standard=standard).first()
    page = client.post(
        f"/standards/instruments/{instrument.pk}/certificates/",
        {"issued_on": "2026-13-45"},
        follow=True,
    )
    assert "检定/校准日期：输入一个有效的日期。" in page.content.decode()
