"""What the expert panels contribute to the procedure engine.

The engine (`metrohub.cases.services`) knows nothing of panels. This module registers:

- the preconditions whose answer is a panel's result: the experts' recommendation
  (`experts_recommend`, `experts_do_not_recommend`) and the acceptance score (`score_*`), and the
  effect `record_score`;
- a guard: where the pack says a panel decides at a stage (`panel = ...`), a transition that
  records or checks the experts' conclusion needs that stage's concluded panel; a conclusion from
  a panel held on paper only where the pack permits it (`paper_panel`), with the panel's members
  and the reason recorded;
- a record source: the concluded panel's conclusion, score, opinions and members fill the
  transition's records;
- a listener: the panel a transition acted on is marked applied, and a panel whose case leaves
  the stages where it sits is closed with the reason;
- a reader: the experts of a sitting panel may read the case and its materials.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from metrohub.cases import walk
from metrohub.cases.models import ScoreRecord
from metrohub.cases.services import effects, preconditions, records, scope
from metrohub.cases.services.context import Problem, guard, record_source
from metrohub.eventlog.services import append_event
from metrohub.panels.models import Panel, PanelMember
from metrohub.panels.services import ACCEPTANCE, SITTING, score_text

DECIDING_RECORDS = {"conclusion", "score"}
DECIDING_CONDITIONS = {
    "experts_recommend",
    "experts_do_not_recommend",
    "score_at_least_pass",
    "score_below_pass",
}
records.EXTRA_KEYS.add("paper_panel")


def deciding(transition) -> bool:
    """Whether the transition acts on the experts' conclusion."""
    return bool(
        DECIDING_RECORDS & set(transition.records)
        or DECIDING_CONDITIONS & set(transition.preconditions)
    )


def panel_stage(ctx):
    """The stage the case leaves, if a panel decides there and this transition acts on it."""
    stage = ctx.pack.stage(ctx.previous)
    return stage if stage.panel and deciding(ctx.transition) else None


def concluded_panel(case, kind: str) -> Panel | None:
    """The stage's concluded panel not yet acted on: the review panel, or the acceptance panel of
    the round the case is in."""
    panels = Panel.objects.filter(case=case, state=Panel.State.COMPLETED).select_related("result")
    if kind == "review":
        panels = panels.filter(purpose=Panel.Purpose.EXPERT_REVIEW)
    else:
        panels = panels.filter(purpose__in=ACCEPTANCE, round=case.scores.count() + 1)
    return panels.order_by("-round", "-pk").first()


def conclusion_of(panel: Panel) -> str:
    result = panel.result
    if panel.purpose in ACCEPTANCE and result.passed is not None:
        return "pass" if result.passed else "fail"
    return result.recommendation


def _members(panel: Panel) -> list[str]:
    return [
        str(m.expert)
        for m in panel.members.select_related("expert__user").order_by("position")
        if m.seated
    ]


@record_source
def from_panel(ctx) -> dict:
    stage = panel_stage(ctx)
    panel = concluded_panel(ctx.case, stage.panel) if stage else None
    if panel is None:
        return {}
    values = {
        "conclusion": conclusion_of(panel),
        "opinions": "\n".join(f"{o['expert']}：{o['opinion']}" for o in panel.result.opinions),
        "panel": _members(panel),
    }
    if panel.result.score is not None:
        values["score"] = score_text(panel.result, ctx.pack)
    return {k: v for k, v in values.items() if k in ctx.transition.records}


def _paper(ctx) -> tuple[dict | None, list[Problem]]:
    raw = ctx.payload.get("paper_panel")
    if not isinstance(raw, dict):
        return None, [
            Problem(
                422,
                "paper_panel",
                _("Record the members of the panel held on paper and the reason it sat on paper."),
            )
        ]
    problems, clean = [], {}
    try:
        clean["members"] = records.lines(raw.get("members"), limit=50)
    except ValueError as exc:
        problems.append(Problem(422, "paper_panel.members", str(exc)))
    try:
        clean["reason"] = records.text(raw.get("reason"), limit=2000)
    except ValueError as exc:
        problems.append(Problem(422, "paper_panel.reason", str(exc)))
    return clean, problems


