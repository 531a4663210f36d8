"""Centers: by status, by region, by industry (regulators and the public); my center (directors)."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.dashboards import labels
from metrohub.dashboards.registry import Block, panel, statistic

AREA = (
    Role.PROGRAMME_REGULATOR,
    Role.DISTRICT_REGULATOR,
    Role.COMPETENT_AUTHORITY,
    Role.PLATFORM_ADMIN,
)
NO_CENTERS = gettext_lazy("No center is registered here yet.")


def by_status(centers) -> Block:
    from metrohub.centers.models import Center

    counts = dict(centers.order_by().values_list("status").annotate(n=Count("pk")))
    return Block(
        columns=[_("Status"), _("Centers")],
        rows=[
            [str(label), counts[value]] for value, label in Center.Status.choices if value in counts
        ],
        kind="pie",
        empty=NO_CENTERS,
    )


def by_level(centers) -> Block:
    from metrohub.centers.models import Center

    counts = dict(centers.order_by().values_list("level").annotate(n=Count("pk")))
    return Block(
        columns=[_("Level"), _("Centers")],
        rows=[
            [str(label), counts[value]] for value, label in Center.Level.choices if value in counts
        ],
        kind="pie",
        empty=NO_CENTERS,
    )


def by_region(centers) -> Block:
    """By the center's jurisdiction (a district, a city, a province)."""
    rows = (
        centers.order_by()
        .values("jurisdiction__code", "jurisdiction__name", "jurisdiction__name_en")
        .annotate(n=Count("pk"))
    )
    en = labels.english()
    out = sorted(
        (
            [(r["jurisdiction__name_en"] if en else "") or r["jurisdiction__name"], r["n"]]
            for r in rows
        ),
        key=lambda r: (-r[1], r[0]),
    )
    return Block(columns=[_("Region"), _("Centers")], rows=out, kind="bar", empty=NO_CENTERS)


def by_province(centers) -> Block:
    from metrohub.centers.registry import by_province as counted

    en = labels.english()
    return Block(
        columns=[_("Province"), _("Centers")],
        rows=[[(p["name_en"] if en else "") or p["name"], p["total"]] for p in counted(centers)],
        kind="bar",
        empty=NO_CENTERS,
    )


def by_industry(centers) -> Block:
    counts = centers.order_by().values_list("industry_domain").annotate(n=Count("pk"))
    rows = sorted(([name or _("not stated"), n] for name, n in counts), key=lambda r: (-r[1], r[0]))
    return Block(columns=[_("Industry"), _("Centers")], rows=rows, kind="bar", empty=NO_CENTERS)


@panel("centers_by_status", gettext_lazy("Centers by status"), roles=AREA, order=50)
def centers_by_status(viewer) -> Block:
    return by_status(viewer.centers())


@panel("centers_by_region", gettext_lazy("Centers by region"), roles=AREA, order=52)
def centers_by_region(viewer) -> Block:
    if viewer.role == Role.PLATFORM_ADMIN:
        return by_province(viewer.centers())
    return by_region(viewer.centers())


@panel("centers_by_industry", gettext_lazy("Centers by industry"), roles=AREA, order=54)
def centers_by_industry(viewer) -> Block:
    return by_industry(viewer.centers())


@panel("my_centers", gettext_lazy("My center"), roles=(Role.CENTER_DIRECTOR,), order=5)
def my_centers(viewer) -> Block:
    centers = list(viewer.centers().select_related("jurisdiction").order_by("code"))
    items = [
        {
            "title": c.name,
            "detail": f"{c.get_level_display()} · {c.get_status_display()}",
            "due_label": labels.date(c.established_on),
            "overdue": False,
            "url": reverse("centers:detail", args=[c.code]),
        }
        for c in centers
    ]
    return Block(
        columns=[_("Center"), _("Level and status"), _("Established on")],
        rows=[[i["title"], i["detail"], i["due_label"]] for i in items],
        kind="list",
        items=items,
        empty=gettext_lazy("Your organisation hosts no center yet."),
    )


# ----------------------------------------------------------------------- public statistics


def _public():
    from metrohub.centers.scope import public_centers

    return public_centers()


@statistic("centers_by_province", gettext_lazy("Centers by province"), order=10)
def public_by_province(_viewer=None) -> Block:
    return by_province(_public())


@statistic("centers_by_status", gettext_lazy("Centers by status"), order=20)
def public_by_status(_viewer=None) -> Block:
    return by_status(_public())


@statistic("centers_by_level", gettext_lazy("Centers by level"), order=25)
def public_by_level(_viewer=None) -> Block:
    return by_level(_public())


@statistic("centers_by_industry", gettext_lazy("Centers by industry"), order=30)
def public_by_industry(_viewer=None) -> Block:
    return by_industry(_public())
