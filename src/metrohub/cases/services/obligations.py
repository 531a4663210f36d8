"""Obligations: the deadlines a pack attaches to a case, computed by the one calculator; opened
and closed by transitions, waived by the regulator with a reason."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.cases.models import Obligation
from metrohub.cases.services.scope import case_roles
from metrohub.core import bounds
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event
from metrohub.legaltime.services import store_deadline

LIVE = ("open", "overdue")


def open_obligation(ctx, deadline) -> Obligation:
    count = deadline.count or ctx.extra["deadline_counts"][deadline.code]
    stored = store_deadline(
        start=ctx.on,
        count=count,
        unit=deadline.unit,
        rule=f"{ctx.pack.key}:{deadline.code}",
        article=deadline.article,
        extend_holiday=deadline.extend_holiday,
        next_working_day=deadline.next_working_day,
        include_start=deadline.include_start,
    )
    return Obligation.objects.create(
        case=ctx.case,
        code=deadline.code,
        deadline=stored,
        due_on=stored.due,
        kind=deadline.kind,
        indicative=deadline.indicative,
        article=deadline.article,
        responsible_role=deadline.responsible or "",
        opened_by=ctx.transition.name,
    )


def met_state(ob: Obligation, on) -> str:
    """Met on time, or late: a maximum fulfilled after its due date is late everywhere."""
    if ob.kind == "maximum" and on > ob.deadline.due:
        return Obligation.State.LATE
    return Obligation.State.MET


def close(case, codes, on) -> list[str]:
    closed = []
    for ob in case.obligations.filter(code__in=codes, state__in=LIVE).select_related("deadline"):
        ob.state, ob.closed_at, ob.closed_on = met_state(ob, on), timezone.now(), on
        ob.save(update_fields=["state", "closed_at", "closed_on"])
        closed.append(ob.code)
    return closed


def waive_live(case, reason) -> list[str]:
    """The procedure ended: every live obligation is waived with the reason."""
    closed = []
    for ob in case.obligations.filter(state__in=LIVE):
        ob.state, ob.closed_at, ob.waived_reason = Obligation.State.WAIVED, timezone.now(), reason
        ob.save(update_fields=["state", "closed_at", "waived_reason"])
        closed.append(ob.code)
    return closed


def waive_obligation(*, actor, obligation: Obligation, reason: str) -> Obligation:
    case = obligation.case
    if Role.PROGRAMME_REGULATOR not in case_roles(actor, case):
        raise PermissionDenied(_("The programme regulator waives obligations."))
    if not obligation.is_live:
        raise Conflict(_("The obligation is already closed."))
    if obligation.kind == "minimum":
        raise Conflict(
            _("A statutory minimum period (%(article)s) cannot be waived.")
            % {"article": obligation.article}
        )
    reason = bounds.texts({"reason": (reason, 2000)})["reason"]
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for waiving.")]})
    with transaction.atomic():
        obligation.state, obligation.waived_reason, obligation.closed_at = (
            Obligation.State.WAIVED,
            reason,
            timezone.now(),
        )
        obligation.save(update_fields=["state", "waived_reason", "closed_at"])
        append_event(
            subject=case.subject,
            action="obligation.waived",
            actor=actor,
            article=obligation.article,
            payload={"obligation": obligation.pk, "code": obligation.code, "reason": reason},
        )
    return obligation


def follow_recomputed_deadline(sender, *, deadline, **kwargs) -> None:
    """A recomputed deadline moves the due date its obligations keep."""
    Obligation.objects.filter(deadline_id=deadline.pk).update(due_on=deadline.due)
