"""The dashboards: for each role a person holds, its panels built for them; the public statistics.

Read-only: nothing here changes state, so there is no event to log. Every number is counted by
the database in one aggregate query per panel (a few per panel at most), whatever the number of
rows, and only inside the viewer's scope (`scope.Viewer`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404

from metrohub.accounts.models import Role
from metrohub.dashboards import labels
from metrohub.dashboards.registry import CHART_KINDS, Block, Panel, panels_for, statistics_panels
from metrohub.dashboards.scope import Viewer, roles_of


def _today() -> dt.date:
    from metrohub.cases.services import clock

    return clock.today()


def serialise(panel: Panel, block: Block) -> dict:
    chart = None
    if block.kind in CHART_KINDS and block.rows:
        chart = {
            "type": block.kind,
            "categories": [str(r[0]) for r in block.rows],
            "series": [
                {"name": str(name), "data": [r[i + 1] for r in block.rows]}
                for i, name in enumerate(block.columns[1:])
            ],
        }
    return {
        "key": panel.key,
        "title": str(panel.title),
        "kind": block.kind,
        "columns": [str(c) for c in block.columns],
        "rows": [[v if isinstance(v, int) else str(v) for v in row] for row in block.rows],
        "figures": [{**f, "label": str(f["label"])} for f in block.figures],
        "items": [
            {k: (str(v) if k != "overdue" else bool(v)) for k, v in item.items() if k != "due"}
            for item in block.items
        ],
        "empty": str(block.empty),
        "note": str(block.note),
        "chart": chart,
    }


def role_panels(viewer: Viewer) -> list[dict]:
    out = []
    for panel in panels_for(viewer.role):
        block = panel.build(viewer)
        if block is not None:
            out.append(serialise(panel, block))
    return out


def dashboard(*, user, today: dt.date | None = None) -> dict:
    """Every dashboard of the person: one per role held, in reading order."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    today = today or _today()
    sections = []
    for role in roles_of(user):
        viewer = Viewer(user=user, role=role, today=today)
        sections.append(
            {"role": role, "label": str(Role(role).label), "panels": role_panels(viewer)}
        )
    return {"today": today, "today_label": labels.date(today), "sections": sections}


def panel_for(*, user, role: str, key: str, today: dt.date | None = None) -> dict:
    """One panel of one of the person's dashboards (for its export); 404 if not theirs."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    if role not in roles_of(user):
        raise Http404
    viewer = Viewer(user=user, role=role, today=today or _today())
    for panel in panels_for(role):
        if panel.key == key:
            block = panel.build(viewer)
            if block is None:
                raise Http404
            return serialise(panel, block)
    raise Http404


def statistics(*, first: int | None = None) -> dict:
    """The public statistics: the whole public registry, no viewer; with `first`, only that many
    panels are built (the public home shows two: the others' counts are not computed for it)."""
    panels = []
    for panel in statistics_panels():
        if first is not None and len(panels) >= first:
            break
        block = panel.build(None)
        if block is not None:
            panels.append(serialise(panel, block))
    today = _today()
    return {"today": today, "today_label": labels.date(today), "panels": panels}


def statistic(key: str) -> dict:
    for panel in statistics_panels():
        if panel.key == key:
            return serialise(panel, panel.build(None))
    raise Http404
