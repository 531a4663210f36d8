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
                assert views_public.page(found) == expected.content.decode(), (
                    changes,
                    intact,
                    broken,
                )
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
def test_the_language_switch_is_two_links_and_the_page_sets_no_cookie(issue):
    """The switch asks for the page in the other language by a plain GET: no form, so no CSRF
    token on the page and no cookie set by a scan; the choice is shown, remembered nowhere."""
    from django.test import Client

    url = f"/verify/{issue('calibration').token}"
    client = Client(enforce_csrf_checks=True)
    chinese = client.get(url)
    html = chinese.content.decode()
    assert not chinese.cookies and "csrfmiddlewaretoken" not in html and "<form" not in html
    assert '<html lang="zh-hans">' in html and "此证书有效。" in html
    assert re.findall(r'<a href="(\?lang=[^"]+)"[^>]*>([^<]+)</a>', html) == [
        ("?lang=zh-hans", "中文"),
        ("?lang=en", "English"),
    ]
    assert 'hreflang="zh-hans" aria-current="true" class="current">中文' in html

    english = client.get(url + "?lang=en")
    html = english.content.decode()
    assert not english.cookies and english["Content-Language"] == "en"
    assert '<html lang="en">' in html and "This certificate is valid." in html
    assert 'hreflang="en" aria-current="true" class="current">English' in html
    assert "此证书有效。" in client.get(url).content.decode()  # remembered nowhere
    assert "此证书有效。" in client.get(url + "?lang=xx").content.decode()  # not a language

    chose_english = Client()
    chose_english.cookies["metrohub_language"] = "en"  # the site-wide choice
    assert "This certificate is valid." in chose_english.get(url).content.decode()
    assert "此证书有效。" in chose_english.get(url + "?lang=zh-hans").content.decode()
    assert "This certificate is valid." in chose_english.get(url).content.decode()
    # every one of those scans was counted
    assert Client().get(f"/api/v1/verify/{url.rsplit('/', 1)[1]}").json()["verifications"] == 8


@pytest.mark.django_db
def test_the_page_carries_the_security_headers_of_every_page(issue, client):
    from django.conf import settings

    page = client.get(f"/verify/{issue('calibration').token}?lang=en")
    home = client.get("/")
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                   "Referrer-Policy", "Cross-Origin-Opener-Policy"):  # fmt: skip
        assert page[header] == home[header], header
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert (page["X-Frame-Options"], page["X-Content-Type-Options"]) == ("DENY", "nosniff")
    assert page["Referrer-Policy"] == settings.SECURE_REFERRER_POLICY == "same-origin"


@pytest.mark.django_db
def test_the_record_s_kind_reads_in_the_page_s_language(issue, lab):
    """The verification and the certificate's page headed an English page 校准证书."""
    from django.test import Client

    certificate = issue("calibration")
    url = f"/verify/{certificate.token}"
    client = Client()
    assert "<dd>校准证书</dd>" in client.get(url).content.decode()
    english = client.get(url + "?lang=en").content.decode()
    assert "<dd>Calibration Certificate</dd>" in english and "校准证书" not in english

    staff = Client()
    staff.force_login(lab.performer)
    staff.cookies["metrohub_language"] = "en"
    page = staff.get(f"/certificates/{certificate.number}/").content.decode()
    assert "<h1>Calibration Certificate <span" in page
