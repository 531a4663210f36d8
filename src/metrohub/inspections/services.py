"""Inspections after establishment: the checklist the pack gives (Hubei art. 20's four focus
items, Shanghai 五(三)'s six, Chongqing art. 27), a result and a note per item when the inspector
records the findings, a rectification ordered by a date only on a finding; and the district
bureau's yearly report on its inspections to the municipal bureau (Chongqing art. 27: 各区县局每年
应定期…监督检查，并将监督检查情况报市市场监管局).

The case's stages are the engine's (`record_findings`, `order_rectification`,
`report_rectification`, `close_inspection`); this module hooks into them: the checklist travels in
the `record_findings` payload (or is saved beforehand), fills the `findings` record, and is kept
item by item in `ChecklistResult`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments, holds
from metrohub.cases import services as cases
from metrohub.cases.models import Case, Decision
from metrohub.cases.services import duties
from metrohub.cases.services.context import Problem, guard, record_source
from metrohub.cases.services.effects import listen
from metrohub.core import bounds
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event, history
from metrohub.inspections.models import ChecklistResult, DistrictReport
from metrohub.rulepacks.services import registry

KIND = "inspection"
RECORD = "record_findings"
ORDER = "order_rectification"
RECTIFICATION = "inspection_rectification"
NOTE_LIMIT = 2000
SUMMARY_LIMIT = 20_000
REPORT_RULE = "yearly_report_per_district"
Result = ChecklistResult.Result


# ------------------------------------------------------------------------------ the checklist


def inspection_case(user, pk) -> Case:
    """An inspection in the user's scope; any other case is not found."""
    case = cases.get_case(user, pk)
    if case.kind != KIND:
        raise Http404
    return case


def checklist_items(case: Case) -> list:
    """The items the case's pack version checks (the kind's `checklist`)."""
    pack = registry().get(case.rulepack_code, case.rulepack_version)
    try:
        return list(pack.procedure(case.kind).checklist)
    except KeyError:
        return []


def checklist(case: Case) -> list[dict]:
    """Each item of the pack with its recorded result and note (one query); `name` in the
    reader's language."""
    saved = {r.item: r for r in ChecklistResult.objects.filter(case=case)}
    english = (get_language() or "").startswith("en")
    out = []
    for item in checklist_items(case):
        r = saved.get(item.code)
        out.append(
            {
                "item": item.code,
                "name_zh": item.name_zh,
                "name_en": item.name_en,
                "name": item.name_en if english else item.name_zh,
                "article": item.article,
                "result": r.result if r else None,
                "result_name": str(Result(r.result).label) if r else "",
                "note": r.note if r else "",
            }
        )
    return out


def clean_results(case: Case, results) -> dict[str, tuple[str, str]]:
    """{item: (result, note)} from a list of {item, result, note}; every error names its item."""
    if not isinstance(results, list):
        raise ValidationError({"checklist": [_("Give the checklist as a list of items.")]})
    items = {i.code: i for i in checklist_items(case)}
    out, errors = {}, {}
    for row in results[: len(items) + 20]:
        if not isinstance(row, dict):
            errors["checklist"] = [_("Each checklist entry is an item with its result.")]
            continue
        code = str(row.get("item") or "")[:80]
        key = f"checklist.{code}"
        if code not in items:
            errors[key] = [_("Not an item of this inspection's checklist.")]
            continue
        if code in out:
            errors[key] = [_("Each item is given once.")]
            continue
        result = row.get("result")
        if result not in Result.values:
            errors[key] = [
                _("“%(item)s”: choose conforming, finding or not checked.")
                % {"item": items[code].name_zh}
            ]
            continue
        try:
            note = bounds.bounded_text(row.get("note"), field=key, limit=NOTE_LIMIT)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if result == Result.FINDING and not note:
            errors[key] = [_("“%(item)s”: describe the finding.") % {"item": items[code].name_zh}]
            continue
        out[code] = (result, note)
    if len(results) > len(items) + 20:
        errors["checklist"] = [_("Too many checklist entries.")]
    if errors:
        raise ValidationError(errors)
    return out


