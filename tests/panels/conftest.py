"""Helpers for the panel tests: the demo cases at the panel stages, drawing and scoring."""

import datetime as dt
from decimal import Decimal

import pytest

from metrohub.cases.models import Case
from metrohub.panels import services


def case_at(world, state: str, code: str = "chongqing") -> Case:
    """A new case walked through the engine to `state`."""
    from metrohub.cases.walk import clock, new_case, path_to, walk
    from metrohub.rulepacks.services import registry

    pack = registry().latest(code)
    with services.cases.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = new_case(world, code, name=f"面板测试{state}")
        return walk(case, path_to(pack, state), clk)


@pytest.fixture
def case_in(world):
    made: dict[str, Case] = {}

    def _case(state="onsite_acceptance"):
        if state not in made:
            made[state] = case_at(world, state)
        return Case.objects.get(pk=made[state].pk)

    return _case


def fill(sheet, total) -> dict:
    """Scores summing to `total`: every item at its maximum, the shortfall deducted item by
    item, with a reason for each deduction."""
    short = Decimal("100") - Decimal(str(total))
    scores, reasons = {}, {}
    for area in sheet.rubric.areas:
        for item in area["items"]:
            top = Decimal(str(item["max_points"]))
            cut = min(top, short)
            short -= cut
            scores[item["code"]] = str(top - cut)
            if cut:
                reasons[item["code"]] = f"{item['name_zh']}：不足（扣{cut}分）"
    return {"scores": scores, "reasons": reasons}


@pytest.fixture
def draw(world, user_for, case_in):
    def _draw(state="onsite_acceptance", size=3, seed=20250101, **criteria):
        return services.draw_panel(
            actor=user_for("regulator"), case=case_in(state), size=size, seed=seed, **criteria
        )

    return _draw


@pytest.fixture
def score(world):
    """Every seated member fills and submits a sheet with the given totals."""

    def _score(panel, totals, *, opinion="同意通过", recommendation=""):
        members = [m for m in panel.members.select_related("expert__user", "sheet") if m.seated]
        for member, total in zip(members, totals, strict=True):
            sheet = member.sheet
            services.save_sheet(
                actor=member.expert.user,
                sheet=sheet,
                opinion=opinion,
                recommendation=recommendation,
                **(fill(sheet, total) if total is not None else {}),
            )
            services.submit_sheet(actor=member.expert.user, sheet=sheet)
        return members

    return _score


@pytest.fixture
def clock(monkeypatch):
    """The engine's today(), set by the test: `clock.set(2025, 9, 28)`."""
    import datetime as dt

    from metrohub.cases import services as cases

    class Clock:
        day = dt.date(2025, 9, 1)

        def set(self, *ymd):
            self.day = dt.date(*ymd)

    c = Clock()
    monkeypatch.setattr(cases.clock, "today", lambda: c.day)
    return c
