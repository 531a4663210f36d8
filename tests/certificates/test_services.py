"""Drafting, the three signatures, issue, amendment and revocation."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from metrohub.certificates import services
from metrohub.certificates.models import Certificate, CertificateKind, Job
from metrohub.core.errors import DomainError
from metrohub.eventlog.models import Event

from .conftest import TODAY, job_data

pytestmark = pytest.mark.django_db


def test_a_conforming_verification_is_issued_as_a_verification_certificate(issue, lab):
    certificate = issue("verification")
    assert certificate.number == "CQ-AUTO-2025-000001"
    assert certificate.kind == CertificateKind.VERIFICATION_CERTIFICATE
    assert certificate.status == Certificate.Status.VALID
    assert certificate.valid_until == dt.date(2025, 9, 9)  # 6 months from 2025-03-10, less a day
    job = certificate.job
    assert (job.performer, job.checker, job.approver) == (lab.performer, lab.checker, lab.director)
    assert job.state == Job.State.ISSUED
    points = list(job.points.all())
    assert [p.error for p in points] == ["0.005", "0.015", "0.015", "0.005", "0.015"]
    assert [p.conformity for p in points] == ["pass"] * 5
    assert len(certificate.token) == 43 and len(certificate.xml_sha256) == 64
    actions = list(
        Event.objects.filter(subject=job.subject).order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["job.drafted", "job.performed", "job.checked", "job.issued"]
    assert Event.objects.get(subject=certificate.subject).action == "certificate.issued"


def test_a_failing_point_makes_a_notice_of_verification_result(issue):
    certificate = issue(
        "verification",
        points=[
            {"nominal": "1.0", "unit": "MPa", "readings": ["1.03"], "mpe": "0.04"},
            {"nominal": "2.0", "unit": "MPa", "readings": ["2.05"], "mpe": "0.04"},
        ],
    )
    assert certificate.kind == CertificateKind.VERIFICATION_NOTICE
    assert certificate.valid_until is None
    assert [p.conformity for p in certificate.job.points.all()] == ["pass", "fail"]


def test_guard_band_fails_a_point_simple_acceptance_passes(lab, on_day):
    points = [{"nominal": "1.0", "unit": "MPa", "readings": ["1.035"], "mpe": "0.04",
               "expanded_uncertainty": "0.008", "coverage_k": "2"}]  # fmt: skip
    simple = services.create_job(
        actor=lab.performer, center=lab.center, data=job_data(lab, points=points)
    )
    guarded = services.create_job(
        actor=lab.performer,
        center=lab.center,
        data=job_data(lab, points=points, decision_rule="guard_band", guard_band_factor="1"),
    )
    assert simple.points.get().conformity == "pass"  # |0.035| <= 0.04
    assert guarded.points.get().conformity == "fail"  # |0.035| > 0.04 - 0.008


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("calibration", CertificateKind.CALIBRATION_CERTIFICATE),
        ("testing", CertificateKind.TEST_REPORT),
        ("measurement", CertificateKind.MEASUREMENT_REPORT),
    ],
)
def test_other_kinds_of_work(issue, kind, expected):
    certificate = issue(kind)
    assert certificate.kind == expected
    assert certificate.valid_until is None


def test_numbers_are_per_center_and_year_without_gaps(issue, lab, on_day):
    first = issue("calibration")
    # A refused issue (expired standard) must not consume a number.
    job = services.create_job(
        actor=lab.performer, center=lab.center, data=job_data(lab, "calibration")
    )
    lab.standard.exam_valid_until = dt.date(2025, 1, 1)
    lab.standard.save()
    with pytest.raises(ValidationError):
        services.sign(actor=lab.performer, job=job, on=TODAY)
    lab.standard.exam_valid_until = dt.date(2027, 1, 1)
    lab.standard.save()
    second = issue("testing")
    assert [first.number, second.number] == ["CQ-AUTO-2025-000001", "CQ-AUTO-2025-000002"]


# ------------------------------------------------------------------------------ guards


def _refusal(callable_, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        callable_(**kwargs)
    return caught.value.message_dict


def test_capability_guard_lists_every_point_beyond_the_cmc(lab, on_day):
    # JJG 875 calibration line of CQ-AUTO: U = 0.020 % of the value (k = 2), range (0~60) MPa.
    points = [
        {"nominal": "10", "unit": "MPa", "readings": ["10.001"], "expanded_uncertainty": "0.0010", "coverage_k": "2"},
        {"nominal": "20", "unit": "MPa", "readings": ["20.001"], "expanded_uncertainty": "0.0040", "coverage_k": "2"},
        {"nominal": "70", "unit": "MPa", "readings": ["70.01"], "expanded_uncertainty": "0.020", "coverage_k": "2"},
        {"nominal": "30000", "unit": "kPa", "readings": ["30001"], "expanded_uncertainty": "1", "coverage_k": "2"},
    ]  # fmt: skip
    job = services.create_job(
        actor=lab.performer, center=lab.center, data=job_data(lab, "calibration", points=points)
    )
    problems = _refusal(services.sign, actor=lab.performer, job=job, on=TODAY)
    assert problems == {
        "points[0]": [
            "第 1 点（10 MPa）：U = 0.001 MPa 小于该值处的校准和测量能力（CMC）0.002 MPa。"
        ],
        "points[2]": ["第 3 点（70 MPa）：超出公布的测量范围 (0~60) MPa。"],
        "points[3]": [
            "第 4 点（30000 kPa）：U = 0.001 MPa 小于该值处的校准和测量能力（CMC）0.006 MPa。"
        ],
    }
    job.refresh_from_db()
    assert job.state == Job.State.DRAFT and job.performer is None


def test_capability_guard_without_any_line(lab, on_day):
    job = services.create_job(
        actor=lab.performer,
        center=lab.center,
        data=job_data(lab, "calibration", measurand="光功率"),
    )
    problems = _refusal(services.sign, actor=lab.performer, job=job, on=TODAY)
    assert problems["capability"] == [
        "重庆市汽车零部件产业计量测试中心未公布按 JJG 875—2019 开展“光功率”（校准）的能力。"
    ]
    assert problems["points[0]"] == ["第 1 点（10 MPa）：没有公布的能力。"]


def test_standards_guard_refuses_an_expired_standard(lab, on_day):
    lab.standard.exam_valid_until = dt.date(2025, 3, 1)
    lab.standard.save()
    record = lab.instrument.certificates.get()
    record.due_on = dt.date(2025, 3, 9)
    record.save()
    job = services.create_job(actor=lab.performer, center=lab.center, data=job_data(lab))
    problems = _refusal(services.sign, actor=lab.performer, job=job, on=TODAY)
    assert problems == {
        "standards": [
            "精密压力表标准装置的计量标准考核证书 [2023]渝量标企证字第 101 号 已于 2025-03-01 "
            "过期，早于测量日期 2025-03-10。",
            "精密压力表标准装置的数字压力计 DPI-620在 2025-03-10 没有有效的证书。",
        ]
    }


def test_people_guard_refuses_one_person_signing_twice(lab, on_day):
    job = services.create_job(actor=lab.checker, center=lab.center, data=job_data(lab))
    job = services.sign(actor=lab.checker, job=job, on=TODAY)  # the checker performs ...
    problems = _refusal(services.sign, actor=lab.checker, job=job, on=TODAY)  # ... and checks
    assert problems == {
        "signature": ["李工已作为检定/校准/检测人员签署此任务：须由三个不同的人签署。"]
    }


def test_people_guard_refuses_an_unauthorized_signer(lab, on_day):
    job = services.create_job(actor=lab.performer, center=lab.center, data=job_data(lab))
    problems = _refusal(services.sign, actor=lab.outsider, job=job, on=TODAY)
    assert problems == {
        "signature": [
            "新员工 赵工未获授权在 2025-03-10 以检定/校准/检测人员身份执行 JJG 52—2013。",
            "新员工 赵工未获授权在 2025-03-12 以检定/校准/检测人员身份执行 JJG 52—2013。",
        ]
    }
    job = services.sign(actor=lab.performer, job=job, on=TODAY)
    # The performer is authorized to perform, not to check: order matters.
    problems = _refusal(services.sign, actor=lab.performer, job=job, on=TODAY)
    assert "已作为" in problems["signature"][0]


def test_someone_from_another_center_cannot_sign(lab, on_day, world):
    job = services.create_job(actor=lab.performer, center=lab.center, data=job_data(lab))
    with pytest.raises(PermissionDenied):
        services.sign(actor=world["users"]["hb_regulator"], job=job, on=TODAY)


# ------------------------------------------------------------------------------ drafts


def test_a_draft_changes_until_it_is_signed(lab, on_day):
    job = services.create_job(actor=lab.performer, center=lab.center, data=job_data(lab))
    job = services.update_job(
        actor=lab.performer,
        job=job,
        data={"serial_number": "SN-0043", "points": [{"nominal": "1.0", "unit": "MPa", "readings": ["1.01"], "mpe": "0.04"}]},
    )  # fmt: skip
    assert job.serial_number == "SN-0043"
    assert [p.error for p in job.points.all()] == ["0.01"]
    services.sign(actor=lab.performer, job=job, on=TODAY)
    with pytest.raises(DomainError) as caught:
        services.update_job(actor=lab.performer, job=job, data={"serial_number": "X"})
    assert caught.value.status_code == 409


def test_every_bad_field_and_point_is_reported_at_once(lab, on_day):
    data = job_data(
        lab,
        instrument_name="仪" * 201,
        measured_on=dt.date(2099, 1, 1),
        points=[{"nominal": "abc", "unit": "MPa"}, {"nominal": "1", "unit": "块", "coverage_k": "0.5"},
                {"nominal": "1", "unit": "MPa", "readings": ["1", "x"], "extra": 1}],
    )  # fmt: skip
    problems = _refusal(services.create_job, actor=lab.performer, center=lab.center, data=data)
    assert problems == {
        "instrument_name": ["最多 200 个字符（现有 201 个）。"],
        "measured_on": ["日期不能在未来。"],
        "points[0].nominal": ["输入一个数字。"],
        "points[1].unit": ["未知的单位 块。"],
        "points[1].coverage_k": ["包含因子 k 是 1 到 10 之间的数。"],
        "points[2].extra": ["未知的字段。"],
        "points[2].readings": ["每个读数都必须是数字。"],
    }
    assert not Job.objects.filter(instrument_name__startswith="仪仪").exists()


def test_points_evaluated_from_the_budget_in_one_call(lab, on_day):
    budget = {
        "measurands": [{"symbol": "E", "model": "X - S", "unit": "MPa"}],
        "inputs": [
            {"symbol": "X", "value": 0, "uncertainty": {"distribution": "rectangular", "half_width": 0.0005}},
            {"symbol": "S", "value": 0, "uncertainty": {"expanded": 0.0006, "k": 2}},
        ],
        "report": {"significant_digits": 2, "rounding": "up"},
    }  # fmt: skip
    points = [
        {"nominal": "10", "unit": "MPa", "readings": ["10.002"], "u_source": "budget",
         "budget_values": {"X": [10.001, 10.002, 10.003], "S": 10}},
        {"nominal": "20", "unit": "MPa", "readings": ["20.003"], "u_source": "budget",
         "budget_values": {"X": 20.003, "S": 20}},
    ]  # fmt: skip
    job = services.create_job(
        actor=lab.performer,
        center=lab.center,
        data=job_data(lab, "calibration", budget=budget, points=points),
    )
    first, second = job.points.all()
    # u(X) = s/√3 = 0.000577, u(S) = 0.0003 → u_c = 0.000651, ν_eff large: U = 2·u_c = 0.0014 (up)
    assert (first.expanded_uncertainty, first.coverage_k) == ("0.0014", "2")
    # u(X) = 0.0005/√3 = 0.000289, u(S) = 0.0003 → u_c = 0.000416, U = 0.00084 (rounded up)
    assert (second.expanded_uncertainty, second.coverage_k) == ("0.00084", "2")


def test_a_budget_point_with_a_bad_value_is_named(lab, on_day):
    budget = {
        "measurands": [{"symbol": "E", "model": "X - S", "unit": "MPa"}],
        "inputs": [{"symbol": "X", "value": 0, "uncertainty": {"standard": 0.001}},
                   {"symbol": "S", "value": 0}],
    }  # fmt: skip
    points = [
        {"nominal": "10", "unit": "MPa", "u_source": "budget", "budget_values": {"X": 10}},
        {"nominal": "20", "unit": "MPa", "u_source": "budget", "budget_values": {"Q": 1}},
    ]
    problems = _refusal(
        services.create_job,
        actor=lab.performer,
        center=lab.center,
        data=job_data(lab, "calibration", budget=budget, points=points),
    )
    assert problems == {"points[1].budget_values": ["Q: 未知的键；此处可用的键：S, X"]}


# ------------------------------------------------------------------------------ after issue


def test_amendment_supersedes_the_certificate_it_replaces(issue, lab, on_day):
    original = issue("calibration")
    job = services.amend(actor=lab.performer, certificate=original, reason="出厂编号录入错误")
    assert job.replaces == original and job.state == Job.State.DRAFT
    assert job.points.count() == 2
    job = services.update_job(actor=lab.performer, job=job, data={"serial_number": "SN-0044"})
    with pytest.raises(DomainError):  # one amendment at a time
        services.amend(actor=lab.performer, certificate=original, reason="again")
    for person in (lab.performer, lab.checker, lab.director):
        job = services.sign(actor=person, job=job, on=TODAY)
    new = job.certificate
    original.refresh_from_db()
    assert original.status == Certificate.Status.SUPERSEDED
    assert new.replaces == original and new.number == "CQ-AUTO-2025-000002"
    assert new.job.serial_number == "SN-0044"
    with pytest.raises(DomainError):
        services.amend(actor=lab.performer, certificate=original, reason="too late")


def test_revocation_records_its_reason_and_only_the_director_revokes(issue, lab, on_day):
    certificate = issue("testing")
    with pytest.raises(PermissionDenied):
        services.revoke(actor=lab.performer, certificate=certificate, reason="x")
    with pytest.raises(ValidationError):
        services.revoke(actor=lab.director, certificate=certificate, reason="  ")
    revoked = services.revoke(actor=lab.director, certificate=certificate, reason="样品混淆")
    assert revoked.status == Certificate.Status.REVOKED
    assert revoked.revoke_reason == "样品混淆" and revoked.revoked_by == lab.director
    with pytest.raises(DomainError):
        services.revoke(actor=lab.director, certificate=certificate, reason="again")


def test_issued_files_are_stored_with_their_digests(issue):
    import hashlib

    certificate = issue("calibration")
    xml = services.read_xml(certificate)
    pdf = services.read_pdf(certificate)
    assert hashlib.sha256(xml).hexdigest() == certificate.xml_sha256
    assert hashlib.sha256(pdf).hexdigest() == certificate.pdf_sha256
    assert pdf.startswith(b"%PDF-")
