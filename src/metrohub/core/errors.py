"""Domain errors and the one mapping from each to what a caller sees.

Services raise Django's own `ValidationError` (the request lacks something: 422, every problem at
once, keyed by field), `PermissionDenied` (the role may not: 403), `Http404` (outside the actor's
scope: 404) and `Conflict` below (the object's state forbids it: 409, with the reason). The API
(`core/api.py`) and the pages (`into_form`, `page_message`) translate them here, once.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _


class DomainError(Exception):
    """A request that is well formed but cannot be done now; `status` is its HTTP answer."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)

    def __str__(self) -> str:
        return self.message

    @property
    def status_code(self) -> int:  # the name ninja's HttpError uses; pages read either
        return self.status


class Conflict(DomainError):
    """The object's state forbids the request (409)."""

    status = 409
    code = "conflict"


#: Every domain error a service may raise → (status, code). Order matters: subclasses first.
MAPPING: tuple[tuple[type[BaseException], int, str], ...] = (
    (ValidationError, 422, "invalid"),
    (PermissionDenied, 403, "forbidden"),
    (Http404, 404, "not_found"),
    (DomainError, 400, "bad_request"),
)


def field_errors(exc: ValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "body", "message": message} for message in exc.messages]


def describe(exc: BaseException) -> tuple[int, str, str, list[dict[str, str]]]:
    """(status, code, message, field errors) for a domain error."""
    if isinstance(exc, DomainError):
        return exc.status, exc.code, exc.message, []
    if isinstance(exc, ValidationError):
        return 422, "invalid", _("The request has invalid fields."), field_errors(exc)
    if isinstance(exc, PermissionDenied):
        return 403, "forbidden", str(exc) or _("Your role does not allow this."), []
    if isinstance(exc, Http404):
        return 404, "not_found", _("Not found."), []
    raise TypeError(f"not a domain error: {exc!r}")


HANDLED = (DomainError, ValidationError, PermissionDenied, Http404)
#: What a page catches to show the reason beside the form (403 and 404 propagate as pages).
SHOWN_ON_PAGE = (DomainError, ValidationError)


def page_message(exc: BaseException) -> str:
    """One line for a page's message area."""
    if isinstance(exc, ValidationError):
        return " ".join(e["message"] for e in field_errors(exc))
    return str(exc)


def form_message(form) -> str:
    """A bound form's errors as one line for the message area of the page a view redirects to,
    where the form is not shown again: each error after its field's label, so that the reader
    knows which field to fill in (a bare “这个字段是必填项。” twice names none)."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        for error in errors:
            parts.append(
                _("%(field)s: %(error)s") % {"field": label, "error": error} if label else error
            )
    return " ".join(parts)


def into_form(form, exc: BaseException) -> None:
    """Put a domain error beside the fields it names (or above the form)."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, str(exc))
