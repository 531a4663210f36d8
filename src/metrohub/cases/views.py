"""Pages of the procedure: thin over `services` (the only way a case changes)."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metrohub.accounts.models import Role
from metrohub.accounts.roles import holds
from metrohub.cases import application, services
from metrohub.cases.api import decision_file, file_response
from metrohub.cases.forms import (
    ROW_LISTS,
    SCALARS,
    AnswerForm,
    ApplicationFormForm,
    CaseNewForm,
    EventReportForm,
    MaterialForm,
    ObjectionForm,
    SelfCheckForm,
    TextForm,
    TransitionForm,
    editor_rows,
    posted_lists,
    posted_rows,
)
from metrohub.cases.listing import CASES, OBLIGATIONS
from metrohub.cases.models import Material, Milestone, Objection, Obligation
from metrohub.cases.services import worklists
from metrohub.cases.services.taskbooks import AREA_CHOICES
from metrohub.cases.templatetags.cases_tags import (
    legal_date,
    next_due,
    pack_title,
    stage_name,
    zh_en,
)
from metrohub.core.bounds import digits
from metrohub.core.errors import SHOWN_ON_PAGE, DomainError, form_message, into_form, page_message
from metrohub.core.exports import EXPORT_CAP, xlsx_response
from metrohub.core.links import Route
from metrohub.core.listing import export_rows, page_context
from metrohub.core.paging import bounded_page
from metrohub.core.permissions import permission_required
from metrohub.core.ratelimit import rate_limited
from metrohub.core.uploads import read_upload
from metrohub.eventlog.services import history

CASES_PER_PAGE = 50
#: what a row of the case list shows: its number, center name, programme and stage, date filed
LIST_COLUMNS = ("center_name", "rulepack_code", "rulepack_version", "kind", "state", "filed_on")


@permission_required("cases.view_cases")
def worklist(request):
    items = services.worklist(request.user)
    # every case in scope, a page at a time (a national regulator sees thousands)
    listed = CASES.apply(services.cases_for(request.user), request.GET)
    cases = bounded_page(
        # the columns a row shows and nothing joined: at national scale the planner spent longer
        # on the joins of the scope's related rows (none shown here) than on the page itself
        services.with_next_due(listed.queryset).select_related(None).only(*LIST_COLUMNS),
        CASES_PER_PAGE,
        request.GET.get("page"),
    )
    detail = Route("cases:detail")
    return render(
        request,
        "cases/worklist.html",
        {
            "items": _work_rows(items, detail),
            "more": len(items) >= worklists.LIMIT,
            "cases": cases,
            "case_rows": _case_rows(cases, detail),
            **page_context(request.user, listed, export_url=reverse("cases:export")),
            "can_file": request.user.has_perm("cases.file_case"),
            "invited": services.invitations_for(request.user).filter(state="invited").count(),
            "late_milestones": services.late_milestones(request.user)
            if holds(request.user, Role.PROGRAMME_REGULATOR)
            else [],
        },
    )


# The rows of the two tables are prepared here, as plain text, rather than looked up in the
# template: at national scale the template's per-row lookups, filters and {% url %} tags were the
# page's largest cost (100 worklist rows and 50 list rows).


def _work_rows(items, detail: Route) -> list[dict]:
    step = Route("cases:transition", 2)
    rows = []
    for item in items:
        case = item.case
        rows.append(
            {
                "url": detail(case.pk),
                "pk": case.pk,
                "name": case.center_name,
                "applicant": case.applicant.display_name,
                "stage": stage_name(case.state, case.pack),
                "steps": [(step(case.pk, t.name), zh_en(t)) for t in item.transitions],
                "due": legal_date(item.due),
                "overdue": item.overdue,
            }
        )
    return rows


def _case_rows(page, detail: Route) -> list[dict]:
    rows = []
    for case in page:
        pack = case.pack
        rows.append(
            {
                "url": detail(case.pk),
                "pk": case.pk,
                "name": case.center_name,
                "programme": pack_title(pack),
                "stage": stage_name(case.state, pack),
                "filed": legal_date(case.filed_on),
                "due": legal_date(next_due(case)) or "—",
            }
        )
    return rows


@permission_required("cases.view_cases")
def cases_export(request):
    """The filtered list as a workbook, at most `EXPORT_CAP` rows (the last line says if cut)."""
    listed = CASES.apply(services.cases_for(request.user), request.GET)
    rows, cut = export_rows(services.with_due(listed.queryset), _case_row, cap=EXPORT_CAP)
    return xlsx_response(
        filename="cases",
        title=_("All cases I can see"),
        columns=[
            _("Case"),
            _("Center name"),
            _("Applicant"),
            _("Kind"),
            _("Programme"),
            _("Stage"),
            _("Filed on"),
            _("Due"),
        ],
        rows=rows,
        note=_("Only the first %(n)d rows are exported.") % {"n": EXPORT_CAP} if cut else "",
    )


def _case_row(case) -> list:
    pack = case.pack
    return [
        case.pk,
        case.center_name,
        case.applicant.name,
        _kind_label(case),
        pack_title(pack),
        stage_name(case.state, pack),
        case.filed_on,
        next_due(case),
    ]


def _obligations(user):
    return Obligation.objects.filter(case__in=services.cases_for(user)).select_related(
        "case", "case__center", "case__district"
    )


def _obligation_row(obligation) -> dict:
    pack = obligation.case.pack
    try:
        name = zh_en(pack.deadline(obligation.code))
    except KeyError:
        name = ""
    return {
        "obligation": obligation,
        "name": name,
        "state": obligation.get_current_state_display(),
        "overdue": obligation.current_state == Obligation.State.OVERDUE,
    }


def _kind_label(case) -> str:
    return case.pack.kind_name(case.kind)[1 if (get_language() or "").startswith("en") else 0]


@permission_required("cases.view_obligations")
def obligation_list(request):
    """The obligations of every case in the regulator's scope, soonest due first."""
    listed = OBLIGATIONS.apply(_obligations(request.user), request.GET)
    page = bounded_page(listed.queryset, CASES_PER_PAGE, request.GET.get("page"))
    return render(
        request,
        "cases/obligations.html",
        {
            "page": page,
            "rows": [_obligation_row(o) for o in page],
            **page_context(request.user, listed, export_url=reverse("cases:obligations_export")),
        },
    )


