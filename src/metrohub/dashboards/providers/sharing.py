"""Bookings: waiting for my centers' decision (directors); mine (industry users)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.dashboards import labels
from metrohub.dashboards.registry import Block, panel


def _items(bookings, *, today) -> list[dict]:
    return [
        {
            "title": b.resource.name,
            "detail": f"{b.get_status_display()} · {b.purpose[:60]}",
            "due_label": labels.date(timezone.localtime(b.starts_at).date()),
            "overdue": timezone.localtime(b.starts_at).date() < today,
            "url": reverse("sharing:booking", args=[b.pk]),
        }
        for b in bookings
    ]


def _block(items, empty) -> Block:
    return Block(
        columns=[_("Resource"), _("Booking"), _("From")],
        rows=[[i["title"], i["detail"], i["due_label"]] for i in items],
        kind="list",
        items=items,
        empty=empty,
    )


@panel(
    "bookings_waiting",
    gettext_lazy("Bookings waiting for approval"),
    roles=(Role.CENTER_DIRECTOR,),
    order=20,
)
def bookings_waiting(viewer) -> Block:
    from metrohub.sharing.models import Booking

    bookings = (
        Booking.objects.filter(
            Q(resource__center__in=viewer.centers().values("pk"))
            | Q(resource__owner_id__in=viewer.organisation_ids),
            status=Booking.Status.REQUESTED,
        )
        .select_related("resource")
        .order_by("starts_at", "pk")[:10]
    )
    return _block(
        _items(bookings, today=viewer.today), gettext_lazy("No booking waits for approval.")
    )


@panel("my_bookings", gettext_lazy("My bookings"), roles=(Role.INDUSTRY_USER,), order=30)
def my_bookings(viewer) -> Block:
    """Bookings of mine that are awaiting approval or still to come."""
    from metrohub.sharing.models import Booking

    start = timezone.make_aware(
        timezone.datetime.combine(viewer.today, timezone.datetime.min.time())
    )
    bookings = (
        Booking.objects.filter(
            requester=viewer.user,
            status__in=(Booking.Status.REQUESTED, Booking.Status.CONFIRMED),
            ends_at__gte=start,
        )
        .select_related("resource")
        .order_by("starts_at", "pk")[:10]
    )
    return _block(
        _items(bookings, today=viewer.today), gettext_lazy("You have no booking to come.")
    )
