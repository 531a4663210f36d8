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
    """Each field's text, bounded as `bounded_text` bounds one; a ValidationError naming every
    field that is not text, is too long, holds what no database stores, or is required and
    empty. None counts as empty."""
    checks = {}
    for name, (value, limit) in fields.items():
        if value is not None and not isinstance(value, str):
            checks[name] = _not_text(name)
        else:
            checks[name] = _bounded(value, name, limit, name in required)
    return collect(checks)


def _bounded(value, field, limit, required):
    return lambda: bounded_text(value, field=field, limit=limit, required=required)


def _not_text(field):
    def refuse():
        raise ValidationError({field: [_("Give text.")]})

    return refuse


def clean_text(errors: dict, field: str, value, max_length: int, *, required=False) -> str:
    """`bounded_text` for services that gather every field's messages in `errors` before
    refusing once (with `raise_if`): the value, or '' with its messages added."""
    try:
        return texts({field: (value, max_length)}, required=(field,) if required else ())[field]
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(messages)
        return ""


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def digits(text) -> bool:
    """Whether `text` is a number written in ASCII digits: `str.isdigit` also accepts "6³" and
    "٣", which `int` then refuses (a 500 where a 404 or 422 is due)."""
    return isinstance(text, str) and text.isascii() and text.isdigit()
