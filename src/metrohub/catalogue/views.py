from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metrohub.accounts.models import Role
from metrohub.cases.forms import CONCLUSION_LABELS
from metrohub.cases.services import case_roles
from metrohub.catalogue import importing
from metrohub.catalogue.forms import ChangeForm, DecisionForm, FindForm, ImportForm, SearchForm
from metrohub.catalogue.models import CapabilityLine, ChangeRequest
from metrohub.catalogue.rows import line_to_row
from metrohub.catalogue.search import Filters, search
from metrohub.catalogue.search import search_page as run_search
from metrohub.catalogue.services import (
    ANNOUNCEMENTS_PER_PAGE,
    add_change_item,
    announce_change,
    announced_changes,
    can_manage,
    can_review,
    change_case,
    change_items,
    change_procedure_case,
    change_record,
    decide_change,
    draft_change_case,
    find_capable,
    flag_lines,
    import_rows,
    propose_change,
    publish_drafts,
    remove_change_item,
)
from metrohub.centers.scope import managed_centers, public_centers
from metrohub.core.errors import SHOWN_ON_PAGE, page_message
from metrohub.core.permissions import permission_required
from metrohub.core.ratelimit import rate_limited
from metrohub.core.uploads import read_upload
from metrohub.eventlog.services import history

EXPORT_LIMIT = 20000
PER_PAGE = 25


def _filters(request) -> tuple[SearchForm, Filters]:
    form = SearchForm(request.GET or None)
    if form.is_valid():
        return form, Filters(**{k: v or "" for k, v in form.cleaned_data.items()})
    return form, Filters()


@rate_limited("search")
def search_page(request):
    form, filters = _filters(request)
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    filtered = bool(filters.q or any(vars(filters).values()))
    page = run_search(filters, page=number, page_size=PER_PAGE, with_facets=filtered)
    flag_lines(page.lines)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/search.html",
        {
            "form": form,
            "page": page,
            "facets": page.facets if filtered else None,
            "query": query.urlencode(),
        },
    )


