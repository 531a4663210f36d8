"""The panels of the dashboards: each app that holds something worth a number registers a panel.

A panel is a titled block of numbers drawn for one viewer: a chart (bar, pie, line) whose figures
are also its table, a list of next actions, or a few headline figures. Panels are registered for
the roles that see them, in the order people read them (next actions first), so that a feature
added later (annual reports, inspections) plugs its figures in with one `register_panel` call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

CHART_KINDS = ("bar", "pie", "line", "target")


@dataclass
class Block:
    """What a panel shows: a table (columns, rows) that a chart may draw, or a list of actions.

    rows hold text and whole numbers only; the first column names the category and the others
    are the series of a chart. items (for lists) carry a link and whether they are late.
    """

    columns: list[str]
    rows: list[list[Any]]
    kind: str = "table"  # one of CHART_KINDS, "list", "figures" or "table"
    items: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    empty: Promise | str = ""
    note: Promise | str = ""


@dataclass(frozen=True)
class Panel:
    key: str
    title: Promise | str
    roles: tuple[str, ...]
    build: Callable[[Any], Block | None]
    order: int = 100  # lower first: next actions before overviews before trends


PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> Panel:
    """Add a panel, or replace the one with the same key."""
    PANELS[panel.key] = panel
    return panel


def panel(key: str, title, *, roles, order: int = 100):
    """Decorator form of `register_panel` for a provider function viewer → Block | None."""

    def wrap(fn):
        register_panel(Panel(key, title, tuple(roles), fn, order))
        return fn

    return wrap


def panels_for(role: str) -> list[Panel]:
    return sorted((p for p in PANELS.values() if role in p.roles), key=lambda p: (p.order, p.key))


# Public statistics: the same idea without a viewer (the whole public registry).
STATISTICS: dict[str, Panel] = {}


def register_statistic(panel: Panel) -> Panel:
    STATISTICS[panel.key] = panel
    return panel


def statistic(key: str, title, *, order: int = 100):
    def wrap(fn):
        register_statistic(Panel(key, title, (), fn, order))
        return fn

    return wrap


def statistics_panels() -> list[Panel]:
    return sorted(STATISTICS.values(), key=lambda p: (p.order, p.key))
