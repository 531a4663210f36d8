"""The certificates API: one certificate of each kind issued through it, then checked the way an
outsider checks one (PDF rasterised and its QR decoded, verification fetched, XML validated
against the schema, signature verified with the published key, embedded XML equal to the
served one); the guards answered 422 with every offence; drafts, amendment and revocation."""

import base64
import hashlib
import io
import subprocess
import tempfile
from pathlib import Path

import pytest
import xmlschema
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.test import Client
from PIL import Image
from pypdf import PdfReader
from pyzbar.pyzbar import decode

from metrohub.certificates import dcc

from .conftest import MEASURED, TODAY, job_data

pytestmark = pytest.mark.django_db

SHARED_DCC = Path("/work/shared/dcc/v3.1.2")
KINDS = {
    "verification": ("verification_certificate", "检定证书"),
    "verification_notice": ("verification_notice", "检定结果通知书"),
    "calibration": ("calibration_certificate", "校准证书"),
    "testing": ("test_report", "检测报告"),
    "measurement": ("measurement_report", "测试报告"),
}
FAILING = [{"nominal": "1.0", "unit": "MPa", "readings": ["1.06"], "mpe": "0.04"}]


@pytest.fixture
def api(lab, on_day, api_token_for):
    tokens = {
        name: api_token_for(user.username)
        for name, user in (
            ("performer", lab.performer),
            ("checker", lab.checker),
            ("director", lab.director),
            ("novice", lab.outsider),
        )
    }
    tokens["customer"] = api_token_for("cq_applicant")  # staff of the customer organisation
    tokens["other_customer"] = api_token_for("industry_user")

    def call(who, method, url, body=None):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[who]}"}
        client = Client()
        if body is None:
            return getattr(client, method)(url, **headers)
        return getattr(client, method)(url, body, content_type="application/json", **headers)

    return call


def _body(lab, kind: str) -> dict:
    if kind == "verification_notice":
        data = job_data(lab, "verification", points=FAILING)
    else:
        data = job_data(lab, kind)
    data["measured_on"] = MEASURED.isoformat()
    return {"center": lab.center.code, **data}


def _issue(api, lab, kind: str) -> dict:
    response = api("performer", "post", "/api/v1/certificates", _body(lab, kind))
    assert response.status_code == 201, response.json()
    draft = response.json()
    assert (draft["state"], draft["next_step"], draft["certificate"]) == ("draft", "perform", None)
    for who, state in (("performer", "performed"), ("checker", "checked"), ("director", "issued")):
        response = api(who, "post", f"/api/v1/certificates/{draft['id']}/sign")
        assert response.status_code == 200, response.json()
        assert response.json()["state"] == state
    return response.json()


def _decode_qr(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "150",
                "-f",
                "1",
                "-l",
                "1",
                "-png",
                str(path),
                str(Path(tmp) / "p"),
            ],
            check=True,
        )
        image = Image.open(next(Path(tmp).glob("p*.png")))
        codes = decode(image)
    assert len(codes) == 1
    return codes[0].data.decode()