@guard
def stage_panel_concluded(ctx) -> list[Problem]:
    stage = panel_stage(ctx)
    if stage is None:
        if "paper_panel" in ctx.payload:
            return [Problem(422, "paper_panel", _("No panel decides this step."))]
        return []
    panel = concluded_panel(ctx.case, stage.panel)
    if panel is not None:
        if "paper_panel" in ctx.payload:
            return [
                Problem(409, "paper_panel", _("The panel drawn on the platform has concluded."))
            ]
        given = ctx.records.get("conclusion")
        if given is not None and given != conclusion_of(panel):
            return [
                Problem(
                    409,
                    "conclusion",
                    _("The expert panel concluded “%(panel)s”; record that conclusion.")
                    % {"panel": conclusion_of(panel)},
                )
            ]
        ctx.extra["panel"] = panel.pk
        return []
    if not stage.paper_panel:
        if "paper_panel" in ctx.payload:
            return [
                Problem(
                    409,
                    "paper_panel",
                    _("This programme does not permit a panel held on paper at “%(stage)s”.")
                    % {"stage": stage.name_zh},
                )
            ]
        return [
            Problem(
                409,
                "panel",
                _(
                    "The expert panel of “%(stage)s” has not concluded: draw it, let every member "
                    "submit a sheet, and let its leader conclude it."
                )
                % {"stage": stage.name_zh},
            )
        ]
    clean, problems = _paper(ctx)
    if not problems:
        ctx.extra["paper_panel"] = clean
    return problems


@effects.listen
def follow_the_case(ctx) -> None:
    """Mark the panel acted on; close every panel whose case leaves the stages it sits at."""
    used = ctx.extra.get("panel")
    if used:
        Panel.objects.filter(pk=used).update(state=Panel.State.APPLIED)
    live = Panel.objects.filter(
        case=ctx.case, state__in=[Panel.State.SCORING, Panel.State.COMPLETED]
    )
    for panel in live:
        if ctx.transition.to in SITTING[panel.purpose]:
            continue
        reason = _("The case left “%(stage)s” by “%(step)s” on %(day)s.") % {
            "stage": ctx.pack.stage(ctx.previous).name_zh,
            "step": ctx.transition.name_zh,
            "day": ctx.on.isoformat(),
        }
        panel.state, panel.closed_reason = Panel.State.CLOSED, reason
        panel.save(update_fields=["state", "closed_reason"])
        append_event(
            subject=ctx.case.subject,
            action="panel.closed",
            actor=ctx.actor,
            payload={"panel": panel.pk, "reason": reason},
        )
        ctx.extra.setdefault("panels_closed", []).append(panel.pk)


@scope.register_reader
def sitting_experts(user) -> Q:
    """An expert on a sitting panel reads the case and its materials while the panel sits."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    seats = (
        PanelMember.objects.filter(expert__user=user, panel__state=Panel.State.SCORING)
        .exclude(status=PanelMember.Status.DECLINED)
        .values("panel__case_id")
    )
    return Q(pk__in=seats)


# ------------------------------------------------------------- what the conditions read


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
    """The conclusion this transition acts on (checked by the guard against the stage's panel or
    recorded from a panel on paper), else the latest review panel's, else the case's last."""
    return ctx.records.get("conclusion") or panel_conclusion(ctx.case) or ctx.case.conclusion


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


# ------------------------------------------------------------------------ the demo's walks


@walk.preparer
def hold_the_panel(case, transition, payload: dict, clk) -> dict:
    """Before a walked transition acts on a panel: on paper where the pack permits it, else a
    panel drawn, scored and concluded on the platform with the conclusion the walk wants."""
    from metrohub.panels import samples

    stage = case.pack.stage(case.state)
    if not (stage.panel and deciding(transition)):
        return payload
    if stage.paper_panel:
        return {
            **payload,
            "paper_panel": {"members": ["专家甲", "专家乙", "专家丙"], "reason": "示例：纸面评审"},
        }
    samples.conclude(case, stage.panel, payload)
    return {k: v for k, v in payload.items() if k not in ("conclusion", "score", "opinions")}
