"""URL × role grid for the standards and authorizations pages and endpoints."""

import pytest

from metrohub.standards.models import Authorization, MeasurementStandard

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(world):
    cq = MeasurementStandard.objects.filter(center__code="CQ-AUTO").first()
    sh = MeasurementStandard.objects.filter(center__code="SH-IC").first()
    grant = Authorization.objects.filter(center__code="CQ-AUTO").first()
    return cq, sh, grant


def test_standards_pages_grid(check_grid, demo):
    cq, sh, grant = demo
    readers = {"anonymous": 302, "staff": 200, "director": 200, "admin": 200, "regulator": 200}
    keepers = {"anonymous": 302, "staff": 200, "director": 200, "admin": 200}
    check_grid(
        [
            ("GET", "/standards/", readers, 403),
            ("GET", "/standards/new/", keepers, 403),
            ("GET", f"/standards/{cq.pk}/", readers, 403),
            ("GET", f"/standards/{sh.pk}/", {**readers, "staff": 404, "director": 404, "regulator": 404}, 403),
            ("GET", f"/standards/{cq.pk}/edit/", keepers, 403),
            ("POST", f"/standards/{cq.pk}/instruments/", {**keepers, "staff": 302, "director": 302, "admin": 302}, 403),
            ("GET", "/standards/authorizations/", readers, 403),
            ("GET", "/standards/authorizations/new/", {"anonymous": 302, "director": 200, "admin": 200}, 403),
            ("POST", f"/standards/authorizations/{grant.pk}/revoke/", {"anonymous": 302, "director": 302, "admin": 302}, 403),
        ]
    )  # fmt: skip


def test_standards_api_grid(check_grid, demo):
    cq, sh, grant = demo
    readers = {"anonymous": 401, "staff": 200, "director": 200, "admin": 200, "regulator": 200}
    check_grid(
        [
            ("GET", "/api/v1/standards", readers, 403),
            ("GET", f"/api/v1/standards/{cq.pk}", readers, 403),
            ("GET", f"/api/v1/standards/{sh.pk}", {**readers, "staff": 404, "director": 404, "regulator": 404}, 403),
            ("GET", "/api/v1/authorizations", readers, 403),
            ("POST", "/api/v1/standards", {"anonymous": 401}, 400),
            ("POST", f"/api/v1/authorizations/{grant.pk}/revoke", {"anonymous": 401}, 400),
        ]
    )  # fmt: skip