def test_one_certificate_of_each_kind_issued_and_checked_as_an_outsider(api, lab):
    schema = dcc.schema()
    shared = None
    if (SHARED_DCC / "dcc.xsd").exists():
        shared = xmlschema.XMLSchema(
            str(SHARED_DCC / "dcc.xsd"), locations={dcc.SI: str(SHARED_DCC / "SI_Format.xsd")}
        )
    keys = {k["key_id"]: k for k in Client().get("/api/v1/signing-keys").json()}
    numbers = []
    for n, (kind, (certificate_kind, title)) in enumerate(KINDS.items(), start=1):
        issued = _issue(api, lab, kind)["certificate"]
        number = issued["number"]
        numbers.append(number)
        assert (issued["kind"], issued["status"]) == (certificate_kind, "valid")
        assert number == f"CQ-AUTO-{TODAY.year}-{n:06d}"
        # The customer's people fetch what they hand on: the PDF (and the XML and signature).
        pdf = api("customer", "get", issued["links"]["pdf"]).content
        served_xml = api("customer", "get", issued["links"]["dcc_xml"]).content
        signature = api("customer", "get", issued["links"]["dcc_sig"]).content
        assert hashlib.sha256(pdf).hexdigest() == issued["pdf_sha256"]
        assert hashlib.sha256(served_xml).hexdigest() == issued["xml_sha256"]

        # An outsider holds only the PDF.
        reader = PdfReader(io.BytesIO(pdf))
        text = reader.pages[0].extract_text()
        assert title in text.replace(" ", "") and number in text
        total = len(reader.pages)
        for i, page in enumerate(reader.pages, start=1):
            assert f"第 {i} 页 共 {total} 页" in page.extract_text()
        embedded = reader.attachments[f"{number}.dcc.xml"][0]
        assert embedded == served_xml
        url = _decode_qr(pdf)
        assert url == issued["links"]["verify"]
        assert url.startswith(settings.SITE_URL + "/verify/")
        path = url.removeprefix(settings.SITE_URL)
        page = Client().get(path)
        assert page.status_code == 200
        html = page.content.decode()
        assert number in html and "有效" in html and issued["pdf_sha256"] in html
        check = Client().get("/api/v1" + path).json()
        assert (check["number"], check["status"], check["kind"]) == (
            number,
            "valid",
            certificate_kind,
        )
        assert check["signature"]["valid"] is True
        assert check["pdf_sha256"] == hashlib.sha256(pdf).hexdigest()
        assert check["xml_sha256"] == hashlib.sha256(embedded).hexdigest()
        schema.validate(embedded)
        if shared is not None:
            shared.validate(embedded)
        key = (
            keys.get(check["signature"]["key_id"])
            or {k["key_id"]: k for k in Client().get("/api/v1/signing-keys").json()}[
                check["signature"]["key_id"]
            ]
        )
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
        public.verify(base64.b64decode(check["signature"]["value"]), embedded)  # raises if not
        public.verify(signature, embedded)
    assert len(set(numbers)) == 5


def test_verification_reports_superseded_and_revoked_and_counts(api, lab):
    first = _issue(api, lab, "calibration")["certificate"]
    response = api("performer", "post", f"/api/v1/certificates/{first['number']}/amend",
                   {"reason": "温度录入错误"})  # fmt: skip
    assert response.status_code == 201
    draft = response.json()
    assert (draft["state"], draft["replaces"]) == ("draft", first["number"])
    response = api(
        "performer", "patch", f"/api/v1/certificates/{draft['id']}", {"temperature": "20.1"}
    )
    assert response.status_code == 200
    for who in ("performer", "checker", "director"):
        final = api(who, "post", f"/api/v1/certificates/{draft['id']}/sign").json()
    second = final["certificate"]
    assert second["replaces"] == first["number"]
    token = first["links"]["verify"].rsplit("/", 1)[1]
    old = Client().get(f"/api/v1/verify/{token}").json()
    assert (old["status"], old["replaced_by"]) == ("superseded", second["number"])
    assert "已被替代" in Client().get(f"/verify/{token}").content.decode()

    response = api("checker", "post", f"/api/v1/certificates/{second['number']}/revoke",
                   {"reason": "x"})  # fmt: skip
    assert response.status_code == 403
    response = api("director", "post", f"/api/v1/certificates/{second['number']}/revoke",
                   {"reason": "委托方撤回样品"})  # fmt: skip
    assert response.status_code == 200
    assert response.json()["certificate"]["status"] == "revoked"
    token = second["links"]["verify"].rsplit("/", 1)[1]
    revoked = Client().get(f"/api/v1/verify/{token}").json()
    assert (revoked["status"], revoked["revoke_reason"]) == ("revoked", "委托方撤回样品")
    assert revoked["verifications"] == 1
    assert Client().get(f"/api/v1/verify/{token}").json()["verifications"] == 2
    assert Client().get("/api/v1/verify/" + "x" * 43).status_code == 404


def test_guards_answer_422_listing_every_offence(api, lab):
    body = _body(lab, "calibration")
    body["points"][0]["expanded_uncertainty"] = "0.0010"  # below the CMC 0.002 MPa at 10 MPa
    body["points"][1]["nominal"] = "75"  # beyond (0~60) MPa
    draft = api("performer", "post", "/api/v1/certificates", body).json()
    response = api("performer", "post", f"/api/v1/certificates/{draft['id']}/sign")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["points[0]", "points[1]"]
    assert "0.002 MPa" in errors[0]["message"] and "(0~60) MPa" in errors[1]["message"]

    body = _body(lab, "verification")
    draft = api("novice", "post", "/api/v1/certificates", body).json()
    response = api("novice", "post", f"/api/v1/certificates/{draft['id']}/sign")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"signature"}
    api("performer", "post", f"/api/v1/certificates/{draft['id']}/sign")
    response = api("performer", "post", f"/api/v1/certificates/{draft['id']}/sign")
    assert response.status_code == 422
    assert "三个不同的人" in response.json()["errors"][0]["message"]


