"""The dashboards as JSON: the same panels the pages draw, with the same numbers."""

import datetime as dt

from ninja import Router, Schema

from metrohub.core.api import ERRORS
from metrohub.dashboards import services

router = Router(tags=["dashboards"])


class FigureOut(Schema):
    key: str
    label: str
    value: int


class ItemOut(Schema):
    title: str
    detail: str = ""
    stage: str = ""
    due_label: str = ""
    overdue: bool = False
    url: str = ""


class SeriesOut(Schema):
    name: str
    data: list[int]


class ChartOut(Schema):
    type: str
    categories: list[str]
    series: list[SeriesOut]


class PanelOut(Schema):
    key: str
    title: str
    kind: str
    columns: list[str]
    rows: list[list[int | str]]
    figures: list[FigureOut]
    items: list[ItemOut]
    empty: str
    note: str
    chart: ChartOut | None = None


class SectionOut(Schema):
    role: str
    label: str
    panels: list[PanelOut]


class DashboardOut(Schema):
    today: dt.date
    sections: list[SectionOut]


class StatisticsOut(Schema):
    today: dt.date
    panels: list[PanelOut]


@router.get(
    "/dashboard",
    response={200: DashboardOut, **ERRORS},
    summary="My dashboards: one per role I hold, each a list of panels with their numbers",
)
def dashboard(request):
    return services.dashboard(user=request.user)


@router.get(
    "/statistics",
    response={200: StatisticsOut, **ERRORS},
    auth=None,
    summary="Public statistics of the registry: centers, capability lines, certificates",
)
def statistics(request):
    return services.statistics()
