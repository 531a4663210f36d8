"""Bounding free text in the service layer, whatever door it came in by (form, API, import).

Each helper returns the cleaned value or raises ValidationError naming the field, so a service
can check every field first and change nothing when one is bad.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def bounded_text(value, *, field: str, limit: int, required: bool = False) -> str:
    """Stripped text of at most `limit` characters, without NUL, control characters or lone
    surrogates (which no database stores faithfully)."""
    text = "" if value is None else str(value).strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            {field: [_("The text contains characters that cannot be stored.")]}
        ) from None
    if _CONTROL.search(text):
        raise ValidationError({field: [_("The text contains control characters.")]})
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > limit:
        raise ValidationError(
            {
                field: [
                    _("At most %(limit)d characters (this has %(n)d).")
                    % {"limit": limit, "n": len(text)}
                ]
            }
        )
    return text


def collect(checks: dict) -> dict:
    """Run every check (field → zero-argument callable) and raise all errors at once."""
    values, errors = {}, {}
    for field, check in checks.items():
        try:
            values[field] = check()
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return values


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
