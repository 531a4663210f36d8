"""Effects: one handler per code of the packs' `effects` vocabulary, run inside the transition's
transaction after the state has changed.

The engine's own effects are here (decisions, notices, the registry entry of the center it
creates); an app that owns what an effect changes registers its handler (`register`), e.g. the
catalogue publishes the committed capabilities. `LISTENERS` run after every transition, for apps
that follow the case (panels close when their case leaves their stage).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from metrohub.cases import application
from metrohub.cases.models import Decision

EFFECTS: dict[str, Callable] = {}
LISTENERS: list[Callable] = []


def register(code: str):
    """Register the handler of effect `code` (one per code)."""

    def deco(fn: Callable) -> Callable:
        EFFECTS[code] = fn
        return fn

    return deco


def listen(fn: Callable) -> Callable:
    """Run `fn(ctx)` after every transition, inside its transaction."""
    if fn not in LISTENERS:
        LISTENERS.append(fn)
    return fn


DECISION_BY_STAGE = {
    "construction": Decision.Kind.APPROVAL_TO_BUILD,
    "established": Decision.Kind.ESTABLISHMENT,
    "rejected": Decision.Kind.REFUSAL,
    "failed": Decision.Kind.FAILURE,
    "rectification": Decision.Kind.RECTIFICATION,
    "revoked": Decision.Kind.REVOCATION,
}


def decision_kind(ctx) -> str:
    t = ctx.transition
    if t.to == "established" and "established" in t.from_:
        return Decision.Kind.CONFIRMATION
    return DECISION_BY_STAGE.get(t.to, Decision.Kind.OTHER)


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
    ctx.extra.setdefault("decisions", []).append(decision.pk)
    return decision


@register("issue_document")
def _issue_document(ctx):
    make_decision(ctx)


@register("issue_task_book")
def _issue_task_book(ctx):
    make_decision(ctx, Decision.Kind.TASK_BOOK)


@register("publish_notice")
def _publish_notice(ctx):
    ctx.case.notice_published_on = ctx.on


@register("accept_objections")
def _accept_objections(ctx):
    ctx.case.accepting_objections = True


CENTER_PREFIX = {"500000": "CQ", "420000": "HB", "310000": "SH"}


def _center_code(ctx) -> str:
    prefix = CENTER_PREFIX.get(ctx.pack.pack.jurisdiction, ctx.pack.code[:2].upper())
    code = str(ctx.payload.get("center_code") or f"{prefix}-C{ctx.case.pk:04d}")
    return code.strip().upper()[:40]


@register("publish_registry")
def _publish_registry(ctx):
    """The established center appears in the public registry (created, or updated if the case
    already has one)."""
    from metrohub.centers.models import Center, validate_center_code
    from metrohub.centers.services import register_center

    case, form = ctx.case, ctx.case.form_data or {}
    established_on = (
        dt.date.fromisoformat(ctx.records["document_date"])
        if ctx.records.get("document_date")
        else ctx.on
    )
    if case.center_id:
        center = case.center
        center.status = Center.Status.ESTABLISHED
        center.established_on = established_on
        center.save(update_fields=["status", "established_on"])
    else:
        code = _center_code(ctx)
        try:
            validate_center_code(code)
        except ValidationError:
            raise ValidationError(
                {
                    "center_code": [
                        _(
                            "A center code is 2 to 32 capital letters, digits and hyphens, such as CQ-AUTO."
                        )
                    ]
                }
            ) from None
        if Center.objects.filter(code=code).exists():
            raise ValidationError(
                {"center_code": [_("The center code %(code)s is taken.") % {"code": code}]}
            )
        level = ctx.pack.pack.level if ctx.pack.pack.level in Center.Level.values else "municipal"
        center = register_center(
            actor=None,
            code=code,
            name=case.center_name,
            name_en=case.center_name_en,
            host=case.applicant,
            jurisdiction=case.jurisdiction,
            level=level,
            status=Center.Status.ESTABLISHED,
            industry_domain=application.industry_name(case.industry_domain)[:200],
            director_name=str(form.get("director_name", ""))[:100],
            contact_email=form.get("contact_email", "")
            if "@" in str(form.get("contact_email", ""))
            else "",
            contact_phone=str(form.get("contact_phone", ""))[:40],
            established_on=established_on,
        )
        case.center = center
    ctx.extra["center"] = center.code


@register("notify_district_regulator")
def _notify_district(ctx):
    ctx.extra["notify_district"] = True


@register("unpublish_registry")
def _unpublish_registry(ctx):
    from metrohub.centers.models import Center

    if ctx.case.center_id:
        Center.objects.filter(pk=ctx.case.center_id).update(status=Center.Status.REVOKED)


def run(ctx) -> None:
    """The transition's effects in the pack's order, then a decision where the pack issues no
    document but the stage reached is one (a refusal, a failure …)."""
    t = ctx.transition
    for code in t.effects:
        EFFECTS[code](ctx)
    if "issue_document" not in t.effects and t.to in DECISION_BY_STAGE and t.to != ctx.previous:
        make_decision(ctx)
