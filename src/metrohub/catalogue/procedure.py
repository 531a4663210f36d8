"""What the catalogue contributes to the procedure engine: publishing the committed capabilities
(承诺的计量测试项目服务能力) with the establishment, where the pack says so (Hubei art. 15), and
the capability-change procedure's content (Hubei art. 16): the lines a change request adds,
changes and withdraws, applied when the change is announced, closed with it when refused or
withdrawn."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.cases import walk
from metrohub.cases.services.context import Problem, guard
from metrohub.cases.services.effects import listen, register
from metrohub.catalogue.models import CapabilityLine, ChangeRequest
from metrohub.catalogue.services import CHANGE_KIND, apply_change, publish_drafts
from metrohub.eventlog.services import append_event


@register("publish_capabilities")
def publish_capabilities(ctx):
    """The lines the center prepared during construction (imported as drafts) are published with
    the establishment; a center with none cannot be established where the pack requires them."""
    center = ctx.case.center
    rule = ctx.pack.capabilities
    article = rule.article if rule else ctx.transition.article
    lines = (
        CapabilityLine.objects.filter(center=center) if center else CapabilityLine.objects.none()
    )
    if not lines.filter(
        status__in=[CapabilityLine.Status.DRAFT, CapabilityLine.Status.PUBLISHED]
    ).exists():
        raise ValidationError(
            {
                "capabilities": [
                    _(
                        "%(article)s: the center's committed capabilities are published with its "
                        "establishment, and it has none. Import them (as drafts) first."
                    )
                    % {"article": article}
                ]
            }
        )
    on = ctx.on
    published = publish_drafts(actor=None, center=center, on=on)
    ctx.extra["capabilities_published"] = published


@guard
def _change_has_lines(ctx) -> list[Problem]:
    """A change request is submitted with at least one line added, changed or withdrawn."""
    if ctx.case.kind != CHANGE_KIND or ctx.transition.name != "submit_change":
        return []
    if ChangeRequest.objects.filter(case=ctx.case).exists():
        return []
    return [Problem(422, "items", _("Add at least one line to add, change or withdraw."))]


@register("announce_capabilities")
def announce_capabilities(ctx):
    """The announcement (公告) of the changed capabilities: every line of the request enters the
    catalogue on the announcement's date, each earlier version kept."""
    day = ctx.records.get("document_date")
    on = dt.date.fromisoformat(day) if day else ctx.on
    items = list(ChangeRequest.objects.filter(case=ctx.case).select_related("center", "line"))
    now = timezone.now()
    applied = []
    for item in items:
        item.decided_by, item.decided_at = ctx.actor, now
        line = apply_change(change=item, actor=ctx.actor, effective_on=on)
        applied.append({"item": item.pk, "line": line.pk, "version": line.version})
    center = ctx.case.center
    append_event(
        subject=f"catalogue:{center.code}",
        action="catalogue.change_announced",
        actor=ctx.actor,
        article=ctx.transition.article,
        effective_date=on,
        payload={
            "case": ctx.case.pk,
            "document_number": ctx.records.get("document_number", ""),
            "lines": applied,
        },
    )
    ctx.extra["capabilities_changed"] = len(applied)


@listen
def _close_items(ctx) -> None:
    """A refused or withdrawn change request closes its lines unapplied, with the reasons."""
    if ctx.case.kind != CHANGE_KIND or ctx.transition.to not in ("rejected", "withdrawn"):
        return
    status = (
        ChangeRequest.Status.REJECTED
        if ctx.transition.to == "rejected"
        else ChangeRequest.Status.WITHDRAWN
    )
    ChangeRequest.objects.filter(case=ctx.case).update(
        status=status,
        decided_by=ctx.actor,
        decided_at=timezone.now(),
        decision_note=ctx.records.get("reasons", ""),
    )


@walk.preparer
def prepare_capabilities(case, transition, payload: dict, clk) -> dict:
    """Before a walked establishment that publishes capabilities: the center imports a few
    sample lines as drafts, as a real one does during construction."""
    from metrohub.catalogue.demo import demo_rows
    from metrohub.catalogue.services import import_rows

    center = case.center
    if "publish_capabilities" not in transition.effects or center is None:
        return payload
    if not CapabilityLine.objects.filter(center=center).exists():
        rows = demo_rows(center.code, center.industry_domain)[:6]
        import_rows(actor=None, center=center, rows=list(enumerate(rows, start=2)))
    return payload


def build_demo(world: dict) -> None:
    """Every center the demo procedure established shows its committed capabilities: sample
    lines imported and published where it has none (Hubei's were published with the
    establishment itself)."""
    from metrohub.catalogue.demo import demo_rows
    from metrohub.catalogue.services import import_rows, publish_drafts
    from metrohub.centers.models import Center

    centers = Center.objects.filter(
        status=Center.Status.ESTABLISHED, cases__center_name__startswith="【示例】"
    ).distinct()
    for center in centers:
        if CapabilityLine.objects.filter(
            center=center, status=CapabilityLine.Status.PUBLISHED
        ).exists():
            continue
        if not CapabilityLine.objects.filter(center=center).exists():
            rows = demo_rows(center.code, center.industry_domain)[:8]
            import_rows(actor=None, center=center, rows=list(enumerate(rows, start=2)))
        publish_drafts(actor=None, center=center, on=center.established_on)