@rate_limited("search")
def find_page(request):
    form = FindForm(request.GET or None)
    matches = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            matches = find_capable(
                quantity=data["quantity"],
                value=data["value"],
                unit=data["unit"],
                uncertainty=data["uncertainty"],
                uncertainty_relative=data["relative"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    return render(request, "catalogue/find.html", {"form": form, "matches": matches})


def _visible_line(request, line_id: int) -> CapabilityLine:
    line = get_object_or_404(CapabilityLine.objects.select_related("center"), pk=line_id)
    if line.status != CapabilityLine.Status.PUBLISHED and not can_manage(request.user, line.center):
        raise Http404
    return line


def line_detail(request, line_id: int):
    line = _visible_line(request, line_id)
    flag_lines([line])
    return render(
        request,
        "catalogue/line.html",
        {
            "line": line,
            "versions": line.versions.order_by("-version"),
            "can_manage": can_manage(request.user, line.center),
        },
    )


FORMATS = ("xlsx", "csv", "json")


def _export(lines, fmt: str, filename: str) -> HttpResponse:
    lines = list(lines[:EXPORT_LIMIT])
    if fmt == "xlsx":
        body = importing.xlsx_bytes(importing.export_rows(lines))
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        body, kind = importing.csv_text(importing.export_rows(lines)), "text/csv; charset=utf-8"
    else:
        body, kind = importing.json_text(lines), "application/json"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@rate_limited("export")
def export_search(request, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    _form, filters = _filters(request)
    return _export(search(filters), fmt, "capabilities")


@rate_limited("export")
def export_center(request, code: str, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    center = get_object_or_404(public_centers(), code=code)
    lines = CapabilityLine.objects.filter(center=center).select_related("center")
    if not can_manage(request.user, center):
        lines = lines.filter(status=CapabilityLine.Status.PUBLISHED)
    return _export(lines.order_by("area", "measurand_key", "pk"), fmt, f"capabilities-{code}")


@permission_required("catalogue.manage_lines")
def template_download(request, code: str):
    center = get_object_or_404(managed_centers(request.user), code=code)
    response = HttpResponse(
        importing.xlsx_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="capability-template-{center.code}.xlsx"'
    )
    return response


@permission_required("catalogue.manage_lines")
def import_page(request, code: str):
    center = get_object_or_404(managed_centers(request.user), code=code)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = importing.read_rows(read_upload(upload), filename=upload.name)
        except ValidationError as exc:
            form.add_error("file", exc.message_dict["file"])
        except importing.FileError as exc:
            form.add_error("file", str(exc))
        else:
            result = import_rows(
                actor=request.user,
                center=center,
                rows=rows,
                valid_only=form.cleaned_data["valid_only"],
                source=upload.name,
            )
            if result.written or not result.issues:
                messages.success(
                    request,
                    _("Imported: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
                    % vars(result),
                )
    return render(
        request,
        "catalogue/import.html",
        {"center": center, "form": form, "result": result, "letter": importing.letter},
    )


@require_POST
@permission_required("catalogue.review_changes")
def publish_page(request, code: str):
    center = get_object_or_404(managed_centers(request.user), code=code)
    if not can_review(request.user, center):
        raise PermissionDenied
    count = publish_drafts(actor=request.user, center=center)
    messages.success(request, _("%(count)d lines published.") % {"count": count})
    return redirect("centers:detail", code=center.code)


@permission_required("catalogue.manage_lines")
def change_propose(request, line_id: int):
    """Propose a change to a published line: an item of the center's capability-change request
    where its pack has that procedure (Hubei art. 16), else a request reviewed on its own."""
    line = get_object_or_404(
        CapabilityLine.objects.filter(center__in=managed_centers(request.user)), pk=line_id
    )
    initial = {**line_to_row(line), "action": ChangeRequest.Action.MODIFY}
    form = ChangeForm(request.POST or None, initial=initial)
    procedure = change_procedure_case(line.center)
    if request.method == "POST" and form.is_valid():
        try:
            if procedure is not None:
                case = draft_change_case(actor=request.user, center=line.center)
                add_change_item(
                    actor=request.user,
                    case=case,
                    action=form.cleaned_data["action"],
                    reason=form.cleaned_data["reason"],
                    line_id=line.pk,
                    row=form.row(),
                )
                return redirect("catalogue:change_case", pk=case.pk)
            change = propose_change(
                actor=request.user,
                center=line.center,
                line=line,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                row=form.row(),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except SHOWN_ON_PAGE as exc:
            form.add_error(None, page_message(exc))
        else:
            return redirect("catalogue:change", change_id=change.pk)
    return render(
        request,
        "catalogue/change_form.html",
        {"form": form, "line": line, "procedure": procedure is not None},
    )


@permission_required("catalogue.manage_lines")
def change_case_page(request, pk: int):
    """A capability-change case's lines: the director adds and removes them before submitting;
    everyone acting for the case reads them with the acceptance and the announcement."""
    case = change_case(request.user, pk)
    may_edit = case.state == "draft" and Role.CENTER_DIRECTOR in case_roles(request.user, case)
    form = ChangeForm(
        request.POST if request.method == "POST" and may_edit else None,
        initial={"action": ChangeRequest.Action.ADD},
    )
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        try:
            if request.POST.get("remove"):
                remove_change_item(
                    actor=request.user, case=case, item_id=request.POST["remove"][:12]
                )
                return redirect("catalogue:change_case", pk=case.pk)
            if form.is_valid():
                add_change_item(
                    actor=request.user,
                    case=case,
                    action=ChangeRequest.Action.ADD,
                    reason=form.cleaned_data["reason"],
                    row=form.row(),
                )
                messages.success(request, _("The line is added to the change request."))
                return redirect("catalogue:change_case", pk=case.pk)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except SHOWN_ON_PAGE as exc:
            form.add_error(None, page_message(exc))
    form.fields["action"].widget = forms.HiddenInput()
    record = change_record(case)
    return render(
        request,
        "catalogue/change_case.html",
        {
            "case": case,
            "stage": case.pack.stage(case.state),
            "items": change_items(case),
            "record": record,
            "conclusion": CONCLUSION_LABELS.get((record["acceptance"] or {}).get("conclusion")),
            "form": form if may_edit else None,
        },
    )


def announcements(request):
    """The public announcements of changed capabilities (Hubei art. 16: 公告)."""
    try:
        number = max(1, min(int(request.GET.get("page") or 1), 10000))
    except ValueError:
        number = 1
    cases = announced_changes(page=number)
    return render(
        request,
        "catalogue/announcements.html",
        {"cases": cases, "page": number, "more": len(cases) == ANNOUNCEMENTS_PER_PAGE},
    )


def _changes_for(user):
    return ChangeRequest.objects.filter(center__in=managed_centers(user)).select_related(
        "center", "line", "proposed_by"
    )


@permission_required("catalogue.manage_lines")
def change_list(request):
    page = Paginator(_changes_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "catalogue/changes.html", {"page": page})


@permission_required("catalogue.manage_lines")
def change_detail(request, change_id: int):
    change = get_object_or_404(_changes_for(request.user), pk=change_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_review(request.user, change.center):
            raise PermissionDenied
        if form.is_valid():
            decision = request.POST.get("decision")
            try:
                if decision in ("approve", "reject"):
                    decide_change(
                        actor=request.user,
                        change=change,
                        approve=decision == "approve",
                        note=form.cleaned_data["note"],
                    )
                elif decision == "announce":
                    announce_change(actor=request.user, change=change)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect("catalogue:change", change_id=change.pk)
    return render(
        request,
        "catalogue/change.html",
        {
            "change": change,
            "form": form,
            "can_review": can_review(request.user, change.center),
            "events": history(f"catalogue-change:{change.pk}"),
            "proposed": change.proposed.get("row", {}),
        },
    )
