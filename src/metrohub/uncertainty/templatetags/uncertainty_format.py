from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def sig(value, digits: int = 6) -> str:
    """A number with `digits` significant digits; None (an infinite ν) as ∞."""
    if value is None:
        return "∞"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value:.{int(digits)}g}"


@register.filter
def percent(value) -> str:
    return f"{value * 100:g} %" if isinstance(value, int | float) else ""


DISTRIBUTIONS = {
    "normal": _("normal"),
    "rectangular": _("rectangular"),
    "triangular": _("triangular"),
    "arcsine": _("arcsine (U-shaped)"),
    "trapezoidal": _("trapezoidal"),
    "student-t": _("Student t"),
}
TYPES = {"A": _("Type A"), "B": _("Type B")}


@register.filter
def distribution(value) -> str:
    return str(DISTRIBUTIONS.get(value, value))


@register.filter
def evaluation_type(value) -> str:
    return str(TYPES.get(value, value))
