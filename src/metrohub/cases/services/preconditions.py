"""Preconditions: one handler per code of the packs' `preconditions` vocabulary.

A handler takes the transition's context and returns the problems it finds (none: the condition
holds). The engine's own conditions are here; an app that owns what a condition reads registers
its handler (`register`), e.g. the expert panels register `experts_recommend` and the score
conditions, so the engine imports no app that builds on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from metrohub.cases import application
from metrohub.cases.services.context import Problem
from metrohub.cases.services.materials import current_materials
from metrohub.cases.services.stages import rectification_rounds_used
from metrohub.core.dates import legal_date

PRECONDITIONS: dict[str, Callable] = {}


def register(code: str):
    """Register the handler of precondition `code` (one per code)."""

    def deco(fn: Callable) -> Callable:
        PRECONDITIONS[code] = fn
        return fn

    return deco


@register("required_materials_present")
def _materials_present(ctx) -> list[Problem]:
    present = current_materials(ctx.case)
    problems = []
    for code in ctx.transition.materials:
        material = ctx.pack.material(code)
        # an item whose text the seed does not give is not asked of the applicant until a
        # regulator enters it (a new pack version)
        if material.required and material.text_given and code not in present:
            problems.append(
                Problem(
                    422,
                    f"materials.{code}",
                    _("Missing material: %(name)s") % {"name": material.name_zh},
                )
            )
    if "application_form" in ctx.transition.materials:
        needs_table = any(m.code == "industry_needs_table" for m in ctx.pack.materials)
        problems += [
            Problem(422, gap.field, gap.message)
            for gap in application.gaps(ctx.case, needs_table=needs_table)
        ]
    return problems


def taken(case, names) -> bool:
    """Whether any of the transitions `names` was ever taken on the case."""
    from metrohub.eventlog.models import Event

    return Event.objects.filter(
        subject=case.subject, action__in=[f"transition.{n}" for n in names]
    ).exists()


@register("endorsement_given")
def _endorsement_given(ctx) -> list[Problem]:
    names = [t.name for t in ctx.pack.transitions if "letter" in t.records]
    if taken(ctx.case, names):
        return []
    return [
        Problem(409, "endorsement", _("The competent authority has not endorsed the application."))
    ]


@register("notice_period_elapsed")
def _notice_elapsed(ctx):
    """A minimum period ("不少于7天") ends at 24:00 of its last day: the notice closes at the
    earliest on the next day, and no earlier act date can be recorded for the closing."""
    problems = []
    for code in ctx.transition.closes:
        if ctx.pack.deadline(code).kind != "minimum":
            continue
        for ob in ctx.case.obligations.filter(code=code, state__in=["open", "overdue"]):
            if ctx.on <= ob.deadline.due:
                problems.append(
                    Problem(
                        409,
                        "effective_date",
                        _("The %(name)s runs until the end of %(due)s; it may close from %(next)s.")
                        % {
                            "name": ctx.pack.deadline(code).name_zh,
                            "due": ob.deadline.due.isoformat(),
                            "next": (ob.deadline.due + dt.timedelta(days=1)).isoformat(),
                        },
                    )
                )
    return problems


@register("objections_answered")
def _objections_answered(ctx):
    answered_now = {a["objection"] for a in ctx.records.get("objection_answers") or []}
    open_ones = ctx.case.objections.filter(answer="").exclude(pk__in=answered_now)
    return [
        Problem(
            409,
            f"objections.{o.pk}",
            _("Objection #%(id)d by %(name)s has no answer.") % {"id": o.pk, "name": o.name},
        )
        for o in open_ones
    ]


@register("self_check_passed")
def _self_check_passed(ctx):
    check = ctx.case.self_check or {}
    if check.get("passed"):
        return []
    return [
        Problem(
            409,
            "self_check",
            _("Record a passed self-check against the on-site acceptance checklist first."),
        )
    ]


@register("preconditions_met")
def _preconditions_met(ctx):
    wanted = [c for c in ctx.pack.conditions if c.applies_to == "acceptance" and c.text_given]
    given = ctx.payload.get("conditions_met") or []
    if not isinstance(given, list):
        given = []
    ctx.extra["conditions_met"] = [c.code for c in wanted if c.code in given]
    return [
        Problem(
            422,
            f"conditions_met.{c.code}",
            _("Confirm the condition: %(text)s (%(article)s)")
            % {"text": c.text_zh, "article": c.article},
        )
        for c in wanted
        if c.code not in given
    ]


@register("rectification_rounds_left")
def _rounds_left(ctx):
    sc = ctx.pack.acceptance_scoring
    if sc and rectification_rounds_used(ctx.case, ctx.pack) < sc.rectification_rounds:
        return []
    return [Problem(409, "rectification", _("No rectification round is left."))]


@register("rectification_rounds_exhausted")
def _rounds_exhausted(ctx):
    sc = ctx.pack.acceptance_scoring
    if sc and rectification_rounds_used(ctx.case, ctx.pack) >= sc.rectification_rounds:
        return []
    return [Problem(409, "rectification", _("A rectification round is still available."))]


@register("review_cycle_due")
def _review_cycle_due(ctx):
    review = ctx.pack.periodic_review
    last = (
        ctx.case.decisions.filter(kind__in=["establishment", "confirmation"])
        .exclude(document_date=None)
        .order_by("-document_date")
        .first()
    )
    if review is None or last is None:
        return [Problem(409, "review", _("The case has no establishment to review."))]
    due = last.document_date + relativedelta(years=review.cycle_years)
    if ctx.on >= due:
        return []
    return [
        Problem(
            409, "review", _("The periodic review is due on %(due)s.") % {"due": legal_date(due)}
        )
    ]


@register("revocation_ground_found")
def _revocation_ground_found(ctx):
    if ctx.records.get("grounds"):
        return []
    return [Problem(422, "grounds", _("Name the ground for revocation."))]


def check(ctx) -> list[Problem]:
    """Every problem of the transition's preconditions (materials first when it lists any)."""
    codes = list(ctx.transition.preconditions)
    if ctx.transition.materials and "required_materials_present" not in codes:
        codes.insert(0, "required_materials_present")
    return [p for code in codes for p in PRECONDITIONS[code](ctx)]
