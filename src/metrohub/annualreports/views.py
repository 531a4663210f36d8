"""The annual reports' pages: the list of reports one may see, one report with its form."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.annualreports import forms, services
from metrohub.cases import services as cases
from metrohub.cases.templatetags.cases_tags import zh_en
from metrohub.core.bounds import digits
from metrohub.core.errors import DomainError, into_form
from metrohub.core.permissions import permission_required

PAGE_SIZE = 50


@permission_required("annualreports.view")
def report_list(request):
    reports = (
        cases.cases_for(request.user)
        .filter(kind=services.KIND)
        .prefetch_related("obligations__deadline")
        .order_by("-period", "center__code", "pk")
    )
    year = request.GET.get("year", "")[:4]
    if digits(year):
        reports = reports.filter(period=year)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    today = cases.today()
    rows = []
    for case in page:
        # a returned report's period to resubmit, while it runs, else the year's due date
        again = services.resubmission(case, case.obligations.all())
        ob = again or next(iter(case.obligations.all()), None)
        rows.append(
            {
                "case": case,
                "stage": case.pack.stage(case.state).name_zh,
                "due": ob.deadline.due if ob else None,
                "due_name": zh_en(case.pack.deadline(again.code)) if again else "",
                "late": bool(ob and ob.state_on(today) in ("late", "overdue")),
            }
        )
    return render(request, "annualreports/list.html", {"page": page, "rows": rows, "year": year})


@permission_required("cases.view_cases")
def report_detail(request, pk: int):
    case = services.report_case(request.user, pk)
    roles = cases.case_roles(request.user, case)
    editable = Role.CENTER_DIRECTOR in roles and case.state in services.EDITABLE
    data = services.report(case)
    form = forms.ReportForm(
        request.POST if request.method == "POST" and editable else None,
        initial={"summary": data["summary"], "plan": data["plan"]},
        figures=data["figures"],
    )
    rows = data["typical_cases"]
    if request.method == "POST" and editable:
        rows = forms.typical_cases(request.POST)
        if form.is_valid():
            try:
                services.save_report(
                    actor=request.user,
                    case=case,
                    summary=form.cleaned_data["summary"],
                    plan=form.cleaned_data["plan"],
                    figures=form.figures(),
                    typical_cases=rows,
                )
            except (ValidationError, DomainError) as exc:
                into_form(form, exc)
            else:
                messages.success(request, _("The annual report is saved."))
                return redirect("annualreports:detail", pk=case.pk)
    return render(
        request,
        "annualreports/detail.html",
        {
            "case": case,
            "report": data,
            "stage": case.pack.stage(case.state),
            "title": case.pack.procedure(services.KIND).name_zh,
            "article": case.pack.procedure(services.KIND).article,
            "form": form,
            "editable": editable,
            # one empty row more, for the next typical case
            "rows": [*rows, {}] if editable and len(rows) < services.MAX_CASES else rows,
            "case_fields": services.CASE_FIELDS,
            "figures": [
                (label, data["figures"].get(code), data["known_figures"].get(code))
                for code, label in services.FIGURES
            ],
            "transitions": cases.available_transitions(request.user, case, roles=roles),
            "resubmit_name": zh_en(case.pack.deadline(data["resubmission"].code))
            if data["resubmission"]
            else "",
        },
    )


@permission_required("cases.view_cases")
def report_pdf(request, pk: int):
    case = services.report_case(request.user, pk)
    response = HttpResponse(services.render_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="annual-report-{case.pk}.pdf"'
    return response
