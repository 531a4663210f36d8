"""Synonyms and unit spellings in the catalogue search: the seeded table, exact results on both
databases, what an administrator adds taking effect at once, and bounded variants."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from metrohub.catalogue.models import SynonymGroup
from metrohub.catalogue.search import Filters, query_groups, search
from metrohub.catalogue.services import find_capable


def _instruments(q: str) -> set[str]:
    return set(search(Filters(q=q)).values_list("instrument", flat=True))


def test_the_seeded_groups_expand_a_query(db):
    groups = query_groups("万用表 Nm nm 兆帕")
    assert groups == [
        ["万用表", "数字多用表", "数字万用表", "多用表"],
        ["nm", "n·m", "n.m", "n*m", "牛·米", "牛米"],
        ["nm"],
        ["兆帕", "mpa"],
    ]
    # "nm" is a nanometre: it is no spelling of N·m, so it stands alone (and merges with nothing).
    assert [g.units for g in groups] == [
        (),
        ("N·m", "N.m", "N*m", "牛·米", "Nm", "牛米"),
        (),
        ("MPa", "兆帕"),
    ]
    assert query_groups("JJG 707") == [["jjg 707—"]]


def test_names_find_the_lines_written_otherwise(world):
    assert _instruments("万用表") == {"数字多用表"}
    assert _instruments("数字多用表") == {"数字多用表"}
    assert _instruments("扭矩扳手") == {"扭矩扳子", "扭矩扳子(旧规程)"}
    assert _instruments("压力表") == {"弹性元件式一般压力表", "弹性元件式精密压力表", "数字压力计"}


def test_unit_spellings_find_lines_in_that_unit(world):
    assert _instruments("Nm") == {"扭矩扳子", "扭矩扳子(旧规程)", "汽车螺栓拧紧机"}
    assert _instruments("扭矩扳手 N.m") == {"扭矩扳子", "扭矩扳子(旧规程)"}
    assert _instruments("nm") == set()
    assert _instruments("扭矩扳子 兆帕") == set()


def test_who_can_measure_a_pressure_gauge_at_1_6_mpa(world):
    """The gauges that state only an accuracy class state no uncertainty; the digital pressure
    gauges (压力计, a variant of 压力表) calibrated to 0.020 % are the answer."""
    for unit in ("MPa", "兆帕"):
        matches = find_capable(quantity="压力表", value=Decimal("1.6"), unit=unit)
        assert [
            (m.line.center.code, m.line.instrument, round(m.uncertainty, 6)) for m in matches
        ] == [
            ("CQ-AUTO", "数字压力计", 0.00032),
            ("CQ-INSTR", "数字压力计", 0.00032),
            ("HB-AUTO", "数字压力计", 0.00032),
        ]
    torque = find_capable(quantity="扭矩扳手", value=Decimal("50"), unit="Nm")
    assert [m.line.center.code for m in torque] == ["CQ-AUTO", "CQ-INSTR", "HB-AUTO"]


def test_an_administrators_group_takes_effect_at_once(world):
    assert _instruments("拧紧机") == {"汽车螺栓拧紧机"}
    assert _instruments("紧固扳机") == set()
    group = SynonymGroup.objects.create(variants="紧固扳机\n拧紧机")
    assert _instruments("紧固扳机") == {"汽车螺栓拧紧机"}
    group.delete()
    assert _instruments("紧固扳机") == set()


@pytest.mark.parametrize(
    ("variants", "message"),
    [
        ("一个", "Give two to twenty variants."),
        ("\n".join(f"词{i}" for i in range(21)), "Give two to twenty variants."),
        ("压力表\n" + "长" * 51, "A variant is at most 50 characters: " + "长" * 51),
        (
            "压力表\n压力 表",
            "A variant cannot contain a space (the search splits words at spaces): 压力 表",
        ),
    ],
)
def test_groups_are_bounded(db, variants, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            SynonymGroup(variants=variants).full_clean()
        assert caught.value.message_dict["variants"] == [message]
    assert SynonymGroup(variants="压力表，压力计、指针式压力表").variant_list() == [
        "压力表",
        "压力计",
        "指针式压力表",
    ]
