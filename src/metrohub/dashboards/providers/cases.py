"""Procedure panels: next actions, cases by stage, obligations due and overdue, plan targets."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.dashboards import labels
from metrohub.dashboards.registry import Block, panel

REGULATORS = (Role.PROGRAMME_REGULATOR, Role.DISTRICT_REGULATOR, Role.PLATFORM_ADMIN)
PROCEDURE_ROLES = (*REGULATORS, Role.COMPETENT_AUTHORITY, Role.APPLICANT, Role.CENTER_DIRECTOR)
DUE_SOON_DAYS = 30
LIST_LIMIT = 10


def live_obligations(viewer):
    from metrohub.cases.models import Obligation

    return Obligation.objects.filter(
        case__in=viewer.cases().values("pk"),
        state__in=(Obligation.State.OPEN, Obligation.State.OVERDUE),
    )


def overdue_q(today: dt.date) -> Q:
    """Overdue as read on `today`: marked so, or an open maximum past its due date (the daily
    job may not have marked it yet)."""
    return Q(state="overdue") | Q(state="open", kind="maximum", due_on__lt=today)


def _obligation_item(o, today: dt.date) -> dict:
    case = o.case
    overdue = o.state_on(today) == "overdue"
    return {
        "title": case.center_name,
        "detail": labels.deadline(case.rulepack_code, case.rulepack_version, o.code, case.kind),
        "stage": labels.stage(case.rulepack_code, case.rulepack_version, case.state, case.kind),
        "due": o.due_on,
        "due_label": labels.date(o.due_on),
        "overdue": overdue,
        "url": reverse("cases:detail", args=[case.pk]),
    }


def _obligation_block(queryset, viewer, empty) -> Block:
    # The due date kept on the obligation: PostgreSQL walks the live obligations' index in date
    # order and stops at the tenth in scope, never joining the deadlines.
    rows = list(queryset.select_related("case").order_by("due_on", "pk")[:LIST_LIMIT])
    items = [_obligation_item(o, viewer.today) for o in rows]
    return Block(
        columns=[_("Case"), _("Duty"), _("Stage"), _("Due"), _("Overdue")],
        rows=[
            [i["title"], i["detail"], i["stage"], i["due_label"], _("yes") if i["overdue"] else ""]
            for i in items
        ],
        kind="list",
        items=items,
        empty=empty,
    )


@panel("next_actions", gettext_lazy("Your next actions"), roles=PROCEDURE_ROLES, order=10)
def next_actions(viewer) -> Block:
    """The live obligations this role answers for, earliest first (overdue ones lead)."""
    mine = live_obligations(viewer)
    if viewer.role != Role.PLATFORM_ADMIN:
        mine = mine.filter(responsible_role=viewer.role)
    return _obligation_block(mine, viewer, gettext_lazy("Nothing waits for you."))


@panel(
    "duties",
    gettext_lazy("Duties of my centers with their dates"),
    roles=(Role.CENTER_DIRECTOR,),
    order=12,
)
def duties(viewer) -> Block:
    """Every live obligation on the cases of the director's centers, whoever answers for it."""
    from metrohub.cases.models import Case, Obligation

    cases = Case.objects.filter(
        Q(applicant_id__in=viewer.organisation_ids) | Q(center__in=viewer.centers())
    )
    live = Obligation.objects.filter(
        case__in=cases.values("pk"), state__in=(Obligation.State.OPEN, Obligation.State.OVERDUE)
    )
    return _obligation_block(live, viewer, gettext_lazy("No procedure duty is open."))


