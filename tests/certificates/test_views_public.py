"""The verification page filled in from the skeleton of its shape is the page the template
renders, byte for byte, whatever the record holds (markup in its values included)."""

import dataclasses
import datetime as dt
import itertools
import re

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation

from metrohub.certificates import verification, views_public

BASE = verification.Record(
    id=1, number="CQ-AUTO-2025-000001", kind="calibration_certificate", status="valid",
    issued_at=timezone.make_aware(dt.datetime(2025, 3, 12, 23, 30)), valid_until=None,
    revoked_at=None, revoke_reason="", pdf="c/1.pdf", pdf_sha256="a" * 64, xml="c/1.xml",
    xml_sha256="b" * 64, signature="s", verification_count=3, key_id="k-2025",
    public_key="p", algorithm="Ed25519", center="重庆汽车产业计量测试中心",
    customer="<script>alert(1)</script> & 某公司", instrument_name="压力计",
    instrument_model="Y-100", serial_number="SN-1", manufacturer="示例厂", method_code="JJF 1",
    method_title="", measured_on=dt.date(2025, 3, 10), replaced_by=None, replaces=None,
)  # fmt: skip

VARIANTS = [
    {},
    {"status": "superseded", "replaced_by": "CQ-AUTO-2025-000009"},
    {"status": "revoked", "revoked_at": timezone.make_aware(dt.datetime(2025, 4, 1, 20)),
     "revoke_reason": "数据有误 <b>召回</b>"},
    {"serial_number": "", "manufacturer": "", "pdf_sha256": "", "valid_until": dt.date(2025, 9, 9),
     "replaces": "CQ-AUTO-2024-000100", "verification_count": 0},
]  # fmt: skip


def _normal(html: str) -> str:
    # the CSRF token is masked afresh on every read of it
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_filled_in_skeleton_is_the_rendered_template(language, settings):
    settings.DEBUG = False
    views_public._SKELETONS.clear()
    for changes, (intact, broken) in itertools.product(
        VARIANTS, itertools.product([True, False], repeat=2)
    ):
        record = dataclasses.replace(BASE, **changes)
        found = verification.Check(record, intact, intact, broken)
        request = RequestFactory().get(f"/verify/{'t' * 43}")
        with translation.override(language):
            for _ in range(2):  # built, then read from the skeletons kept
                expected = views_public.render(request, views_public.TEMPLATE,
                                               views_public.context_of(found))  # fmt: skip
                assert _normal(views_public.page(request, found)) == _normal(
                    expected.content.decode()
                ), (changes, intact, broken)
    assert len(views_public._SKELETONS) == 16


@pytest.mark.django_db
def test_the_page_is_kept_by_no_cache_as_never_cache_would_say(issue):
    from django.http import HttpResponse
    from django.test import Client
    from django.utils.cache import add_never_cache_headers
    from django.utils.http import parse_http_date

    certificate = issue("calibration")
    response = Client().get(f"/verify/{certificate.token}")
    expected = HttpResponse()
    add_never_cache_headers(expected)
    assert response["Cache-Control"] == expected["Cache-Control"]
    assert abs(parse_http_date(response["Expires"]) - parse_http_date(expected["Expires"])) <= 1


@pytest.mark.django_db
def test_the_language_switch_of_the_page_passes_the_csrf_check(issue):
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    certificate = issue("calibration")
    client = Client(enforce_csrf_checks=True)
    tokens = []
    for _ in range(3):  # the first visit gets its secret, the next ones reuse it
        page = client.get(f"/verify/{certificate.token}").content.decode()
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1])
    secret = client.cookies["csrftoken"].value
    assert len(set(tokens)) == 3  # masked afresh every time
    assert all(len(t) == 64 and _unmask_cipher_token(t) == secret for t in tokens)
    answer = client.post(
        "/i18n/setlang/",
        {
            "csrfmiddlewaretoken": tokens[-1],
            "language": "en",
            "next": f"/verify/{certificate.token}",
        },
    )
    assert (answer.status_code, answer["Location"]) == (302, f"/verify/{certificate.token}")
    assert client.cookies["metrohub_language"].value == "en"
    assert "Certificate verification" in client.get(f"/verify/{certificate.token}").content.decode()
    forged = client.post("/i18n/setlang/", {"csrfmiddlewaretoken": "a" * 64, "language": "zh-hans"})
    assert forged.status_code == 403


def test_the_mask_is_uniform_over_its_characters():
    from django.middleware.csrf import CSRF_ALLOWED_CHARS

    drawn = "".join(views_public._random_chars(32) for _ in range(2000))
    counts = [drawn.count(c) for c in CSRF_ALLOWED_CHARS]
    # 64,000 draws over 62 characters: about 1,032 each; a modulo bias would put 4 of them
    # some 25 % above the rest
    assert min(counts) > 850 and max(counts) < 1220
