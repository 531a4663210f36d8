"""The construction task book (筹建任务书) as data.

The applicant (or the regulator, Hubei art. 12: the approval issues it) writes the goals, the
capability targets (areas and counts of lines), the milestones with their dates, the funding and
the people responsible; approval to build fixes it. During construction the builder submits its
detailed work plan (Hubei art. 13: 制定详细筹建工作计划), reports progress against the milestones,
and the regulator records the visits of its supervision team (督导组) with their findings; a
milestone past its date and not done is late, and the regulator sees it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.cases.models import Case, Milestone, ProgressReport, SupervisionVisit, TaskBook
from metrohub.cases.services import clock, effects, records
from metrohub.cases.services.scope import case_roles, cases_for
from metrohub.core import bounds
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event

#: The ten metrology areas (the catalogue's own list; repeated so the engine imports no app
#: built on it).
AREA_CHOICES = (
    ("geometric", gettext_lazy("geometric quantities")),
    ("thermal", gettext_lazy("thermal")),
    ("mechanical", gettext_lazy("mechanical")),
    ("electromagnetic", gettext_lazy("electromagnetic")),
    ("radio", gettext_lazy("radio")),
    ("time_frequency", gettext_lazy("time and frequency")),
    ("optical", gettext_lazy("optical")),
    ("acoustic", gettext_lazy("acoustic")),
    ("ionizing_radiation", gettext_lazy("ionizing radiation")),
    ("physico_chemical", gettext_lazy("physico-chemical")),
)
AREAS = tuple(code for code, _label in AREA_CHOICES)
CONSTRUCTION = ("construction", "construction_rectification")


def task_book(case: Case) -> TaskBook | None:
    return TaskBook.objects.filter(case=case).prefetch_related("milestones").first()


def _rows(value, key: str, limit: int) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > limit:
        raise ValidationError({key: [_("Give at most %(n)d rows.") % {"n": limit}]})
    return value


def _clean_people(rows) -> list[dict]:
    out = []
    for i, row in enumerate(_rows(rows, "responsible", 50)):
        if not isinstance(row, dict):
            raise ValidationError({f"responsible.{i}": [_("Give a name, a role and a duty.")]})
        given = bounds.texts(
            {
                f"responsible.{i}.name": (row.get("name"), 100),
                f"responsible.{i}.role": (row.get("role"), 100),
                f"responsible.{i}.duty": (row.get("duty"), 300),
            },
            required=(f"responsible.{i}.name",),
        )
        out.append({k.rsplit(".", 1)[1]: v for k, v in given.items()})
    return out


def _clean_targets(rows) -> list[dict]:
    out = []
    for i, row in enumerate(_rows(rows, "capability_targets", 20)):
        area = row.get("area") if isinstance(row, dict) else None
        count = row.get("count") if isinstance(row, dict) else None
        if area not in AREAS:
            raise ValidationError({f"capability_targets.{i}.area": [_("Choose a metrology area.")]})
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100000:
            raise ValidationError(
                {f"capability_targets.{i}.count": [_("Give a whole number from 1 to 100000.")]}
            )
        out.append({"area": area, "count": count})
    return out


def _clean_milestones(rows) -> list[dict]:
    out = []
    for i, row in enumerate(_rows(rows, "milestones", 60)):
        if not isinstance(row, dict):
            raise ValidationError({f"milestones.{i}": [_("Give a title and a date.")]})
        title = bounds.texts(
            {f"milestones.{i}.title": (row.get("title"), 200)}, required=(f"milestones.{i}.title",)
        )[f"milestones.{i}.title"]
        try:
            due = records.date(row.get("due"))
        except ValueError as exc:
            raise ValidationError({f"milestones.{i}.due": [str(exc)]}) from None
        out.append({"title": title, "due": due})
    return out


def _amount(value):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)[:20])
    except InvalidOperation:
        raise ValidationError({"funding_amount": [_("Give the amount as a number.")]}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ValidationError({"funding_amount": [_("Give the amount as a number.")]})
    return amount.quantize(Decimal("0.01"))


def save_task_book(
    *,
    actor,
    case: Case,
    goals: str = "",
    funding: str = "",
    funding_amount=None,
    responsible=None,
    capability_targets=None,
    milestones=None,
) -> TaskBook:
    """Write the draft task book: the applicant, or the programme regulator who issues it."""
    roles = case_roles(actor, case)
    if not roles & {Role.APPLICANT, Role.PROGRAMME_REGULATOR}:
        raise PermissionDenied(_("The applicant or the programme regulator writes the task book."))
    if case.pack.stage(case.state).terminal:
        raise Conflict(_("The procedure has ended."))
    text = bounds.texts({"goals": (goals, 5000), "funding": (funding, 2000)})
    people = _clean_people(responsible)
    targets = _clean_targets(capability_targets)
    steps = _clean_milestones(milestones)
    amount = _amount(funding_amount)
    with transaction.atomic():
        book, _created = TaskBook.objects.select_for_update().get_or_create(case=case)
        if book.state == TaskBook.State.ISSUED:
            raise Conflict(_("The task book was issued with the approval; it is fixed."))
        book.goals, book.funding, book.funding_amount = text["goals"], text["funding"], amount
        book.responsible, book.capability_targets = people, targets
        book.save()
        book.milestones.all().delete()
        Milestone.objects.bulk_create(
            Milestone(task_book=book, title=m["title"], due=m["due"]) for m in steps
        )
        append_event(
            subject=case.subject,
            action="task_book.saved",
            actor=actor,
            payload={"milestones": len(steps), "targets": targets},
        )
    return book


@effects.listen
def issue_with_the_approval(ctx) -> None:
    """Approval to build fixes the task book (Hubei art. 12 issues it with the approval)."""
    if ctx.transition.to != "construction" or ctx.previous in CONSTRUCTION:
        return
    book = TaskBook.objects.filter(case=ctx.case).first()
    if book is None or book.state == TaskBook.State.ISSUED:
        return
    book.state, book.issued_on = TaskBook.State.ISSUED, ctx.on
    book.save(update_fields=["state", "issued_on", "updated_at"])
    ctx.extra["task_book"] = {"milestones": book.milestones.count()}


def _constructing(case: Case) -> TaskBook:
    if case.state not in CONSTRUCTION:
        raise Conflict(_("This is recorded during construction."))
    book = task_book(case)
    if book is None or book.state != TaskBook.State.ISSUED:
        raise Conflict(_("The case has no issued task book."))
    return book


def _construction_article(case: Case) -> str:
    """The article of the pack's construction period (Hubei: 第十三条、第十四条)."""
    opened = [
        d
        for d in case.pack.deadlines
        if d.anchor_kind == "transition" and d.code == "construction_period"
    ]
    return opened[0].article if opened else ""


