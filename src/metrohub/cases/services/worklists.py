"""What waits for a person: cases where they can act, with the obligations they answer for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments
from metrohub.cases.models import Case, Obligation
from metrohub.cases.services import clock
from metrohub.cases.services.scope import case_roles, cases_for
from metrohub.cases.services.stages import available_transitions
from metrohub.rulepacks.services import registry


@dataclass
class WorkItem:
    case: Case
    transitions: list
    obligations: list
    due: dt.date | None
    overdue: bool


LIMIT = 100  # the most urgent first; a national regulator has thousands of cases in motion
LIVE = (Obligation.State.OPEN, Obligation.State.OVERDUE)


def _pack_states(roles: set[str]) -> Q:
    """Cases in a stage some transition of their pack lets one of `roles` take, or (for a district
    regulator) a stage that records a supervisor's report: where the person may have to act."""
    condition = Q(pk__in=[])
    packs = registry()
    for code in packs.codes():
        for pack in packs.versions(code):
            states = {s for t in pack.transitions if roles & set(t.roles) for s in t.from_}
            if Role.DISTRICT_REGULATOR in roles:
                states |= {t.to for t in pack.transitions if "supervisor" in t.records}
            if states:
                condition |= Q(
                    rulepack_code=pack.code, rulepack_version=pack.version, state__in=states
                )
    return condition


def _candidates(user, roles: set[str], now: dt.date):
    """The cases where the person may act, most urgent first, in SQL: a superset of the worklist
    (the person's roles for each case are checked after), never the whole scope."""
    mine = Obligation.objects.filter(
        case_id=OuterRef("pk"), state__in=LIVE, responsible_role__in=roles
    )
    answering = Obligation.objects.filter(state__in=LIVE, responsible_role__in=roles)
    return (
        cases_for(user)
        .filter(_pack_states(roles) | Q(pk__in=answering.values("case_id")))
        .annotate(
            first_due=Subquery(mine.order_by("deadline__due").values("deadline__due")[:1]),
            late=Exists(mine.filter(Q(state="overdue") | Q(kind="maximum", deadline__due__lt=now))),
        )
        .order_by(F("late").desc(), F("first_due").asc(nulls_last=True), "-pk")
        .prefetch_related(
            Prefetch(
                "obligations",
                queryset=Obligation.objects.filter(state__in=LIVE).select_related("deadline"),
            )
        )
    )


def worklist(user, *, limit: int | None = None) -> list[WorkItem]:
    """What waits for me: cases where I can act, with the obligations I answer for; the `limit`
    most urgent (overdue first, then by due date, then the newest)."""
    items = []
    now = clock.today()
    roles = {a.role for a in assignments(user)}
    if not roles:
        return items
    for case in _candidates(user, roles, now)[: limit or LIMIT]:
        roles = case_roles(user, case)
        if not roles:
            continue
        transitions = available_transitions(user, case, roles=roles)
        mine = [o for o in case.obligations.all() if o.is_live and o.responsible_role in roles]
        supervising = (
            Role.DISTRICT_REGULATOR in roles
            and case.supervisor
            and not case.pack.stage(case.state).terminal
            and case.state in {t.to for t in case.pack.transitions if "supervisor" in t.records}
        )
        if not transitions and not mine and not supervising:
            continue
        # The date shown is mine when I answer for one; otherwise the case's next live time limit,
        # so that a case with a time limit running never shows an empty due date.
        live = [o for o in case.obligations.all() if o.is_live]
        due = min((o.deadline.due for o in mine or live), default=None)
        overdue = any(
            o.state == "overdue" or (o.kind == "maximum" and o.deadline.due < now) for o in mine
        )
        items.append(WorkItem(case, transitions, mine, due, overdue))
    items.sort(key=lambda i: (not i.overdue, i.due or dt.date.max, -i.case.pk))
    return items
