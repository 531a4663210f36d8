import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from metrohub.eventlog.services import history
from metrohub.traceability import affected as affected_sql
from metrohub.traceability import services
from metrohub.traceability.models import AffectedCertificate, Incident
from tests.traceability.conftest import NIM

pytestmark = pytest.mark.django_db


@pytest.fixture
def recall(chain_world):
    """UP's standard fails; its window is 2025-01-01 … 2025-06-01. Around the chain: certificates
    inside and outside the window at both centers, a second downstream level at UP again, and
    DOWN's instrument recalibrated by the national institute on 2025-05-01."""
    w, b = chain_world, chain_world.b
    w.before = b.certificate(b.a, [w.up_standard], dt.date(2024, 12, 15))
    w.inside = b.certificate(b.a, [w.up_standard], dt.date(2025, 2, 1), customer=b.other_customer)
    w.after = b.certificate(b.a, [w.up_standard], dt.date(2025, 7, 1))
    w.down_before = b.certificate(b.b, [w.down_standard], dt.date(2025, 1, 5))
    b.external(w.down_instrument, NIM, "YL2025-0500", dt.date(2025, 5, 1), dt.date(2026, 4, 30))
    w.down_after = b.certificate(b.b, [w.down_standard], dt.date(2025, 5, 10))
    # DOWN's certificate is itself the certificate of an instrument of a third standard at UP.
    w.third_standard = b.standard(b.a, "压力变送器检定装置", "0.1级")
    third_instrument = b.instrument(w.third_standard, "压力模块", "T-1")
    b.link(third_instrument, w.down_cert, dt.date(2026, 3, 9))
    w.third = b.certificate(b.a, [w.third_standard], dt.date(2025, 4, 1), customer=b.other_customer)
    w.third_before = b.certificate(b.a, [w.third_standard], dt.date(2025, 3, 1))
    w.unrelated = b.certificate(
        b.b, [b.standard(b.b, "温度标准装置", "0.1 ℃")], dt.date(2025, 3, 1)
    )
    return w


def _record(w, **changes):
    data = {
        "actor": w.b.staff_a,
        "standard": w.up_standard,
        "instrument": w.up_instrument,
        "found_on": dt.date(2025, 6, 1),
        "last_good_on": dt.date(2025, 1, 1),
        "effect": "活塞有效面积超差 0.01%",
    }
    return services.record_finding(**{**data, **changes})


def test_the_affected_set_is_exactly_the_window_downstream_included(recall):
    w = recall
    incident = _record(w)
    rows = {r.certificate_id: (r.depth, r.via_id) for r in incident.affected.all()}
    assert rows == {
        w.up_cert.pk: (0, None),
        w.inside.pk: (0, None),
        w.down_cert.pk: (1, w.up_cert.pk),
        w.third.pk: (2, w.down_cert.pk),
    }
    naive = affected_sql.affected_naive(
        standard_id=w.up_standard.pk, since=dt.date(2025, 1, 1), until=dt.date(2025, 6, 1)
    )
    assert naive == set(rows)
    groups = services.grouped(services.affected_rows(w.b.staff_a, incident))
    assert [
        (g["center"].code, sorted(c["customer"].name for c in g["customers"])) for g in groups
    ] == [
        ("DOWN", ["示例客户有限公司"]),
        ("UP", sorted(["另一客户有限公司", "下级检测院"])),
    ]


def test_customers_are_notified_and_acknowledge(recall):
    w = recall
    incident = _record(w)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "customer_user@example.cn", "down_engineer@example.cn", "other_user@example.cn",
    ]  # fmt: skip
    assert "2 份证书可能受影响" in next(
        m.body for m in mail.outbox if m.to == ["other_user@example.cn"]
    )
    notices = {n.customer.name: n.acknowledged_at for n in incident.notices.all()}
    assert notices == {"示例客户有限公司": None, "另一客户有限公司": None, "下级检测院": None}

    client = Client()
    client.force_login(w.b.customer_user)
    page = client.get(f"/traceability/incidents/{incident.pk}/").content.decode()
    assert "请确认此通知" in page
    # The customer sees only its own certificate, not the other customer's.
    assert w.down_cert.number in page and w.inside.number not in page
    assert client.post(f"/api/v1/incidents/{incident.pk}/acknowledge").status_code == 200
    assert incident.notices.get(customer=w.b.customer).acknowledged_by == w.b.customer_user
    affected = client.get(f"/api/v1/incidents/{incident.pk}/affected").json()
    assert [a["certificate"] for a in affected] == [w.down_cert.number]


