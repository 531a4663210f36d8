"""Capability lines: of my centers (directors), in the area (regulators), published (public)."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.dashboards.registry import Block, panel, statistic

NO_LINES = gettext_lazy("No capability line is recorded yet.")


def _lines():
    from metrohub.catalogue.models import CapabilityLine

    return CapabilityLine.objects.all()


def by_center_and_status(lines) -> Block:
    """One row per center: its lines in each status (the columns: statuses present)."""
    from metrohub.catalogue.models import CapabilityLine

    counts = (
        lines.order_by()
        .values("center__code", "center__name", "center__name_en", "status")
        .annotate(n=Count("pk"))
    )
    from metrohub.dashboards.labels import english

    en = english()
    statuses = [s for s in CapabilityLine.Status.values]
    table: dict[str, dict[str, int]] = {}
    names: dict[str, str] = {}
    for row in counts:
        code = row["center__code"]
        names[code] = (row["center__name_en"] if en else "") or row["center__name"]
        table.setdefault(code, {})[row["status"]] = row["n"]
    used = [s for s in statuses if any(s in t for t in table.values())]
    return Block(
        columns=[_("Center"), *[str(CapabilityLine.Status(s).label) for s in used]],
        rows=[[names[c], *[table[c].get(s, 0) for s in used]] for c in sorted(table)],
        kind="bar",
        empty=NO_LINES,
    )


@panel(
    "capability_lines",
    gettext_lazy("Capability lines"),
    roles=(Role.CENTER_DIRECTOR, Role.PROGRAMME_REGULATOR, Role.DISTRICT_REGULATOR),
    order=60,
)
def capability_lines(viewer) -> Block:
    return by_center_and_status(_lines().filter(center__in=viewer.centers().values("pk")))


@statistic("capability_lines_by_area", gettext_lazy("Published capability lines by area"), order=40)
def public_lines_by_area(_viewer=None) -> Block:
    from metrohub.catalogue.models import Area, CapabilityLine

    counts = dict(
        _lines()
        .filter(status=CapabilityLine.Status.PUBLISHED)
        .order_by()
        .values_list("area")
        .annotate(n=Count("pk"))
    )
    return Block(
        columns=[_("Metrology area"), _("Capability lines")],
        rows=[[str(label), counts[value]] for value, label in Area.choices if value in counts],
        kind="bar",
        empty=NO_LINES,
    )


@statistic(
    "capability_lines_by_kind",
    gettext_lazy("Published capability lines by kind of service"),
    order=45,
)
def public_lines_by_kind(_viewer=None) -> Block:
    from metrohub.catalogue.models import CapabilityLine, ServiceKind

    counts = dict(
        _lines()
        .filter(status=CapabilityLine.Status.PUBLISHED)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    return Block(
        columns=[_("Kind of service"), _("Capability lines")],
        rows=[
            [str(label), counts[value]] for value, label in ServiceKind.choices if value in counts
        ],
        kind="pie",
        empty=NO_LINES,
    )
