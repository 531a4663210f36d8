"""Public notices and objections: anyone may object while a notice runs; the regulator answers
each objection before the notice closes."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.cases.models import Case, Objection
from metrohub.cases.services.context import Problem, guard
from metrohub.cases.services.scope import case_roles, users_for
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event


@guard
def not_backdated(ctx) -> list[Problem]:
    """A notice's period runs from the moment it is on the public portal: the transition that
    publishes it cannot carry an earlier act date."""
    if "publish_notice" in ctx.transition.effects and ctx.on_paper:
        return [
            Problem(
                422,
                "effective_date",
                _(
                    "A public notice runs from the day it appears on the public portal; its "
                    "publication cannot be dated earlier."
                ),
            )
        ]
    return []


def public_notices() -> QuerySet[Case]:
    """Cases whose public notice is running (the public portal)."""
    return Case.objects.select_related("applicant", "jurisdiction").filter(
        accepting_objections=True, notice_published_on__isnull=False
    )


def file_objection(
    *, case: Case, name: str, text: str, organisation="", email="", phone=""
) -> Objection:
    """Anyone may object while the notice runs; contact details are required."""
    if not (case.accepting_objections and case.notice_published_on):
        raise Conflict(_("This application is not under public notice."))
    errors = {}
    if not (name or "").strip():
        errors["name"] = [_("Give your name.")]
    if not (text or "").strip():
        errors["text"] = [_("Write your objection.")]
    if not (email or "").strip() and not (phone or "").strip():
        errors["email"] = [
            _("Give an e-mail address or a phone number so the regulator can answer.")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        objection = Objection(
            case=case,
            name=name.strip()[:100],
            organisation=(organisation or "").strip()[:200],
            email=(email or "").strip(),
            phone=(phone or "").strip()[:40],
            text=text.strip()[:10000],
        )
        objection.full_clean()
        objection.save()
        append_event(
            subject=case.subject,
            action="objection.filed",
            actor=None,
            article=case.pack.stage(case.state).article,
            payload={
                "objection": objection.pk,
                "text_sha256": hashlib.sha256(objection.text.encode()).hexdigest(),
            },
        )
        regulators = [u.pk for u in users_for(case, [Role.PROGRAMME_REGULATOR]) if u.email]
        if regulators:
            from metrohub.cases.tasks import send_objection_mail

            send_objection_mail.enqueue(objection.pk, regulators)
    return objection


def answer_objection(*, actor, objection: Objection, answer: str) -> Objection:
    case = objection.case
    if Role.PROGRAMME_REGULATOR not in case_roles(actor, case):
        raise PermissionDenied(_("The programme regulator answers objections."))
    text = (answer or "").strip()
    if not text:
        raise ValidationError({"answer": [_("Write the answer.")]})
    with transaction.atomic():
        objection.answer, objection.answered_by, objection.answered_at = (
            text[:10000],
            actor,
            timezone.now(),
        )
        objection.save(update_fields=["answer", "answered_by", "answered_at"])
        append_event(
            subject=case.subject,
            action="objection.answered",
            actor=actor,
            article=case.pack.stage(case.state).article,
            payload={
                "objection": objection.pk,
                "answer_sha256": hashlib.sha256(text.encode()).hexdigest(),
            },
        )
    return objection


def notice_closing(case: Case):
    """The notice's computed earliest closing date (its open minimum obligation)."""
    return (
        case.obligations.filter(kind="minimum", state__in=["open", "overdue"])
        .select_related("deadline")
        .first()
    )