def test_drafts_are_the_centers_and_issued_certificates_the_customers(api, lab):
    issued = _issue(api, lab, "testing")
    number, draft_id = issued["certificate"]["number"], issued["id"]
    assert api("customer", "get", f"/api/v1/certificates/{number}").status_code == 200
    assert api("customer", "get", f"/api/v1/certificates/{draft_id}").status_code == 404
    assert api("other_customer", "get", f"/api/v1/certificates/{number}").status_code == 404
    assert api("other_customer", "get", f"/api/v1/certificates/{number}/pdf").status_code == 404
    listed = api("customer", "get", f"/api/v1/certificates?q={number}").json()
    assert [c["number"] for c in listed["items"]] == [number]
    assert api("other_customer", "get", f"/api/v1/certificates?q={number}").json()["count"] == 0
    kind = issued["certificate"]["kind"]
    other_kind = "test_report" if kind != "test_report" else "calibration_certificate"
    assert (
        api("customer", "get", f"/api/v1/certificates?q={number}&kind={kind}").json()["count"] == 1
    )
    assert (
        api("customer", "get", f"/api/v1/certificates?q={number}&kind={other_kind}").json()["count"]
        == 0
    )
    assert api("customer", "get", "/api/v1/certificates?sort=customer").status_code == 422
    response = api("performer", "patch", f"/api/v1/certificates/{draft_id}", {"remarks": "x"})
    assert response.status_code == 409
    response = api("customer", "post", "/api/v1/certificates", _body(lab, "testing"))
    assert response.status_code == 403


def test_verification_is_rate_limited(api, lab, settings):
    from django.core.cache import cache

    from metrohub.core.env import Rate

    settings.METROHUB_RATE_LIMITS_ENABLED = True
    settings.METROHUB_RATES = {**settings.METROHUB_RATES, "verification": Rate(3, 60)}
    cache.clear()
    issued = _issue(api, lab, "measurement")["certificate"]
    token = issued["links"]["verify"].rsplit("/", 1)[1]
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [client.get(f"/api/v1/verify/{token}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get(f"/verify/{token}").status_code == 429
    assert Client(REMOTE_ADDR="203.0.113.10").get(f"/verify/{token}").status_code == 200
    cache.clear()


def test_rotating_keeps_old_signatures_valid(api, lab):
    from django.core.management import call_command

    first = _issue(api, lab, "testing")["certificate"]
    call_command("keys", "rotate")
    second = _issue(api, lab, "measurement")["certificate"]
    published = Client().get("/api/v1/signing-keys").json()
    assert len(published) == 2
    assert published[0]["valid_until"] is not None and published[1]["valid_until"] is None
    assert first["signing_key"] == published[0]["key_id"]
    assert second["signing_key"] == published[1]["key_id"]
    for issued in (first, second):
        token = issued["links"]["verify"].rsplit("/", 1)[1]
        assert Client().get(f"/api/v1/verify/{token}").json()["signature"]["valid"] is True
    key_file = Path(settings.DATA_DIR) / "keys" / f"{published[1]['key_id']}.pem"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert oct(key_file.parent.stat().st_mode & 0o777) == "0o700"


@pytest.mark.parametrize("ref", ["6³", "٣", "①"])
def test_a_reference_in_other_digits_is_not_found(api, lab, ref):
    # str.isdigit accepts these; int() does not: a 404, not a server error
    response = api("performer", "post", f"/api/v1/certificates/{ref}/amend", {"reason": "x"})
    assert response.status_code == 404
    assert api("performer", "get", f"/api/v1/certificates/{ref}").status_code == 404


def test_the_verification_is_the_first_api_pattern_tried():
    """A scanning app's call resolves before the API's other 160 patterns are tried, to the
    same operation as the API's own pattern (whose name reverse() uses)."""
    from django.urls import resolve, reverse

    token = "A" * 43
    match = resolve(f"/api/v1/verify/{token}")
    assert match.route == "api/v1/verify/<str:token>"
    assert (match.url_name, match.kwargs) == (None, {"token": token})
    named = reverse("api:verify", kwargs={"token": token})
    assert named == f"/api/v1/verify/{token}"
    import metrohub.urls

    assert match.func is metrohub.urls._api_verify.callback
