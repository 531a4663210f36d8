from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.shortcuts import render

from metrohub.accounts.models import Role
from metrohub.accounts.roles import holds
from metrohub.core.paging import bounded_page
from metrohub.core.permissions import permission_required
from metrohub.eventlog.labels import SUBJECTS, action_label, subject_label
from metrohub.eventlog.models import Event
from metrohub.organisations.scope import organisations_for


def _keys(queryset, kind: str, field: str = "pk"):
    """A subquery of the event subjects ("case:42", "center:CQ-AUTO") of `queryset`'s objects."""
    key = field if field != "pk" else Cast("pk", CharField())
    return queryset.annotate(
        subject_key=Concat(Value(f"{kind}:"), key, output_field=CharField())
    ).values("subject_key")


def events_for(user):
    """Events whose subject lies in the user's scope: its organisations, and the cases and
    centers it may see; administrators see every chain."""
    if holds(user, Role.PLATFORM_ADMIN):
        return Event.objects.all()
    from metrohub.cases.services.scope import cases_for
    from metrohub.standards.scope import visible_centers

    return Event.objects.filter(
        Q(subject__in=_keys(organisations_for(user), "organisation"))
        | Q(subject__in=_keys(cases_for(user), "case"))
        | Q(subject__in=_keys(visible_centers(user), "center", "code"))
    )


@permission_required("eventlog.view_events")
def event_list(request):
    events = events_for(request.user).select_related("actor").order_by("-recorded_at", "-pk")
    kind = request.GET.get("kind", "")
    if kind in SUBJECTS:
        events = events.filter(subject__startswith=f"{kind}:")
    page = bounded_page(events, 100, request.GET.get("page"))
    for event in page:
        event.subject_label = subject_label(event.subject)
        event.action_label = action_label(event.action)
    kinds = sorted(((code, str(label)) for code, label in SUBJECTS.items()), key=lambda k: k[1])
    return render(request, "eventlog/list.html", {"page": page, "kinds": kinds, "kind": kind})
