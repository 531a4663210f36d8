"""Certificates issued: this month (directors), by year (regulators, public); instruments due."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.dashboards import labels
from metrohub.dashboards.registry import Block, panel, statistic

DUE_WITHIN_DAYS = 60


def _certificates():
    from metrohub.certificates.models import Certificate

    return Certificate.objects.all()


def _tallies():
    from metrohub.certificates.models import IssueTally

    return IssueTally.objects.all()


def by_year(tallies) -> Block:
    """Certificates issued per year and kind, summed from the tallies kept at issue (a few
    hundred rows) rather than grouped from every certificate."""
    from metrohub.certificates.models import CertificateKind

    counts = tallies.order_by().values_list("year", "kind").annotate(n=Sum("issued"))
    table: dict[int, dict[str, int]] = {}
    for year, kind, n in counts:
        table.setdefault(year, {})[kind] = n
    kinds = [k for k in CertificateKind.values if any(k in t for t in table.values())]
    return Block(
        columns=[_("Year"), *[str(CertificateKind(k).label) for k in kinds]],
        rows=[[str(y), *[table[y].get(k, 0) for k in kinds]] for y in sorted(table)],
        kind="bar",
        empty=gettext_lazy("No certificate has been issued yet."),
    )


@panel(
    "certificates_by_year",
    gettext_lazy("Certificates issued by year"),
    roles=(Role.PROGRAMME_REGULATOR, Role.DISTRICT_REGULATOR, Role.PLATFORM_ADMIN),
    order=70,
)
def certificates_by_year(viewer) -> Block:
    return by_year(_tallies().filter(center__in=viewer.centers().values("pk")))


def month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    start = today.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


@panel(
    "certificates_this_month",
    gettext_lazy("Certificates this month"),
    roles=(Role.CENTER_DIRECTOR, Role.CENTER_STAFF),
    order=40,
)
def certificates_this_month(viewer) -> Block:
    """Per center of mine: certificates issued this month, and jobs waiting for a signature."""
    from metrohub.certificates.models import Job

    start, end = month_bounds(viewer.today)
    # last month beside this one: on the first days of a month this one is still (nearly) empty
    before = month_bounds(start - dt.timedelta(days=1))[0]
    centers = list(viewer.centers().order_by("code").values_list("pk", "code", "name", "name_en"))
    ids = [c[0] for c in centers]
    issued, issued_before = {}, {}
    for center_id, this_month, n in (
        _certificates()
        .filter(center_id__in=ids, issued_at__date__gte=before, issued_at__date__lt=end)
        .order_by()
        .annotate(this_month=Q(issued_at__date__gte=start))
        .values_list("center_id", "this_month")
        .annotate(n=Count("pk"))
    ):
        (issued if this_month else issued_before)[center_id] = n
    waiting = dict(
        Job.objects.filter(center_id__in=ids, state__in=(Job.State.PERFORMED, Job.State.CHECKED))
        .order_by()
        .values_list("center_id")
        .annotate(n=Count("pk"))
    )
    en = labels.english()
    return Block(
        columns=[
            _("Center"),
            _("Issued in %(month)s") % {"month": labels.month(start)},
            _("Awaiting check or approval"),
            _("Issued in %(month)s") % {"month": labels.month(before)},
        ],
        rows=[
            [
                (c[3] if en else "") or c[2],
                issued.get(c[0], 0),
                waiting.get(c[0], 0),
                issued_before.get(c[0], 0),
            ]
            for c in centers
        ],
        kind="bar",
        empty=gettext_lazy("Your organisation hosts no center yet."),
        note=""
        if not centers or issued
        else _("No certificate has been issued in %(month)s yet.") % {"month": labels.month(start)},
    )


@panel(
    "instruments_due",
    gettext_lazy("Instruments due for recalibration"),
    roles=(Role.INDUSTRY_USER,),
    order=20,
)
def instruments_due(viewer) -> Block:
    """Valid certificates of my organisation that run out within 60 days (or have run out)."""
    from metrohub.certificates.models import Certificate

    rows = list(
        _certificates()
        .filter(
            customer_id__in=viewer.organisation_ids,
            status=Certificate.Status.VALID,
            valid_until__isnull=False,
            valid_until__lte=viewer.today + dt.timedelta(DUE_WITHIN_DAYS),
        )
        .select_related("job", "center")
        .order_by("valid_until", "pk")[:10]
    )
    items = [
        {
            "title": c.job.instrument_name,
            "detail": f"{c.number} · {c.center.name}",
            "due_label": labels.date(c.valid_until),
            "overdue": c.valid_until < viewer.today,
            "url": "",
        }
        for c in rows
    ]
    return Block(
        columns=[_("Instrument"), _("Certificate"), _("Valid until")],
        rows=[[i["title"], i["detail"], i["due_label"]] for i in items],
        kind="list",
        items=items,
        empty=gettext_lazy("No instrument of yours is due in the next 60 days."),
    )


@statistic("certificates_by_year", gettext_lazy("Certificates issued by year"), order=50)
def public_certificates_by_year(_viewer=None) -> Block:
    return by_year(_tallies())
