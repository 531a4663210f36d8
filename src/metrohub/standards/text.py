"""Bounds on the text people type, checked in the service layer whatever the door (page, API)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def clean_text(errors: dict, field: str, value, max_length: int, *, required=False) -> str:
    """The value stripped, or '' with a message in `errors` (too long, lone surrogate, missing)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.setdefault(field, []).append(_("Enter text."))
        return ""
    value = value.strip()
    if has_surrogate(value) or "\x00" in value:
        errors.setdefault(field, []).append(_("The text contains characters that are not allowed."))
        return ""
    if len(value) > max_length:
        errors.setdefault(field, []).append(
            _("At most %(limit)d characters (this has %(count)d).")
            % {"limit": max_length, "count": len(value)}
        )
        return ""
    if required and not value:
        errors.setdefault(field, []).append(_("This field is required."))
    return value


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)