def _inspects(actor, case: Case) -> bool:
    return bool(cases.case_roles(actor, case) & set(case.pack.transition(RECORD).roles))


def _store(case: Case, results: dict[str, tuple[str, str]], actor) -> None:
    for code, (result, note) in results.items():
        ChecklistResult.objects.update_or_create(
            case=case, item=code, defaults={"result": result, "note": note, "recorded_by": actor}
        )


def save_checklist(*, actor, case: Case, results) -> list[dict]:
    """The inspector saves the checklist before recording the findings (a draft)."""
    if not _inspects(actor, case):
        raise PermissionDenied(_("The inspecting bureau fills in the checklist."))
    if case.state != case.pack.initial_stage().code:
        raise Conflict(_("The findings are recorded; the checklist no longer changes."))
    clean = clean_results(case, results)
    with transaction.atomic():
        _store(case, clean, actor)
        append_event(
            subject=case.subject,
            action="inspection.checklist_saved",
            actor=actor,
            article=case.pack.transition(RECORD).article,
            payload={"checklist": {k: v[0] for k, v in clean.items()}},
        )
    return checklist(case)


def _merged(case: Case, payload) -> dict[str, tuple[str, str]]:
    """The saved results overlaid with those the transition's payload brings."""
    saved = {r.item: (r.result, r.note) for r in ChecklistResult.objects.filter(case=case)}
    given = payload.get("checklist")
    return {**saved, **(clean_results(case, given) if given not in (None, []) else {})}


def findings_lines(case: Case, results: dict[str, tuple[str, str]]) -> list[str]:
    """The checklist as the `findings` record: one line per item, in the pack's order."""
    lines = []
    for item in checklist_items(case):
        if item.code in results:
            result, note = results[item.code]
            label = str(Result(result).label)
            lines.append(f"{item.name_zh}：{label}" + (f"。{note}" if note else ""))
    return lines


def _applies(ctx) -> bool:
    return ctx.case.kind == KIND and bool(checklist_items(ctx.case))


@record_source
def _findings_from_checklist(ctx) -> dict:
    """Recording the findings: the checklist (given or saved) becomes the `findings` record."""
    if not _applies(ctx) or ctx.transition.name != RECORD:
        return {}
    results = _merged(ctx.case, ctx.payload)
    ctx.extra["checklist"] = {k: {"result": r, "note": n} for k, (r, n) in results.items()}
    return {"findings": findings_lines(ctx.case, results)} if results else {}


@guard
def _checklist_complete(ctx) -> list[Problem]:
    """Every item gets a result when the findings are recorded; rectification is ordered only
    on a finding."""
    if not _applies(ctx):
        return []
    if ctx.transition.name == RECORD:
        given = ctx.extra.get("checklist", {})
        return [
            Problem(
                422,
                f"checklist.{item.code}",
                _("Give a result for “%(item)s”.") % {"item": item.name_zh},
            )
            for item in checklist_items(ctx.case)
            if item.code not in given
        ]
    if ctx.transition.name == ORDER:
        found = ChecklistResult.objects.filter(case=ctx.case, result=Result.FINDING).exists()
        if not found:
            return [
                Problem(
                    409,
                    "checklist",
                    _("Rectification is ordered on a finding: no item of the checklist has one."),
                )
            ]
    return []


@listen
def _keep_checklist(ctx) -> None:
    if _applies(ctx) and ctx.transition.name == RECORD:
        results = {k: (v["result"], v["note"]) for k, v in ctx.extra["checklist"].items()}
        _store(ctx.case, results, ctx.actor)


def order_rectification(*, actor, case: Case, reasons, rectify_by) -> Case:
    """Order rectification by a date: the period runs from today to that day (a day that is a
    rest day or holiday moves to the first working day after it, as the pack extends it)."""
    if isinstance(rectify_by, str):
        try:
            rectify_by = dt.date.fromisoformat(rectify_by)
        except ValueError:
            raise ValidationError({"rectify_by": [_("Give a date as YYYY-MM-DD.")]}) from None
    if not isinstance(rectify_by, dt.date):
        raise ValidationError({"rectify_by": [_("Give the date to rectify by.")]})
    days = (rectify_by - cases.today()).days
    if not 1 <= days <= 3650:
        raise ValidationError(
            {"rectify_by": [_("The date to rectify by is after today, within ten years.")]}
        )
    return cases.take_transition(
        case=case,
        name=ORDER,
        actor=actor,
        payload={"reasons": reasons, "deadline_count": days},
    )


