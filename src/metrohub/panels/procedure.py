"""What the expert panels contribute to the procedure engine.

The engine (`metrohub.cases.services`) knows nothing of panels: this module registers the
preconditions and the effect whose answer is a panel's result — the experts' recommendation and
the acceptance score — so `cases` never imports `panels`.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from metrohub.cases.models import ScoreRecord
from metrohub.cases.services import effects, preconditions
from metrohub.cases.services.context import Problem
from metrohub.panels.models import Panel
from metrohub.panels.services import ACCEPTANCE, score_text


def panel_conclusion(case) -> str | None:
    panel = (
        Panel.objects.filter(
            case=case,
            purpose=Panel.Purpose.EXPERT_REVIEW,
            state__in=[Panel.State.COMPLETED, Panel.State.APPLIED],
        )
        .select_related("result")
        .order_by("-round", "-pk")
        .first()
    )
    return panel.result.recommendation if panel else None


def panel_score(case) -> Decimal | None:
    """The concluded acceptance panel's score for the round the case is in."""
    panel = (
        Panel.objects.filter(
            case=case,
            purpose__in=ACCEPTANCE,
            round=case.scores.count() + 1,
            state__in=[Panel.State.COMPLETED, Panel.State.APPLIED],
        )
        .select_related("result")
        .first()
    )
    if panel is None or panel.result.score is None:
        return None
    return Decimal(score_text(panel.result, case.pack))


def expert_conclusion(ctx) -> str:
    """The concluded panel's conclusion, or what the regulator records from a panel on paper."""
    return panel_conclusion(ctx.case) or ctx.records.get("conclusion") or ctx.case.conclusion


def acceptance_score(ctx) -> Decimal | None:
    found = panel_score(ctx.case)
    if found is not None:
        return found
    score = ctx.records.get("score")
    return Decimal(score) if score is not None else None


@preconditions.register("experts_recommend")
def experts_recommend(ctx):
    if expert_conclusion(ctx) in ("recommend", "pass"):
        return []
    return [Problem(409, "conclusion", _("The experts have not recommended the application."))]


@preconditions.register("experts_do_not_recommend")
def experts_do_not_recommend(ctx):
    if expert_conclusion(ctx) in ("not_recommend", "fail"):
        return []
    return [Problem(409, "conclusion", _("The experts' conclusion is not a refusal to recommend."))]


def _score_problem(ctx, want_pass: bool):
    sc = ctx.pack.acceptance_scoring
    score = acceptance_score(ctx)
    if sc is None or score is None:
        return [Problem(422, "score", _("Record the panel's score."))]
    given = ctx.records.get("score")
    if given is not None and Decimal(given) != score:
        return [
            Problem(
                409,
                "score",
                _("The expert panel's score is %(score)s; record that score.") % {"score": score},
            )
        ]
    if sc.passes(score) == want_pass:
        return []
    if want_pass:
        message = _("A score of %(score)s is below the pass mark of %(pass)s.")
    else:
        message = _("A score of %(score)s reaches the pass mark of %(pass)s.")
    return [Problem(409, "score", message % {"score": score, "pass": sc.pass_score})]


@preconditions.register("score_at_least_pass")
def score_at_least_pass(ctx):
    return _score_problem(ctx, True)


@preconditions.register("score_below_pass")
def score_below_pass(ctx):
    return _score_problem(ctx, False)


@effects.register("record_score")
def record_score(ctx):
    score = acceptance_score(ctx)
    sc = ctx.pack.acceptance_scoring
    rounds = ctx.case.scores.count()
    ScoreRecord.objects.create(
        case=ctx.case,
        round=rounds + 1,
        score=score,
        passed=bool(sc and sc.passes(score)),
        transition=ctx.transition.name,
        recorded_by=ctx.actor,
    )
