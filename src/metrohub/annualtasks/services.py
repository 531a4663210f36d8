"""Annual tasks and their assessment (Chongqing 第二十七条: 市市场监管局每年下达市级产业计量测试中心
建设任务并进行考核), on a case of kind `annual_tasks` opened by the daily job on 1 January.

The programme regulator draws up the year's items (title, description, target — measurable
where it can be: a value and a unit — and weight; the weights total 100) and issues them
(`issue_tasks`, which sets the period for the center's report). The center's director reports on
each item — completed, partly, not completed; what was done; the value reached — with files as
evidence, and submits (`report_completion`). The regulator may return the report for more
evidence (`return_completion`), assesses each item (outcome, a score up to its weight, a comment)
and the whole (a grade, the total of the scores), and records the result (`assess_tasks`).

Who sees what: the items while drawn up, and the assessment until it is recorded, are the
regulator's working papers; the center sees the items once issued and the assessment once
recorded.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.annualtasks.models import Assessment, Evidence, Outcome, TaskItem
from metrohub.cases import services as cases
from metrohub.cases.models import Case
from metrohub.cases.services.context import Problem, guard
from metrohub.core import bounds
from metrohub.core.attachments import check_file
from metrohub.core.bounds import digits
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event, history

KIND = "annual_tasks"
MAX_ITEMS = 30
MAX_EVIDENCE = 10
TITLE_LIMIT, DESCRIPTION_LIMIT, TARGET_LIMIT, UNIT_LIMIT = 200, 2000, 500, 20
REPORT_LIMIT, COMMENT_LIMIT = 5000, 2000
MAX_VALUE = Decimal("999999999999.99")
TOTAL_WEIGHT = 100
#: where the center reports and adds evidence
REPORTING = ("issued", "returned")


def tasks_case(user, pk) -> Case:
    """An annual-tasks case in the user's scope; any other case is not found."""
    case = cases.get_case(user, pk)
    if case.kind != KIND:
        raise Http404
    return case


def is_regulator(user, case: Case) -> bool:
    return Role.PROGRAMME_REGULATOR in cases.case_roles(user, case)


def _article(case: Case) -> str:
    return case.pack.procedure(KIND).article


def _require(user, case: Case, role: str, states, message: str) -> None:
    if role not in cases.case_roles(user, case):
        raise PermissionDenied(message)
    if case.state not in states:
        raise Conflict(
            _("Not at the stage “%(stage)s”.") % {"stage": case.pack.stage(case.state).name_zh}
        )


def _item(case: Case, item_id) -> TaskItem:
    item = TaskItem.objects.filter(case=case, pk=item_id).first() if digits(str(item_id)) else None
    if item is None:
        raise Http404
    return item


def _decimal(value, field: str, *, low=Decimal(0), high=MAX_VALUE, places=2) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or (isinstance(value, str) and len(value) > 20):
        raise ValidationError({field: [_("Give a number.")]})
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: [_("Give a number.")]}) from None
    if not number.is_finite() or not low <= number <= high:
        raise ValidationError(
            {field: [_("A number from %(low)s to %(high)s.") % {"low": low, "high": high}]}
        )
    if -number.as_tuple().exponent > places:
        raise ValidationError({field: [_("At most %(n)d decimal places.") % {"n": places}]})
    return number


def _choice(value, field: str, choices) -> str:
    if value not in choices.values:
        raise ValidationError(
            {field: [_("Choose one of: %(v)s.") % {"v": "、".join(str(c) for c in choices.labels)}]}
        )
    return value


# --------------------------------------------------------------------------- the regulator


#: The items' fields as the page labels them: an error of the list names its row and field.
ITEM_LABELS = {
    "title": gettext_lazy("Task"),
    "description": gettext_lazy("Description"),
    "target": gettext_lazy("Target"),
    "target_value": gettext_lazy("Target value"),
    "target_unit": gettext_lazy("Unit"),
}


def _in_row(i: int, field: str, messages: list[str]) -> list[str]:
    return [
        _("Task %(n)d, %(field)s: %(error)s") % {"n": i, "field": ITEM_LABELS[field], "error": m}
        for m in messages
    ]


