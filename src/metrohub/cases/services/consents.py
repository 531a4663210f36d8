"""Co-builders' consent: naming an organisation as co-builder invites it; it sees the case only
once it consents (Shanghai 三(一)1: joint builders define their duties together), and the
application is not submitted while a co-builder has not consented."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments
from metrohub.cases.models import Case, CoBuilderConsent
from metrohub.cases.services.context import Problem, guard
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event


def invite(case: Case, organisations, actor) -> None:
    """Keep one consent row per named co-builder: new ones invited, dropped ones removed."""
    wanted = {o.pk for o in organisations}
    CoBuilderConsent.objects.filter(case=case).exclude(organisation_id__in=wanted).delete()
    have = set(CoBuilderConsent.objects.filter(case=case).values_list("organisation_id", flat=True))
    for pk in sorted(wanted - have):
        CoBuilderConsent.objects.create(case=case, organisation_id=pk)
        append_event(
            subject=case.subject,
            action="co_builder.invited",
            actor=actor,
            payload={"organisation": pk},
        )


def _organisations(user) -> list[int]:
    return [
        a.organisation_id
        for a in assignments(user)
        if a.role in (Role.APPLICANT, Role.CENTER_DIRECTOR) and a.organisation_id
    ]


def invitations_for(user) -> QuerySet[CoBuilderConsent]:
    """The consents a person answers for their organisation."""
    return (
        CoBuilderConsent.objects.filter(organisation_id__in=_organisations(user))
        .select_related("case__applicant", "organisation")
        .order_by("-pk")
    )


def get_invitation(user, pk) -> CoBuilderConsent:
    try:
        return invitations_for(user).get(pk=int(pk))
    except (CoBuilderConsent.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def answer(*, actor, consent: CoBuilderConsent, consented: bool) -> CoBuilderConsent:
    if consent.organisation_id not in _organisations(actor):
        raise PermissionDenied(_("The co-builder's own staff answer the invitation."))
    with transaction.atomic():
        consent = CoBuilderConsent.objects.select_for_update().get(pk=consent.pk)
        if consent.state != CoBuilderConsent.State.INVITED:
            raise Conflict(_("The invitation has already been answered."))
        consent.state = (
            CoBuilderConsent.State.CONSENTED if consented else CoBuilderConsent.State.DECLINED
        )
        consent.answered_by, consent.answered_at = actor, timezone.now()
        consent.save(update_fields=["state", "answered_by", "answered_at"])
        append_event(
            subject=consent.case.subject,
            action="co_builder.consented" if consented else "co_builder.declined",
            actor=actor,
            payload={"organisation": consent.organisation_id},
        )
    return consent


@guard
def co_builders_consented(ctx) -> list[Problem]:
    """The applicant submits a joint application only with every co-builder's consent."""
    if "application_form" not in ctx.transition.materials:
        return []
    waiting = CoBuilderConsent.objects.filter(case=ctx.case).exclude(
        state=CoBuilderConsent.State.CONSENTED
    )
    return [
        Problem(
            422,
            f"co_builders.{c.organisation_id}",
            _("%(org)s has not consented to be named as co-builder.")
            % {"org": c.organisation.name},
        )
        for c in waiting.select_related("organisation")
    ]
