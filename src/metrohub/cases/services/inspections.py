"""Which centers have been inspected in a year: the district bureau inspects each center of its
district at least once a year (Chongqing art. 27) and sees which it has not yet inspected."""

from __future__ import annotations

from metrohub.cases.models import Case
from metrohub.cases.services.scope import cases_for

KIND = "inspection"


def coverage(actor, year: int) -> list[dict]:
    """Each registered center the actor oversees, with the inspections of `year` whose findings
    are recorded (an inspection still to be carried out does not count). Two queries."""
    bases = list(
        cases_for(actor)
        .filter(kind=Case.ESTABLISHMENT, center__status__in=("preparing", "established"))
        .order_by("district__code", "center__code")
    )
    done: dict[int, int] = {}
    for center_id in (
        cases_for(actor)
        .filter(kind=KIND, filed_on__year=year)
        .exclude(state="open")
        .values_list("center_id", flat=True)
    ):
        done[center_id] = done.get(center_id, 0) + 1
    return [
        {
            "center": b.center,
            "district": b.district,
            "base": b,
            "inspections": done.get(b.center_id, 0),
        }
        for b in bases
    ]
