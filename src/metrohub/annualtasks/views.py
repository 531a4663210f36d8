"""The annual tasks' pages: the list one may see, and one year's tasks, where each role does its
part — the regulator writes and assesses the items, the center reports on them with evidence."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.annualtasks import api, services
from metrohub.annualtasks.models import Assessment, Outcome
from metrohub.cases import services as cases
from metrohub.cases.templatetags.cases_tags import zh_en
from metrohub.core.bounds import digits
from metrohub.core.errors import DomainError, page_message
from metrohub.core.permissions import permission_required
from metrohub.core.uploads import read_upload

PAGE_SIZE = 50
ITEM_FIELDS = ("title", "description", "target", "target_value", "target_unit", "weight")


@permission_required("annualtasks.view")
def task_list(request):
    found = (
        cases.cases_for(request.user)
        .filter(kind=services.KIND)
        .select_related("center")
        .prefetch_related("obligations")
        .order_by("-period", "center__code", "pk")
    )
    year = request.GET.get("year", "")[:4]
    if digits(year):
        found = found.filter(period=year)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    today = cases.today()
    rows = []
    for case in page:
        live = [o for o in case.obligations.all() if o.state_on(today) in ("open", "overdue")]
        nxt = min(live, key=lambda o: o.due_on) if live else None
        rows.append(
            {
                "case": case,
                "stage": zh_en(case.pack.stage(case.state)),
                "due": nxt.due_on if nxt else None,
                "due_name": zh_en(case.pack.deadline(nxt.code)) if nxt else "",
                "late": bool(nxt and nxt.state_on(today) == "overdue"),
            }
        )
    return render(request, "annualtasks/list.html", {"page": page, "rows": rows, "year": year})


def posted_items(data) -> list[dict]:
    """The rows of items the page posts: item-0-title, item-0-target, … (empty rows skipped)."""
    rows = []
    for i in range(services.MAX_ITEMS + 1):
        if f"item-{i}-title" not in data:
            break
        row = {f: data.get(f"item-{i}-{f}", "").strip() for f in ITEM_FIELDS}
        if not any(row.values()):
            continue
        weight = row["weight"]
        row["weight"] = int(weight) if digits(weight) and len(weight) < 4 else weight
        rows.append(row)
    return rows


#: The fields of the report, assessment and grade forms as the page labels them.
FIELD_LABELS = {
    "claimed": gettext_lazy("Completion"),
    "report": gettext_lazy("What was done"),
    "achieved_value": gettext_lazy("Value reached"),
    "evidence": gettext_lazy("Evidence files"),
    "file": gettext_lazy("Evidence files"),
    "outcome": gettext_lazy("Assessed as"),
    "score": gettext_lazy("Score"),
    "comment": gettext_lazy("Comment"),
    "grade": gettext_lazy("Grade"),
}


def _message(exc) -> str:
    """The page's message for a refused action: each error after the label of its field (a bare
    “这个字段是必填项。” named none); the items' rows name themselves."""
    if not (isinstance(exc, ValidationError) and hasattr(exc, "error_dict")):
        return page_message(exc)
    parts = []
    for key, errors in exc.message_dict.items():
        label = FIELD_LABELS.get(key)
        for error in errors:
            parts.append(
                _("%(field)s: %(error)s") % {"field": label, "error": error} if label else error
            )
    return " ".join(parts)


def _act(request, case) -> None:
    """One action of the page's forms, by the service that does it."""
    action, data = request.POST.get("action"), request.POST
    item = data.get("item", "")
    if action == "items":
        services.set_items(actor=request.user, case=case, items=posted_items(data))
    elif action == "report":
        services.report_item(
            actor=request.user,
            case=case,
            item_id=item,
            claimed=data.get("claimed"),
            report=data.get("report", ""),
            achieved_value=data.get("achieved_value", ""),
        )
        for upload in request.FILES.getlist("evidence")[: services.MAX_EVIDENCE]:
            services.add_evidence(
                actor=request.user,
                case=case,
                item_id=item,
                content=read_upload(upload, field="evidence"),
                filename=upload.name or "",
            )
    elif action == "assess":
        services.assess_item(
            actor=request.user,
            case=case,
            item_id=item,
            outcome=data.get("outcome"),
            score=data.get("score", ""),
            comment=data.get("comment", ""),
        )
    elif action == "grade":
        services.save_assessment(
            actor=request.user, case=case, grade=data.get("grade"), comment=data.get("comment", "")
        )
    else:
        raise ValidationError({"action": [_("Nothing to do.")]})


#: the fields of an item's forms, by the form's action
ITEM_FORMS = {
    "report": ("claimed", "report", "achieved_value"),
    "assess": ("outcome", "score", "comment"),
}


def _typed(row: dict, refused) -> dict:
    """The values of one item's report and assessment forms: those saved, or those of the form
    just refused for this item."""
    typed = {f: row.get(f) for fields in ITEM_FORMS.values() for f in fields}
    if refused is not None and refused.get("item") == str(row["id"]):
        typed.update({f: refused.get(f, "") for f in ITEM_FORMS.get(refused.get("action"), ())})
    return typed


@permission_required("cases.view_cases")
def task_detail(request, pk: int):
    case = services.tasks_case(request.user, pk)
    refused = None
    if request.method == "POST":
        try:
            _act(request, case)
        except (ValidationError, DomainError) as exc:
            messages.error(request, _message(exc))
            # a refused form is shown again as typed: correcting one value means typing no other
            refused = request.POST
        else:
            messages.success(request, _("Saved."))
            return redirect("annualtasks:detail", pk=case.pk)
    roles = cases.case_roles(request.user, case)
    data = api.out(request, case)
    regulator = Role.PROGRAMME_REGULATOR in roles
    director = Role.CENTER_DIRECTOR in roles
    rows = data["items"]
    for row in rows:
        row["typed"] = _typed(row, refused)
    if refused is not None and refused.get("action") == "items":
        rows = posted_items(refused)
    return render(
        request,
        "annualtasks/detail.html",
        {
            "case": case,
            "tasks": data,
            # the names in the visitor's language (the API's data carries the Chinese ones)
            "title": zh_en(case.pack.procedure(services.KIND)),
            "stage": zh_en(case.pack.stage(case.state)),
            "deadlines": [
                {**d, "name": zh_en(case.pack.deadline(d["code"]))} for d in data["deadlines"]
            ],
            "writes_items": regulator and case.state == "draft",
            "reports": director and case.state in services.REPORTING,
            "assesses": regulator and case.state == "submitted",
            # the rows of the items' form: those written, then empty ones up to three more
            "item_rows": [*rows, *[{}] * min(3, services.MAX_ITEMS - len(rows))],
            "outcomes": Outcome.choices,
            "grades": Assessment.Grade.choices,
            "transitions": cases.available_transitions(request.user, case, roles=roles),
        },
    )


@permission_required("cases.view_cases")
def evidence(request, pk: int, evidence_id: int):
    case = services.tasks_case(request.user, pk)
    return api.evidence_response(services.get_evidence(request.user, case, evidence_id))
