"""The event log page: regulators read the events of their scope, by label, never by code."""

from metrohub.eventlog.models import Event
from metrohub.eventlog.services import append_event
from metrohub.rulepacks.services import registry


def test_regulator_reads_labels_of_events_in_scope_only(world, client_for):
    cq, sh = world["organisations"]["cq-auto"], world["organisations"]["sh-simt"]
    step = registry().latest("chongqing").transitions[0]
    append_event(subject=f"organisation:{cq.pk}", action="certificate.issued")
    append_event(subject="center:CQ-AUTO", action=f"transition.{step.name}")
    append_event(subject=f"organisation:{sh.pk}", action="enquiry.sent")
    append_event(subject="center:SH-IC", action="catalogue.published")

    response = client_for("regulator").get("/events/")
    text = response.content.decode()
    assert "证书已签发" in text and step.name_zh in text
    assert f"单位 {cq.pk}" in text and "中心 CQ-AUTO" in text
    assert "询价已发送" not in text and "能力已发布" not in text and "SH-IC" not in text
    assert "certificate.issued" not in text.replace('data-action="certificate.issued"', "")

    only_centers = client_for("regulator").get("/events/?kind=center").content.decode()
    assert step.name_zh in only_centers and "证书已签发" not in only_centers


def test_event_log_queries_do_not_grow_with_rows(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cq = world["organisations"]["cq-auto"]
    client = client_for("regulator")
    client.get("/events/")  # warm the rule packs' cache
    counts = {}
    for total in (5, 50):
        while Event.objects.filter(action="booking.confirmed").count() < total:
            append_event(subject=f"organisation:{cq.pk}", action="booking.confirmed")
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/events/")
        counts[total] = len(queries)
        assert response.content.decode().count("预约已确认") == total
    assert counts[50] == counts[5] <= 15, counts


def test_what_the_platform_did_by_itself_reads_the_platform_not_system(world, client_for):
    cq = world["organisations"]["cq-auto"]
    append_event(subject=f"organisation:{cq.pk}", action="decision.document_issued")
    text = client_for("regulator").get("/events/").content.decode()
    assert "<td>平台</td>" in text and "<td>system</td>" not in text

    english = client_for("regulator")
    english.cookies["metrohub_language"] = "en"
    assert "<td>the platform</td>" in english.get("/events/").content.decode()


def test_an_organisation_s_timeline_names_its_events(world, client_for):
    """The organisation's page lists its events by label (it printed "certificate.issued")."""
    cq = world["organisations"]["cq-auto"]
    append_event(subject=f"organisation:{cq.pk}", action="certificate.issued", effective_date=None)
    text = client_for("regulator").get(f"/organisations/{cq.pk}/").content.decode()
    assert 'data-action="certificate.issued">证书已签发</strong> · 平台' in text