def rectification(case: Case) -> dict | None:
    """The latest rectification period: its due date, state and what is to be rectified."""
    ob = (
        case.obligations.filter(code=RECTIFICATION)
        .select_related("deadline")
        .order_by("-pk")
        .first()
    )
    if ob is None:
        return None
    order = history(case.subject).filter(action=f"transition.{ORDER}").last()
    return {
        "due": ob.deadline.due,
        "state": ob.current_state,
        "state_name": ob.get_current_state_display(),
        "reasons": ((order.payload.get("records") or {}).get("reasons", "") if order else ""),
    }


# -------------------------------------------------------------- the district's yearly report


def report_schedules(pack) -> list:
    return [s for s in pack.duty_schedules if s.rule == REPORT_RULE]


def open_reports(*, on: dt.date | None = None) -> list[DistrictReport]:
    """On and after 1 January, open last year's report for each district with a center whose
    pack in force has the schedule (idempotent: one report per district and year)."""
    on = on or cases.today()
    year = on.year - 1
    bases = list(duties.establishment_cases().filter(district__isnull=False))
    approvals = dict(
        Decision.objects.filter(
            case__in=bases, kind=Decision.Kind.APPROVAL_TO_BUILD, document_date__isnull=False
        ).values_list("case_id", "document_date")
    )
    wanted: dict[int, tuple] = {}
    for base in bases:
        try:
            pack = registry().in_force(base.rulepack_code, on)
        except LookupError:
            continue
        for s in report_schedules(pack):
            if base.center.status not in duties.APPLIES[s.applies_to]:
                continue
            if duties._since(base, approvals) > dt.date(year, 12, 31):
                continue  # the center was not yet in the district's charge that year
            wanted.setdefault(base.district_id, (base, pack, s))
    existing = set(
        DistrictReport.objects.filter(year=year, district_id__in=wanted).values_list(
            "district_id", flat=True
        )
    )
    opened = []
    for district_id, (base, pack, s) in sorted(wanted.items()):
        if district_id not in existing:
            report = _open_report(base, pack, s, year, on)
            if report is not None:
                opened.append(report)
    return opened


def _open_report(base: Case, pack, s, year: int, on: dt.date) -> DistrictReport | None:
    opens = dt.date(year + 1, 1, 1)
    due = dt.date(year + 1, s.due_month, s.due_day)
    try:
        with transaction.atomic():
            report = DistrictReport.objects.create(
                district_id=base.district_id,
                jurisdiction_id=base.jurisdiction_id,
                year=year,
                rulepack_code=pack.code,
                rulepack_version=pack.version,
                schedule=s.code,
                article=s.article,
                deadline=duties._store_due(s, pack, opens, due),
                opened_on=on,
            )
            append_event(
                subject=report.subject,
                action="district_report.opened",
                actor=None,
                article=s.article,
                effective_date=on,
                payload={
                    "district": base.district.code,
                    "year": year,
                    "rulepack": pack.key,
                    "due": report.deadline.due.isoformat(),
                },
            )
    except IntegrityError:
        return None  # opened meanwhile by another run
    return report


def _report_scope(user) -> Q:
    condition = Q(pk__in=[])
    for a in assignments(user):
        if a.role == Role.DISTRICT_REGULATOR:
            condition |= Q(district_id__in=a.jurisdiction.descendant_ids())
        elif a.role == Role.PROGRAMME_REGULATOR:
            condition |= Q(jurisdiction_id__in=a.jurisdiction.descendant_ids())
    return condition


def reports_for(user):
    """The reports a person sees: the district's own, the programme regulator's jurisdiction;
    a person who reads none is refused (403)."""
    if not user.has_perm("inspections.view"):
        raise PermissionDenied(_("District inspection reports are read by the regulators."))
    base = DistrictReport.objects.select_related("district", "jurisdiction", "deadline")
    if holds(user, Role.PLATFORM_ADMIN):
        return base
    return base.filter(_report_scope(user))


