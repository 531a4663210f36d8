"""What waits for a person: cases where they can act, with the obligations they answer for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from metrohub.accounts.models import Role
from metrohub.cases.models import Case
from metrohub.cases.services import clock
from metrohub.cases.services.scope import case_roles, cases_for
from metrohub.cases.services.stages import available_transitions


@dataclass
class WorkItem:
    case: Case
    transitions: list
    obligations: list
    due: dt.date | None
    overdue: bool


def worklist(user) -> list[WorkItem]:
    """What waits for me: cases where I can act, with the obligations I answer for."""
    items = []
    now = clock.today()
    for case in cases_for(user).prefetch_related("obligations__deadline"):
        roles = case_roles(user, case)
        if not roles:
            continue
        transitions = available_transitions(user, case)
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
