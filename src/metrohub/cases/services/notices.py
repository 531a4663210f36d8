"""Public notices and objections: anyone may object while a notice runs; the regulator answers
each objection before the notice closes."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.cases.models import Case, Objection, Obligation
from metrohub.cases.services.context import Problem, guard
from metrohub.cases.services.scope import case_roles, users_for
from metrohub.core import bounds
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
    """Cases whose public notice is running (the public portal), with their notice periods."""
    periods = (
        Obligation.objects.filter(kind="minimum", state__in=["open", "overdue"])
        .select_related("deadline")
        .order_by("pk")
    )
    return (
        Case.objects.select_related("applicant", "jurisdiction")
        .filter(accepting_objections=True, notice_published_on__isnull=False)
        .prefetch_related(Prefetch("obligations", queryset=periods, to_attr="notice_periods"))
    )


def file_objection(
    *, case: Case, name: str, text: str, organisation="", email="", phone=""
) -> Objection:
    """Anyone may object while the notice runs; contact details are required."""
    if not (case.accepting_objections and case.notice_published_on):
        raise Conflict(_("This application is not under public notice."))
    given = bounds.texts(
        {
            "name": (name, 100),
            "organisation": (organisation, 200),
            "email": (email, 254),
            "phone": (phone, 40),
            "text": (text, 10000),
        }
    )
    errors = {}
    if not given["name"]:
        errors["name"] = [_("Give your name.")]
    if not given["text"]:
        errors["text"] = [_("Write your objection.")]
    if not given["email"] and not given["phone"]:
        errors["email"] = [
            _("Give an e-mail address or a phone number so the regulator can answer.")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        objection = Objection(case=case, **given)
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
    text = bounds.texts({"answer": (answer, 10000)})["answer"]
    if not text:
        raise ValidationError({"answer": [_("Write the answer.")]})
    with transaction.atomic():
        objection.answer, objection.answered_by, objection.answered_at = (
            text,
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


def regulators() -> dict:
    """The programme regulator's organisation of each jurisdiction (one query for a list)."""
    from metrohub.organisations.models import Organisation

    out: dict = {}
    for org in Organisation.objects.filter(kind=Organisation.Kind.REGULATOR).order_by("pk"):
        out.setdefault(org.jurisdiction_id, org)
    return out


def notice_details(case: Case, contacts: dict | None = None) -> dict:
    """What a public notice shows: its period (from the day after publication to the end of its
    last day; closable the next day), its document, and whom to contact."""
    import datetime as dt

    closing = notice_closing(case)
    published = case.notice_published_on
    contacts = regulators() if contacts is None else contacts
    regulator = contacts.get(case.jurisdiction_id)
    return {
        "published_on": published,
        "starts_on": published + dt.timedelta(days=1) if published else None,
        "last_day": closing.deadline.due if closing else None,
        "closable_from": closing.deadline.due + dt.timedelta(days=1) if closing else None,
        "provisional": closing.deadline.provisional if closing else False,
        "article": closing.article if closing else "",
        "closing": closing,
        "contact": {
            "organisation": regulator.name if regulator else case.pack.pack.issuer_zh,
            "address": regulator.address if regulator else "",
            "phone": regulator.contact_phone if regulator else "",
            "email": regulator.contact_email if regulator else "",
        },
        "document_url": f"/cases/notices/{case.pk}/notice.pdf",
    }


def notice_closing(case: Case):
    """The notice's period: its open minimum obligation (the last day is `deadline.due`; the
    notice closes at the earliest the day after). Uses the rows `public_notices()` prefetched."""
    rows = getattr(case, "notice_periods", None)
    if rows is not None:
        return rows[0] if rows else None
    return (
        case.obligations.filter(kind="minimum", state__in=["open", "overdue"])
        .select_related("deadline")
        .order_by("pk")
        .first()
    )
