"""What waits for a person: cases where they can act, with the obligations they answer for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case as DbCase
from django.db.models import Exists, Max, Min, OuterRef, Q, Subquery, Value, When

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments
from metrohub.cases.models import Case, Obligation
from metrohub.cases.services import clock
from metrohub.cases.services.scope import case_roles, cases_for
from metrohub.cases.services.stages import available_transitions
from metrohub.organisations.models import Jurisdiction
from metrohub.rulepacks.services import registry


@dataclass
class WorkItem:
    case: Case
    transitions: list
    due: dt.date | None
    overdue: bool


# The most urgent first; a national regulator has thousands of cases in motion. As many as a page
# of the full list below it (which holds the rest, with an "overdue" filter); the page says when
# the worklist is cut.
LIMIT = 50
LIVE = (Obligation.State.OPEN, Obligation.State.OVERDUE)

# (registry, roles) → (registry, Q): the condition is compiled once per set of roles and per
# registry (a new pack version makes a new registry), not for every request
_COMPILED: dict[tuple[int, frozenset[str]], tuple[object, Q]] = {}


def _stages_to_act(pack, roles: set[str]) -> set[str]:
    """The stages of `pack` (one kind's procedure) where one of `roles` may have to act: left by a
    transition one of them takes, or (for a district regulator) recording a supervisor's report."""
    states = {s for t in pack.transitions if roles & set(t.roles) for s in t.from_}
    if Role.DISTRICT_REGULATOR in roles:
        states |= {t.to for t in pack.transitions if "supervisor" in t.records}
    return states


def _pack_states(roles: set[str]) -> Q:
    """Cases in a stage where one of `roles` may act, pack version by pack version and kind by
    kind: one OR over the registry, built once and reused."""
    packs = registry()
    key = (id(packs), frozenset(roles))
    cached = _COMPILED.get(key)
    if cached is not None and cached[0] is packs:
        return cached[1]
    condition = Q(pk__in=[])
    for code in packs.codes():
        for version in packs.versions(code):
            for kind in version.kinds():
                states = _stages_to_act(version.for_kind(kind), roles)
                if states:
                    condition |= Q(
                        rulepack_code=version.code,
                        rulepack_version=version.version,
                        kind=kind,
                        state__in=sorted(states),
                    )
    if len(_COMPILED) > 64:  # registries come and go; a handful of role sets each
        _COMPILED.clear()
    _COMPILED[key] = (packs, condition)
    return condition


def _late(now: dt.date) -> Q:
    return Q(state=Obligation.State.OVERDUE) | Q(kind="maximum", due_on__lt=now)


def _late_flag(now: dt.date) -> DbCase:
    """1 for a live obligation that is late (overdue, or a maximum past its due date), else 0."""
    return DbCase(When(_late(now), then=Value(1)), default=Value(0))


def _candidate_ids(user, roles: set[str], now: dt.date, limit: int) -> list[int]:
    """The `limit` most urgent cases where the person may act, in SQL: a superset of the worklist
    (the person's roles for each case are checked after), never the whole scope.

    Cases with a live obligation the person's roles answer for come first (overdue first, then
    by their earliest due date, then the newest): the obligations are aggregated once, grouped by
    case, rather than a subquery per case. Then, if room is left, the newest cases in a stage where
    the person may act and with no such obligation."""
    scope = cases_for(user).order_by().values("pk")
    answering = Obligation.objects.filter(state__in=LIVE, responsible_role__in=roles)
    answered = (
        answering.filter(case_id__in=scope)
        .values("case_id")
        .annotate(first_due=Min("due_on"), late=Max(_late_flag(now)))
        .order_by("-late", "first_due", "-case_id")
        .values_list("case_id", flat=True)[:limit]
    )
    ids = list(answered)
    if len(ids) < limit:
        rest = (
            cases_for(user)
            .filter(_pack_states(roles))
            .exclude(Exists(answering.filter(case_id=OuterRef("pk"))))
            .order_by("-pk")
            .values_list("pk", flat=True)[: limit - len(ids)]
        )
        ids.extend(rest)
    return ids


def _supervised_stages(pack) -> set[str]:
    return {t.to for t in pack.transitions if "supervisor" in t.records}


def _due_by_role(ids: list[int], now: dt.date) -> dict[int, dict[str, tuple[dt.date, bool]]]:
    """For each case, for each role answering for one of its live obligations: the earliest due
    date and whether one is late. One grouped query; no obligation is loaded."""
    rows = (
        Obligation.objects.filter(case_id__in=ids, state__in=LIVE)
        .order_by()
        .values_list("case_id", "responsible_role")
        .annotate(due=Min("due_on"), late=Max(_late_flag(now)))
    )
    found: dict[int, dict[str, tuple[dt.date, bool]]] = {}
    for case_id, role, due, late in rows:
        found.setdefault(case_id, {})[role] = (due, bool(late))
    return found


#: what deciding and showing a worklist row reads of a case
WORK_COLUMNS = (
    "kind", "rulepack_code", "rulepack_version", "state", "center_name", "supervisor",
    "applicant__name", "applicant__name_en", "jurisdiction_id", "district_id",
)  # fmt: skip


def _load(ids: list[int]) -> list[Case]:
    """The candidates (all in the person's scope: they were picked from it) with their applicant,
    and their jurisdiction and district with the parents above them (who acts for a case is read
    up the tree) from one query over the few jurisdictions they name. Joining the five levels of
    the tree to every case made PostgreSQL spend longer planning the query than running it."""
    cases = list(Case.objects.filter(pk__in=ids).select_related("applicant").only(*WORK_COLUMNS))
    named = {c.jurisdiction_id for c in cases} | {c.district_id for c in cases}
    tree = Jurisdiction.objects.select_related("parent__parent").in_bulk(named - {None})
    for case in cases:
        case.jurisdiction = tree[case.jurisdiction_id]
        case.district = tree.get(case.district_id)
    return cases


def worklist(user, *, limit: int | None = None) -> list[WorkItem]:
    """What waits for me: cases where I can act, with the obligations I answer for; the `limit`
    most urgent (overdue first, then by due date, then the newest)."""
    items = []
    now = clock.today()
    roles = {a.role for a in assignments(user)}
    if not roles:
        return items
    ids = _candidate_ids(user, roles, now, limit or LIMIT)
    if not ids:
        return items
    dues = _due_by_role(ids, now)
    for case in _load(ids):
        roles = case_roles(user, case)
        if not roles:
            continue
        pack = case.pack
        transitions = available_transitions(user, case, roles=roles)
        live = dues.get(case.pk, {})
        mine = [value for role, value in live.items() if role in roles]
        supervising = (
            Role.DISTRICT_REGULATOR in roles
            and case.supervisor
            and case.state in _supervised_stages(pack)
            and not pack.stage(case.state).terminal
        )
        if not transitions and not mine and not supervising:
            continue
        # The date shown is mine when I answer for one; otherwise the case's next live time limit,
        # so that a case with a time limit running never shows an empty due date.
        due = min((d for d, _late in mine or live.values()), default=None)
        overdue = any(late for _due, late in mine)
        items.append(WorkItem(case, transitions, due, overdue))
    items.sort(key=lambda i: (not i.overdue, i.due or dt.date.max, -i.case.pk))
    return items


def with_next_due(queryset):
    """Cases with their next live due date as a column (`next_due_on`): a scalar subquery run for
    the rows read only (a page), never for the whole scope."""
    live = Obligation.objects.filter(case_id=OuterRef("pk"), state__in=LIVE)
    return queryset.annotate(next_due_on=Subquery(live.order_by("due_on").values("due_on")[:1]))


def with_due(queryset):
    """Cases with their next live due date (`next_due_on`) and one of their time limits that has
    run out, if any (`late_obligation_id`; None when none has) as columns: computed for the rows
    read (a page, an export), without loading every obligation of every case. Both are scalar
    subqueries, run for the rows read only (an EXISTS may be planned as a hash of every late
    obligation in the country)."""
    live = Obligation.objects.filter(case_id=OuterRef("pk"), state__in=LIVE)
    return with_next_due(queryset).annotate(
        late_obligation_id=Subquery(live.filter(_late(clock.today())).values("pk")[:1]),
    )
