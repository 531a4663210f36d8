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


def _carries_nul(request) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "").lower():
        return True
    if request.content_type in _TEXT_BODIES and request.method in ("POST", "PUT", "PATCH"):
        try:
            body = request.body
        except Exception:  # noqa: BLE001  (too large: answered by the view's own handling)
            return False
        return b"\x00" in body or b"\\u0000" in body.lower()
    return False


class RejectNulMiddleware:
    """No text in Metrohub contains a NUL character, and PostgreSQL cannot store one: such a
    request is answered 400 before any view runs, instead of failing deep inside a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _carries_nul(request):
            return self.get_response(request)
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        message = _("The request contains a NUL character, which no field accepts.")
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "bad_request", "message": message, "errors": []}, status=400)
        return HttpResponseBadRequest(message)
