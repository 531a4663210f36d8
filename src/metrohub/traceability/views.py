"""Pages of traceability: a chain as a graph and a table (with its exports), recording a failed
standard, and an incident with its affected certificates, assessments and acknowledgements.
Thin over `chain` and `services`."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metrohub.certificates import services as certificates
from metrohub.core.permissions import permission_required
from metrohub.standards.models import MeasurementStandard
from metrohub.standards.scope import staffed_centers, visible_centers
from metrohub.traceability import chain as chains
from metrohub.traceability import exports, services
from metrohub.traceability.forms import AssessmentForm, FindingForm
from metrohub.traceability.history import rows as history

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 25
ROWS_PER_PAGE = 100


def _graph(chain) -> dict:
    """What the page's ECharts tree reads: nested nodes from the flat list."""
    by_parent: dict = {}
    for node in chain.nodes:
        by_parent.setdefault(node.parent, []).append(node)

    def tree(node):
        return {
            "name": f"{node.kind_label}\n{node.name}",
            "value": node.uncertainty,
            "status": node.status,
            "children": [tree(child) for child in by_parent.get(node.id, [])],
        }

    roots = by_parent.get(None, [])
    return tree(roots[0]) if roots else {}


def _chain_page(request, chain, title: str, exports_base: str):
    chain = services.keep_open_links(chain=chain, user=request.user)
    return render(
        request,
        "traceability/chain.html",
        {"chain": chain, "graph": _graph(chain), "title": title, "exports": exports_base},
    )


def _export(chain, fmt: str, filename: str) -> HttpResponse:
    if fmt == "json":
        response = HttpResponse(
            json.dumps(chain.as_dict(), cls=DjangoJSONEncoder, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
    elif fmt == "xlsx":
        response = HttpResponse(exports.chain_xlsx(chain), content_type=XLSX)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@permission_required("traceability.view")
def certificate_chain(request, number: str):
    certificate = certificates.get_certificate(request.user, number)
    chain = chains.of_certificate(certificate)
    title = _("Traceability chain of certificate %(number)s") % {"number": certificate.number}
    return _chain_page(request, chain, title, f"/traceability/certificates/{certificate.number}/")


@permission_required("traceability.view")
def certificate_chain_export(request, number: str, fmt: str):
    certificate = certificates.get_certificate(request.user, number)
    return _export(chains.of_certificate(certificate), fmt, f"{certificate.number}-chain")


def _standard(request, pk: int) -> MeasurementStandard:
    if not request.user.has_perm("standards.view"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return get_object_or_404(
        MeasurementStandard.objects.filter(center__in=visible_centers(request.user)), pk=pk
    )


@permission_required("traceability.view")
def standard_chain(request, pk: int):
    standard = _standard(request, pk)
    chain = chains.of_standard(standard, services.today())
    title = _("Traceability chain of %(standard)s") % {"standard": standard.name}
    return _chain_page(request, chain, title, f"/traceability/standards/{standard.pk}/")


@permission_required("traceability.view")
def standard_chain_export(request, pk: int, fmt: str):
    standard = _standard(request, pk)
    return _export(chains.of_standard(standard, services.today()), fmt, f"standard-{pk}-chain")


@permission_required("traceability.record")
def finding_new(request, pk: int):
    standard = _standard(request, pk)
    if not staffed_centers(request.user).filter(pk=standard.center_id).exists():
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = FindingForm(request.POST or None, standard=standard)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.record_finding(actor=request.user, standard=standard,
                                               **form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The finding has been recorded."))
            return redirect("traceability:incident", pk=incident.pk)
    return render(
        request,
        "traceability/finding.html",
        {"form": form, "standard": standard},
        status=422 if form.errors else 200,
    )


@permission_required("traceability.view")
def incident_list(request):
    queryset = services.incidents_for(request.user)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    counts = services.affected_counts([i.pk for i in page])
    return render(
        request,
        "traceability/incidents.html",
        {"page": page, "rows": [(i, counts.get(i.pk, 0)) for i in page]},
    )


@permission_required("traceability.view")
def incident_detail(request, pk: int):
    incident = services.get_incident(request.user, pk)
    rows = services.affected_rows(request.user, incident)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    assessable = set(staffed_centers(request.user).values_list("pk", flat=True))
    return render(
        request,
        "traceability/incident.html",
        {
            "incident": incident,
            "page": page,
            "groups": services.grouped(page),
            "assessable": assessable,
            "form": AssessmentForm(),
            "notice": services.notice_for(request.user, incident),
            "notices": incident.notices.select_related("customer", "acknowledged_by")
            if services.sees_everything(request.user, incident)
            else [],
            "events": history(incident.subject),
        },
    )


@permission_required("traceability.view")
def incident_export(request, pk: int):
    incident = services.get_incident(request.user, pk)
    response = HttpResponse(
        exports.affected_xlsx(services.affected_rows(request.user, incident)), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="incident-{incident.pk}.xlsx"'
    return response


@require_POST
@permission_required("traceability.view")
def assess(request, pk: int, row: int):
    incident = services.get_incident(request.user, pk)
    found = get_object_or_404(services.affected_rows(request.user, incident), pk=row)
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an assessment and give the reason."))
        return redirect("traceability:incident", pk=pk)
    try:
        services.assess(actor=request.user, row=found, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The assessment has been recorded."))
    return redirect("traceability:incident", pk=pk)


@require_POST
@permission_required("traceability.view")
def acknowledge(request, pk: int):
    incident = services.get_incident(request.user, pk)
    services.acknowledge(actor=request.user, incident=incident)
    messages.success(request, _("Your acknowledgement has been recorded."))
    return redirect("traceability:incident", pk=pk)
