from django import template

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
