"""The assessment report: a Chinese PDF (WeasyPrint, Noto CJK) stored with its SHA-256."""

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event
from metrohub.panels import services
from metrohub.panels.models import Panel


def context(panel: Panel) -> dict:
    members = [m for m in panel.members.select_related("expert__user", "expert__organisation")]
    seated = [m for m in members if m.seated]
    areas = panel.rubric.areas if panel.rubric else []
    sheets = []
    for m in seated:
        sheet = m.sheet
        rows = [
            {
                "area": area["name_zh"],
                "name": item["name_zh"],
                "max": item["max_points"],
                "score": sheet.scores.get(item["code"], ""),
                "reason": sheet.reasons.get(item["code"], ""),
            }
            for area in areas
            for item in area["items"]
        ]
        sheets.append({"member": m, "sheet": sheet, "rows": rows})
    pack = panel.case.pack
    return {
        "panel": panel,
        "case": panel.case,
        "pack": pack,
        "members": members,
        "sheets": sheets,
        "result": panel.result,
        "score": services.score_text(panel.result, pack) if panel.result.score is not None else "",
        "method": services.method_text(panel.result.method)
        if panel.result.score is not None
        else "",
        "areas": areas,
        "generated_at": timezone.localtime(),
    }


def render(panel: Panel) -> bytes:
    from weasyprint import HTML  # slow to import; only the report needs it

    with translation.override("zh-hans"):
        html = render_to_string("panels/report.html", context(panel))
    return HTML(string=html).write_pdf()


def issue_report(*, actor, panel: Panel) -> Panel:
    """Render and store the report; its SHA-256 goes on the panel and into the case's log."""
    panel = Panel.objects.select_related("case", "rubric", "supervisor", "leader__user").get(
        pk=panel.pk
    )
    if not (services.is_authority(actor, panel.case) or services.is_leader(actor, panel)):
        raise PermissionDenied(_("The regulator or the panel leader issues the report."))
    if panel.state == Panel.State.SCORING:
        raise Conflict(_("The report is issued once the panel has concluded."))
    pdf = render(panel)
    sha = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        panel.report.save(f"panel-{panel.pk}-{sha[:12]}.pdf", ContentFile(pdf), save=False)
        panel.report_sha256 = sha
        panel.save(update_fields=["report", "report_sha256"])
        append_event(
            subject=panel.case.subject,
            action="panel.report_issued",
            actor=actor,
            payload={"panel": panel.pk, "sha256": sha, "size": len(pdf)},
        )
    return panel
