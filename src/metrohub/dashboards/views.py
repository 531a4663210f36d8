from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from metrohub.core.exports import xlsx_response
from metrohub.core.ratelimit import rate_limited
from metrohub.dashboards import services


@require_GET
def home(request):
    """Everyone's first page: a person's dashboards, one per role; the public sees the way in."""
    context = {}
    if request.user.is_authenticated:
        context["dashboard"] = services.dashboard(user=request.user)
    else:
        context["statistics"] = services.statistics(first=2)["panels"]
    return render(request, "dashboards/home.html", context)


@require_GET
@login_required
@rate_limited("export")
def export(request, role: str, key: str):
    panel = services.panel_for(user=request.user, role=role, key=key)
    return xlsx_response(
        filename=f"dashboard-{key}",
        title=panel["title"],
        columns=panel["columns"],
        rows=panel["rows"],
        note=panel["note"],
    )


@require_GET
def statistics(request):
    return render(
        request,
        "dashboards/statistics.html",
        {
            **services.statistics(),
            "breadcrumbs": [(_("Home"), reverse("core:home")), (_("Statistics"), "")],
        },
    )


@require_GET
@rate_limited("export")
def statistics_export(request, key: str):
    panel = services.statistic(key)
    return xlsx_response(
        filename=f"statistics-{key}",
        title=panel["title"],
        columns=panel["columns"],
        rows=panel["rows"],
        note=panel["note"],
    )
