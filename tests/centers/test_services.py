import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from metrohub.centers.models import Center
from metrohub.centers.scope import managed_centers
from metrohub.centers.services import register_center
from metrohub.eventlog.models import Event


def _fields(world, **changes):
    return {
        "code": "cq-test",
        "name": "重庆市测试产业计量测试中心",
        "host": world["organisations"]["cq-cqmi"],
        "jurisdiction": world["jurisdictions"]["500000"],
        "level": "municipal",
        **changes,
    }


def test_demo_centers(world):
    assert Center.objects.count() >= 6
    assert {c.province().code for c in Center.objects.all()} == {"500000", "420000", "310000"}


def test_register(world):
    center = register_center(actor=world["users"]["cq_regulator"], **_fields(world))
    assert center.code == "CQ-TEST" and center.status == "preparing"
    assert Event.objects.filter(subject="center:CQ-TEST", action="center.registered").exists()


def test_register_refused(world):
    with pytest.raises(PermissionDenied):
        register_center(actor=world["users"]["cq_applicant"], **_fields(world))
    with pytest.raises(ValidationError):
        register_center(actor=None, **_fields(world, code="坏"))


def test_who_manages_which(world):
    codes = lambda user: set(managed_centers(world["users"][user]).values_list("code", flat=True))  # noqa: E731
    assert codes("cq_director") == {"CQ-AUTO", "CQ-INSTR"}
    assert codes("cq_regulator") == {"CQ-AUTO", "CQ-INSTR", "CQ-MATERIAL"}
    assert codes("hb_regulator") == {"HB-OPTO", "HB-AUTO"}
    assert codes("industry_user") == set()
    assert len(codes("admin")) == Center.objects.count()
