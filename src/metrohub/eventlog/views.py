from django.db.models import Q
from django.shortcuts import render

from metrohub.accounts.models import Role
from metrohub.accounts.roles import holds
from metrohub.core.paging import bounded_page
from metrohub.core.permissions import permission_required
from metrohub.eventlog.models import Event
from metrohub.organisations.scope import organisations_for


def events_for(user):
    """Events whose subject lies in the user's scope; administrators see every chain."""
    if holds(user, Role.PLATFORM_ADMIN):
        return Event.objects.all()
    org_subjects = [
        f"organisation:{pk}" for pk in organisations_for(user).values_list("pk", flat=True)
    ]
    return Event.objects.filter(Q(subject__in=org_subjects))


@permission_required("eventlog.view_events")
def event_list(request):
    events = events_for(request.user).select_related("actor").order_by("-recorded_at", "-pk")
    page = bounded_page(events, 100, request.GET.get("page"))
    return render(request, "eventlog/list.html", {"page": page})
