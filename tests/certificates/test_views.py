"""The work pages: recording a job with its points through the form, signing, the certificate
page and downloads; list pages with a bounded number of queries however many rows they hold."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from metrohub.certificates.models import Certificate, Job

from .conftest import MEASURED

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(lab, points) -> dict:
    data = {
        "center": lab.center.pk, "customer": lab.customer.pk, "kind": "verification",
        "instrument_name": "一般压力表", "instrument_model": "Y-100", "serial_number": "P-77",
        "manufacturer": "示例仪表厂", "measurand": "压力", "method_code": "JJG 52-2013",
        "standards": [lab.standard.pk], "location": "laboratory", "temperature": "20.1",
        "humidity": "50", "measured_on": MEASURED.isoformat(), "interval_months": "6",
        "decision_rule": "simple",
        "points-TOTAL_FORMS": "10", "points-INITIAL_FORMS": "0",
        "points-MIN_NUM_FORMS": "0", "points-MAX_NUM_FORMS": "200",
    }  # fmt: skip
    for i, (nominal, readings) in enumerate(points):
        data[f"points-{i}-nominal"] = nominal
        data[f"points-{i}-unit"] = "MPa"
        data[f"points-{i}-readings"] = readings
        data[f"points-{i}-mpe"] = "0.04"
        data[f"points-{i}-u_source"] = "typed"
    return data


def test_a_job_recorded_through_the_form_signed_and_issued(lab, on_day):
    performer = _client(lab.performer)
    points = [("0.5", "0.51 0.50"), ("1.0", "1.01,1.02"), ("1.5", "1.52"), ("2.0", "2.01"),
              ("2.5", "2.52")]  # fmt: skip
    response = performer.post("/certificates/new/", _form(lab, points))
    assert response.status_code == 302, response.context["form"].errors
    job = Job.objects.get(serial_number="P-77")
    assert response.status_code == 302 and response["Location"] == f"/certificates/jobs/{job.pk}/"
    assert job.method_code == "JJG 52—2013"
    assert [p.error for p in job.points.all()] == ["0.005", "0.015", "0.02", "0.01", "0.02"]
    page = performer.get(f"/certificates/jobs/{job.pk}/").content.decode()
    assert "以检定/校准/检测人员身份签署" in page
    assert "任务已登记" in page and "job recorded" not in page  # its history, in Chinese
    for person in (lab.performer, lab.checker, lab.director):
        response = _client(person).post(f"/certificates/jobs/{job.pk}/sign/")
        assert response.status_code == 302
    certificate = Certificate.objects.get(job=job)
    assert response["Location"] == f"/certificates/{certificate.number}/"
    page = _client(lab.world["users"]["cq_applicant"]).get(response["Location"])
    assert certificate.number in page.content.decode() and "有效" in page.content.decode()
    pdf = _client(lab.world["users"]["cq_applicant"]).get(f"/certificates/{certificate.number}/pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_the_form_shows_every_problem_and_keeps_nothing(lab, on_day):
    data = _form(lab, [("abc", "1"), ("1.0", "x y")])
    data["instrument_name"] = ""
    response = _client(lab.performer).post("/certificates/new/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "这个字段是必填项" in html
    assert not Job.objects.filter(serial_number="P-77").exists()
    data["instrument_name"] = "一般压力表"
    response = _client(lab.performer).post("/certificates/new/", data)
    html = response.content.decode()
    assert "第 1 点 · 标称值：输入一个数字。" in html
    assert "第 2 点 · 读数：每个读数都必须是数字。" in html
    assert not Job.objects.filter(serial_number="P-77").exists()


def test_a_refused_signature_shows_the_reasons(lab, on_day):
    _client(lab.performer).post("/certificates/new/", _form(lab, [("1.0", "1.01")]))
    job = Job.objects.get(serial_number="P-77")
    response = _client(lab.outsider).post(f"/certificates/jobs/{job.pk}/sign/", follow=True)
    html = response.content.decode()
    assert "新员工 赵工未获授权在 2025-03-10 以检定/校准/检测人员身份执行 JJG 52—2013。" in html
    assert Job.objects.get(serial_number="P-77").state == "draft"


@pytest.mark.parametrize(
    ("url", "username"),
    [("/certificates/", "cq_engineer"), ("/certificates/mine/", "cq_applicant")],
)
def test_list_pages_do_not_grow_queries_with_rows(world, url, username):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(world["users"][username])
    client.get(url)  # warm the per-process caches (navigation, translations)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count('href="/certificates/CQ-') >= 10
    keep = Certificate.objects.filter(center__code="CQ-AUTO").order_by("pk")[:2]
    from metrohub.standards.models import InstrumentCertificate
    from metrohub.traceability.models import AffectedCertificate

    InstrumentCertificate.objects.filter(platform_certificate__isnull=False).delete()
    AffectedCertificate.objects.all().delete()
    Job.objects.update(replaces=None)
    Certificate.objects.update(replaces=None)
    Certificate.objects.exclude(pk__in=[c.pk for c in keep]).delete()
    with CaptureQueriesContext(connection) as few:
        html = client.get(url).content.decode()
    assert html.count('href="/certificates/CQ-') <= 4
    assert len(many) == len(few) <= 20


def test_a_budget_that_is_not_json_says_where_in_chinese():
    """It read JSON 格式错误：Expecting value: line 1 column 1 (char 0)."""
    from django.utils import translation

    from metrohub.certificates.forms import JobForm

    form = JobForm.__new__(JobForm)
    form.cleaned_data = {"budget": '{"inputs": [\n  oops]}'}
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        form.clean_budget()
    assert info.value.messages == ["JSON 格式错误：第 2 行第 3 列。"]