@panel("obligations", gettext_lazy("Obligations due and overdue"), roles=REGULATORS, order=20)
def obligations(viewer) -> Block:
    """Counts across the area: open, due within 30 days, overdue, and met after their due date
    (late: fulfilled, but not on time); and the overdue ones listed."""
    from metrohub.cases.models import Obligation

    live = live_obligations(viewer)
    today = viewer.today
    # The three live figures from the live obligations' index alone (an index-only scan); the
    # late ones, closed, by their state.
    counts = live.aggregate(
        open=Count("pk"),
        soon=Count(
            "pk",
            filter=Q(due_on__gte=today, due_on__lte=today + dt.timedelta(DUE_SOON_DAYS))
            & ~overdue_q(today),
        ),
        overdue=Count("pk", filter=overdue_q(today)),
    )
    counts["late"] = Obligation.objects.filter(
        case__in=viewer.cases().values("pk"), state=Obligation.State.LATE
    ).count()
    block = _obligation_block(
        live.filter(overdue_q(today)), viewer, gettext_lazy("No obligation is overdue.")
    )
    block.kind = "figures+list"
    block.figures = [
        {"key": "open", "label": _("Open obligations"), "value": counts["open"]},
        {"key": "due_soon", "label": _("Due within 30 days"), "value": counts["soon"]},
        {"key": "overdue", "label": _("Overdue"), "value": counts["overdue"]},
        {"key": "late", "label": _("Met late"), "value": counts["late"]},
    ]
    return block


@panel("cases_by_stage", gettext_lazy("Cases by stage"), roles=REGULATORS, order=40)
def cases_by_stage(viewer) -> Block:
    rows = (
        viewer.cases()
        .order_by()
        .values("rulepack_code", "rulepack_version", "kind", "state")
        .annotate(n=Count("pk"))
    )
    merged: dict[str, int] = {}
    for row in rows:
        name = labels.stage(
            row["rulepack_code"], row["rulepack_version"], row["state"], row["kind"]
        )
        merged[name] = merged.get(name, 0) + row["n"]
    return Block(
        columns=[_("Stage"), _("Cases")],
        rows=[[k, v] for k, v in sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))],
        kind="bar",
        empty=gettext_lazy("No case has been filed yet."),
    )


@panel(
    "my_cases",
    gettext_lazy("My applications"),
    roles=(Role.APPLICANT, Role.CENTER_DIRECTOR),
    order=15,
)
def my_cases(viewer) -> Block:
    from metrohub.cases.models import Case

    # applications only: a center's duties (annual reports, inspections…) have their own panel
    applications = viewer.cases().filter(kind=Case.ESTABLISHMENT)
    cases = list(applications.order_by("-filed_on", "-pk")[:LIST_LIMIT])
    items = [
        {
            "title": c.center_name,
            "detail": labels.stage(c.rulepack_code, c.rulepack_version, c.state, c.kind),
            "due_label": labels.date(c.filed_on),
            "overdue": False,
            "url": reverse("cases:detail", args=[c.pk]),
        }
        for c in cases
    ]
    return Block(
        columns=[_("Case"), _("Stage"), _("Filed on")],
        rows=[[i["title"], i["detail"], i["due_label"]] for i in items],
        kind="list",
        items=items,
        # the first visit of a new applicant: say where an application starts
        empty=gettext_lazy(
            "No application has been filed yet: start one with “New application” on the Cases page."
        ),
    )


# ----------------------------------------------------------------------------- plan targets


def packs_for(viewer) -> list:
    """The latest version of each pack whose jurisdiction this role regulates."""
    from metrohub.organisations.models import Jurisdiction
    from metrohub.rulepacks.services import registry

    reg = registry()
    latest = [reg.latest(code) for code in reg.codes()]
    ids = viewer.jurisdiction_ids
    if ids is None:
        return latest
    codes = set(Jurisdiction.objects.filter(pk__in=ids).values_list("code", flat=True))
    return [p for p in latest if p.pack.jurisdiction in codes]


