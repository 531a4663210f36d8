"""The JSON API: one NinjaAPI at /api/v1/, one error schema for every failure.

Domain apps contribute routers (their own api.py); this module only holds what they share.
"""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from metrohub.accounts.models import ApiToken
from metrohub.core import errors as domain
from metrohub.core.errors import Conflict  # noqa: F401  (re-exported: services raise it)


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """The body of every 4xx answer."""

    code: str
    message: str
    errors: list[FieldError] = []


# Declared on every operation so the OpenAPI document says what can come back.
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    413: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
WRITE_ERRORS = {**ERRORS, 409: ErrorOut}


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        found = ApiToken.lookup(token)
        if found is None or found.revoked_at is not None:
            raise AuthenticationError(401, _("The API token is not valid."))
        if not found.is_active:
            raise AuthenticationError(401, _("The API token has expired."))
        if not found.user.is_active:
            raise AuthenticationError(401, _("The account of this API token is disabled."))
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


class SessionUser(SessionAuth):
    """Browser session (with CSRF on writes), for the pages' own calls."""


def optional_auth(request):
    """For public endpoints: a caller is identified if they can be, never refused."""
    return True


AUTH = [TokenAuth(), SessionUser()]

api = NinjaAPI(
    title="Metrohub API",
    version="1",
    description="产业计量测试中心管理与服务平台 API · API of the industrial metrology test center platform",
    urls_namespace="api",
    auth=AUTH,
)


def error_response(request, status: int, code: str, message: str, errors=None):
    body = {"code": code, "message": str(message), "errors": errors or []}
    return api.create_response(request, body, status=status)


CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "throttled",
}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    status = exc.status_code
    message = exc.message if hasattr(exc, "message") else str(exc)
    if isinstance(exc, AuthenticationError) and message == "Unauthorized":
        message = _("Log in or send a valid API token.")
    if isinstance(exc, AuthorizationError) and message == "Forbidden":
        message = _("Your role does not allow this.")
    if status == 400 and message == "Cannot parse request body":
        message = _("The request body is not valid JSON.")
    return error_response(request, status, CODES.get(status, "error"), message)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    errors = []
    for item in exc.errors:
        location = [
            str(part)
            for part in item.get("loc", ())
            if part not in ("body", "payload", "query", "path")
        ]
        errors.append({"field": ".".join(location) or "body", "message": str(item.get("msg", ""))})
    return error_response(request, 422, "invalid", _("The request has invalid fields."), errors)


def on_domain_error(request, exc):
    """The one mapping from domain errors to answers (`core/errors.py`)."""
    status, code, message, errors = domain.describe(exc)
    return error_response(request, status, code, message, errors)


for _handled in domain.HANDLED:
    api.add_exception_handler(_handled, on_domain_error)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return error_response(request, 413, "too_large", _("The request is too large."))


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request, exc):
    return error_response(request, 400, "bad_request", _("The request could not be read."))


def file_download(content_types) -> dict:
    """`openapi_extra` of an endpoint answering with a stored file: its 200 is the file's bytes,
    in one of the upload's allowed content types."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "responses": {
            200: {"description": "the file", "content": {kind: binary for kind in content_types}}
        }
    }
