"""Reports that change no state: the applicant's self-check, the district supervisor's report on
an on-site acceptance, a reportable event (a major event) meeting its reporting obligation."""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.cases.models import Case, CaseNote, Decision, Obligation
from metrohub.cases.services import clock, records
from metrohub.cases.services.scope import case_roles
from metrohub.cases.services.stages import stages_with
from metrohub.core import bounds
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event
from metrohub.legaltime.services import store_deadline


def record_self_check(*, actor, case: Case, items) -> Case:
    """The applicant's self-check against the on-site acceptance checklist (Shanghai 三(五)2)."""
    if Role.APPLICANT not in case_roles(actor, case):
        raise PermissionDenied(_("The applicant records the self-check."))
    if case.state not in stages_with(case.pack, "self_check_passed"):
        raise Conflict(_("A self-check is recorded before requesting acceptance."))
    if not isinstance(items, list) or not items:
        raise ValidationError({"items": [_("Check at least one item of the checklist.")]})
    if len(items) > 500:
        raise ValidationError({"items": [_("At most %(n)d items.") % {"n": 500}]})
    clean = []
    for i, item in enumerate(items):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("item"), str)
            or not item["item"].strip()
        ):
            raise ValidationError({f"items.{i}": [_("Name the checklist item.")]})
        given = bounds.texts(
            {f"items.{i}.item": (item["item"], 300), f"items.{i}.note": (item.get("note"), 1000)}
        )
        clean.append(
            {
                "item": given[f"items.{i}.item"],
                "met": bool(item.get("met")),
                "note": given[f"items.{i}.note"],
            }
        )
    passed = all(i["met"] for i in clean)
    with transaction.atomic():
        case.self_check = {
            "items": clean,
            "passed": passed,
            "recorded_on": clock.today().isoformat(),
            "by": actor.username,
        }
        case.save(update_fields=["self_check", "updated_at"])
        CaseNote.objects.create(
            case=case, kind=CaseNote.Kind.SELF_CHECK, data=case.self_check, author=actor
        )
        append_event(
            subject=case.subject,
            action="self_check.recorded",
            actor=actor,
            article=next(
                (
                    t.article
                    for t in case.pack.transitions
                    if "self_check_passed" in t.preconditions
                ),
                "",
            ),
            payload={
                "items": len(clean),
                "unmet": sum(not i["met"] for i in clean),
                "passed": passed,
            },
        )
    return case


def file_supervisor_report(*, actor, case: Case, text: str) -> CaseNote:
    """The district bureau's supervisor reports on the on-site acceptance (Chongqing art. 19)."""
    if Role.DISTRICT_REGULATOR not in case_roles(actor, case):
        raise PermissionDenied(_("The district bureau's supervisor files this report."))
    if not case.supervisor:
        raise Conflict(_("No supervisor has been named for this case's on-site acceptance."))
    text = bounds.texts({"text": (text, 10000)})["text"]
    if not text:
        raise ValidationError({"text": [_("Write the report.")]})
    article = next((t.article for t in case.pack.transitions if "supervisor" in t.records), "")
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case, kind=CaseNote.Kind.SUPERVISOR_REPORT, text=text, author=actor
        )
        append_event(
            subject=case.subject,
            action="supervisor.reported",
            actor=actor,
            article=article,
            payload={
                "note": note.pk,
                "stage": case.state,
                "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            },
        )
    return note


def report_event(*, actor, case: Case, code: str, occurred_on, text: str) -> Obligation:
    """A reportable event (Shanghai: a major event, in writing within 5 working days): the
    obligation is computed from the day it occurred and met by this report."""
    pack = case.pack
    report = next((e for e in pack.event_reports if e.code == code), None)
    if report is None:
        raise Http404(f"no event report {code}")
    if report.role not in case_roles(actor, case):
        raise PermissionDenied(
            _("This report is made by: %(role)s.") % {"role": pack.role(report.role).name_zh}
        )
    if case.pack.stage(case.state).terminal or not _approved(case):
        raise Conflict(
            _("Events are reported by a center approved for construction or established.")
        )
    try:
        occurred = records.date(occurred_on)
    except ValueError as exc:
        raise ValidationError({"occurred_on": [str(exc)]}) from None
    if occurred > clock.today():
        raise ValidationError({"occurred_on": [_("An event cannot occur in the future.")]})
    text = bounds.texts({"text": (text, 10000)})["text"]
    if not text:
        raise ValidationError({"text": [_("Describe the event.")]})
    with transaction.atomic():
        ob = None
        if report.deadline:
            d = pack.deadline(report.deadline)
            stored = store_deadline(
                start=occurred,
                count=d.count,
                unit=d.unit,
                rule=f"{pack.key}:{d.code}",
                article=d.article,
                extend_holiday=d.extend_holiday,
                next_working_day=d.next_working_day,
                include_start=d.include_start,
            )
            ob = Obligation.objects.create(
                case=case,
                code=d.code,
                deadline=stored,
                due_on=stored.due,
                kind=d.kind,
                indicative=d.indicative,
                article=d.article,
                responsible_role=d.responsible or report.role,
                opened_by=f"event:{code}",
                state=Obligation.State.LATE if clock.today() > stored.due else Obligation.State.MET,
                closed_at=timezone.now(),
                closed_on=clock.today(),
            )
        note = CaseNote.objects.create(
            case=case,
            kind=CaseNote.Kind.EVENT_REPORT,
            code=code,
            text=text,
            data={"occurred_on": occurred.isoformat(), "obligation": ob.pk if ob else None},
            author=actor,
        )
        append_event(
            subject=case.subject,
            action=f"report.{code}",
            actor=actor,
            article=report.article,
            effective_date=occurred,
            payload={
                "note": note.pk,
                "occurred_on": occurred.isoformat(),
                "due": ob.deadline.due.isoformat() if ob else None,
                "late": bool(ob and clock.today() > ob.deadline.due),
            },
        )
    return ob


def _approved(case) -> bool:
    return case.decisions.filter(kind=Decision.Kind.APPROVAL_TO_BUILD).exists()


def event_reports(case: Case, code: str) -> list[dict]:
    """The reports of event `code` on the case, newest first, each with its due date and
    whether it was late (two queries, whatever their number)."""
    notes = list(
        case.notes.filter(kind=CaseNote.Kind.EVENT_REPORT, code=code)
        .select_related("author")
        .order_by("-pk")
    )
    obligations = {
        o.pk: o
        for o in case.obligations.filter(opened_by=f"event:{code}").select_related("deadline")
    }
    rows = []
    for n in notes:
        ob = obligations.get(n.data.get("obligation"))
        rows.append(
            {
                "note": n,
                "occurred_on": records.date(n.data.get("occurred_on")),
                "reported_on": ob.closed_on if ob else n.created_at.date(),
                "due": ob.deadline.due if ob else None,
                "late": bool(ob and ob.state == Obligation.State.LATE),
            }
        )
    return rows
