"""Demo traceability: every demo standard's instruments are calibrated by the national institute
(recognised by the 0002 migration), so each chain reaches it; one incident is in progress at
CQ-AUTO: its pressure standard found out of tolerance, a few certificates assessed, one customer's
acknowledgement in."""

import datetime as dt
from importlib import import_module

from django.apps import apps
from django.utils import timezone

from metrohub.standards.models import MeasurementStandard
from metrohub.traceability import services
from metrohub.traceability.models import Incident


def build(world: dict) -> None:
    # The institutes are seeded by a data migration; a flushed test database has lost them.
    import_module("metrohub.traceability.migrations.0002_institutes").add(apps, None)
    if Incident.objects.exists():
        return
    standard = (
        MeasurementStandard.objects.filter(center__code="CQ-AUTO", measurand="压力")
        .order_by("pk")
        .first()
    )
    if standard is None:
        return
    today = timezone.localdate()
    engineer = world["users"]["cq_engineer"]
    incident = services.record_finding(
        actor=engineer,
        standard=standard,
        instrument=standard.instruments.order_by("pk").first(),
        found_on=today,
        last_good_on=today - dt.timedelta(days=90),
        effect="期间核查发现精密数字压力计示值误差超出最大允许误差（+0.03 %FS），"
        "自上次合格校准以来使用该标准出具的证书需评估。",
    )
    for row, (decision, reason) in zip(
        incident.affected.order_by("pk")[:3],
        [("no_effect", "被检表准确度等级 1.6 级，标准器偏差影响可忽略"),
         ("reissue", "示值修正后重新检定并出具证书"),
         ("no_effect", "复核原始记录，结论不变")],
        strict=False,
    ):  # fmt: skip
        services.assess(actor=engineer, row=row, assessment=decision, reason=reason)
    applicant = world["users"].get("cq_applicant")
    if applicant is not None and services.notice_for(applicant, incident) is not None:
        services.acknowledge(actor=applicant, incident=incident)
    world["incident"] = incident
