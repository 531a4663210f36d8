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
from metrohub.cases.services import clock
from metrohub.cases.services.decisions import DECISION_BY_STAGE, make_decision

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


@register("issue_document")
def _issue_document(ctx):
    make_decision(ctx)


@register("issue_task_book")
def _issue_task_book(ctx):
    make_decision(ctx, Decision.Kind.TASK_BOOK)


@register("publish_notice")
def _publish_notice(ctx):
    # The period runs from the day the notice actually appears on the portal: today, never an
    # act date recorded from paper (refused by `notices.not_backdated`).
    ctx.case.notice_published_on = clock.today()


@register("accept_objections")
def _accept_objections(ctx):
    ctx.case.accepting_objections = True


CENTER_PREFIX = {"500000": "CQ", "420000": "HB", "310000": "SH"}


def _center_code(ctx) -> str:
    prefix = CENTER_PREFIX.get(ctx.pack.pack.jurisdiction, ctx.pack.code[:2].upper())
    code = str(ctx.payload.get("center_code") or f"{prefix}-C{ctx.case.pk:04d}")
    return code.strip().upper()[:40]


def _ensure_center(ctx, status: str, on: dt.date):
    """The case's center, created on first need (approval to build registers it in preparation;
    a pack without that step creates it at establishment), else moved to `status`."""
    from metrohub.centers.models import Center, validate_center_code
    from metrohub.centers.services import register_center

    case, form = ctx.case, ctx.case.form_data or {}
    if case.center_id:
        center = case.center
        center.status = status
        center.established_on = on if status == Center.Status.ESTABLISHED else None
        center.save(update_fields=["status", "established_on"])
        return center
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
    email = str(form.get("contact_email", ""))
    center = register_center(
        actor=None,
        code=code,
        name=case.center_name,
        name_en=case.center_name_en,
        host=case.applicant,
        jurisdiction=case.jurisdiction,
        level=level,
        status=status,
        industry_domain=application.industry_name(case.industry_domain)[:200],
        director_name=str(form.get("director_name", ""))[:100],
        contact_email=email if "@" in email else "",
        contact_phone=str(form.get("contact_phone", ""))[:40],
        established_on=on if status == Center.Status.ESTABLISHED else None,
    )
    case.center = center
    return center


def _decision_date(ctx) -> dt.date:
    day = ctx.records.get("document_date")
    return dt.date.fromisoformat(day) if day else ctx.on


@register("register_center")
def _register_center(ctx):
    """Approval to build: the center enters the registry in preparation (筹建), so its committed
    capabilities can be prepared (as drafts) during construction."""
    from metrohub.centers.models import Center

    ctx.extra["center"] = _ensure_center(ctx, Center.Status.PREPARING, _decision_date(ctx)).code


@register("publish_registry")
def _publish_registry(ctx):
    """The established center appears in the public registry."""
    from metrohub.centers.models import Center

    ctx.extra["center"] = _ensure_center(ctx, Center.Status.ESTABLISHED, _decision_date(ctx)).code


@register("notify_district_regulator")
def _notify_district(ctx):
    ctx.extra["notify_district"] = True


@register("unpublish_registry")
def _unpublish_registry(ctx):
    from metrohub.centers.models import Center

    if ctx.case.center_id:
        Center.objects.filter(pk=ctx.case.center_id).update(status=Center.Status.REVOKED)


@register("issue_confirmation")
def _issue_confirmation(ctx):
    """The review passed: the numbered document that confirms the center (发文确认)."""
    make_decision(ctx, Decision.Kind.CONFIRMATION)


@register("open_revocation")
def _open_revocation(ctx):
    """A failed review leads to revocation: a revocation case about the same center, under the
    pack in force, whose grounds the regulator then cites (it is not decided here)."""
    from metrohub.cases.models import Case
    from metrohub.eventlog.services import append_event
    from metrohub.rulepacks.services import registry

    case = ctx.case
    pack = registry().in_force(case.rulepack_code, ctx.on)
    kind = pack.procedure("revocation")
    revocation = Case.objects.create(
        kind="revocation",
        rulepack_code=pack.code,
        rulepack_version=pack.version,
        state=pack.for_kind("revocation").initial_stage().code,
        filed_on=ctx.on,
        applicant=case.applicant,
        jurisdiction=case.jurisdiction,
        district=case.district,
        center=case.center,
        center_name=case.center_name,
        center_name_en=case.center_name_en,
        industry_domain=case.industry_domain,
        created_by=ctx.actor,
    )
    append_event(
        subject=revocation.subject,
        action="case.opened",
        actor=ctx.actor,
        article=kind.article,
        effective_date=ctx.on,
        payload={
            "rulepack": pack.key,
            "kind": "revocation",
            "center": case.center.code if case.center_id else None,
            "after": {"case": case.pk, "kind": case.kind, "transition": ctx.transition.name},
        },
    )
    ctx.extra["revocation_case"] = revocation.pk


def run(ctx) -> None:
    """The transition's effects in the pack's order, then a decision where the pack issues no
    document but the stage reached is one (a refusal, a failure …)."""
    t = ctx.transition
    for code in t.effects:
        EFFECTS[code](ctx)
    if "issue_document" not in t.effects and t.to in DECISION_BY_STAGE and t.to != ctx.previous:
        make_decision(ctx)
