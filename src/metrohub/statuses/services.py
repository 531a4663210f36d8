"""Recording a center's status changes, and reading its public history."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from metrohub.cases.models import Decision
from metrohub.cases.services.documents import PUBLIC_KINDS
from metrohub.centers.models import Center
from metrohub.eventlog.services import append_event
from metrohub.statuses.models import StatusChange


def record_change(
    *,
    center: Center,
    status: str,
    on: dt.date,
    actor=None,
    case=None,
    decision: Decision | None = None,
    article: str = "",
) -> StatusChange:
    """One dated entry in the center's history, and the event behind it."""
    with transaction.atomic():
        previous = (
            StatusChange.objects.filter(center=center)
            .order_by("-on", "-pk")
            .values_list("status", flat=True)
            .first()
        ) or ""
        change = StatusChange.objects.create(
            center=center,
            status=status,
            previous=previous,
            on=on,
            case=case,
            decision=decision,
            article=article[:200],
            recorded_by=actor,
        )
        append_event(
            subject=f"center:{center.code}",
            action="center.status_changed",
            actor=actor,
            article=article,
            effective_date=on,
            payload={
                "from": previous,
                "to": status,
                "case": case.pk if case else None,
                "decision": decision.pk if decision else None,
                "document_number": decision.document_number if decision else "",
            },
        )
    return change


def follow_center_status(ctx) -> None:
    """After a transition: when the case's center now stands at another status than its history
    last says (approved to build, established, revoked …), record the change with the decision
    the transition made, dated by the decision's document where it has one."""
    case = ctx.case
    if not case.center_id:
        return
    center = Center.objects.only("pk", "code", "status").get(pk=case.center_id)
    last = (
        StatusChange.objects.filter(center=center)
        .order_by("-on", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    if center.status == last:
        return
    decision = _decision_behind(ctx.extra.get("decisions") or [])
    on = decision.document_date if decision and decision.document_date else ctx.on
    record_change(
        center=center,
        status=center.status,
        on=on,
        actor=ctx.actor,
        case=case,
        decision=decision,
        article=ctx.transition.article,
    )


def _decision_behind(made: list) -> Decision | None:
    """Of the decisions a transition made, the one that gave the center its status: a published
    one (the approval, not the task book issued beside it under the same number), else the last.
    The registry links the published one; the others reach only the parties."""
    if not made:
        return None
    decisions = Decision.objects.filter(pk__in=made).order_by("-pk")
    return decisions.filter(kind__in=PUBLIC_KINDS).first() or decisions.first()


def backfill(center_model=Center, change_model=StatusChange) -> int:
    """The first entry of every center that has none: its status as the registry holds it, dated
    by its establishment (else its registration). Centers registered before the history was kept
    (and the demo's) read a history from their first day; the models are passed in so that the
    data migration runs it on its historical models. Returns the entries made."""
    missing = center_model.objects.exclude(pk__in=change_model.objects.values("center_id")).only(
        "pk", "status", "established_on", "created_at"
    )
    rows = [
        change_model(
            center_id=c.pk,
            status=c.status,
            previous="",
            on=c.established_on
            if c.status != "preparing" and c.established_on
            else timezone.localtime(c.created_at).date(),
        )
        for c in missing
    ]
    change_model.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def history(*, center: Center) -> list[StatusChange]:
    """The center's status changes, oldest first, with their decisions (one query); each says
    whether its decision is published (`decision_public`): only those are linked for everyone."""
    changes = list(
        StatusChange.objects.filter(center=center)
        .select_related("decision", "case")
        .order_by("on", "pk")
    )
    for change in changes:
        change.decision_public = bool(change.decision and change.decision.kind in PUBLIC_KINDS)
    return changes
