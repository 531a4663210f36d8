"""A center ready to work: three staff members with their authorizations, a measurement standard
with an instrument calibrated outside the platform, and jobs of every kind within the center's
published capabilities (CQ-AUTO of the demo catalogue)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from metrohub.accounts.models import Role, RoleAssignment, User
from metrohub.standards.models import (
    Authorization,
    InstrumentCertificate,
    MeasurementStandard,
    StandardInstrument,
)

MEASURED = dt.date(2025, 3, 10)
TODAY = dt.date(2025, 3, 12)

# kind: (measurand, method, points (nominal, unit, readings, mpe, U, k))
WORK = {
    "verification": (
        "压力",
        "JJG 52—2013",
        [("0.5", "MPa", ["0.51", "0.50"], "0.04", "", ""),
         ("1.0", "MPa", ["1.01", "1.02"], "0.04", "", ""),
         ("1.5", "MPa", ["1.52", "1.51"], "0.04", "", ""),
         ("2.0", "MPa", ["2.01", "2.00"], "0.04", "", ""),
         ("2.5", "MPa", ["2.52", "2.51"], "0.04", "", "")],
    ),
    "calibration": (
        "压力",
        "JJG 875—2019",
        [("10", "MPa", ["10.003"], "", "0.0030", "2"),
         ("30", "MPa", ["30.004"], "", "0.0070", "2")],
    ),
    "testing": (
        "尺寸",
        "Q/CQA 001—2024",
        [("100", "mm", ["100.004"], "", "0.0020", "2")],
    ),
    "measurement": (
        "拧紧扭矩",
        "Q/CQA 002—2024",
        [("100", "N·m", ["100.5"], "", "2.5", "2")],
    ),
}  # fmt: skip


def job_data(lab, kind="verification", **changes) -> dict:
    measurand, method, points = WORK[kind]
    data = {
        "customer": lab.customer.pk,
        "kind": kind,
        "instrument_name": "一般压力表" if kind == "verification" else "被测对象",
        "instrument_model": "Y-100",
        "serial_number": "SN-0042",
        "manufacturer": "重庆示例仪表厂",
        "instrument_range": "(0~2.5) MPa",
        "accuracy": "1.6级",
        "measurand": measurand,
        "method_code": method,
        "method_title": "弹性元件式一般压力表",
        "standards": [lab.standard.pk],
        "location": "laboratory",
        "place": "压力实验室 201",
        "temperature": "20.3",
        "humidity": "55",
        "measured_on": MEASURED,
        "record_number": "YL-2025-0310-01",
        "interval_months": 6 if kind == "verification" else None,
        "points": [
            {
                "nominal": nominal,
                "unit": unit,
                "readings": readings,
                "mpe": mpe,
                "expanded_uncertainty": u,
                "coverage_k": k,
            }
            for nominal, unit, readings, mpe, u, k in points
        ],
    }
    data.update(changes)
    return data


def staff(world, username: str, name: str) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"display_name": name, "email": f"{username}@example.cn"}
    )
    RoleAssignment.objects.get_or_create(
        user=user,
        role=Role.CENTER_STAFF,
        organisation=world["organisations"]["cq-cqmi"],
        jurisdiction=world["jurisdictions"]["500112"],
    )
    world["users"][username] = user
    return user


@pytest.fixture
def lab(world):
    center = world["centers"]["CQ-AUTO"]
    director = world["users"]["cq_director"]
    performer = staff(world, "lab_performer", "王工")
    checker = staff(world, "lab_checker", "李工")
    outsider = staff(world, "lab_novice", "新员工 赵工")
    methods = [m for _, m, _ in WORK.values()]
    for person, flags in (
        (performer, {"may_perform": True}),
        (checker, {"may_perform": True, "may_check": True}),
        (director, {"may_approve": True, "may_check": True}),
    ):
        for method in methods:
            Authorization.objects.create(
                center=center,
                person=person,
                method_code=method,
                valid_from=dt.date(2024, 1, 1),
                valid_until=dt.date(2026, 12, 31),
                **flags,
            )
    standard = MeasurementStandard.objects.create(
        center=center,
        name="精密压力表标准装置",
        measurand="压力",
        range_text="(0~60) MPa",
        uncertainty="0.05级",
        exam_certificate_number="[2023]渝量标企证字第 101 号",
        exam_valid_until=dt.date(2027, 6, 30),
    )
    instrument = StandardInstrument.objects.create(
        standard=standard, name="数字压力计", model="DPI-620", serial_number="D-7781",
        manufacturer="示例仪器公司", accuracy="0.02级",
    )  # fmt: skip
    InstrumentCertificate.objects.create(
        instrument=instrument, issuer="中国计量科学研究院", number="YL2024-08812",
        issued_on=dt.date(2024, 9, 1), due_on=dt.date(2025, 8, 31), uncertainty="U = 0.005%, k = 2",
    )  # fmt: skip
    return SimpleNamespace(
        world=world,
        center=center,
        customer=world["organisations"]["cq-auto"],
        director=director,
        performer=performer,
        checker=checker,
        outsider=outsider,
        standard=standard,
        instrument=instrument,
    )


@pytest.fixture
def on_day(monkeypatch):
    """Services' today() pinned to TODAY (dates in the fixtures stay meaningful)."""
    from metrohub.certificates import services
    from metrohub.standards import services as standard_services

    monkeypatch.setattr(services, "today", lambda: TODAY)
    monkeypatch.setattr(standard_services, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def issue(lab, on_day):
    """Draft, perform, check and approve a job of `kind`: the issued certificate."""
    from metrohub.certificates import services

    def _issue(kind="verification", **changes):
        job = services.create_job(
            actor=lab.performer, center=lab.center, data=job_data(lab, kind, **changes)
        )
        for person in (lab.performer, lab.checker, lab.director):
            job = services.sign(actor=person, job=job, on=TODAY)
        return job.certificate

    return _issue
