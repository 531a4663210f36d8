import json
import re

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Chinese unless the visitor chose English with the language switch.

    Officials' browsers are often set to English by their IT department, so the browser's
    Accept-Language header is honoured only by the API, where a client states it on purpose.
    """

    def process_request(self, request):
        if request.path.startswith("/api/"):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


_TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded")
_FORM_BODIES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A JSON escape of a UTF-16 surrogate (\\ud800-\\udfff), or the raw bytes of one: json.loads decodes
# both (bytes with "surrogatepass"), and no database or encoder downstream can store the result.
_SURROGATE_HINT = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


def _carries_nul(request) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "").lower():
        return True
    if request.content_type in _TEXT_BODIES and request.method in ("POST", "PUT", "PATCH"):
        body = _body(request)
        return body is not None and (b"\x00" in body or b"\\u0000" in body.lower())
    return False


def _body(request) -> bytes | None:
    try:
        return request.body
    except Exception:  # noqa: BLE001  (too large or unreadable: answered by the view's own handling)
        return None


def _is_lone_surrogate(char: str) -> bool:
    return "\ud800" <= char <= "\udfff"


def lone_surrogate_path(value, path: str = "") -> str | None:
    """The JSON path ("name", "members.2.role") of the first text holding a lone surrogate."""
    if isinstance(value, str):
        return (path or "body") if any(_is_lone_surrogate(c) for c in value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if any(_is_lone_surrogate(c) for c in str(key)):
                return where
            found = lone_surrogate_path(item, where)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = lone_surrogate_path(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def _surrogate_field(request) -> str | None:
    """The field whose text is not valid Unicode, for a JSON body (whatever its declared type:
    some endpoints read the raw body)."""
    if request.method not in ("POST", "PUT", "PATCH") or request.content_type in _FORM_BODIES:
        return None
    body = _body(request)
    if not body or not _SURROGATE_HINT.search(body):
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the view answers that
    found = lone_surrogate_path(document)
    # The path is shown back: a surrogate in a key is replaced so the answer itself is valid text.
    return "".join("\ufffd" if _is_lone_surrogate(c) else c for c in found) if found else None


def _bad_request(request, message: str, field: str | None = None):
    from django.http import HttpResponseBadRequest, JsonResponse

    if request.path.startswith("/api/"):
        errors = [{"field": field, "message": message}] if field else []
        return JsonResponse(
            {"code": "bad_request", "message": message, "errors": errors}, status=400
        )
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class RejectUnstorableTextMiddleware:
    """No text in Metrohub contains a NUL character or a lone UTF-16 surrogate: PostgreSQL cannot
    store the first, no UTF-8 encoder can write the second. Such a request is answered 400 (in the
    API's error schema under /api/) before any view runs, instead of failing deep inside a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.translation import gettext as _

        if _carries_nul(request):
            return _bad_request(
                request, _("The request contains a NUL character, which no field accepts.")
            )
        field = _surrogate_field(request)
        if field:
            return _bad_request(
                request,
                _(
                    "The text of “%(field)s” is not valid Unicode (it holds a lone surrogate "
                    "character); no field accepts it."
                )
                % {"field": field},
                field,
            )
        return self.get_response(request)


RejectNulMiddleware = RejectUnstorableTextMiddleware  # the name settings used before


class ApiErrorSchemaMiddleware:
    """Every answer under /api/ with status 400 or more is in the API's one error schema, including
    those produced outside the API's own handlers: an unknown path (404), a method no route has
    (405), a host not allowed or a body Django cannot parse (400), a server error (500). Outermost
    in MIDDLEWARE, so it sees what Django's own exception handling made of them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return _schema_response(response)
        return response


def _schema_response(original):
    from django.http import JsonResponse
    from django.utils.translation import gettext as _

    from metrohub.core.api import CODES

    status = original.status_code
    messages = {
        400: _("The request could not be read."),
        403: _("Your role does not allow this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
    }
    message = messages.get(status) or (
        _("The server could not answer; the error has been logged.")
        if status >= 500
        else _("The request was refused.")
    )
    response = JsonResponse(
        {
            "code": CODES.get(status, "server_error" if status >= 500 else "error"),
            "message": message,
            "errors": [],
        },
        status=status,
    )
    for header in ("Allow", "Retry-After"):
        if original.has_header(header):
            response[header] = original[header]
    return response


class NoStoreWhenSignedInMiddleware:
    """Nothing shown to a signed-in person (a page, an API answer, a new token shown once) is kept
    by the browser or any cache on the way: `Cache-Control: no-store`. Public pages stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            from django.utils.cache import add_never_cache_headers, patch_vary_headers

            add_never_cache_headers(response)
            patch_vary_headers(response, ("Cookie",))
        return response
