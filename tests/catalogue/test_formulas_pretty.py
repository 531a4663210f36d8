"""Uncertainty formulas shown in mathematical form where the catalogue renders them."""

import pytest

from metrohub.catalogue.formulas import pretty


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("0.001+0.0002*x", "0.001 + 0.0002·x"),
        ("0.0010+5E-4*x", "0.0010 + 5E-4·x"),
        ("sqrt(0.01**2+(0.0005*x)**2)", "√(0.01² + (0.0005·x)²)"),
        ("2*x**-1", "2·x⁻¹"),
        ("-x**2", "−x²"),
        ("(x-1)*2", "(x − 1)·2"),
        ("a-(b-c)", "a − (b − c)"),
        ("a/(b*c)", "a/(b·c)"),
        ("abs(x)*1e-3", "|x|·1e-3"),
        ("x**0.5", "x^0.5"),
        ("pi*x", "π·x"),
        ("not a formula", "not a formula"),
    ],
)
def test_pretty(text, shown):
    assert pretty(text) == shown


def test_the_center_page_shows_the_formula_in_mathematical_form(client, world):
    html = client.get("/centers/CQ-AUTO/?page=1").content.decode()
    pages = [html] + [
        client.get(f"/centers/CQ-AUTO/?page={n}").content.decode() for n in range(2, 6)
    ]
    text = "".join(pages)
    assert "U = (0.001 + 0.0002·x) MPa" in text
    assert "0.001+0.0002*x" not in text
