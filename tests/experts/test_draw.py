import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrohub.experts.draw import Candidate, Criteria, DrawInfeasible, draw

ON = dt.date(2025, 10, 14)


def _registry(n=12):
    regions = ["500000", "420000", "310000"]
    return [
        Candidate(
            id=i,
            organisation_id=100 + i % 5,
            region=regions[i % 3],
            specialties=frozenset({"mechanical"} if i % 2 else {"thermal", "new_energy_vehicles"}),
        )
        for i in range(1, n + 1)
    ]


def test_the_same_seed_replays_the_same_panel():
    criteria = Criteria(
        size=5, region="500000", min_outside_region=2, required_specialties=("thermal",)
    )
    first = draw(_registry(), criteria, conflicts=frozenset({101}), on=ON, seed=20251014)
    again = draw(
        list(reversed(_registry())), criteria, conflicts=frozenset({101}), on=ON, seed=20251014
    )
    assert first == again
    assert len(first.panel) == 5 and first.leader_id == first.panel[0]
    other = draw(_registry(), criteria, conflicts=frozenset({101}), on=ON, seed=7)
    assert other.order != first.order


def test_exclusions_are_listed_with_reasons():
    registry = [
        Candidate(1, 10, "500000"),
        Candidate(2, 20, "500000", past_employers=((10, dt.date(2024, 1, 1)),)),
        Candidate(3, 20, "500000", past_employers=((10, dt.date(2020, 1, 1)),)),
        Candidate(4, 30, "420000", declared_conflicts=frozenset({11})),
        Candidate(5, 30, "420000", available=False),
        Candidate(6, 40, "310000"),
    ]
    result = draw(
        registry, Criteria(size=2, region="500000"), conflicts=frozenset({10, 11}), on=ON, seed=1
    )
    reasons = {e.candidate_id: (e.reason, e.organisation_id) for e in result.excluded}
    assert reasons == {
        1: ("own_organisation", 10),
        2: ("recent_employer", 10),
        4: ("declared_conflict", 11),
        5: ("unavailable", None),
    }
    assert sorted(result.panel) == [3, 6]  # 3 left applicant 10 more than three years ago


def test_requirements_are_met():
    criteria = Criteria(
        size=4, region="500000", min_outside_region=3, required_specialties=("new_energy_vehicles",)
    )
    result = draw(_registry(), criteria, conflicts=frozenset(), on=ON, seed=3)
    chosen = {c.id: c for c in _registry() if c.id in result.panel}
    assert sum(c.region != "500000" for c in chosen.values()) >= 3
    assert any("new_energy_vehicles" in c.specialties for c in chosen.values())


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        (Criteria(size=20, region="500000"), "size: not enough eligible experts"),
        (
            Criteria(size=3, region="500000", required_specialties=("acoustic",)),
            "required_specialties: no eligible expert in acoustic",
        ),
        (
            Criteria(size=2, region="500000", min_outside_region=3),
            "more experts than the panel's size",
        ),
    ],
)
def test_infeasible_draws_say_why(criteria, message):
    with pytest.raises(DrawInfeasible, match=message):
        draw(_registry(), criteria, conflicts=frozenset(), on=ON, seed=1)


def test_a_replacement_keeps_out_those_already_drawn():
    criteria = Criteria(size=3, region="500000")
    first = draw(_registry(), criteria, conflicts=frozenset(), on=ON, seed=5)
    replacement = draw(
        _registry(),
        Criteria(size=1, region="500000"),
        conflicts=frozenset(),
        on=ON,
        seed=6,
        already_drawn=frozenset(first.panel),
    )
    assert replacement.panel[0] not in first.panel


candidate_lists = st.lists(
    st.builds(
        Candidate,
        id=st.integers(1, 500),
        organisation_id=st.integers(1, 15),
        region=st.sampled_from(["500000", "420000", "310000"]),
        specialties=st.frozensets(st.sampled_from(["a", "b", "c"]), max_size=2),
        available=st.booleans(),
        past_employers=st.lists(
            st.tuples(
                st.integers(1, 15), st.none() | st.dates(dt.date(2015, 1, 1), dt.date(2025, 12, 31))
            ),
            max_size=3,
        ).map(tuple),
        declared_conflicts=st.frozensets(st.integers(1, 15), max_size=3),
    ),
    max_size=40,
    unique_by=lambda c: c.id,
)


@settings(max_examples=300, deadline=None)
@given(
    registry=candidate_lists,
    conflicts=st.frozensets(st.integers(1, 15), max_size=4),
    seed=st.integers(0, 2**32),
    size=st.integers(1, 6),
    outside=st.integers(0, 3),
)
def test_no_conflicted_expert_is_ever_drawn(registry, conflicts, seed, size, outside):
    criteria = Criteria(size=size, region="500000", min_outside_region=min(outside, size))
    try:
        result = draw(registry, criteria, conflicts=conflicts, on=ON, seed=seed)
    except DrawInfeasible:
        return
    horizon = dt.date(2022, 10, 14)
    for candidate in (c for c in registry if c.id in result.panel):
        assert candidate.available
        assert candidate.organisation_id not in conflicts
        assert not candidate.declared_conflicts & conflicts
        assert not any(
            org in conflicts and (ended is None or ended >= horizon)
            for org, ended in candidate.past_employers
        )
    assert len(set(result.panel)) == size
    assert result == draw(registry, criteria, conflicts=conflicts, on=ON, seed=seed)
