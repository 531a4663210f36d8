"""Supplements (补正): the defects a regulator lists when asking for a supplement reach the
applicant everywhere (case page, resubmission form, e-mail, API), and the applicant answers each
one when resubmitting."""

from __future__ import annotations

from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.cases.models import Case
from metrohub.cases.services import records
from metrohub.cases.services.context import Problem, guard


def open_defects(case: Case) -> dict | None:
    """The defects of the supplement request the case is answering (its current stage was
    reached by a transition recording defects), or None."""
    from metrohub.eventlog.models import Event

    asking = [
        t.name for t in case.pack.transitions if "defects" in t.records and t.to == case.state
    ]
    if not asking:
        return None
    event = (
        Event.objects.filter(subject=case.subject, action__in=[f"transition.{n}" for n in asking])
        .order_by("-seq")
        .first()
    )
    if event is None:
        return None
    t = case.pack.transition(event.payload["transition"])
    data = event.payload.get("records", {})
    return {
        "items": list(data.get("defects") or []),
        "opinions": data.get("opinions", ""),
        "requested_on": event.effective_date,
        "transition": t.name_zh,
        "article": t.article,
    }


def _answering(ctx) -> bool:
    t = ctx.transition
    return ctx.role == Role.APPLICANT and not ctx.pack.stage(t.to).terminal


@guard
def each_defect_answered(ctx) -> list[Problem]:
    """Resubmitting after a supplement request answers every defect listed."""
    if not _answering(ctx):
        return []
    defects = open_defects(ctx.case)
    if not defects or not defects["items"]:
        return []
    given = ctx.payload.get("defect_answers")
    if not isinstance(given, list):
        given = []
    problems, answers = [], []
    for i, item in enumerate(defects["items"]):
        try:
            answer = records.text(given[i] if i < len(given) else "", limit=2000)
        except ValueError as exc:
            message = str(exc) if i < len(given) and given[i] else _("Answer this item.")
            problems.append(Problem(422, f"defect_answers.{i}", f"{item}：{message}"))
            continue
        answers.append({"defect": item, "answer": answer})
    if not problems:
        ctx.extra["defect_answers"] = answers
    return problems