def get_report(user, pk) -> DistrictReport:
    try:
        return reports_for(user).get(pk=int(pk))
    except (DistrictReport.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def writes_report(user, report: DistrictReport) -> bool:
    """The district bureau of the report's district writes and submits it."""
    return any(
        a.role == Role.DISTRICT_REGULATOR and report.district_id in a.jurisdiction.descendant_ids()
        for a in assignments(user)
    )


def year_inspections(report: DistrictReport) -> dict:
    """The year's inspections of the district's centers and the centers not inspected, from the
    records (or as they stood when the report was submitted)."""
    if report.state == DistrictReport.State.SUBMITTED:
        return report.inspections
    found = list(
        Case.objects.filter(kind=KIND, district_id=report.district_id, filed_on__year=report.year)
        .exclude(state="open")
        .select_related("center")
        .prefetch_related("checklist_results", "obligations__deadline")
        .order_by("filed_on", "pk")
    )
    rows = []
    for case in found:
        results = {r.item: r for r in case.checklist_results.all()}
        order = [o for o in case.obligations.all() if o.code == RECTIFICATION]
        rows.append(
            {
                "case": case.pk,
                "center": case.center.code if case.center else "",
                "center_name": case.center_name,
                "filed_on": case.filed_on.isoformat(),
                "stage": case.pack.stage(case.state).name_zh,
                "findings": [
                    {"item": i.name_zh, "note": results[i.code].note}
                    for i in checklist_items(case)
                    if i.code in results and results[i.code].result == Result.FINDING
                ],
                "rectify_by": order[-1].deadline.due.isoformat() if order else None,
                "rectification": str(order[-1].get_current_state_display()) if order else "",
            }
        )
    inspected = {r["center"] for r in rows}
    centers = (
        Case.objects.filter(
            kind=Case.ESTABLISHMENT,
            district_id=report.district_id,
            center__status__in=("preparing", "established"),
        )
        .select_related("center")
        .order_by("center__code")
    )
    missing = [
        {"center": c.center.code, "center_name": c.center.name}
        for c in centers
        if c.center.code not in inspected
    ]
    return {"inspections": rows, "not_inspected": missing}


def save_summary(*, actor, report: DistrictReport, summary) -> DistrictReport:
    if not writes_report(actor, report):
        raise PermissionDenied(_("The district bureau writes its report."))
    if report.state != DistrictReport.State.DRAFT:
        raise Conflict(_("The report is submitted; it no longer changes."))
    text = bounds.bounded_text(summary, field="summary", limit=SUMMARY_LIMIT)
    with transaction.atomic():
        report = DistrictReport.objects.select_for_update().get(pk=report.pk)
        report.summary = text
        report.save(update_fields=["summary", "updated_at"])
        append_event(
            subject=report.subject,
            action="district_report.saved",
            actor=actor,
            article=report.article,
            payload={"length": len(text)},
        )
    return report


def submit_report(*, actor, report: DistrictReport) -> DistrictReport:
    """The district submits its report to the municipal bureau: the inspections are kept as they
    stand; submitted after the due date, it is late."""
    if not writes_report(actor, report):
        raise PermissionDenied(_("The district bureau submits its report."))
    with transaction.atomic():
        report = (
            DistrictReport.objects.select_for_update().select_related("deadline").get(pk=report.pk)
        )
        if report.state != DistrictReport.State.DRAFT:
            raise Conflict(_("The report is already submitted."))
        if not report.summary:
            raise ValidationError({"summary": [_("Write the district's summary first.")]})
        report.inspections = year_inspections(report)
        report.state = DistrictReport.State.SUBMITTED
        report.submitted_on = cases.today()
        report.submitted_by = actor
        report.save()
        append_event(
            subject=report.subject,
            action="district_report.submitted",
            actor=actor,
            article=report.article,
            effective_date=report.submitted_on,
            payload={
                "year": report.year,
                "inspections": len(report.inspections["inspections"]),
                "late": report.late_on(report.submitted_on),
            },
        )
    return report
