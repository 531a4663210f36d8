from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from metrohub.catalogue.models import CapabilityLine
from metrohub.catalogue.services import can_manage, can_review, flag_lines
from metrohub.centers import registry
from metrohub.centers.listing import CENTERS
from metrohub.centers.models import Center
from metrohub.centers.scope import public_centers
from metrohub.core.exports import EXPORT_CAP, xlsx_response
from metrohub.core.listing import export_rows, page_context

PER_PAGE = 20
REVOKED_SHOWN = 50


def center_list(request):
    listed = CENTERS.apply(public_centers(), request.GET)
    revoked_status = Center.Status.REVOKED
    active = listed.queryset.exclude(status=revoked_status)
    revoked = listed.queryset.filter(status=revoked_status)
    page = Paginator(active, PER_PAGE).get_page(request.GET.get("page"))
    revoked_rows = list(revoked[: REVOKED_SHOWN + 1])
    provinces = registry.by_province(public_centers().exclude(status=Center.Status.REVOKED))
    statuses = [(v, str(label)) for v, label in Center.Status.choices if v != "revoked"]
    for province in provinces:
        province["cells"] = [province["statuses"].get(value, 0) for value, _label in statuses]
    chart = {
        "provinces": [p["name"] for p in provinces],
        "series": [
            {"name": label, "data": [p["statuses"].get(value, 0) for p in provinces]}
            for value, label in statuses
        ],
        "axis": str(_("Centers")),
    }
    return render(
        request,
        "centers/list.html",
        {
            "page": page,
            **page_context(request.user, listed, export_url=reverse("centers:export")),
            "revoked": revoked_rows[:REVOKED_SHOWN],
            "more_revoked": len(revoked_rows) > REVOKED_SHOWN,
            "provinces": provinces,
            "chart": chart,
            "filtered": bool(listed.query),
            "breadcrumbs": [(_("Home"), reverse("core:home")), (_("Registry of centers"), "")],
        },
    )


def export(request):
    """The registry as filtered, as a workbook (public data, like the page)."""
    listed = CENTERS.apply(public_centers(), request.GET)
    rows, cut = export_rows(listed.queryset, _center_row, cap=EXPORT_CAP)
    return xlsx_response(
        filename="centers",
        title=_("Registry of centers"),
        columns=[
            _("Code"),
            _("Center name"),
            _("Level"),
            _("Status"),
            _("Industry"),
            _("Host organisation"),
            _("Jurisdiction"),
            _("Established on"),
        ],
        rows=rows,
        note=_("Only the first %(n)d rows are exported.") % {"n": EXPORT_CAP} if cut else "",
    )


def _center_row(center) -> list:
    return [
        center.code,
        center.display_name,
        str(center.get_level_display()),
        str(center.get_status_display()),
        center.industry_domain,
        center.host.display_name,
        center.jurisdiction.display_name,
        center.established_on,
    ]


def center_detail(request, code: str):
    center = get_object_or_404(public_centers(), code=code)
    lines = CapabilityLine.objects.filter(
        center=center, status=CapabilityLine.Status.PUBLISHED
    ).order_by("area", "measurand_key", "pk")
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    flag_lines(page.object_list)
    manager = can_manage(request.user, center)
    drafts = (
        CapabilityLine.objects.filter(center=center, status=CapabilityLine.Status.DRAFT).count()
        if manager
        else 0
    )
    from metrohub.cases.services import openable_kinds
    from metrohub.cases.services.documents import public_decisions

    reviewer = can_review(request.user, center)

    decisions = public_decisions().filter(case__center=center).order_by("pk")
    return render(
        request,
        "centers/detail.html",
        {
            "center": center,
            "history": registry.history(center),
            "sections": registry.profile_sections(center),
            "breadcrumbs": [
                (_("Home"), reverse("core:home")),
                (_("Registry of centers"), reverse("centers:list")),
                (center.name, ""),
            ],
            "decisions": decisions,
            "page": page,
            "can_manage": manager,
            "can_review": reviewer,
            # procedures the regulator may open by hand (a revocation, a review…)
            "can_open": reviewer and bool(openable_kinds(request.user, center.code)),
            "drafts": drafts,
        },
    )
