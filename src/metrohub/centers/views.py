from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from metrohub.catalogue.models import CapabilityLine
from metrohub.catalogue.services import can_manage, can_review, flag_lines
from metrohub.centers.scope import public_centers


def center_list(request):
    return render(request, "centers/list.html", {"centers": public_centers()})


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
    from metrohub.cases.services.documents import public_decisions

    decisions = public_decisions().filter(case__center=center).order_by("pk")
    return render(
        request,
        "centers/detail.html",
        {
            "center": center,
            "decisions": decisions,
            "page": page,
            "can_manage": manager,
            "can_review": can_review(request.user, center),
            "drafts": drafts,
        },
    )
