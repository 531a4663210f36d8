"""The public verification page (/verify/<token>): no login, rate-limited, counted. A light page
of its own (no navigation): it is what a QR code opens on a phone, and the platform's busiest
public read.

Rendering the template costs more than the whole check once its verdicts are stored, so the page
is rendered once per language and shape (which values are empty, which status) with a marker in
place of every value, and each scan fills the markers in: the template stays the one source of
the page, and tests compare the two renders."""

import functools
import html
import re
import time
from datetime import datetime
from types import SimpleNamespace

from django.conf import settings
from django.http import Http404, HttpResponse
from django.template import Context, engines
from django.template.base import render_value_in_context
from django.utils import translation
from django.utils.http import http_date

from metrohub.certificates import verification
from metrohub.certificates.pdf import kind_title
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
# shape -> the skeleton split at its markers: text, value index, text, value index, …, text
_SKELETONS: dict[tuple, tuple] = {}
_MAX_SKELETONS = 1024
_LANGUAGES = dict(settings.LANGUAGES)


def render(request, name: str, context: dict, status: int = 200) -> HttpResponse:
    """Render without the site's context processors (navigation, messages, roles): the page
    shows none of them, and at national scale they would cost more than the check itself."""
    template = engines["django"].engine.get_template(name)
    return HttpResponse(template.render(Context({**context, "request": request})), status=status)


def context_of(found: verification.Check) -> dict:
    record = found.record
    return {
        "check": found,
        "record": record,
        "title": kind_title(record.kind),
        "chain_broken": found.chain_broken,
    }


# The headers never_cache sets, written once: patching Cache-Control header by header cost a
# tenth of a scan. Kept by no cache: the page carries the count.
NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


@rate_limited("verification")
def verify(request, token: str):
    chosen = request.GET.get("lang") if request.META.get("QUERY_STRING") else None
    if chosen in _LANGUAGES:
        # The language switch's links ask for the page in a language: shown so, remembered
        # nowhere (a GET changes nothing; the site-wide choice stays the cookie's).
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen
    found = verification.check(token)
    if found is None:
        raise Http404
    response = HttpResponse(page(found))
    response.headers["Expires"] = _now_http_date()
    response.headers["Cache-Control"] = NO_STORE
    return response


def _now_http_date() -> str:
    """http_date() for now, formatted once a second rather than once a scan."""
    global _EXPIRES
    second = int(time.time())
    if _EXPIRES[0] != second:
        _EXPIRES = (second, http_date(second))  # one tuple: a thread reads a matching pair
    return _EXPIRES[1]


_EXPIRES: tuple = (None, "")


def page(found: verification.Check) -> str:
    """The page as render() makes it, from the skeleton of its shape with the values filled in."""
    record = found.record
    values = (
        found.signature_valid,
        *[getattr(record, name) for name in RECORD],
        kind_title(record.kind),
        found.chain_broken,
    )
    language = translation.get_language()
    # an empty value stays itself in the skeleton (the template tests it, or shows a default)
    shape = (language, record.status, *(v if not v else True for v in values))
    parts = _SKELETONS.get(shape)
    if parts is None or settings.DEBUG:
        parts = _skeleton(record.status, values)
        if len(_SKELETONS) < _MAX_SKELETONS:
            _SKELETONS[shape] = parts
    filled = [parts[0]]
    for at in range(1, len(parts), 2):
        filled.append(_shown(language, values[parts[at]]))
        filled.append(parts[at + 1])
    return "".join(filled)


def _skeleton(status: str, values: tuple) -> tuple:
    """The template rendered with a marker in place of every value that is not empty, split at
    the markers: (text, index of a value, text, …, text)."""
    slots = [f"\ue000{i}\ue001" if v else v for i, v in enumerate(values)]
    names = dict(zip(RECORD, slots[1 : 1 + len(RECORD)], strict=True))
    context = {
        "check": SimpleNamespace(signature_valid=slots[0]),
        "record": SimpleNamespace(status=status, **names),
        "title": slots[-2],
        "chain_broken": slots[-1],
    }
    skeleton = engines["django"].engine.get_template(TEMPLATE).render(Context(context))
    parts = _MARK.split(skeleton)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def _shown(language: str, value) -> str:
    # a plain string only needs escaping (what the template's escape does: html.escape);
    # dates, numbers and lazy labels go the template's way
    if type(value) is str:
        return html.escape(value)
    if isinstance(value, datetime):  # shown in the current time zone: not cached
        return render_value_in_context(value, Context())
    return _rendered(language, type(value), value)


@functools.lru_cache(maxsize=4096)
def _rendered(language: str, kind: type, value) -> str:
    """A date, number or label as the template shows it: localising one costs more than the rest
    of the fill, and the same dates and labels come back scan after scan (the language and the
    type are part of the key: a label reads differently in each language, and True == 1)."""
    return render_value_in_context(value, Context())
