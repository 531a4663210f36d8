import pytest

GOOD_ROW = {
    "kind": "校准",
    "area": "力学",
    "branch": "压力",
    "industry_domain": "汽车",
    "measurand": "压力",
    "instrument": "测试用数字压力计",
    "range_lower": "0",
    "range_upper": "10",
    "unit": "MPa",
    "u_form": "单一值",
    "uncertainty": "0.0050",
    "u_relative": "绝对",
    "u_unit": "MPa",
    "coverage_k": "2",
    "methods": "JJG875-2019",
    "cnas": "是",
}


def make_row(index: int, **changes) -> dict:
    """A valid row, distinct per index (its upper limit)."""
    return {**GOOD_ROW, "range_upper": str(10 + index), **changes}


@pytest.fixture
def center(world):
    return world["centers"]["CQ-AUTO"]


@pytest.fixture
def row():
    return make_row


# the engine's clock and an API client per person, for the capability-change procedure
from tests.cases.conftest import api, clock  # noqa: E402, F401
