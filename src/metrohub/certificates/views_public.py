"""The public verification page (/verify/<token>): no login, rate-limited, counted. A light page
of its own (no navigation): it is what a QR code opens on a phone, and the platform's busiest
public read.

Rendering the template costs more than the whole check once its verdicts are stored, so the page
is rendered once per language and shape (which values are empty, which status) with a marker in
place of every value, and each scan fills the markers in: the template stays the one source of
the page, and tests compare the two renders."""

import functools
import re
import secrets
from datetime import datetime
from types import SimpleNamespace

from django.conf import settings
from django.http import Http404, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token
from django.template import Context, engines
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.http import http_date
from django.utils.translation import get_language

from metrohub.certificates import verification
from metrohub.certificates.pdf import TITLES
from metrohub.core.ratelimit import rate_limited

TEMPLATE = "certificates/verify.html"
# What the template reads of a record; status is compared (==), so it is part of the shape.
RECORD = (
    "number", "status_label", "center", "customer", "instrument_name", "instrument_model",
    "serial_number", "manufacturer", "method_code", "method_title", "measured_on", "issued_on",
    "valid_until", "replaces", "replaced_by", "revoked_at", "revoked_on", "revoke_reason",
    "pdf_sha256", "xml_sha256", "key_id", "verification_count",
)  # fmt: skip
_MARK = re.compile("\ue000(\\d+)\ue001")  # private-use characters: no value holds them
_SKELETONS: dict[tuple, str] = {}
_MAX_SKELETONS = 1024


def render(request, name: str, context: dict, status: int = 200) -> HttpResponse:
    """Render without the site's context processors (navigation, messages, roles): the page
    shows none of them, and at national scale they would cost more than the check itself."""
    template = engines["django"].engine.get_template(name)
    context = Context({**context, "request": request, "csrf_token": get_token(request)})
    return HttpResponse(template.render(context), status=status)


def context_of(found: verification.Check) -> dict:
    record = found.record
    return {
        "check": found,
        "record": record,
        "title": TITLES[record.kind][0],
        "chain_broken": found.chain_broken,
    }


# The headers never_cache sets, written once: patching Cache-Control header by header cost a
# tenth of a scan. Kept by no cache: the page carries the count and a CSRF token of its own.
NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


@rate_limited("verification")
def verify(request, token: str):
    found = verification.check(token)
    if found is None:
        raise Http404
    response = HttpResponse(page(request, found))
    response.headers["Expires"] = http_date()
    response.headers["Cache-Control"] = NO_STORE
    return response


def page(request, found: verification.Check) -> str:
    """The page as render() makes it, from the skeleton of its shape with the values filled in."""
    values: list = []

    def slot(value):
        if not value:  # an empty value stays itself: the template tests it, or shows a default
            return value
        values.append(value)
        return f"\ue000{len(values) - 1}\ue001"

    record = found.record
    shown = SimpleNamespace(status=record.status, **{n: slot(getattr(record, n)) for n in RECORD})
    context = {
        "check": SimpleNamespace(signature_valid=slot(found.signature_valid)),
        "record": shown,
        "title": slot(TITLES[record.kind][0]),
        "chain_broken": slot(found.chain_broken),
        "request": SimpleNamespace(path=slot(request.path)),
        "csrf_token": slot(csrf_token(request)),
    }
    shape = (get_language(), record.status, *(v if not v else True for v in _leaves(context)))
    skeleton = _SKELETONS.get(shape)
    if skeleton is None or settings.DEBUG:
        skeleton = engines["django"].engine.get_template(TEMPLATE).render(Context(context))
        if len(_SKELETONS) < _MAX_SKELETONS:
            _SKELETONS[shape] = skeleton
    language = get_language()

    def shown(match) -> str:
        value = values[int(match[1])]
        # a plain string only needs escaping; dates, numbers and lazy labels go the template's way
        if type(value) is str:
            return escape(value)
        if isinstance(value, datetime):  # shown in the current time zone: not cached
            return render_value_in_context(value, Context())
        return _rendered(language, type(value), value)

    return _MARK.sub(shown, skeleton)


@functools.lru_cache(maxsize=4096)
def _rendered(language: str, kind: type, value) -> str:
    """A date, number or label as the template shows it: localising one costs more than the rest
    of the fill, and the same dates and labels come back scan after scan (the language and the
    type are part of the key: a label reads differently in each language, and True == 1)."""
    return render_value_in_context(value, Context())


_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}


def csrf_token(request) -> str:
    """What get_token answers: the CSRF secret under a fresh random mask (against BREACH), the
    cookie renewed. Django draws the mask one character per read of the system's random source;
    here it is one read for the whole mask, and masking goes from a tenth of a scan to nothing.
    A first visit (no secret yet) goes Django's way."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != CSRF_SECRET_LENGTH:
        return get_token(request)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_chars(CSRF_SECRET_LENGTH)
    chars, n = CSRF_ALLOWED_CHARS, len(CSRF_ALLOWED_CHARS)
    return mask + "".join(
        chars[(_INDEX[s] + _INDEX[m]) % n] for s, m in zip(secret, mask, strict=True)
    )


def _random_chars(length: int) -> str:
    """Uniform over CSRF_ALLOWED_CHARS (62): a byte of 248 (4 × 62) or more is drawn again."""
    chars, n, limit = (
        CSRF_ALLOWED_CHARS,
        len(CSRF_ALLOWED_CHARS),
        256 - 256 % len(CSRF_ALLOWED_CHARS),
    )
    drawn: list[str] = []
    while len(drawn) < length:
        drawn += [chars[b % n] for b in secrets.token_bytes(length + 8) if b < limit]
    return "".join(drawn[:length])


def _leaves(context: dict):
    for value in context.values():
        yield from vars(value).values() if isinstance(value, SimpleNamespace) else (value,)
