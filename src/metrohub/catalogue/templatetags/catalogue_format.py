from django import template

from metrohub.catalogue.formulas import pretty

register = template.Library()


@register.filter
def formula(text):
    """An uncertainty formula in mathematical form (`0.001+0.0002*x` → `0.001 + 0.0002·x`)."""
    return pretty(str(text)) if text else text
