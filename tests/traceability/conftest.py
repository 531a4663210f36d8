"""A small world of its own (no demo): three centers in two provinces, their standards and the
certificates that link them, built directly in the tables so each test pays for what it uses."""

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.utils import timezone

from metrohub.accounts.models import Role, RoleAssignment, User
from metrohub.centers.models import Center
from metrohub.certificates.models import Certificate, Job, Point, SigningKey
from metrohub.organisations.models import Jurisdiction, Organisation
from metrohub.standards.models import InstrumentCertificate, MeasurementStandard, StandardInstrument

NIM = "中国计量科学研究院"
_numbers = itertools.count(1)


def _org(name, code, jurisdiction, kind="enterprise"):
    return Organisation.objects.create(
        name=name, credit_code=code, kind=kind, jurisdiction=jurisdiction
    )


def _person(username, role, organisation, jurisdiction, email=True):
    user = User.objects.create(
        username=username, display_name=username,
        email=f"{username}@example.cn" if email else "",
    )  # fmt: skip
    RoleAssignment.objects.create(
        user=user, role=role, organisation=organisation, jurisdiction=jurisdiction
    )
    return user


class Builder:
    def __init__(self):
        self.key = SigningKey.objects.create(
            key_id="test", public_key="A" * 43, valid_from=timezone.now()
        )
        self.cq = Jurisdiction.objects.create(name="重庆市", code="500000", level="province")
        self.hb = Jurisdiction.objects.create(name="湖北省", code="420000", level="province")
        self.host_a = _org("上级计量院", "91500000000000001A", self.cq, "metrology_institute")
        self.host_b = _org("下级检测院", "91420000000000002B", self.hb, "metrology_institute")
        self.a = Center.objects.create(name="上级中心", code="UP", host=self.host_a,
                                       jurisdiction=self.cq, level="provincial")  # fmt: skip
        self.b = Center.objects.create(name="下级中心", code="DOWN", host=self.host_b,
                                       jurisdiction=self.hb, level="provincial")  # fmt: skip
        self.customer = _org("示例客户有限公司", "91500000000000003C", self.cq)
        self.other_customer = _org("另一客户有限公司", "91420000000000004D", self.hb)
        self.staff_a = _person("up_engineer", Role.CENTER_STAFF, self.host_a, self.cq)
        self.staff_b = _person("down_engineer", Role.CENTER_STAFF, self.host_b, self.hb)
        self.customer_user = _person("customer_user", Role.INDUSTRY_USER, self.customer, self.cq)
        self.other_user = _person("other_user", Role.INDUSTRY_USER, self.other_customer, self.hb)

    def standard(self, center, name, uncertainty, exam_until=dt.date(2027, 12, 31)):
        return MeasurementStandard.objects.create(
            center=center, name=name, measurand="压力", uncertainty=uncertainty,
            exam_certificate_number=f"考核-{name}", exam_valid_until=exam_until,
        )  # fmt: skip

    def instrument(self, standard, name, serial):
        return StandardInstrument.objects.create(standard=standard, name=name, serial_number=serial)

    def external(self, instrument, issuer, number, issued, due, uncertainty=""):
        return InstrumentCertificate.objects.create(
            instrument=instrument, issuer=issuer, number=number, issued_on=issued, due_on=due,
            uncertainty=uncertainty,
        )  # fmt: skip

    def link(self, instrument, certificate, due):
        return InstrumentCertificate.objects.create(
            instrument=instrument, platform_certificate=certificate, issuer=certificate.center.name,
            number=certificate.number, issued_on=certificate.job.measured_on, due_on=due,
        )  # fmt: skip

    def certificate(self, center, standards, measured, customer=None, u="", unit="MPa"):
        customer = customer or self.customer
        n = next(_numbers)
        job = Job.objects.create(
            center=center, customer=customer, kind="calibration", state="issued",
            instrument_name="压力计", instrument_model=f"M{n}", serial_number=f"SN{n}",
            measurand="压力", method_code="JJG 875—2019", measured_on=measured,
            created_by=self.staff_a,
        )  # fmt: skip
        job.standards.set(standards)
        if u:
            Point.objects.create(job=job, position=1, nominal="10", unit=unit,
                                 expanded_uncertainty=u, coverage_k="2")  # fmt: skip
        return Certificate.objects.create(
            job=job, center=center, customer=customer, number=f"{center.code}-2025-{n:06d}",
            year=2025, sequence=n, kind="calibration_certificate", token=f"tok{n:040d}",
            issued_at=timezone.make_aware(dt.datetime.combine(measured, dt.time(12))),
            xml=f"x/{n}.xml", xml_sha256="0" * 64, pdf_sha256="0" * 64, signature="s", signing_key=self.key,
        )  # fmt: skip


@pytest.fixture
def build(db):
    return Builder()


@pytest.fixture
def chain_world(build):
    """Three levels across two centers: a customer's certificate of DOWN, made with DOWN's
    standard, whose instrument holds a certificate of UP, made with UP's standard, whose
    instrument holds a certificate of the national institute."""
    b = build
    up_standard = b.standard(b.a, "活塞式压力计标准装置", "0.005级")
    up_instrument = b.instrument(up_standard, "活塞压力计", "P-1")
    nmi = b.external(up_instrument, NIM, "YL2024-0001", dt.date(2024, 6, 1), dt.date(2025, 5, 31),
                     "U = 0.002%, k = 2")  # fmt: skip
    down_standard = b.standard(b.b, "精密压力表标准装置", "0.05级")
    down_instrument = b.instrument(down_standard, "数字压力计", "D-1")
    up_cert = b.certificate(b.a, [up_standard], dt.date(2025, 1, 10), customer=b.host_b,
                            u="0.0030")  # fmt: skip
    link = b.link(down_instrument, up_cert, dt.date(2026, 1, 9))
    down_cert = b.certificate(b.b, [down_standard], dt.date(2025, 3, 10), u="0.030")
    return SimpleNamespace(
        b=b, up_standard=up_standard, up_instrument=up_instrument, nmi=nmi,
        down_standard=down_standard, down_instrument=down_instrument, up_cert=up_cert,
        link=link, down_cert=down_cert,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache (the public pages count requests in it)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
