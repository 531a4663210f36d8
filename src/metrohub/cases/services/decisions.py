"""Decisions and the register of document numbers.

Every decision a transition makes (approval to build, refusal, rectification order, failure,
establishment, confirmation, revocation) is a `Decision` row; a numbered one enters the register
of its issuing body (the pack's issuer), where a number is used once: a second use is a conflict
naming the case that holds it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from metrohub.cases.models import Decision, DocumentNumber
from metrohub.cases.services import clock
from metrohub.cases.services.context import Problem, guard
from metrohub.core.errors import Conflict

DECISION_BY_STAGE = {
    "construction": Decision.Kind.APPROVAL_TO_BUILD,
    "established": Decision.Kind.ESTABLISHMENT,
    "rejected": Decision.Kind.REFUSAL,
    "failed": Decision.Kind.FAILURE,
    "rectification": Decision.Kind.RECTIFICATION,
    "revoked": Decision.Kind.REVOCATION,
}


def issuer(pack) -> str:
    """The issuing body whose register a pack's decisions enter."""
    return pack.pack.issuer_zh


def decision_kind(ctx) -> str:
    t = ctx.transition
    if t.to == "established" and "established" in t.from_:
        return Decision.Kind.CONFIRMATION
    return DECISION_BY_STAGE.get(t.to, Decision.Kind.OTHER)


def _taken_message(entry: DocumentNumber) -> str:
    return _("The document number %(number)s is already used by case #%(case)d (%(name)s).") % {
        "number": entry.number,
        "case": entry.case_id,
        "name": entry.case.center_name,
    }


@guard
def _number_unused(ctx) -> list[Problem]:
    number = ctx.records.get("document_number")
    if not number:
        return []
    entry = (
        DocumentNumber.objects.filter(issuer=issuer(ctx.pack), number=number)
        .select_related("case")
        .first()
    )
    return [Problem(409, "document_number", _taken_message(entry))] if entry else []


def register_number(*, pack, case, number: str, decision=None) -> DocumentNumber:
    """Enter `number` in the issuer's register; a number in use is a Conflict."""
    try:
        with transaction.atomic():
            return DocumentNumber.objects.create(
                issuer=issuer(pack), number=number, case=case, decision=decision
            )
    except IntegrityError:
        entry = DocumentNumber.objects.select_related("case").get(
            issuer=issuer(pack), number=number
        )
        raise Conflict(_taken_message(entry)) from None


def make_decision(ctx, kind=None) -> Decision:
    reasons = ctx.records.get("reasons") or "\n".join(ctx.records.get("defects") or [])
    decision = Decision.objects.create(
        case=ctx.case,
        kind=kind or decision_kind(ctx),
        transition=ctx.transition.name,
        document_number=ctx.records.get("document_number", ""),
        document_date=ctx.records.get("document_date"),
        reasons=reasons,
        article=ctx.transition.article,
        decided_by=ctx.actor,
    )
    if decision.document_number and kind != Decision.Kind.TASK_BOOK:
        register_number(
            pack=ctx.pack, case=ctx.case, number=decision.document_number, decision=decision
        )
    ctx.extra.setdefault("decisions", []).append(decision.pk)
    if clock.notifying():  # the demo builder issues its documents in one pass afterwards
        from metrohub.cases.tasks import issue_decision_document

        transaction.on_commit(lambda: issue_decision_document.enqueue(decision.pk))
    return decision