def _clean_item(i: int, raw) -> dict:
    prefix = f"items.{i}"
    if not isinstance(raw, dict):
        raise ValidationError({prefix: [_("Each item is a set of fields.")]})
    errors: dict[str, list[str]] = {}
    out = {}
    for field, limit, label in (
        ("title", TITLE_LIMIT, gettext_lazy("the task")),
        ("description", DESCRIPTION_LIMIT, None),
        ("target", TARGET_LIMIT, gettext_lazy("the target")),
        ("target_unit", UNIT_LIMIT, None),
    ):
        try:
            out[field] = bounds.texts({field: (raw.get(field), limit)})[field]
        except ValidationError as exc:
            errors[f"{prefix}.{field}"] = _in_row(i, field, exc.message_dict[field])
            continue
        if label and not out[field]:
            errors[f"{prefix}.{field}"] = [
                _("Task %(n)d: give %(field)s.") % {"n": i, "field": label}
            ]
    try:
        out["target_value"] = _decimal(raw.get("target_value"), "target_value")
    except ValidationError as exc:
        errors[f"{prefix}.target_value"] = _in_row(
            i, "target_value", exc.message_dict["target_value"]
        )
    weight = raw.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= TOTAL_WEIGHT:
        errors[f"{prefix}.weight"] = [
            _("Task %(n)d: a weight from 1 to %(max)d.") % {"n": i, "max": TOTAL_WEIGHT}
        ]
    out["weight"] = weight
    if out.get("target_value") is not None and not out.get("target_unit"):
        errors[f"{prefix}.target_unit"] = [
            _("Task %(n)d: give the unit of the target value.") % {"n": i}
        ]
    if errors:
        raise ValidationError(errors)
    return out


def set_items(*, actor, case: Case, items) -> list[TaskItem]:
    """The regulator writes the year's items while drawing them up; the list replaces the last."""
    _require(
        actor,
        case,
        Role.PROGRAMME_REGULATOR,
        ("draft",),
        _("The programme regulator draws up the annual tasks."),
    )
    if not isinstance(items, list):
        raise ValidationError({"items": [_("Give the items as a list.")]})
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": [_("At most %(n)d items.") % {"n": MAX_ITEMS}]})
    clean, errors = [], {}
    for i, raw in enumerate(items, start=1):
        try:
            clean.append(_clean_item(i, raw))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.state != "draft":
            raise Conflict(_("The tasks are issued; they no longer change."))
        TaskItem.objects.filter(case=case).delete()
        made = TaskItem.objects.bulk_create(
            TaskItem(case=case, position=i, **values) for i, values in enumerate(clean, start=1)
        )
        append_event(
            subject=case.subject,
            action="annual_tasks.items_set",
            actor=actor,
            article=_article(case),
            payload={
                "items": [
                    {"title": v["title"], "target": v["target"], "weight": v["weight"]}
                    for v in clean
                ]
            },
        )
    return made


def assess_item(*, actor, case: Case, item_id, outcome, score, comment="") -> TaskItem:
    """The regulator assesses one item: its outcome, a score up to its weight, a comment."""
    _require(
        actor,
        case,
        Role.PROGRAMME_REGULATOR,
        ("submitted",),
        _("The programme regulator assesses the annual tasks."),
    )
    item = _item(case, item_id)
    values = bounds.collect(
        {
            "outcome": lambda: _choice(outcome, "outcome", Outcome),
            "score": lambda: _decimal(score, "score", high=Decimal(item.weight), places=1),
            "comment": lambda: bounds.bounded_text(comment, field="comment", limit=COMMENT_LIMIT),
        }
    )
    if values["score"] is None:
        raise ValidationError({"score": [_("Give the item's score (0 to its weight).")]})
    with transaction.atomic():
        item = TaskItem.objects.select_for_update().get(pk=item.pk)
        item.outcome, item.score, item.comment = (
            values["outcome"],
            values["score"],
            values["comment"],
        )
        item.assessed_at = timezone.now()
        item.save(update_fields=["outcome", "score", "comment", "assessed_at"])
        append_event(
            subject=case.subject,
            action="annual_tasks.item_assessed",
            actor=actor,
            article=_article(case),
            payload={"item": item.pk, "outcome": item.outcome, "score": str(item.score)},
        )
    return item


