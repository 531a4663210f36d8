"""Drawing an expert panel at random (随机抽取): fair, conflict-free and replayable.

Plain Python, no Django: the same inputs (candidates, criteria, conflicting organisations, date and
seed) always give the same panel, so anyone holding the recorded draw can replay it.

The order of choice: candidates are sorted by id and shuffled once with the seed; the panel is then
filled from that order — first the experts from outside the region that the criteria require, then
one expert for each required specialty not yet covered, then the rest. The first expert chosen is
the leader unless the criteria name one.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Candidate:
    id: int
    organisation_id: int | None
    region: str  # province-level division code
    specialties: frozenset[str] = frozenset()
    available: bool = True
    #: organisation id -> the day the employment ended (None: still employed there)
    past_employers: tuple[tuple[int, dt.date | None], ...] = ()
    declared_conflicts: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Criteria:
    size: int
    region: str  # the case's province-level division code
    required_specialties: tuple[str, ...] = ()
    min_outside_region: int = 0
    conflict_years: int = 3
    leader_id: int | None = None


@dataclass(frozen=True)
class Exclusion:
    candidate_id: int
    reason: str  # a code: own_organisation, recent_employer, declared_conflict, unavailable, already_drawn
    organisation_id: int | None = None


@dataclass(frozen=True)
class DrawResult:
    seed: int
    panel: tuple[int, ...]
    leader_id: int
    order: tuple[
        int, ...
    ]  # the shuffled eligible candidates: the record that makes a replay checkable
    excluded: tuple[Exclusion, ...] = field(default=())


class DrawInfeasible(ValueError):
    """The registry cannot satisfy the criteria; the message says which requirement failed."""


def exclusion_for(
    candidate: Candidate, conflicts: frozenset[int], on: dt.date, years: int
) -> Exclusion | None:
    if not candidate.available:
        return Exclusion(candidate.id, "unavailable")
    if candidate.organisation_id in conflicts:
        return Exclusion(candidate.id, "own_organisation", candidate.organisation_id)
    horizon = _years_before(on, years)
    for organisation_id, ended in candidate.past_employers:
        if organisation_id in conflicts and (ended is None or ended >= horizon):
            return Exclusion(candidate.id, "recent_employer", organisation_id)
    declared = candidate.declared_conflicts & conflicts
    if declared:
        return Exclusion(candidate.id, "declared_conflict", min(declared))
    return None


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def draw(
    candidates: list[Candidate],
    criteria: Criteria,
    *,
    conflicts: frozenset[int],
    on: dt.date,
    seed: int,
    already_drawn: frozenset[int] = frozenset(),
) -> DrawResult:
    if criteria.size < 1:
        raise DrawInfeasible("size: a panel has at least one expert")
    excluded, eligible = [], []
    for candidate in sorted(candidates, key=lambda c: c.id):
        if candidate.id in already_drawn:
            excluded.append(Exclusion(candidate.id, "already_drawn"))
            continue
        reason = exclusion_for(candidate, conflicts, on, criteria.conflict_years)
        (excluded.append(reason) if reason else eligible.append(candidate))
    order = list(eligible)
    random.Random(seed).shuffle(order)
    panel = _fill(order, criteria)
    leader = criteria.leader_id if criteria.leader_id in {c.id for c in panel} else panel[0].id
    return DrawResult(
        seed, tuple(c.id for c in panel), leader, tuple(c.id for c in order), tuple(excluded)
    )


def _fill(order: list[Candidate], criteria: Criteria) -> list[Candidate]:
    chosen: list[Candidate] = []
    if criteria.leader_id is not None:
        leader = next((c for c in order if c.id == criteria.leader_id), None)
        if leader is None:
            raise DrawInfeasible("leader_id: the named leader is not eligible")
        chosen.append(leader)
    outside = [c for c in order if c.region != criteria.region and c not in chosen]
    while sum(c.region != criteria.region for c in chosen) < criteria.min_outside_region:
        if not outside:
            raise DrawInfeasible(
                "min_outside_region: not enough eligible experts from outside the region"
            )
        chosen.append(outside.pop(0))
    for specialty in criteria.required_specialties:
        if any(specialty in c.specialties for c in chosen):
            continue
        match = next((c for c in order if specialty in c.specialties and c not in chosen), None)
        if match is None:
            raise DrawInfeasible(f"required_specialties: no eligible expert in {specialty}")
        chosen.append(match)
    for candidate in order:
        if len(chosen) >= criteria.size:
            break
        if candidate not in chosen:
            chosen.append(candidate)
    if len(chosen) > criteria.size:
        raise DrawInfeasible("size: the requirements need more experts than the panel's size")
    if len(chosen) < criteria.size:
        raise DrawInfeasible("size: not enough eligible experts")
    return chosen
