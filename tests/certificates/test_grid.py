"""URL × role grid for every certificate page and endpoint (demo certificates of CQ-AUTO and
SH-IC; cq_applicant's organisation and industry_user's are their customers)."""

import pytest

from metrohub.certificates.models import Certificate, Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(world):
    cq = Certificate.objects.filter(
        center__code="CQ-AUTO", customer__credit_code=world["organisations"]["cq-auto"].credit_code,
        status="valid",
    ).select_related("job").order_by("pk").first()  # fmt: skip
    sh = Certificate.objects.filter(
        center__code="SH-IC", customer=world["organisations"]["sh-ic"]
    ).first()
    return cq, sh


def test_certificate_pages_grid(check_grid, demo):
    cq, sh = demo
    work = {"anonymous": 302, "staff": 200, "director": 200, "admin": 200}
    readers = {"anonymous": 302, "staff": 200, "director": 200, "admin": 200, "regulator": 200,
               "applicant": 200}  # fmt: skip
    check_grid(
        [
            ("GET", "/certificates/", work, 403),
            ("GET", "/certificates/?q=x&kind=verification_certificate&status=valid&sort=-number", work, 403),
            ("GET", "/certificates/export.xlsx", work, 403),
            ("GET", "/certificates/mine/", {"anonymous": 302}, 200),
            ("GET", "/certificates/new/", work, 403),
            ("GET", f"/certificates/jobs/{cq.job_id}/", work, 403),
            ("GET", f"/certificates/jobs/{cq.job_id}/edit/", {**work, "staff": 302, "director": 302, "admin": 302}, 403),
            ("GET", f"/certificates/jobs/{sh.job_id}/", {**work, "staff": 404, "director": 404}, 403),
            ("POST", f"/certificates/jobs/{cq.job_id}/sign/", {**work, "staff": 302, "director": 302, "admin": 302}, 403),
            ("GET", f"/certificates/jobs/{cq.job_id}/sign/", {"anonymous": 405}, 405),
            ("GET", f"/certificates/{cq.number}/", readers, 404),
            ("GET", f"/certificates/{sh.number}/", {"anonymous": 302, "admin": 200, "industry": 200}, 404),
            ("GET", f"/certificates/{cq.number}/pdf", readers, 404),
            ("GET", f"/certificates/{cq.number}/dcc.xml", readers, 404),
            ("POST", f"/certificates/{cq.number}/revoke/",
             {"anonymous": 302, "director": 302, "admin": 302, "staff": 403, "regulator": 403, "applicant": 403}, 404),
            ("POST", f"/certificates/{cq.number}/amend/",
             {"anonymous": 302, "director": 302, "admin": 302, "staff": 302, "regulator": 403, "applicant": 403}, 404),
            ("GET", f"/verify/{cq.token}", {}, 200),
            ("GET", "/verify/" + "0" * 43, {}, 404),
        ]
    )  # fmt: skip


def test_certificate_api_grid(check_grid, demo):
    cq, sh = demo
    readers = {"anonymous": 401, "staff": 200, "director": 200, "admin": 200, "regulator": 200,
               "applicant": 200}  # fmt: skip
    staff_only = {"anonymous": 401, "staff": 200, "director": 200, "admin": 200}
    check_grid(
        [
            ("GET", "/api/v1/certificates", {"anonymous": 401}, 200),
            ("POST", "/api/v1/certificates", {"anonymous": 401}, 400),
            ("GET", f"/api/v1/certificates/{cq.number}", readers, 404),
            ("GET", f"/api/v1/certificates/{cq.job_id}", staff_only, 404),
            ("GET", f"/api/v1/certificates/{sh.number}", {"anonymous": 401, "admin": 200, "industry": 200}, 404),
            ("GET", f"/api/v1/certificates/{cq.number}/dcc.xml", readers, 404),
            ("GET", f"/api/v1/certificates/{cq.number}/dcc.sig", readers, 404),
            ("POST", f"/api/v1/certificates/{cq.number}/revoke", {"anonymous": 401}, 400),
            ("POST", f"/api/v1/certificates/{cq.job_id}/sign", {**staff_only, "staff": 409, "director": 409, "admin": 409}, 404),
            ("GET", f"/api/v1/verify/{cq.token}", {}, 200),
            ("GET", "/api/v1/signing-keys", {}, 200),
        ]
    )  # fmt: skip
    assert Job.objects.get(pk=cq.job_id).state == "issued"
