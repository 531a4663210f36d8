"""Enquiries: waiting for my centers' answer (directors); mine and their answers (industry)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.dashboards import labels
from metrohub.dashboards.registry import Block, panel


def _block(enquiries, empty) -> Block:
    items = [
        {
            "title": e.subject,
            "detail": f"{e.center.name} · {e.get_status_display()}",
            "due_label": labels.date(timezone.localtime(e.sent_at).date()),
            "overdue": False,
            "url": reverse("enquiries:detail", args=[e.pk]),
        }
        for e in enquiries
    ]
    return Block(
        columns=[_("Enquiry"), _("Center and status"), _("Sent on")],
        rows=[[i["title"], i["detail"], i["due_label"]] for i in items],
        kind="list",
        items=items,
        empty=empty,
    )


@panel(
    "enquiries_waiting",
    gettext_lazy("Enquiries waiting for an answer"),
    roles=(Role.CENTER_DIRECTOR,),
    order=25,
)
def enquiries_waiting(viewer) -> Block:
    from metrohub.enquiries.models import Enquiry

    enquiries = (
        Enquiry.objects.filter(center__in=viewer.centers().values("pk"), status=Enquiry.Status.SENT)
        .select_related("center")
        .order_by("sent_at", "pk")[:10]
    )
    return _block(enquiries, gettext_lazy("No enquiry waits for an answer."))


@panel("my_enquiries", gettext_lazy("My enquiries"), roles=(Role.INDUSTRY_USER,), order=40)
def my_enquiries(viewer) -> Block:
    """Open enquiries I sent (or my organisation sent), answered ones first: they wait for me."""
    from metrohub.enquiries.models import Enquiry

    open_states = (Enquiry.Status.SENT, Enquiry.Status.ANSWERED, Enquiry.Status.QUOTED)
    enquiries = list(
        Enquiry.objects.filter(
            Q(sender=viewer.user) | Q(organisation_id__in=viewer.organisation_ids),
            status__in=open_states,
        )
        .select_related("center")
        .order_by("-sent_at", "pk")[:10]
    )
    enquiries.sort(key=lambda e: e.status == Enquiry.Status.SENT)
    return _block(enquiries, gettext_lazy("You have no open enquiry."))
