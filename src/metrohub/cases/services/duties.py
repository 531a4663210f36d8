"""Duty schedules: the cases the platform opens by itself after approval to build — annual
reports, the district bureau's yearly inspection, the five-year review, the evaluation before the
construction period ends — and the cases people open by hand about a center (an unannounced
inspection, a capability change).

Each schedule of the pack in force names the procedure kind it opens and cites its article. As of
a day, every center whose status the schedule applies to has at most one case per schedule and
period (a year, a cycle): a unique constraint, so running the daily job twice, or two at once,
never opens a duty twice. Only the latest period whose opening day has come is opened: a replay
opens a missed day, not years of back-fill (docs/lifecycle.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.cases.models import Case, Decision, Obligation
from metrohub.cases.services import clock
from metrohub.cases.services.scope import case_roles, cases_for
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event
from metrohub.legaltime.services import store_deadline
from metrohub.rulepacks.services import registry

#: a schedule's `applies_to` → the center statuses it covers
APPLIES = {
    "construction": {"preparing"},
    "established": {"established"},
    "construction_and_established": {"preparing", "established"},
}


@dataclass(frozen=True)
class Due:
    """One duty due for one center: the case the schedule opens for `period`."""

    pack: object
    schedule: object
    base: Case  # the center's establishment case
    period: str
    opens_on: dt.date
    due: dt.date


def establishment_cases():
    """The establishment cases whose center is in the registry (in preparation or established)."""
    return (
        Case.objects.filter(
            kind=Case.ESTABLISHMENT, center__status__in=("preparing", "established")
        )
        .select_related("center", "applicant", "jurisdiction", "district")
        .order_by("pk")
    )


def recorded_before(centers) -> list[Case]:
    """Centers the registry holds (in preparation or established) with no establishment case on
    the platform — established before it went into service and entered by hand — each with an
    unsaved stand-in for the establishment case the platform never saw: the pack of its province,
    its host as applicant, its province and (where it is recorded at district level) district.
    Their duties run all the same: a center established in 2023 reports for 2026 like one
    established here. `centers`: a queryset of the centers to consider."""
    from metrohub.centers.services import province_packs
    from metrohub.organisations.models import Jurisdiction

    packs = province_packs()
    centers = (
        centers.filter(status__in=("preparing", "established"))
        .exclude(cases__kind=Case.ESTABLISHMENT)
        .select_related("host", "jurisdiction__parent__parent")
        .order_by("pk")
    )
    out = []
    for center in centers:
        province = center.province()
        code = packs.get(province.code)
        if code is None:
            continue
        district = (
            center.jurisdiction
            if center.jurisdiction.level == Jurisdiction.Level.DISTRICT
            else None
        )
        out.append(
            Case(
                kind=Case.ESTABLISHMENT,
                rulepack_code=code,
                state="established",
                filed_on=center.established_on or timezone.localtime(center.created_at).date(),
                applicant=center.host,
                jurisdiction=province,
                district=district,
                center=center,
                center_name=center.name,
            )
        )
    return out


def _since(base: Case, approvals: dict[int, dt.date]) -> dt.date:
    """The day the center entered its status: established on, else approved to build."""
    if base.center.status == "established" and base.center.established_on:
        return base.center.established_on
    return approvals.get(base.pk, base.filed_on)


def _yearly(s, on: dt.date, since: dt.date):
    """The latest year whose opening day has come (and came after `since`)."""
    for year in (on.year + 1, on.year, on.year - 1):
        due = dt.date(year, s.due_month, s.due_day)
        opens = (
            dt.date(year, 1, 1)
            if s.rule == "yearly_per_district"
            else due - dt.timedelta(days=s.opens_days_before)
        )
        if opens <= on:
            return (str(year), opens, due) if opens >= since else None
    return None


def _years_after(s, on: dt.date, since: dt.date):
    """The latest cycle (since + k·N years, k ≥ 1) whose opening day has come."""
    found, k = None, 1
    while True:
        due = since + relativedelta(years=k * s.years)
        opens = due - dt.timedelta(days=s.opens_days_before)
        if opens > on:
            return found
        found, k = (str(due.year), opens, due), k + 1


def _before_period_ends(s, on: dt.date, base: Case):
    if base.pk is None:
        return None  # recorded before the platform: no construction period on record
    ob = next(
        (
            o
            for o in base.obligations.all()
            if o.code == s.period_deadline and o.state in ("open", "overdue")
        ),
        None,
    )
    if ob is None:
        return None
    due = ob.deadline.due
    opens = due - dt.timedelta(days=s.opens_days_before)
    return (due.isoformat(), opens, due) if opens <= on else None


def due_on(on: dt.date) -> list[Due]:
    """Every duty whose case should be open on `on` (opened or not yet)."""
    bases = list(establishment_cases().prefetch_related("obligations__deadline"))
    approvals = dict(
        Decision.objects.filter(
            case__in=bases, kind=Decision.Kind.APPROVAL_TO_BUILD, document_date__isnull=False
        ).values_list("case_id", "document_date")
    )
    from metrohub.centers.models import Center

    bases += recorded_before(Center.objects.all())
    out = []
    for base in bases:
        try:
            pack = registry().in_force(base.rulepack_code, on)
        except LookupError:
            continue
        since = _since(base, approvals)
        for s in pack.duty_schedules:
            if not s.opens_case or base.center.status not in APPLIES[s.applies_to]:
                continue
            if base.center.status not in pack.procedure(s.procedure).center_status:
                continue
            if s.rule == "yearly_per_district" and base.district_id is None:
                continue  # recorded without its district: no district bureau to inspect it
            if s.rule in ("yearly_by_date", "yearly_per_district"):
                found = _yearly(s, on, since)
            elif s.rule == "years_after_event":
                found = _years_after(s, on, since)
            else:
                found = _before_period_ends(s, on, base)
            if found is not None:
                out.append(Due(pack, s, base, *found))
    return out


def open_due(*, on: dt.date | None = None, center=None, schedule: str = "") -> list[Case]:
    """Open every duty due on `on` that is not open yet — only `center`'s, only `schedule`'s
    when given (the demo's history opens each duty on its own day); returns the cases opened."""
    on = on or clock.today()
    opened = []
    existing = set(Case.objects.exclude(schedule="").values_list("center_id", "schedule", "period"))
    for due in due_on(on):
        if (due.base.center_id, due.schedule.code, due.period) in existing:
            continue
        if (center is not None and due.base.center_id != center.pk) or (
            schedule and due.schedule.code != schedule
        ):
            continue
        case = _open(due, on)
        if case is not None:
            opened.append(case)
    return opened


def _store_due(s, pack, opens: dt.date, due: dt.date):
    """The schedule's due date through the legal calculator, so a due date on a rest day moves
    to the next working day (民法典 art. 203) and the steps explain it."""
    days = max(1, (due - opens).days)
    return store_deadline(
        start=due - dt.timedelta(days=days),
        count=days,
        unit="days",
        rule=f"{pack.key}:{s.code}",
        article=s.article,
        next_working_day=s.next_working_day,
    )


def _open(due: Due, on: dt.date) -> Case | None:
    s, pack, base = due.schedule, due.pack, due.base
    kind = pack.for_kind(s.procedure)
    try:
        with transaction.atomic():
            case = _new_case(base, pack, s.procedure, kind.initial_stage().code, on)
            case.schedule, case.period = s.code, due.period
            case.save()
            stored = _store_due(s, pack, due.opens_on, due.due)
            deadline = kind.deadline(s.code)
            ob = Obligation.objects.create(
                case=case,
                code=s.code,
                deadline=stored,
                due_on=stored.due,
                kind=deadline.kind,
                article=s.article,
                responsible_role=s.responsible,
                opened_by=f"schedule:{s.code}",
            )
            append_event(
                subject=case.subject,
                action="case.opened",
                actor=None,
                article=s.article,
                effective_date=on,
                payload={
                    "rulepack": pack.key,
                    "kind": s.procedure,
                    "schedule": s.code,
                    "period": due.period,
                    "center": base.center.code,
                    "due": ob.deadline.due.isoformat(),
                },
            )
    except IntegrityError:
        return None  # opened meanwhile by another run
    return case


def _new_case(base: Case, pack, kind: str, state: str, on: dt.date, actor=None) -> Case:
    return Case(
        kind=kind,
        rulepack_code=pack.code,
        rulepack_version=pack.version,
        state=state,
        filed_on=on,
        applicant=base.applicant,
        jurisdiction=base.jurisdiction,
        district=base.district,
        center=base.center,
        center_name=base.center.name,
        center_name_en=base.center.name_en or "",
        industry_domain=base.industry_domain,
        created_by=actor,
    )


def base_case(actor, center_code: str) -> Case:
    """The establishment case of the center `center_code`, seen through the actor's scope."""
    code = str(center_code or "")[:32]
    base = cases_for(actor).filter(kind=Case.ESTABLISHMENT, center__code=code).first()
    if base is not None:
        return base
    from metrohub.centers.models import Center

    recorded = recorded_before(Center.objects.filter(code=code))
    if not recorded or not case_roles(actor, recorded[0]):
        raise Http404  # no such center, or outside the actor's scope
    return recorded[0]


# Kinds opened on a page of their own (which also leads to a case the year's duty has opened).
OWN_PAGE_KINDS = frozenset({"inspection"})


def openable_kinds(actor, center_code: str) -> list:
    """The kinds of case the actor may open by hand about the center today (the pack in force:
    the roles its `filed_by` names, the center statuses it concerns), save those opened on a page
    of their own; [] outside the actor's scope."""
    try:
        base = base_case(actor, center_code)
    except Http404:
        return []
    pack = registry().in_force(base.rulepack_code, clock.today())
    roles = case_roles(actor, base)
    return [
        p
        for p in pack.procedures
        if p.code not in OWN_PAGE_KINDS
        and roles & set(p.filed_by)
        and base.center.status in p.center_status
    ]


def open_case(*, actor, kind: str, center: str) -> Case:
    """A person opens a case of `kind` about a center (an unannounced inspection, a capability
    change): the pack in force today, the roles the kind names in `filed_by`."""
    base = base_case(actor, center)
    on = clock.today()
    pack = registry().in_force(base.rulepack_code, on)
    if kind not in pack.kinds() or kind == Case.ESTABLISHMENT:
        raise ValidationError({"kind": [_("Unknown kind of case.")]})
    procedure = pack.procedure(kind)
    if not case_roles(actor, base) & set(procedure.filed_by):
        raise PermissionDenied(
            _("%(kind)s is opened by: %(roles)s.")
            % {
                "kind": procedure.name_zh,
                "roles": "、".join(pack.role(r).name_zh for r in procedure.filed_by) or "—",
            }
        )
    if base.center.status not in procedure.center_status:
        raise Conflict(
            _("%(kind)s does not concern a center that is %(status)s.")
            % {"kind": procedure.name_zh, "status": base.center.get_status_display()}
        )
    with transaction.atomic():
        case = _new_case(base, pack, kind, pack.for_kind(kind).initial_stage().code, on, actor)
        case.save()
        append_event(
            subject=case.subject,
            action="case.opened",
            actor=actor,
            article=procedure.article,
            effective_date=on,
            payload={"rulepack": pack.key, "kind": kind, "center": base.center.code},
        )
    return case
