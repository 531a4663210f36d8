"""URL × role grid for every traceability page and endpoint, on the demo world: a CQ-AUTO
certificate and standard, a Shanghai standard, and an incident at CQ-AUTO whose affected
certificates were issued to cq_applicant's organisation (and not to industry_user's)."""

import datetime as dt

import pytest
from django.utils import timezone

from metrohub.certificates.models import Certificate
from metrohub.standards.models import MeasurementStandard
from metrohub.traceability import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(world):
    cq = Certificate.objects.filter(
        center__code="CQ-AUTO", customer=world["organisations"]["cq-auto"], status="valid"
    ).order_by("pk").first()  # fmt: skip
    standard = cq.job.standards.order_by("pk").first()
    sh_standard = MeasurementStandard.objects.filter(center__code="SH-IC").first()
    today = timezone.localdate()
    incident = services.record_finding(
        actor=world["users"]["cq_engineer"], standard=standard, found_on=today,
        last_good_on=today - dt.timedelta(days=400), effect="示值超差",
    )  # fmt: skip
    return cq, standard, sh_standard, incident


def test_traceability_pages_grid(check_grid, demo):
    cq, standard, sh_standard, incident = demo
    readers = {"anonymous": 302, "staff": 200, "director": 200, "admin": 200, "regulator": 200,
               "applicant": 200}  # fmt: skip
    standards = {"anonymous": 302, "staff": 200, "director": 200, "admin": 200, "regulator": 200}
    logged_in = {"anonymous": 302}
    check_grid(
        [
            ("GET", f"/traceability/certificates/{cq.number}/", readers, 404),
            ("GET", f"/traceability/certificates/{cq.number}/chain.json", readers, 404),
            ("GET", f"/traceability/certificates/{cq.number}/chain.xlsx", readers, 404),
            ("GET", f"/traceability/standards/{standard.pk}/", standards, 403),
            ("GET", f"/traceability/standards/{standard.pk}/chain.xlsx", standards, 403),
            ("GET", f"/traceability/standards/{sh_standard.pk}/",
             {**standards, "staff": 404, "director": 404, "regulator": 404}, 403),
            ("GET", f"/traceability/standards/{standard.pk}/out-of-tolerance/",
             {"anonymous": 302, "staff": 200, "director": 200, "admin": 200}, 403),
            ("GET", "/traceability/incidents/", logged_in, 200),
            ("GET", f"/traceability/incidents/{incident.pk}/", readers, 404),
            ("GET", f"/traceability/incidents/{incident.pk}/affected.xlsx", readers, 404),
            ("POST", f"/traceability/incidents/{incident.pk}/acknowledge/",
             # CQ-AUTO and its host (a customer of CQ-AUTO's calibrations) were notified.
             {"anonymous": 302, "applicant": 302, "staff": 302, "director": 302, "admin": 403,
              "regulator": 403}, 404),
            ("GET", f"/traceability/incidents/{incident.pk}/acknowledge/", {"anonymous": 405}, 405),
        ]
    )  # fmt: skip


def test_traceability_api_grid(check_grid, demo):
    cq, standard, sh_standard, incident = demo
    readers = {"anonymous": 401, "staff": 200, "director": 200, "admin": 200, "regulator": 200,
               "applicant": 200}  # fmt: skip
    standards = {"anonymous": 401, "staff": 200, "director": 200, "admin": 200, "regulator": 200}
    check_grid(
        [
            ("GET", f"/api/v1/certificates/{cq.number}/chain", readers, 404),
            ("GET", f"/api/v1/standards/{standard.pk}/chain", standards, 403),
            ("GET", f"/api/v1/standards/{sh_standard.pk}/chain",
             {**standards, "staff": 404, "director": 404, "regulator": 404}, 403),
            # No body: refused before anything is read.
            ("POST", f"/api/v1/standards/{standard.pk}/out-of-tolerance", {"anonymous": 401}, 400),
            ("GET", "/api/v1/incidents", {"anonymous": 401}, 200),
            ("GET", f"/api/v1/incidents/{incident.pk}", readers, 404),
            ("GET", f"/api/v1/incidents/{incident.pk}/affected", readers, 404),
            ("POST", f"/api/v1/incidents/{incident.pk}/acknowledge",
             {"anonymous": 401, "applicant": 200, "staff": 200, "director": 200, "admin": 403,
              "regulator": 403}, 404),
        ]
    )  # fmt: skip