@panel(
    "plan_targets",
    gettext_lazy("Centers against the plan targets"),
    roles=(Role.PROGRAMME_REGULATOR, Role.PLATFORM_ADMIN),
    order=30,
)
def plan_targets(viewer) -> Block | None:
    """Each target of the development plan against the centers built (established) and in
    preparation at its level, in the pack's jurisdiction."""
    from metrohub.centers.models import Center

    packs = [p for p in packs_for(viewer) if p.plan_targets]
    if not packs:
        return None
    prefixes = {p.pack.jurisdiction[:2] for p in packs}
    counts: dict[tuple[str, str, str], int] = {}
    condition = Q(pk__in=[])
    for prefix in prefixes:
        condition |= Q(jurisdiction__code__startswith=prefix)
    rows = viewer.centers().filter(condition)
    for row in (
        rows.order_by().values("jurisdiction__code", "level", "status").annotate(n=Count("pk"))
    ):
        key = (row["jurisdiction__code"][:2], row["level"], row["status"])
        counts[key] = counts.get(key, 0) + row["n"]
    out, notes = [], []
    for pack in packs:
        prefix = pack.pack.jurisdiction[:2]
        name = (
            pack.pack.jurisdiction_name_en if labels.english() else pack.pack.jurisdiction_name_zh
        )
        for t in sorted(pack.plan_targets, key=lambda t: (t.year, t.level)):
            built = counts.get((prefix, t.level, Center.Status.ESTABLISHED), 0)
            preparing = counts.get((prefix, t.level, Center.Status.PREPARING), 0)
            level = str(Center.Level(t.level).label)
            label = f"{name} {t.year} · {level}" if len(packs) > 1 else f"{t.year} · {level}"
            out.append([label, t.count, built, preparing])
        first = pack.plan_targets[0]
        notes.append(
            f"{first.source_document}{getattr(first, 'article', '') and ' ' + first.article}"
        )
    return Block(
        columns=[_("Target"), _("Planned"), _("Established"), _("In preparation")],
        rows=out,
        kind="target",
        note=_("Source: %(sources)s") % {"sources": "；".join(dict.fromkeys(notes))},
    )


@panel(
    "supervision_visits",
    gettext_lazy("Supervision visits"),
    roles=(Role.DISTRICT_REGULATOR, Role.PROGRAMME_REGULATOR),
    order=25,
)
def supervision_visits(viewer) -> Block:
    """Visits of the supervision team to cases in the area: how many this year, the latest."""
    from metrohub.cases.models import SupervisionVisit

    visits = SupervisionVisit.objects.filter(case__in=viewer.cases().values("pk"))
    this_year = visits.filter(visited_on__year=viewer.today.year).count()
    latest = list(visits.select_related("case").order_by("-visited_on", "-pk")[:5])
    items = [
        {
            "title": v.case.center_name,
            "detail": v.findings[:80],
            "due_label": labels.date(v.visited_on),
            "overdue": False,
            "url": reverse("cases:detail", args=[v.case_id]),
        }
        for v in latest
    ]
    return Block(
        columns=[_("Case"), _("Findings"), _("Visited on")],
        rows=[[i["title"], i["detail"], i["due_label"]] for i in items],
        kind="figures+list",
        items=items,
        figures=[{"key": "this_year", "label": _("Visits this year"), "value": this_year}],
        empty=gettext_lazy("No supervision visit is recorded yet."),
    )


@panel(
    "inspections",
    gettext_lazy("Inspections this year"),
    roles=(Role.DISTRICT_REGULATOR, Role.PROGRAMME_REGULATOR),
    order=26,
)
def inspections(viewer) -> Block:
    """The year's inspections of established centers (the duty a district bureau owes each year):
    how many are owed, done (past their first stage), still to do and overdue; those to do
    listed by their due date."""
    year = viewer.today.year
    owed = viewer.cases().filter(kind="inspection", period=str(year))
    by_stage = owed.order_by().values("rulepack_code", "rulepack_version", "state")
    done = total = 0
    for row in by_stage.annotate(n=Count("pk")):
        total += row["n"]
        pack = labels.pack(row["rulepack_code"], row["rulepack_version"])
        if pack is None or row["state"] != pack.for_kind("inspection").initial_stage().code:
            done += row["n"]
    due = live_obligations(viewer).filter(
        case__in=owed.values("pk"), code=F("case__schedule"), case__kind="inspection"
    )
    block = _obligation_block(due, viewer, gettext_lazy("No inspection is waiting this year."))
    block.kind = "figures+list"
    block.figures = [
        {"key": "owed", "label": _("Owed this year"), "value": total},
        {"key": "done", "label": _("Done"), "value": done},
        {"key": "to_do", "label": _("To do"), "value": total - done},
        {
            "key": "overdue",
            "label": _("Overdue"),
            "value": due.filter(overdue_q(viewer.today)).count(),
        },
    ]
    return block
