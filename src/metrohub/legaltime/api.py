import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from metrohub.core.api import ERRORS
from metrohub.core.ratelimit import rate_limited
from metrohub.legaltime.services import compute_deadline

router = Router(tags=["legal time"])


class DeadlineQuery(Schema):
    start: dt.date = Field(..., alias="from", description="start date (YYYY-MM-DD), not counted")
    days: int | None = Field(None, ge=1, le=100_000)
    working_days: int | None = Field(None, ge=1, le=100_000)
    months: int | None = Field(None, ge=1, le=12_000)
    years: int | None = Field(None, ge=1, le=1_000)
    extend_holiday: bool = False
    next_working_day: bool = False


class StepOut(Schema):
    date: str
    action: str
    reason_zh: str
    reason_en: str


class DeadlineOut(Schema):
    date: dt.date
    provisional: bool
    steps: list[StepOut]
    start: dt.date
    count: int
    unit: str
    calendar_years: list[int]
    unknown_years: list[int]


def deadline_from_query(query: DeadlineQuery):
    """Shared by the API and the page: exactly one unit, at most one option."""
    units = {
        u: getattr(query, u)
        for u in ("days", "working_days", "months", "years")
        if getattr(query, u) is not None
    }
    if len(units) != 1:
        raise ValidationError(
            {"days": [_("Give exactly one of days, working_days, months or years.")]}
        )
    if query.extend_holiday and query.next_working_day:
        raise ValidationError(
            {"extend_holiday": [_("Choose either extend_holiday or next_working_day, not both.")]}
        )
    ((unit, count),) = units.items()
    try:
        return compute_deadline(
            start=query.start,
            count=count,
            unit=unit,
            extend_holiday=query.extend_holiday,
            next_working_day=query.next_working_day,
        )
    except ValueError as exc:
        raise ValidationError({unit: [str(exc)]}) from None


@router.get(
    "/deadline",
    response={200: DeadlineOut, **ERRORS},
    auth=None,
    summary="Compute a deadline under the legal calendar (public)",
)
@rate_limited("calculator")
def deadline(request, query: Query[DeadlineQuery]):
    result = deadline_from_query(query).to_dict()
    return {**result, "steps": [_step(s) for s in result["steps"]]}


def _step(step: dict) -> dict:
    return {
        "date": step["date"],
        "action": step["action"],
        "reason_zh": step["reason_zh"],
        "reason_en": step["reason_en"],
    }
