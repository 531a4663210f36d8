"""Alliances: activities in the area by year (regulators); my alliance and its duty (directors)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.dashboards import labels
from metrohub.dashboards.registry import Block, panel


@panel(
    "alliance_activities",
    gettext_lazy("Alliance activities by year"),
    roles=(Role.PROGRAMME_REGULATOR, Role.DISTRICT_REGULATOR, Role.PLATFORM_ADMIN),
    order=80,
)
def alliance_activities(viewer) -> Block:
    from metrohub.alliances.models import Activity

    counts = (
        Activity.objects.filter(alliance__center__in=viewer.centers().values("pk"))
        .order_by()
        .annotate(in_year=ExtractYear("held_on"))
        .values_list("in_year", "kind")
        .annotate(n=Count("pk"))
    )
    table: dict[int, dict[str, int]] = {}
    for year, kind, n in counts:
        table.setdefault(year, {})[kind] = n
    kinds = [k for k in Activity.Kind.values if any(k in t for t in table.values())]
    return Block(
        columns=[_("Year"), *[str(Activity.Kind(k).label) for k in kinds]],
        rows=[[str(y), *[table[y].get(k, 0) for k in kinds]] for y in sorted(table)],
        kind="bar",
        empty=gettext_lazy("No alliance activity is recorded yet."),
    )


@panel("my_alliance", gettext_lazy("The alliance"), roles=(Role.CENTER_DIRECTOR,), order=70)
def my_alliance(viewer) -> Block:
    """Per alliance led by my centers: members, requests waiting, activities this year against
    the pack's yearly duty."""
    from metrohub.alliances.models import Alliance, Member
    from metrohub.alliances.services import activity_duty

    year = viewer.today.year
    alliances = list(
        Alliance.objects.filter(center__in=viewer.centers().values("pk"))
        .select_related("center__jurisdiction__parent__parent")
        .annotate(
            members_n=Count(
                "members", filter=Q(members__status=Member.Status.ACTIVE), distinct=True
            ),
            requests_n=Count(
                "members", filter=Q(members__status=Member.Status.REQUESTED), distinct=True
            ),
            year_n=Count("activities", filter=Q(activities__held_on__year=year), distinct=True),
        )
        .order_by("center__code")
    )
    rows, items = [], []
    for a in alliances:
        duty = activity_duty(center=a.center, year=year, on=viewer.today, count=a.year_n)
        required = duty.required if duty else ""
        status = duty.status_label if duty else ""
        rows.append([a.name, a.members_n, a.requests_n, a.year_n, required, status])
        items.append(
            {
                "title": a.name,
                "detail": _("%(members)s members, %(requests)s requests waiting")
                % {
                    "members": a.members_n,
                    "requests": a.requests_n,
                },
                "due_label": (
                    _("%(count)s of %(required)s activities by %(date)s")
                    % {
                        "count": a.year_n,
                        "required": duty.required,
                        "date": labels.date(duty.due_on),
                    }
                    if duty
                    else _("%(count)s activities this year") % {"count": a.year_n}
                ),
                "overdue": bool(duty and duty.status == "late"),
                "url": reverse("alliances:detail", args=[a.pk]),
            }
        )
    return Block(
        columns=[
            _("Alliance"),
            _("Members"),
            _("Requests to join"),
            _("Activities this year"),
            _("Activities required"),
            _("Duty"),
        ],
        rows=rows,
        kind="list",
        items=items,
        empty=gettext_lazy("Your centers lead no alliance yet."),
    )
