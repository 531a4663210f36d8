from decimal import Decimal

from metrohub.catalogue import units
from metrohub.catalogue.demo import TEMPLATES, template_row
from metrohub.catalogue.lines import new_line, uncertainty_at
from metrohub.catalogue.rows import clean_row, line_to_row


def test_good_row(row):
    data, errors = clean_row(row(0))
    assert errors == []
    assert data["methods"] == "JJG 875—2019"
    assert data["u_value"] == Decimal("0.0050")
    assert data["range_upper"] == Decimal("10")


def test_errors_name_their_columns(row):
    _data, errors = clean_row(
        row(0, kind="修理", range_lower="abc", unit="furlongs per fortnight x", coverage_k="")
    )
    columns = {key for key, _message in errors}
    assert {"kind", "range_lower", "unit", "coverage_k"} <= columns


def test_more_than_two_significant_digits_refused(row):
    _data, errors = clean_row(row(0, uncertainty="0.0123"))
    assert [key for key, _m in errors] == ["uncertainty"]


def test_formula_and_table_and_relative(world, row):
    center = world["centers"]["CQ-AUTO"]
    data, errors = clean_row(row(0, u_form="公式", uncertainty="0.001+0.0002*x"))
    assert errors == []
    line = new_line(data, center=center)
    assert abs(uncertainty_at(line, 10.0) - 0.003) < 1e-12
    data, errors = clean_row(row(0, u_form="表格", uncertainty="0:0.002; 10:0.004"))
    assert errors == []
    assert abs(uncertainty_at(new_line(data, center=center), 5.0) - 0.003) < 1e-12
    data, errors = clean_row(row(0, uncertainty="0.050", u_relative="相对", u_unit="%"))
    assert errors == []
    assert abs(uncertainty_at(new_line(data, center=center), 10.0) - 0.005) < 1e-12
    _data, errors = clean_row(row(0, u_form="公式", uncertainty="__import__('os')"))
    assert [key for key, _m in errors] == ["uncertainty"]


def test_u_in_another_unit(world, row):
    data, errors = clean_row(row(0, uncertainty="5.0", u_unit="kPa"))
    assert errors == []
    line = new_line(data, center=world["centers"]["CQ-AUTO"])
    assert abs(uncertainty_at(line, 1.0) - 0.005) < 1e-12


def test_units_canonical_and_checked():
    assert units.canonical_unit("℃") == "°C"
    assert units.canonical_unit("N.m") == "N·m"
    assert units.canonical_unit("MPa") == "MPa"
    assert units.compatible("kPa", "MPa")
    assert not units.compatible("kPa", "N·m")
    assert abs(units.convert(1, "MPa", "kPa") - 1000) < 1e-9


def test_every_demo_template_is_valid_and_round_trips(world):
    center = world["centers"]["CQ-AUTO"]
    for template in TEMPLATES:
        for lower, upper in template[6]:
            data, errors = clean_row(template_row(template, lower, upper, industry="x", cnas=True))
            assert errors == [], (template, errors)
            line = new_line(data, center=center)
            again, errors = clean_row(line_to_row(line))
            assert errors == []
            assert new_line(again, center=center).content_hash == line.content_hash
