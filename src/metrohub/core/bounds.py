"""Bounded text input, checked in the service layer (forms and API schemas check too, but a
service is the last line: a 100,000-character title must be refused, never stored or cut)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def texts(fields: dict[str, tuple[object, int]], *, required=()) -> dict[str, str]:
    """Each field's text, stripped; a ValidationError naming every field that is not text, is
    longer than its limit, or is required and empty. None counts as empty."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    for name, (value, limit) in fields.items():
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[name] = [_("Give text.")]
            continue
        value = value.strip()
        if len(value) > limit:
            errors[name] = [
                _("At most %(n)d characters (%(got)d given).") % {"n": limit, "got": len(value)}
            ]
        elif not value and name in required:
            errors[name] = [_("Required.")]
        clean[name] = value
    if errors:
        raise ValidationError(errors)
    return clean