@permission_required("cases.view_obligations")
def obligations_export(request):
    listed = OBLIGATIONS.apply(_obligations(request.user), request.GET)

    def row(obligation):
        shown = _obligation_row(obligation)
        return [
            obligation.case_id,
            obligation.case.center_name,
            obligation.case.center.code if obligation.case.center else "",
            shown["name"],
            obligation.article,
            obligation.due_on,
            str(shown["state"]),
            _kind_label(obligation.case),
            obligation.case.district.display_name if obligation.case.district else "",
        ]

    rows, cut = export_rows(listed.queryset, row, cap=EXPORT_CAP)
    return xlsx_response(
        filename="obligations",
        title=_("Obligations in my scope"),
        columns=[
            _("Case"),
            _("Center name"),
            _("Center code"),
            _("Deadline"),
            _("Article"),
            _("Due"),
            _("State"),
            _("Kind"),
            _("District"),
        ],
        rows=rows,
        note=_("Only the first %(n)d rows are exported.") % {"n": EXPORT_CAP} if cut else "",
    )


@permission_required("cases.file_case")
def case_new(request):
    form = CaseNewForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.create_case(
                actor=request.user,
                rulepack=data["rulepack"],
                center_name=data["center_name"],
                center_name_en=data["center_name_en"],
                industry_domain=data["industry_domain"],
                district=data["district"] or None,
                co_builders=[o.pk for o in data["co_builders"]],
            )
        except ValidationError as exc:
            into_form(form, exc)
        else:
            return redirect("cases:edit", pk=case.pk)
    return render(request, "cases/new.html", {"form": form})