def submit_plan(*, actor, case: Case, plan: str) -> TaskBook:
    """The builder's detailed construction work plan (Hubei art. 13)."""
    if Role.APPLICANT not in case_roles(actor, case):
        raise PermissionDenied(_("The builder submits its work plan."))
    plan = bounds.texts({"plan": (plan, 20000)}, required=("plan",))["plan"]
    with transaction.atomic():
        book = _constructing(case)
        book.detailed_plan, book.plan_submitted_on = plan, clock.today()
        book.save(update_fields=["detailed_plan", "plan_submitted_on", "updated_at"])
        append_event(
            subject=case.subject,
            action="task_book.plan_submitted",
            actor=actor,
            article=_construction_article(case),
            payload={"length": len(plan)},
        )
    return book


def record_visit(*, actor, case: Case, visited_on, team, findings: str) -> SupervisionVisit:
    """A visit of the regulator's supervision team (督导组) with its findings."""
    if Role.PROGRAMME_REGULATOR not in case_roles(actor, case):
        raise PermissionDenied(_("The programme regulator records the supervision team's visits."))
    try:
        day = records.date(visited_on)
        members = records.lines(team, limit=20)
    except ValueError as exc:
        raise ValidationError({"visited_on" if not team else "team": [str(exc)]}) from None
    if day > clock.today():
        raise ValidationError({"visited_on": [_("A visit cannot lie in the future.")]})
    findings = bounds.texts({"findings": (findings, 10000)}, required=("findings",))["findings"]
    with transaction.atomic():
        _constructing(case)
        visit = SupervisionVisit.objects.create(
            case=case, visited_on=day, team=members, findings=findings, recorded_by=actor
        )
        append_event(
            subject=case.subject,
            action="task_book.visit_recorded",
            actor=actor,
            effective_date=day,
            payload={"visit": visit.pk, "team": members},
        )
    return visit


def report_progress(*, actor, case: Case, text: str, done=None) -> ProgressReport:
    """The builder reports against the milestones: `done` maps milestone id → date done."""
    if not case_roles(actor, case) & {Role.APPLICANT, Role.CENTER_DIRECTOR}:
        raise PermissionDenied(_("The builder reports its progress."))
    text = bounds.texts({"text": (text, 10000)}, required=("text",))["text"]
    done = done or {}
    if not isinstance(done, dict) or len(done) > 60:
        raise ValidationError({"done": [_("Give the milestones done, each with its date.")]})
    today = clock.today()
    with transaction.atomic():
        book = _constructing(case)
        milestones = {str(m.pk): m for m in book.milestones.all()}
        reported = []
        for key, value in done.items():
            milestone = milestones.get(str(key))
            if milestone is None:
                raise ValidationError(
                    {f"done.{key}"[:60]: [_("Not a milestone of this task book.")]}
                )
            try:
                day = records.date(value)
            except ValueError as exc:
                raise ValidationError({f"done.{key}": [str(exc)]}) from None
            if day > today:
                raise ValidationError(
                    {f"done.{key}": [_("A milestone cannot be done in the future.")]}
                )
            milestone.done_on = day
            milestone.save(update_fields=["done_on"])
            reported.append(
                {"milestone": milestone.pk, "done_on": day.isoformat(), "late": day > milestone.due}
            )
        report = ProgressReport.objects.create(
            case=case, submitted_on=today, text=text, milestones=reported, author=actor
        )
        append_event(
            subject=case.subject,
            action="task_book.progress_reported",
            actor=actor,
            payload={"report": report.pk, "milestones": reported},
        )
    return report


def late_milestones(user, *, on: dt.date | None = None) -> list[Milestone]:
    """Milestones of the regulator's cases under construction that are late (past their date and
    not done)."""
    on = on or clock.today()
    regulated = cases_for(user).filter(state__in=CONSTRUCTION).values("pk")
    return list(
        Milestone.objects.filter(
            task_book__case__in=regulated, done_on__isnull=True, due__lt=on
        ).select_related("task_book__case")
    )
