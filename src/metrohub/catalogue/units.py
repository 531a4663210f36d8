"""Unit codes as people write them in a catalogue, checked and converted with pint.

A line stores its unit as a short code (`MPa`, `°C`, `N·m`, `Ω`); this module canonicalises the
spellings people type and converts values between compatible codes.
"""

import functools
from decimal import Decimal

import pint

# How people type a unit -> the code the catalogue stores.
ALIASES = {
    "℃": "°C",
    "degc": "°C",
    "° c": "°C",
    "µm": "μm",
    "um": "μm",
    "n.m": "N·m",
    "n*m": "N·m",
    "nm·": "N·m",
    "n·m": "N·m",
    "n-m": "N·m",
    "ohm": "Ω",
    "kohm": "kΩ",
    "mohm": "MΩ",
    "rpm": "r/min",
    "ml": "mL",
    "l": "L",
    "µl": "μL",
    "ul": "μL",
    "µmol/mol": "μmol/mol",
    "ppm": "μmol/mol",
    "μsv/h": "μSv/h",
    "µsv/h": "μSv/h",
    "rh": "%RH",
    "m3/h": "m³/h",
    "m^3/h": "m³/h",
    "%rh": "%RH",
}
# Codes pint does not read as written -> a pint expression.
PINT = {
    "°C": "degC",
    "μm": "micrometer",
    "N·m": "newton * meter",
    "Ω": "ohm",
    "kΩ": "kiloohm",
    "MΩ": "megaohm",
    "GΩ": "gigaohm",
    "mΩ": "milliohm",
    "μΩ": "microohm",
    "%": "percent",
    "%RH": "percent_rh",
    "r/min": "revolution / minute",
    "μmol/mol": "micromole / mole",
    "mL": "milliliter",
    "L": "liter",
    "μL": "microliter",
    "t": "metric_ton",
    "μSv/h": "microsievert / hour",
    "dB": "decibel_level",
    "pH": "ph_value",
    "HRC": "hardness_hrc",
    "HRB": "hardness_hrb",
    "HV": "hardness_hv",
    "HBW": "hardness_hbw",
    "Abs": "absorbance",
    "lx": "lux",
    "μs": "microsecond",
    "μV": "microvolt",
    "μA": "microampere",
    "μg": "microgram",
    "m³/h": "meter ** 3 / hour",
    "m³": "meter ** 3",
    "L/min": "liter / minute",
    "mm²": "millimeter ** 2",
}
RELATIVE_UNITS = {"%": Decimal("0.01"), "ppm": Decimal("0.000001"), "×10⁻⁶": Decimal("0.000001")}


class UnitError(ValueError):
    pass


@functools.cache
def registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    for definition in (
        "percent_rh = [relative_humidity]",
        "decibel_level = [sound_level]",
        "ph_value = [acidity]",
        "hardness_hrc = [hardness_rockwell_c]",
        "hardness_hrb = [hardness_rockwell_b]",
        "hardness_hv = [hardness_vickers]",
        "hardness_hbw = [hardness_brinell]",
        "absorbance = [absorbance]",
    ):
        ureg.define(definition)
    return ureg


def canonical_unit(code: str) -> str:
    """The stored code for what someone typed; UnitError if pint cannot read it."""
    text = (code or "").strip()
    if not text:
        raise UnitError("empty")
    text = ALIASES.get(text.lower(), ALIASES.get(text, text))
    pint_unit(text)
    return text


@functools.lru_cache(maxsize=1024)
def pint_unit(code: str):
    expression = PINT.get(code, code)
    try:
        return registry().parse_units(expression)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError, SyntaxError) as exc:
        raise UnitError(str(exc)) from None
    except Exception as exc:  # noqa: BLE001  (pint's parser raises assorted errors on garbage)
        raise UnitError(str(exc)) from None


@functools.lru_cache(maxsize=1024)
def dimension(code: str) -> str:
    return str(registry().get_dimensionality(pint_unit(code)))


def compatible(a: str, b: str) -> bool:
    try:
        return dimension(a) == dimension(b)
    except UnitError:
        return False


def to_base(value: Decimal | float, code: str) -> float:
    """The value in SI base units (kelvin for temperatures), for range queries."""
    quantity = registry().Quantity(float(value), pint_unit(code))
    return float(quantity.to_base_units().magnitude)


def convert(value: Decimal | float, from_code: str, to_code: str) -> float:
    quantity = registry().Quantity(float(value), pint_unit(from_code))
    return float(quantity.to(pint_unit(to_code)).magnitude)


@functools.lru_cache(maxsize=1024)
def interval_factor(from_code: str, to_code: str) -> float:
    """Factor converting a difference (an uncertainty) between two compatible units."""
    return convert(1, from_code, to_code) - convert(0, from_code, to_code)
