"""The inspection pages: the year's inspections, one inspection with its checklist as a form,
and the district's yearly reports to the municipal bureau."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.accounts.roles import holds
from metrohub.cases import services as cases
from metrohub.cases.services.duties import open_case
from metrohub.cases.services.inspections import coverage
from metrohub.cases.templatetags.cases_tags import zh_en
from metrohub.core.bounds import digits
from metrohub.core.errors import DomainError, into_form
from metrohub.core.permissions import permission_required
from metrohub.inspections import forms, services
from metrohub.inspections.models import ChecklistResult

PAGE_SIZE = 50
#: the transitions the inspection page does itself; the others go through the case's pages
OWN = (services.RECORD, services.ORDER)


def _year(request) -> int:
    year = request.GET.get("year", "")[:4]
    return int(year) if digits(year) else cases.today().year


@permission_required("inspections.view")
def inspection_list(request):
    """The year's inspections in one's scope, and a form to open one."""
    year = _year(request)
    found = (
        cases.cases_for(request.user)
        .filter(kind=services.KIND, filed_on__year=year)
        .order_by("-filed_on", "-pk")
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    inspector = holds(request.user, Role.DISTRICT_REGULATOR, Role.PROGRAMME_REGULATOR)
    centers = [r["center"] for r in coverage(request.user, year)] if inspector else []
    form = forms.OpenForm(request.POST or None, centers=centers)
    if request.method == "POST" and inspector and form.is_valid():
        waiting = (
            cases.cases_for(request.user)
            .filter(kind=services.KIND, center__code=form.cleaned_data["center"], state="open")
            .order_by("filed_on", "pk")
            .first()
        )
        if waiting is not None:
            # the year's inspection the daily job opened (or one opened before) is still to be
            # carried out: a second one beside it would leave the duty on the first open
            messages.info(
                request,
                _("%(center)s has an inspection still to be carried out: record it here.")
                % {"center": waiting.center_name},
            )
            return redirect("inspections:detail", pk=waiting.pk)
        try:
            case = open_case(
                actor=request.user, kind=services.KIND, center=form.cleaned_data["center"]
            )
        except (ValidationError, DomainError, PermissionDenied) as exc:
            into_form(form, exc)
        else:
            messages.success(
                request, _("The inspection of %(center)s is opened.") % {"center": case.center_name}
            )
            return redirect("inspections:detail", pk=case.pk)
    rows = [{"case": c, "stage": zh_en(c.pack.stage(c.state))} for c in page]
    return render(
        request,
        "inspections/list.html",
        {
            "page": page,
            "rows": rows,
            "year": year,
            "form": form if centers else None,
            # the coverage page is the inspecting bureaus' (the platform administrator reads
            # the inspections, and its link answered 403)
            "inspector": inspector,
        },
    )


def _english() -> bool:
    return (get_language() or "").startswith("en")


@permission_required("cases.view_cases")
def inspection_detail(request, pk: int):
    case = services.inspection_case(request.user, pk)
    roles = cases.case_roles(request.user, case)
    inspects = bool(roles & set(case.pack.transition(services.RECORD).roles))
    editable = inspects and case.state == case.pack.initial_stage().code
    available = cases.available_transitions(request.user, case, roles=roles)
    may_order = any(t.name == services.ORDER for t in available)
    order_form = forms.OrderForm(request.POST if request.POST.get("action") == "order" else None)
    errors = {}
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("save", "record") and editable:
        rows = forms.posted_checklist(request.POST, case)
        try:
            if action == "save":
                services.save_checklist(actor=request.user, case=case, results=rows)
                messages.success(request, _("The checklist is saved."))
            else:
                cases.take_transition(
                    case=case, name=services.RECORD, actor=request.user, payload={"checklist": rows}
                )
                messages.success(request, _("The findings are recorded."))
        except ValidationError as exc:
            errors = exc.message_dict
        except DomainError as exc:
            errors = {"checklist": [str(exc)]}
        else:
            return redirect("inspections:detail", pk=case.pk)
    elif action == "order" and may_order and order_form.is_valid():
        try:
            services.order_rectification(
                actor=request.user,
                case=case,
                reasons=order_form.cleaned_data["reasons"],
                rectify_by=order_form.cleaned_data["rectify_by"],
            )
        except (ValidationError, DomainError) as exc:
            into_form(order_form, exc)
        else:
            messages.success(request, _("Rectification is ordered."))
            return redirect("inspections:detail", pk=case.pk)
    items = services.checklist(case)
    posted = request.POST if errors else {}
    for item in items:
        item["errors"] = errors.get(f"checklist.{item['item']}", [])
        if posted:
            item["result"] = posted.get(f"result-{item['item']}") or item["result"]
            item["note"] = posted.get(f"note-{item['item']}", item["note"])
    return render(
        request,
        "inspections/detail.html",
        {
            "case": case,
            "stage": case.pack.stage(case.state),
            "title": case.pack.kind_name(case.kind)[1 if _english() else 0],
            "article": case.pack.transition(services.RECORD).article,
            "items": items,
            "results": ChecklistResult.Result.choices,
            "editable": editable,
            "errors": errors.get("checklist", []) + errors.get("findings", []),
            "order_form": order_form if may_order else None,
            "rectification": services.rectification(case),
            "transitions": [t for t in available if t.name not in OWN],
        },
    )


def _dated(data: dict) -> dict:
    """The report's rows with their days as dates (the record keeps them as text)."""
    rows = [
        {
            **row,
            "filed_on": dt.date.fromisoformat(row["filed_on"]),
            "rectify_by": dt.date.fromisoformat(row["rectify_by"]) if row["rectify_by"] else None,
        }
        for row in data["inspections"]
    ]
    return {**data, "inspections": rows}


@permission_required("inspections.view")
def report_list(request):
    reports = services.reports_for(request.user)
    year = request.GET.get("year", "")[:4]
    if digits(year):
        reports = reports.filter(year=int(year))
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    today = cases.today()
    rows = [{"report": r, "late": r.late_on(today)} for r in page]
    return render(request, "inspections/reports.html", {"page": page, "rows": rows, "year": year})


@permission_required("inspections.view")
def report_detail(request, pk: int):
    report = services.get_report(request.user, pk)
    writable = services.writes_report(request.user, report) and report.state == "draft"
    form = forms.SummaryForm(
        request.POST if request.method == "POST" and writable else None,
        initial={"summary": report.summary},
    )
    if request.method == "POST" and writable and form.is_valid():
        try:
            services.save_summary(
                actor=request.user, report=report, summary=form.cleaned_data["summary"]
            )
            if request.POST.get("action") == "submit":
                services.submit_report(actor=request.user, report=report)
                messages.success(request, _("The report is submitted to the municipal bureau."))
            else:
                messages.success(request, _("The summary is saved."))
        except (ValidationError, DomainError) as exc:
            into_form(form, exc)
        else:
            return redirect("inspections:report", pk=report.pk)
    return render(
        request,
        "inspections/report.html",
        {
            "report": report,
            "data": _dated(services.year_inspections(report)),
            "late": report.late_on(cases.today()),
            "form": form if writable else None,
        },
    )
