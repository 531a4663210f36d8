import datetime as dt
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from metrohub.traceability import chain
from tests.traceability.conftest import NIM

pytestmark = pytest.mark.django_db


def _summary(result):
    return [(n.level, n.kind, n.number, n.status, n.uncertainty) for n in result.nodes]


def test_three_levels_across_two_centers_up_to_the_national_institute(chain_world):
    w = chain_world
    result = chain.of_certificate(w.down_cert)
    assert _summary(result) == [
        (0, "certificate", w.down_cert.number, "ok", "U = 0.030 MPa, k = 2"),
        (1, "standard", "考核-精密压力表标准装置", "ok", "0.05级"),
        (2, "record", w.up_cert.number, "ok", ""),
        (3, "certificate", w.up_cert.number, "ok", "U = 0.0030 MPa, k = 2"),
        (4, "standard", "考核-活塞式压力计标准装置", "ok", "0.005级"),
        (5, "record", "YL2024-0001", "ok", "U = 0.002%, k = 2"),
        (6, "institute", "NIM", "ok", ""),
    ]
    assert [n.issuer for n in result.nodes] == [
        "下级中心", "下级中心", "上级中心", "上级中心", "上级中心", NIM, NIM,
    ]  # fmt: skip
    # Each link is judged on the date the measurement below relied on it.
    assert [n.on for n in result.nodes[:6]] == [
        dt.date(2025, 3, 10), dt.date(2025, 3, 10), dt.date(2025, 3, 10),
        dt.date(2025, 1, 10), dt.date(2025, 1, 10), dt.date(2025, 1, 10),
    ]  # fmt: skip
    assert result.complete and not result.broken


def test_an_expired_link_breaks_the_chain_on_its_date(chain_world):
    w = chain_world
    w.nmi.due_on = dt.date(2025, 1, 9)  # the day before UP measured with it
    w.nmi.save()
    result = chain.of_certificate(w.down_cert)
    assert [(n.level, n.status) for n in result.nodes][4:] == [(4, "ok"), (5, "expired")]
    assert result.broken and not result.complete
    assert chain.broken_on_its_date(w.down_cert.pk)


def test_a_lab_not_recognised_leaves_the_chain_incomplete_not_broken(chain_world):
    w = chain_world
    w.nmi.issuer = "某商业校准实验室"
    w.nmi.save()
    result = chain.of_certificate(w.down_cert)
    assert result.nodes[-1].status == "unrecognised"
    assert not result.broken and not result.complete


def test_an_expired_examination_certificate_breaks_the_chain(chain_world):
    w = chain_world
    w.down_standard.exam_valid_until = dt.date(2025, 3, 9)
    w.down_standard.save()
    assert chain.of_certificate(w.down_cert).nodes[1].status == "expired"


def test_the_verification_page_says_the_chain_was_broken(chain_world):
    w = chain_world
    page = Client().get(f"/verify/{w.down_cert.token}")
    assert page.status_code == 200
    assert "溯源链" not in page.content.decode()
    w.nmi.due_on = dt.date(2025, 1, 9)
    w.nmi.save()
    page = Client().get(f"/verify/{w.down_cert.token}").content.decode()
    assert "在测量日期，本证书的溯源链已中断" in page


def test_api_chain_and_exports(chain_world):
    w = chain_world
    client = Client()
    client.force_login(w.b.customer_user)
    body = client.get(f"/api/v1/certificates/{w.down_cert.number}/chain").json()
    assert body["complete"] is True
    assert [n["number"] for n in body["nodes"]][-2:] == ["YL2024-0001", "NIM"]
    assert body["nodes"][1]["status_label"] == "测量日期有效"

    exported = client.get(f"/traceability/certificates/{w.down_cert.number}/chain.json")
    assert json.loads(exported.content)["nodes"] == body["nodes"]
    sheet = load_workbook(
        io.BytesIO(
            client.get(f"/traceability/certificates/{w.down_cert.number}/chain.xlsx").content
        )
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("层级", "类别", "名称")
    assert [r[4] for r in rows[1:]] == [n["number"] for n in body["nodes"]]

    page = client.get(f"/traceability/certificates/{w.down_cert.number}/").content.decode()
    assert "溯源链可达国家计量基准" in page and 'data-broken="0"' in page
    assert "YL2024-0001" in page and "U = 0.002%, k = 2" in page
    # Another customer's certificate is not found.
    other = Client()
    other.force_login(w.b.other_user)
    assert other.get(f"/api/v1/certificates/{w.down_cert.number}/chain").status_code == 404
    assert other.get(f"/traceability/certificates/{w.down_cert.number}/").status_code == 404


def test_standard_chain_today(chain_world):
    w = chain_world
    client = Client()
    client.force_login(w.b.staff_a)
    body = client.get(f"/api/v1/standards/{w.up_standard.pk}/chain?on=2025-02-01").json()
    assert [(n["kind"], n["status"]) for n in body["nodes"]] == [
        ("standard", "ok"), ("record", "ok"), ("institute", "ok"),
    ]  # fmt: skip
    later = client.get(f"/api/v1/standards/{w.up_standard.pk}/chain?on=2025-07-01").json()
    assert later["broken"] is True and later["nodes"][1]["status"] == "expired"
    assert client.get(f"/api/v1/standards/{w.down_standard.pk}/chain").status_code == 404


def test_the_verdict_reads_only_what_it_judges(chain_world, django_assert_num_queries):
    """The public verification asks for the verdict alone: no uncertainty column, the recognised
    institutes only when a record from outside the platform is met."""
    from django.core.cache import cache

    w = chain_world
    cache.clear()
    # two levels of platform certificates, each: the certificate, its standards with their
    # instruments and records (3); the top record ends at the national institute (1)
    with django_assert_num_queries(9):
        assert chain.broken_on_its_date(w.down_cert.pk) is False


def test_the_customer_s_chain_page_links_only_what_the_customer_may_open(chain_world):
    """The customer reads its certificate's chain: the centers' standards and the upstream
    certificate (issued to the center below) are listed but not linked; the staff of the
    center below open their own standard and certificate from the same page."""
    w = chain_world
    page_of = f"/traceability/certificates/{w.down_cert.number}/"
    customer = Client()
    customer.force_login(w.b.customer_user)
    page = customer.get(page_of).content.decode()
    assert f'href="{page_of}"' in page  # its own certificate
    assert "/traceability/standards/" not in page
    assert f"/traceability/certificates/{w.up_cert.number}/" not in page
    assert w.up_cert.number in page and "考核-精密压力表标准装置" in page
    staff = Client()
    staff.force_login(w.b.staff_b)
    page = staff.get(page_of).content.decode()
    link = f"/traceability/standards/{w.down_standard.pk}/"
    assert f'href="{link}"' in page
    assert staff.get(link).status_code == 200
    assert f"/traceability/standards/{w.up_standard.pk}/" not in page
