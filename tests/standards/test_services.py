"""Measurement standards: flags, instruments' certificates (platform link or external record),
authorizations, and the reminders before they fall due."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from metrohub.standards import services
from metrohub.standards.models import Authorization, InstrumentCertificate, Step

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_flags_as_of_a_date(lab):
    status = services.status_of(lab.standard, on=dt.date(2025, 3, 12))
    assert (status.flag, status.exam_flag) == ("ok", "ok")
    assert [i.flag for i in status.instruments] == ["ok"]
    # The instrument's certificate is due 2025-08-31: within 30 days from 2025-08-05.
    status = services.status_of(lab.standard, on=dt.date(2025, 8, 5))
    assert (status.flag, [i.flag for i in status.instruments]) == ("due_soon", ["due_soon"])
    status = services.status_of(lab.standard, on=dt.date(2025, 9, 1))
    assert (status.flag, str(status.flag_label)) == ("expired", "已过期")


def test_problems_on_a_measurement_date(lab):
    assert services.problems_on(lab.standard, dt.date(2025, 3, 10)) == []
    assert services.problems_on(lab.standard, dt.date(2024, 8, 1)) == [
        "精密压力表标准装置的数字压力计 DPI-620在 2024-08-01 没有有效的证书。"
    ]


def test_an_external_certificate_is_recorded_with_every_problem_listed(lab):
    with pytest.raises(ValidationError) as caught:
        services.record_instrument_certificate(
            actor=lab.performer, instrument=lab.instrument, issuer="", number="x" * 101,
            issued_on=dt.date(2025, 9, 1), due_on=dt.date(2025, 8, 1),
        )  # fmt: skip
    assert caught.value.message_dict == {
        "issuer": ["这个字段是必填项。"],
        "number": ["最多 100 个字符（现有 101 个）。"],
        "due_on": ["有效期不能早于检定/校准日期。"],
    }
    record = services.record_instrument_certificate(
        actor=lab.performer, instrument=lab.instrument, issuer="上海市计量测试技术研究院",
        number="2025-SH-001", issued_on=dt.date(2025, 8, 20), due_on=dt.date(2026, 8, 19),
    )  # fmt: skip
    assert record.is_external and record.platform_certificate is None
    # The newest certificate now counts: the standard is no longer due in August.
    status = services.status_of(lab.standard, on=dt.date(2025, 8, 25))
    assert [i.certificate for i in status.instruments] == [record]


def test_a_platform_certificate_is_linked_by_its_number(lab, issue, world):
    certificate = issue("calibration", serial_number="D-7781", instrument_name="数字压力计")
    record = services.record_instrument_certificate(
        actor=lab.performer, instrument=lab.instrument, platform_number=certificate.number,
        due_on=dt.date(2026, 3, 9),
    )  # fmt: skip
    assert record.platform_certificate == certificate and not record.is_external
    assert (record.issuer, record.number, record.issued_on) == (
        "重庆市汽车零部件产业计量测试中心",
        certificate.number,
        dt.date(2025, 3, 10),
    )
    other = issue("calibration", serial_number="OTHER-1")
    with pytest.raises(ValidationError) as caught:
        services.record_instrument_certificate(
            actor=lab.performer, instrument=lab.instrument, platform_number=other.number,
            due_on=dt.date(2026, 3, 9),
        )  # fmt: skip
    assert caught.value.message_dict["platform_number"] == [
        f"证书 {other.number} 对应出厂编号 OTHER-1，而不是 D-7781。"
    ]
    with pytest.raises(ValidationError):
        services.record_instrument_certificate(
            actor=lab.performer, instrument=lab.instrument, platform_number="NO-SUCH-1",
            due_on=dt.date(2026, 3, 9),
        )  # fmt: skip


def test_only_the_centers_people_keep_its_standards(lab, world):
    with pytest.raises(PermissionDenied):
        services.add_instrument(
            actor=world["users"]["cq_regulator"], standard=lab.standard, name="x"
        )
    with pytest.raises(PermissionDenied):
        services.create_standard(
            actor=world["users"]["sh_engineer"], center=lab.center, name="x", measurand="x",
            exam_certificate_number="1", exam_valid_until=TODAY,
        )  # fmt: skip


def test_authorizations_are_granted_by_the_director_to_the_centers_people(lab, world):
    with pytest.raises(PermissionDenied):
        services.grant_authorization(
            actor=lab.performer, center=lab.center, person=lab.checker, method_code="JJG 52-2013",
            may_check=True, valid_from=TODAY, valid_until=TODAY,
        )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        services.grant_authorization(
            actor=lab.director, center=lab.center, person=world["users"]["cq_applicant"],
            method_code="JJG 52-2013", valid_from=TODAY, valid_until=TODAY - dt.timedelta(days=1),
        )  # fmt: skip
    assert caught.value.message_dict == {
        "may_perform": ["请至少授权执行、核验、批准中的一项。"],
        "valid_until": ["结束日期不能早于开始日期。"],
        "person": ["请选择本中心的人员。"],
    }
    grant = services.grant_authorization(
        actor=lab.director, center=lab.center, person=lab.outsider, method_code="jjg52-2013",
        may_check=True, valid_from=TODAY, valid_until=dt.date(2025, 12, 31),
    )  # fmt: skip
    assert grant.method_code == "JJG 52—2013" and grant.steps == ["check"]
    found = services.authorization_for(
        center=lab.center, person=lab.outsider, method_code="JJG 52—2013", step=Step.CHECK, on=TODAY
    )
    assert found == grant
    services.revoke_authorization(actor=lab.director, authorization=grant, reason="调岗")
    assert (
        services.authorization_for(
            center=lab.center,
            person=lab.outsider,
            method_code="JJG 52—2013",
            step=Step.CHECK,
            on=TODAY,
        )
        is None
    )
    assert Authorization.objects.get(pk=grant.pk).revoke_reason == "调岗"


def test_reminders_go_once_per_due_date_and_lead_time(lab):
    mail.outbox = []
    record = InstrumentCertificate.objects.get(instrument=lab.instrument)
    assert services.remind(on=dt.date(2025, 7, 31)) == 0  # 31 days ahead: nothing yet
    sent = services.remind(on=dt.date(2025, 8, 1))  # 30 days ahead
    people = services.center_people(lab.center).exclude(email="").count()
    assert sent == people and people >= 4
    assert (
        mail.outbox[0].subject
        == "[Metrohub] 2025-08-31 到期：数字压力计 DPI-620的证书 YL2024-08812"
    )
    assert services.remind(on=dt.date(2025, 8, 2)) == 0
    assert services.remind(on=dt.date(2025, 8, 24)) == people  # 7 days ahead
    record.refresh_from_db()
    assert record.reminders_sent == ["2025-08-31:30", "2025-08-31:7"]