@login_required
def case_open(request, code: str):
    """A regulator opens a case of a procedure the pack lets them open by hand about a center
    (a revocation, a five-year review…): the kinds offered are those they may open today."""
    kinds = services.openable_kinds(request.user, code)
    if not kinds:
        raise Http404
    from metrohub.centers.models import Center

    center = get_object_or_404(Center, code=code)  # in the actor's scope: kinds were found
    chosen = request.POST.get("kind", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            case = services.open_case(actor=request.user, kind=chosen[:32], center=code)
        except (ValidationError, PermissionDenied, DomainError) as exc:
            messages.error(request, page_message(exc))
        else:
            kind = zh_en(case.pack.procedure(case.kind))
            messages.success(
                request, _("Case #%(pk)s opened: %(kind)s.") % {"pk": case.pk, "kind": kind}
            )
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/open.html", {"center": center, "kinds": kinds, "chosen": chosen})


def _submission_gaps(request, case) -> list:
    """Everything missing for the applicant's next submission, at once."""
    pack = case.pack
    present = services.current_materials(case)
    needs_table = any(m.code == "industry_needs_table" for m in pack.materials)
    gaps = [
        {"field": g.field, "message": g.message}
        for g in application.gaps(case, needs_table=needs_table)
    ]
    seen = set()
    for t in services.available_transitions(request.user, case):
        for code in t.materials:
            material = pack.material(code)
            if (
                material.required
                and material.text_given
                and code not in present
                and code not in seen
            ):
                seen.add(code)
                gaps.append(
                    {
                        "field": f"materials.{code}",
                        "message": _("Missing material: %(name)s") % {"name": material.name_zh},
                    }
                )
    return gaps


#: the kinds of case whose forms are on a page of their own (the report, the year's tasks, the
#: checklist): their case page leads there, and a step taken returns there
OWN_PAGES = {
    "annual_report": "annualreports:detail",
    "annual_tasks": "annualtasks:detail",
    "inspection": "inspections:detail",
}


def own_page(case) -> str | None:
    name = OWN_PAGES.get(case.kind)
    return reverse(name, args=[case.pk]) if name else None


@permission_required("cases.view_cases")
def case_detail(request, pk: int):
    case = services.get_case(request.user, pk)
    pack = case.pack
    roles = services.case_roles(request.user, case)
    materials = list(case.materials.select_related("uploaded_by"))
    present = services.current_materials(case)
    names = {m.code: m for m in pack.materials}
    uploadable = [m for m in pack.materials if m.submitted_by in roles]
    context = {
        "case": case,
        "pack": pack,
        "stage": pack.stage(case.state),
        "roles": roles,
        "transitions": services.available_transitions(request.user, case),
        "obligations": [
            (o, pack.deadline(o.code)) for o in case.obligations.select_related("deadline")
        ],
        "materials": [(m, names.get(m.code), present.get(m.code) == m) for m in materials],
        "decisions": case.decisions.all(),
        "scores": case.scores.all(),
        "objections": case.objections.all(),
        "notes": case.notes.select_related("author"),
        "events": history(case.subject).select_related("actor"),
        "event_names": {f"transition.{t.name}": t for t in pack.transitions},
        "upload_form": MaterialForm(case=case, roles=roles)
        if uploadable and not pack.stage(case.state).terminal
        else None,
        "can_answer": Role.PROGRAMME_REGULATOR in roles,
        "event_reports": [e for e in pack.event_reports if {e.role, e.to_role} & roles]
        if case.is_establishment
        else [],
        "answer_form": AnswerForm(),
        "can_supervise": Role.DISTRICT_REGULATOR in roles and bool(case.supervisor),
        "supervisor_form": TextForm(),
        "editable": services.is_editable(request.user, case),
        "self_check_open": Role.APPLICANT in roles
        and case.state in services.stages_with(pack, "self_check_passed"),
        "industry": application.industry_name(case.industry_domain),
        "today": services.today(),
        "defects": services.open_defects(case),
        "late_milestones": Milestone.objects.filter(
            task_book__case=case, done_on__isnull=True, due__lt=services.today()
        ).count(),
        "later_versions": services.later_versions(case)
        if Role.PROGRAMME_REGULATOR in roles
        else [],
        "own_page": own_page(case),
        "procedure": None if case.is_establishment else pack.procedure(case.kind),
    }
    return render(request, "cases/detail.html", context)


@require_POST
@permission_required("cases.view_cases")
def move_version(request, pk: int):
    case = services.get_case(request.user, pk)
    try:
        services.move_to_version(
            actor=request.user,
            case=case,
            version=request.POST.get("version", "")[:40],
            reason=request.POST.get("reason", "")[:2001],
        )
    except SHOWN_ON_PAGE as exc:
        messages.error(request, page_message(exc))
    else:
        messages.success(request, _("The case follows the new version."))
    return redirect("cases:detail", pk=case.pk)


@permission_required("cases.view_cases")
def invitations(request):
    return render(
        request, "cases/invitations.html", {"invitations": services.invitations_for(request.user)}
    )


@require_POST
@permission_required("cases.view_cases")
def answer_invitation(request, pk: int, answer: str):
    consent = services.get_invitation(request.user, pk)
    if answer not in ("consent", "decline"):
        raise Http404
    try:
        services.answer_invitation(
            actor=request.user, consent=consent, consented=answer == "consent"
        )
    except SHOWN_ON_PAGE as exc:
        messages.error(request, page_message(exc))
    else:
        messages.success(request, _("Your answer is recorded."))
    if answer == "consent":
        return redirect("cases:detail", pk=consent.case_id)
    return redirect("cases:invitations")


def _error_key(key: str) -> str:
    """The page field an error belongs to: form.team.0.name → team, form.summary → summary."""
    parts = key.split(".")
    return parts[1] if parts[0] == "form" and len(parts) > 1 else parts[0]


def _row_errors(key: str, messages_: list[str], columns) -> list[str]:
    parts = key.split(".")
    if len(parts) >= 3 and digits(parts[2]):
        label = next(
            (str(c["label"]) for c in columns if len(parts) > 3 and c["key"] == parts[3]), ""
        )
        row = int(parts[2]) + 1
        return [
            _("Row %(n)d%(label)s: %(message)s")
            % {"n": row, "label": f" {label}" if label else "", "message": m}
            for m in messages_
        ]
    return list(messages_)


def _edit_context(request, case, form, lists, errors, saved):
    by_field: dict[str, list[str]] = {}
    for key, messages_ in errors.items():
        name = _error_key(key)
        columns = ROW_LISTS.get(name, (None, []))[1]
        by_field.setdefault(name, []).extend(_row_errors(key, messages_, columns))
    editors = [
        {
            "id": f"rows-{key}",
            "prefix": key,
            "legend": legend,
            "columns": columns,
            "rows": editor_rows(lists.get(key, []), errors, f"form.{key}"),
            "errors": [],
        }
        for key, (legend, columns) in ROW_LISTS.items()
        if key != "industry_needs" or _needs_table(case)
    ]
    names = [f.name for f in form.visible_fields()] + list(ROW_LISTS)
    return {
        "case": case,
        "form": form,
        "editors": editors,
        "field_errors": by_field,
        "error_slots": [(n, by_field.get(n, [])) for n in names],
        "gaps": _submission_gaps(request, case),
        "saved": saved,
        "invalid": bool(by_field),
    }


def _needs_table(case) -> bool:
    return any(m.code == "industry_needs_table" for m in case.pack.materials)


@permission_required("cases.view_cases")
def case_edit(request, pk: int):
    """The application form. Autosave keeps every valid field and marks the others beside them;
    what was typed stays on the page."""
    case = services.get_case(request.user, pk)
    if Role.APPLICANT not in services.case_roles(request.user, case):
        raise PermissionDenied
    if not services.is_editable(request.user, case):
        messages.error(request, _("The application is no longer editable at this stage."))
        return redirect("cases:detail", pk=case.pk)
    saved, errors = False, {}
    if request.method == "POST":
        form = ApplicationFormForm(request.POST, case=case)
        fields = form.valid_fields()
        lists = posted_lists(request.POST)
        fields["form"] = {**fields.get("form", {}), **lists}
        errors = {f"form.{k}" if k in SCALARS else k: v for k, v in form.errors.items()}
        errors.update(services.autosave_draft(actor=request.user, case=case, **fields))
        case.refresh_from_db()
        saved = True
        if not request.htmx and not errors:
            messages.success(request, _("The draft is saved."))
            return redirect("cases:edit", pk=case.pk)
    else:
        form = ApplicationFormForm(case=case)
        lists = {k: (case.form_data or {}).get(k) or [] for k in ROW_LISTS}
    context = _edit_context(request, case, form, lists, errors, saved)
    if request.htmx:
        return render(request, "cases/_autosave.html", context)
    return render(request, "cases/edit.html", context, status=422 if errors else 200)


@require_POST
@permission_required("cases.view_cases")
def material_upload(request, pk: int):
    case = services.get_case(request.user, pk)
    roles = services.case_roles(request.user, case)
    form = MaterialForm(request.POST, request.FILES, case=case, roles=roles)
    if not form.is_valid():
        if not form.fields["code"].choices:
            raise PermissionDenied
        messages.error(request, form_message(form))
        return redirect("cases:detail", pk=case.pk)
    upload = form.cleaned_data["file"]
    try:
        material = services.upload_material(
            actor=request.user,
            case=case,
            code=form.cleaned_data["code"],
            content=read_upload(upload),
            filename=upload.name,
        )
    except SHOWN_ON_PAGE as exc:
        messages.error(request, page_message(exc))
    else:
        messages.success(
            request,
            _("Uploaded %(name)s, version %(version)d.")
            % {"name": material.filename, "version": material.version},
        )
    target = request.POST.get("next", "")
    if target.startswith(f"/cases/{case.pk}/") and "//" not in target:
        return redirect(target)
    return redirect("cases:detail", pk=case.pk)


@permission_required("cases.view_cases")
def application_pdf(request, pk: int):
    """The application, for signing and sealing, exactly as filed."""
    from metrohub.cases.services.documents import render_application

    case = services.get_case(request.user, pk)
    if not case.is_establishment:
        raise Http404  # an annual report, an inspection, a review… has no application
    pdf = render_application(case)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="application-{case.pk}.pdf"'
    response["X-Content-SHA256"] = hashlib.sha256(pdf).hexdigest()
    return response


@permission_required("cases.view_cases")
def decision_document(request, pk: int, decision_id: int):
    """A party downloads a decision of the case as its official document."""
    case = services.get_case(request.user, pk)
    return decision_file(services.get_decision(case, decision_id))


def public_decision_document(request, decision_id: int):
    """A decision published with the registry, for anyone."""
    decision = get_object_or_404(services.public_decisions(), pk=decision_id)
    return decision_file(decision)


@permission_required("cases.view_cases")
def material_download(request, pk: int, material_id: int):
    case = services.get_case(request.user, pk)
    return file_response(get_object_or_404(Material, pk=material_id, case=case))


@permission_required("cases.view_cases")
def transition(request, pk: int, name: str):
    case = services.get_case(request.user, pk)
    try:
        t = case.pack.transition(name)
    except KeyError:
        raise Http404 from None
    if not services.case_roles(request.user, case) & set(t.roles):
        raise PermissionDenied
    form = TransitionForm(
        request.POST if request.method == "POST" else None,
        case=case,
        transition=t,
        user=request.user,
    )
    problem = None
    if case.state not in t.from_:
        problem = _("This step cannot be taken at the current stage.")
    elif request.method == "POST" and form.is_valid():
        try:
            services.take_transition(
                case=case,
                name=name,
                actor=request.user,
                payload=form.payload(),
                effective_date=form.cleaned_data.get("effective_date"),
            )
        except ValidationError as exc:
            into_form(form, exc)
        except DomainError as exc:
            problem = str(exc)
        else:
            messages.success(request, _("Done: %(name)s.") % {"name": t.name_zh})
            return redirect(own_page(case) or reverse("cases:detail", args=[case.pk]))
    return render(
        request,
        "cases/transition.html",
        {
            "case": case,
            "t": t,
            "form": form,
            "problem": problem,
            "pack": case.pack,
            "missing": _submission_gaps(request, case) if t.materials else [],
        },
        status=409 if problem and request.method == "POST" else 200,
    )


@require_POST
@permission_required("cases.view_cases")
def objection_answer(request, pk: int, objection_id: int):
    case = services.get_case(request.user, pk)
    objection = get_object_or_404(Objection, pk=objection_id, case=case)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_objection(
                actor=request.user, objection=objection, answer=form.cleaned_data["answer"]
            )
            messages.success(request, _("The answer is recorded."))
        except SHOWN_ON_PAGE as exc:
            messages.error(request, page_message(exc))
    else:
        messages.error(request, form_message(form))
    return redirect("cases:detail", pk=case.pk)


@permission_required("cases.view_cases")
def self_check(request, pk: int):
    case = services.get_case(request.user, pk)
    if Role.APPLICANT not in services.case_roles(request.user, case):
        raise PermissionDenied
    form = SelfCheckForm(request.POST or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            services.record_self_check(actor=request.user, case=case, items=form.items())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except DomainError as exc:
            problem = str(exc)
        else:
            messages.success(request, _("The self-check is recorded."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/self_check.html", {"case": case, "form": form, "problem": problem}
    )


@require_POST
@permission_required("cases.view_cases")
def supervisor_report(request, pk: int):
    case = services.get_case(request.user, pk)
    form = TextForm(request.POST)
    if form.is_valid():
        try:
            services.file_supervisor_report(
                actor=request.user, case=case, text=form.cleaned_data["text"]
            )
            messages.success(request, _("The supervisor's report is recorded."))
        except SHOWN_ON_PAGE as exc:
            messages.error(request, page_message(exc))
    else:
        messages.error(request, form_message(form))
    return redirect("cases:detail", pk=case.pk)


@permission_required("cases.view_cases")
def event_report(request, pk: int, code: str):
    """A reportable event (Shanghai 五(二): a major event, in writing within 5 working days):
    the center reports it; everyone acting for the case sees the reports, late ones flagged."""
    case = services.get_case(request.user, pk)
    report = next((e for e in case.pack.event_reports if e.code == code), None)
    if report is None:
        raise Http404
    may_report = report.role in services.case_roles(request.user, case)
    form = EventReportForm(request.POST if request.method == "POST" and may_report else None)
    if request.method == "POST" and not may_report:
        raise PermissionDenied
    if form.is_bound and form.is_valid():
        try:
            services.report_event(
                actor=request.user,
                case=case,
                code=code,
                occurred_on=form.cleaned_data["occurred_on"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            into_form(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The report is recorded."))
            return redirect("cases:event_report", pk=case.pk, code=code)
    return render(
        request,
        "cases/event_report.html",
        {
            "case": case,
            "report": report,
            "deadline": case.pack.deadline(report.deadline) if report.deadline else None,
            "rows": services.event_reports(case, code),
            "form": form if may_report else None,
        },
    )


@permission_required("cases.view_cases")
def inspection_coverage(request):
    """The regulators' view of the year's inspections: which centers are not inspected yet."""
    from metrohub.cases.services.inspections import coverage

    if not holds(request.user, Role.DISTRICT_REGULATOR, Role.PROGRAMME_REGULATOR):
        raise PermissionDenied
    year = request.GET.get("year", "")[:4]
    year = int(year) if digits(year) else services.today().year
    rows = coverage(request.user, year)
    return render(
        request,
        "cases/inspections.html",
        {
            "year": year,
            "rows": rows,
            "missing": sum(1 for r in rows if not r["inspections"]),
        },
    )


def notice_list(request):
    from metrohub.cases.services.notices import regulators

    contacts = regulators()
    notices = [(c, services.notice_details(c, contacts)) for c in services.public_notices()]
    return render(request, "cases/notices.html", {"notices": notices})


def notice_document(request, pk: int):
    """The running notice as a document (public)."""
    from metrohub.cases.services.documents import render_notice

    case = get_object_or_404(services.public_notices(), pk=pk)
    pdf = render_notice(case, services.notice_details(case))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{case.pk}.pdf"'
    response["X-Content-SHA256"] = hashlib.sha256(pdf).hexdigest()
    return response


@rate_limited("objection", methods=("POST",))
def notice_detail(request, pk: int):
    case = get_object_or_404(services.public_notices(), pk=pk)
    form = ObjectionForm(request.POST or None)
    filed = False
    if request.method == "POST" and form.is_valid():
        try:
            services.file_objection(case=case, **form.cleaned_data)
            filed = True
            form = ObjectionForm()
        except SHOWN_ON_PAGE as exc:
            into_form(form, exc)
    return render(
        request,
        "cases/notice.html",
        {
            "case": case,
            "notice": services.notice_details(case),
            "form": form,
            "filed": filed,
            "industry": application.industry_name(case.industry_domain),
            "pack": case.pack,
        },
    )


def _col(key, label, kind="text", choices=None, limit=300):
    return {"key": key, "label": label, "kind": kind, "choices": choices, "max": limit}


TASK_COLUMNS = {
    "responsible": [
        _col("name", gettext_lazy("Name"), limit=100),
        _col("role", gettext_lazy("Role"), limit=100),
        _col("duty", gettext_lazy("Duty")),
    ],
    "capability_targets": [
        _col("area", gettext_lazy("Metrology area"), choices=AREA_CHOICES),
        _col("count", gettext_lazy("Lines"), "number"),
    ],
    "milestones": [
        _col("due", gettext_lazy("Due"), "date"),
        _col("title", gettext_lazy("Milestone"), limit=200),
    ],
}


def _task_book_post(request, case):
    action = request.POST.get("action", "")
    if action == "save":
        rows = {
            k: posted_rows(request.POST, k, [c["key"] for c in cols])
            for k, cols in TASK_COLUMNS.items()
        }
        for row in rows["capability_targets"]:
            row["count"] = int(row["count"]) if digits(row["count"]) else row["count"]
        services.save_task_book(
            actor=request.user,
            case=case,
            goals=request.POST.get("goals", ""),
            funding=request.POST.get("funding", ""),
            funding_amount=request.POST.get("funding_amount", ""),
            **rows,
        )
    elif action == "plan":
        services.submit_plan(actor=request.user, case=case, plan=request.POST.get("plan", ""))
    elif action == "visit":
        services.record_visit(
            actor=request.user,
            case=case,
            visited_on=request.POST.get("visited_on", ""),
            team=request.POST.get("team", ""),
            findings=request.POST.get("findings", ""),
        )
    elif action == "progress":
        done = {
            k.removeprefix("done-"): v
            for k, v in request.POST.items()
            if k.startswith("done-") and v.strip()
        }
        services.report_progress(
            actor=request.user, case=case, text=request.POST.get("text", ""), done=done
        )
    else:
        raise Http404


@permission_required("cases.view_cases")
def task_book(request, pk: int):
    """The construction task book: written before approval, then the builder's plan and progress
    and the supervision team's visits during construction."""
    case = services.get_case(request.user, pk)
    if not case.is_establishment:
        raise Http404  # the task book is the establishment's: a duty's case has none
    roles = services.case_roles(request.user, case)
    errors: dict = {}
    if request.method == "POST":
        try:
            _task_book_post(request, case)
        except SHOWN_ON_PAGE as exc:
            if hasattr(exc, "error_dict"):
                errors = exc.message_dict
            else:
                messages.error(request, page_message(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("cases:task_book", pk=case.pk)
    book = services.task_book(case)
    draft = book is None or book.state == "draft"
    writer = bool(roles & {Role.APPLICANT, Role.PROGRAMME_REGULATOR})
    building = case.state in ("construction", "construction_rectification") and not draft
    today = services.today()
    milestones = [(m, m.state_on(today)) for m in book.milestones.all()] if book else []
    posted = (
        request.POST if request.method == "POST" and request.POST.get("action") == "save" else None
    )
    values = {
        k: posted_rows(posted, k, [c["key"] for c in cols])
        if posted is not None
        else (
            [{"due": m.due.isoformat(), "title": m.title} for m in book.milestones.all()]
            if k == "milestones" and book
            else (getattr(book, k) if book else [])
        )
        for k, cols in TASK_COLUMNS.items()
    }
    editors = [
        {
            "id": f"rows-{k}",
            "prefix": k,
            "legend": {
                "responsible": _("People responsible"),
                "capability_targets": _("Capability targets"),
                "milestones": _("Milestones"),
            }[k],
            "columns": cols,
            "rows": editor_rows(values[k], errors, k),
            "errors": errors.get(k, []),
        }
        for k, cols in TASK_COLUMNS.items()
    ]
    return render(
        request,
        "cases/task_book.html",
        {
            "case": case,
            "book": book,
            "milestones": milestones,
            "editable": draft and writer and not case.pack.stage(case.state).terminal,
            "editors": editors,
            "errors": errors,
            "builder": building and Role.APPLICANT in roles,
            "reporter": building and bool(roles & {Role.APPLICANT, Role.CENTER_DIRECTOR}),
            "supervisor": building and Role.PROGRAMME_REGULATOR in roles,
            "visits": case.visits.all(),
            "reports": case.progress_reports.select_related("author"),
            "initial": {
                "goals": posted.get("goals", "")
                if posted is not None
                else (book.goals if book else ""),
                "funding": posted.get("funding", "")
                if posted is not None
                else (book.funding if book else ""),
                "funding_amount": posted.get("funding_amount", "")
                if posted is not None
                else (
                    f"{book.funding_amount:f}" if book and book.funding_amount is not None else ""
                ),
            },
        },
        status=422 if errors else 200,
    )