def save_assessment(*, actor, case: Case, grade, comment="") -> Assessment:
    """The regulator's assessment of the whole: a grade; the total is the items' scores."""
    _require(
        actor,
        case,
        Role.PROGRAMME_REGULATOR,
        ("submitted",),
        _("The programme regulator assesses the annual tasks."),
    )
    values = bounds.collect(
        {
            "grade": lambda: _choice(grade, "grade", Assessment.Grade),
            "comment": lambda: bounds.bounded_text(comment, field="comment", limit=COMMENT_LIMIT),
        }
    )
    items = list(TaskItem.objects.filter(case=case))
    unassessed = [i.position for i in items if i.score is None]
    if unassessed:
        raise Conflict(
            _("Assess every item first; not yet assessed: %(items)s.")
            % {"items": "、".join(str(n) for n in unassessed)}
        )
    total = sum((i.score for i in items), Decimal(0))
    with transaction.atomic():
        assessment, _created = Assessment.objects.update_or_create(
            case=case,
            defaults={
                "grade": values["grade"],
                "comment": values["comment"],
                "total": total,
                "assessed_by": actor,
            },
        )
        append_event(
            subject=case.subject,
            action="annual_tasks.assessment_saved",
            actor=actor,
            article=_article(case),
            payload={"grade": assessment.grade, "total": str(total)},
        )
    return assessment


# ------------------------------------------------------------------------------- the center


def report_item(*, actor, case: Case, item_id, claimed, report, achieved_value=None) -> TaskItem:
    """The director reports on one item: done or not, what was done, the value reached."""
    _require(
        actor,
        case,
        Role.CENTER_DIRECTOR,
        REPORTING,
        _("The center's director reports on the annual tasks."),
    )
    item = _item(case, item_id)
    values = bounds.collect(
        {
            "claimed": lambda: _choice(claimed, "claimed", Outcome),
            "report": lambda: bounds.bounded_text(
                report, field="report", limit=REPORT_LIMIT, required=True
            ),
            "achieved_value": lambda: _decimal(achieved_value, "achieved_value"),
        }
    )
    with transaction.atomic():
        item = TaskItem.objects.select_for_update().get(pk=item.pk)
        item.claimed, item.report = values["claimed"], values["report"]
        item.achieved_value = values["achieved_value"]
        item.reported_at = timezone.now()
        item.save(update_fields=["claimed", "report", "achieved_value", "reported_at"])
        append_event(
            subject=case.subject,
            action="annual_tasks.item_reported",
            actor=actor,
            article=_article(case),
            payload={
                "item": item.pk,
                "claimed": item.claimed,
                "achieved_value": None if item.achieved_value is None else str(item.achieved_value),
            },
        )
    return item


def add_evidence(*, actor, case: Case, item_id, content: bytes, filename: str) -> Evidence:
    """A file as evidence of one item, checked as the case materials are (size, real type)."""
    _require(
        actor,
        case,
        Role.CENTER_DIRECTOR,
        REPORTING,
        _("The center's director reports on the annual tasks."),
    )
    item = _item(case, item_id)
    checked = check_file(content, filename, field="file")
    with transaction.atomic():
        item = TaskItem.objects.select_for_update().get(pk=item.pk)
        if item.evidence.count() >= MAX_EVIDENCE:
            raise ValidationError(
                {"file": [_("At most %(n)d files per item.") % {"n": MAX_EVIDENCE}]}
            )
        evidence = Evidence(
            item=item,
            filename=checked.filename,
            sha256=checked.sha256,
            size=checked.size,
            content_type=checked.content_type,
            uploaded_by=actor,
        )
        evidence.file.save(
            f"{case.pk}-{item.position}-{checked.sha256[:12]}.{checked.extension}",
            ContentFile(checked.content),
            save=False,
        )
        evidence.save()
        append_event(
            subject=case.subject,
            action="annual_tasks.evidence_added",
            actor=actor,
            article=_article(case),
            payload={"item": item.pk, "sha256": checked.sha256, "filename": checked.filename},
        )
    return evidence


def get_evidence(user, case: Case, evidence_id) -> Evidence:
    """One evidence file, to those who see the items."""
    if not items_visible(user, case) or not digits(str(evidence_id)):
        raise Http404
    found = Evidence.objects.filter(pk=evidence_id, item__case=case).first()
    if found is None:
        raise Http404
    return found


# ------------------------------------------------------------------------------ reading


def items_visible(user, case: Case) -> bool:
    return case.state != "draft" or is_regulator(user, case)


def assessment_visible(user, case: Case) -> bool:
    return case.state == "assessed" or is_regulator(user, case)


