"""Experts: the panels they sit on and the score sheets still to submit."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role
from metrohub.dashboards import labels
from metrohub.dashboards.registry import Block, panel


@panel("score_sheets", gettext_lazy("Panels and score sheets due"), roles=(Role.EXPERT,), order=10)
def score_sheets(viewer) -> Block:
    """Memberships of panels still scoring where my sheet is missing or a draft, oldest first."""
    from metrohub.panels.models import Panel, PanelMember, ScoreSheet

    members = list(
        PanelMember.objects.filter(
            expert__user=viewer.user,
            panel__state=Panel.State.SCORING,
            status__in=(PanelMember.Status.INVITED, PanelMember.Status.ACCEPTED),
        )
        .filter(Q(sheet__isnull=True) | Q(sheet__state=ScoreSheet.State.DRAFT))
        .select_related("panel__case")
        .order_by("panel__drawn_on", "pk")[:10]
    )
    items = []
    for m in members:
        case = m.panel.case
        items.append(
            {
                "title": case.center_name,
                "detail": f"{m.panel.get_purpose_display()} · {m.get_status_display()}",
                "due_label": _("drawn on %(date)s") % {"date": labels.date(m.panel.drawn_on)},
                "overdue": False,
                "url": reverse("panels:detail", args=[m.panel_id]),
            }
        )
    return Block(
        columns=[_("Case"), _("Panel"), _("Drawn on")],
        rows=[[i["title"], i["detail"], i["due_label"]] for i in items],
        kind="list",
        items=items,
        empty=gettext_lazy("No score sheet waits for you."),
    )
