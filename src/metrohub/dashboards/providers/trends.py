"""Trends by year across the area: cases filed, centers established, certificates, activities."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.dashboards.registry import Block, panel

YEARS = 6


def _per_year(queryset, field: str) -> dict[int, int]:
    return dict(
        queryset.order_by()
        .annotate(in_year=ExtractYear(field))
        .values_list("in_year")
        .annotate(n=Count("pk"))
    )


def _issued_per_year(tallies) -> dict[int, int]:
    """Certificates issued per year, from the tallies kept at issue, not every certificate."""
    return dict(tallies.order_by().values_list("year").annotate(n=Sum("issued")))


@panel(
    "trends",
    gettext_lazy("Trends by year"),
    roles=(Role.PROGRAMME_REGULATOR, Role.PLATFORM_ADMIN),
    order=90,
)
def trends(viewer) -> Block:
    from metrohub.alliances.models import Activity
    from metrohub.certificates.models import IssueTally

    centers = viewer.centers().values("pk")
    series = [
        (_("Applications filed"), _per_year(viewer.cases(), "filed_on")),
        (
            _("Centers established"),
            _per_year(viewer.centers().filter(established_on__isnull=False), "established_on"),
        ),
        (
            _("Certificates issued"),
            _issued_per_year(IssueTally.objects.filter(center__in=centers)),
        ),
        (
            _("Alliance activities"),
            _per_year(Activity.objects.filter(alliance__center__in=centers), "held_on"),
        ),
    ]
    last = viewer.today.year
    years = list(range(last - YEARS + 1, last + 1))
    return Block(
        columns=[_("Year"), *[name for name, _counts in series]],
        rows=[[str(y), *[counts.get(y, 0) for _name, counts in series]] for y in years],
        kind="line",
    )