def test_each_center_assesses_its_own_certificates_then_the_incident_closes(recall):
    w = recall
    incident = _record(w)
    down_row = incident.affected.get(certificate=w.down_cert)
    with pytest.raises(PermissionDenied):
        services.assess(actor=w.b.staff_a, row=down_row, assessment="revoke", reason="x")
    with pytest.raises(ValidationError):
        services.assess(actor=w.b.staff_b, row=down_row, assessment="revoke", reason="\ud800")
    assert AffectedCertificate.objects.get(pk=down_row.pk).assessment == "pending"
    client = Client()
    client.force_login(w.b.staff_b)
    answer = client.post(
        f"/api/v1/incidents/{incident.pk}/affected/{down_row.pk}/assessment",
        {"assessment": "reissue", "reason": "示值修正后重新出具"},
        content_type="application/json",
    )
    assert answer.json()["assessment"] == "reissue"
    for row in incident.affected.exclude(pk=down_row.pk):
        services.assess(actor=w.b.staff_a, row=row, assessment="no_effect", reason="在允差内")
    assert Incident.objects.get(pk=incident.pk).state == "open"  # customers yet to acknowledge
    for notice in incident.notices.all():
        user = {w.b.customer: w.b.customer_user, w.b.other_customer: w.b.other_user}.get(
            notice.customer
        )
        if user is None:
            user = w.b.staff_b  # DOWN's host organisation was UP's customer
        services.acknowledge(actor=user, incident=incident)
    assert Incident.objects.get(pk=incident.pk).state == "closed"
    actions = [e.action for e in history(incident.subject)]
    assert actions[0] == "incident.recorded" and actions[-1] == "incident.closed"
    assert actions.count("incident.assessed") == 4 and actions.count("incident.acknowledged") == 3


def test_bad_findings_change_nothing(recall):
    w = recall
    with pytest.raises(ValidationError) as error:
        _record(w, last_good_on=dt.date(2025, 7, 1), effect="")
    assert set(error.value.message_dict) == {"last_good_on", "effect"}
    with pytest.raises(PermissionDenied):
        _record(w, actor=w.b.staff_b)
    assert not Incident.objects.exists() and not mail.outbox


def test_api_out_of_tolerance(recall):
    w = recall
    client = Client()
    client.force_login(w.b.staff_a)
    answer = client.post(
        f"/api/v1/standards/{w.up_standard.pk}/out-of-tolerance",
        {"found_on": "2025-06-01", "last_good_on": "2025-01-01", "effect": "超差",
         "instrument": w.up_instrument.pk},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 201 and answer.json()["affected"] == 4
    other = Client()
    other.force_login(w.b.staff_b)
    assert (
        other.post(
            f"/api/v1/standards/{w.up_standard.pk}/out-of-tolerance",
            {"found_on": "2025-06-01", "last_good_on": "2025-01-01", "effect": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_incident_page_queries_do_not_grow(recall, django_assert_max_num_queries):
    w = recall
    incident = _record(w)
    client = Client()
    client.force_login(w.b.staff_a)
    with django_assert_max_num_queries(30):
        page = client.get(f"/traceability/incidents/{incident.pk}/")
    assert page.content.decode().count('data-testid="affected-row"') == 4
    for day in range(1, 21):
        w.b.certificate(w.b.a, [w.up_standard], dt.date(2025, 3, day))
    bigger = _record(w)
    with django_assert_max_num_queries(30):
        page = client.get(f"/traceability/incidents/{bigger.pk}/")
    assert page.content.decode().count('data-testid="affected-row"') == 24
    with django_assert_max_num_queries(20):
        client.get("/traceability/incidents/")