def overview(user, case: Case) -> dict:
    """The tasks as `user` may see them, with the center's report and, where visible, the
    assessment; the due dates of the case's obligations."""
    show_items = items_visible(user, case)
    show_assessment = assessment_visible(user, case)
    items = (
        list(
            TaskItem.objects.filter(case=case).prefetch_related(
                Prefetch("evidence", queryset=Evidence.objects.order_by("pk"))
            )
        )
        if show_items
        else []
    )
    assessment = Assessment.objects.filter(case=case).first() if show_assessment else None
    obligations = {o.code: o for o in case.obligations.select_related("deadline")}
    return {
        "year": int(case.period) if digits(case.period) else case.filed_on.year,
        "items": [_item_out(i, show_assessment) for i in items],
        "items_visible": show_items,
        "total_weight": sum(i.weight for i in items),
        "assessment": (
            {
                "grade": assessment.grade,
                "grade_name": str(assessment.get_grade_display()),
                "total": assessment.total,
                "comment": assessment.comment,
            }
            if assessment
            else None
        ),
        "result": result_text(case) if case.state == "assessed" else "",
        "deadlines": [
            {
                "code": code,
                "name": case.pack.deadline(code).name_zh,
                "due": o.deadline.due,
                "state": o.current_state,
                "state_name": str(o.get_current_state_display()),
                "article": o.article,
            }
            for code, o in obligations.items()
        ],
        "returns": returns(case),
    }


def returns(case: Case) -> list[dict]:
    """The regulator's reasons each time the completion report was returned, oldest first."""
    return [
        {"on": e.effective_date, "text": (e.payload.get("records") or {}).get("reasons", "")}
        for e in history(case.subject).filter(action="transition.return_completion")
    ]


def _item_out(item: TaskItem, show_assessment: bool) -> dict:
    return {
        "id": item.pk,
        "position": item.position,
        "title": item.title,
        "description": item.description,
        "target": item.target,
        "target_value": item.target_value,
        "target_unit": item.target_unit,
        "weight": item.weight,
        "claimed": item.claimed or None,
        "claimed_name": str(item.get_claimed_display()) if item.claimed else "",
        "report": item.report,
        "achieved_value": item.achieved_value,
        "evidence": [
            {"id": e.pk, "filename": e.filename, "size": e.size, "sha256": e.sha256}
            for e in item.evidence.all()
        ],
        "outcome": (item.outcome or None) if show_assessment else None,
        "outcome_name": str(item.get_outcome_display()) if show_assessment and item.outcome else "",
        "score": item.score if show_assessment else None,
        "comment": item.comment if show_assessment else "",
    }


def result_text(case: Case) -> str:
    """The recorded result, as the transition recorded it (the event log is the record)."""
    from metrohub.eventlog.services import history

    event = history(case.subject).filter(action="transition.assess_tasks").last()
    return event.payload.get("evaluation_result", "") if event else ""


# ------------------------------------------------------------------ what the engine checks


@guard
def _ready(ctx) -> list[Problem]:
    """Issued with items whose weights total 100; reported with every item reported on;
    assessed with every item scored and a grade."""
    if ctx.case.kind != KIND:
        return []
    name = ctx.transition.name
    items = list(TaskItem.objects.filter(case=ctx.case))
    problems = []
    if name == "issue_tasks":
        if not items:
            problems.append(Problem(422, "items", _("Write at least one task item.")))
        elif sum(i.weight for i in items) != TOTAL_WEIGHT:
            problems.append(
                Problem(
                    422,
                    "items",
                    _("The weights total %(total)d; they must total %(want)d.")
                    % {"total": sum(i.weight for i in items), "want": TOTAL_WEIGHT},
                )
            )
    elif name == "report_completion":
        problems += [
            Problem(
                422,
                f"items.{i.position}",
                _("Report on task %(n)d: %(title)s.") % {"n": i.position, "title": i.title},
            )
            for i in items
            if not i.claimed
        ]
    elif name == "assess_tasks":
        problems += [
            Problem(
                422,
                f"items.{i.position}",
                _("Assess task %(n)d: %(title)s.") % {"n": i.position, "title": i.title},
            )
            for i in items
            if i.score is None
        ]
        assessment = Assessment.objects.filter(case=ctx.case).first()
        if assessment is None:
            problems.append(Problem(422, "grade", _("Give the overall grade.")))
        elif not problems:
            # the result the transition records in the case's log: from the assessment only
            ctx.extra["evaluation_result"] = result_of(assessment)
    return problems


def result_of(assessment: Assessment) -> str:
    """The grade and the total, in the language of the files (Chinese)."""
    with translation.override("zh-hans"):
        return _("%(grade)s (total score %(total)s of %(max)d)") % {
            "grade": assessment.get_grade_display(),
            "total": assessment.total,
            "max": TOTAL_WEIGHT,
        }
