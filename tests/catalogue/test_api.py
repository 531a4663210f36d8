from metrohub.catalogue.models import CapabilityLine


def test_search_with_facets_and_pages(client, world):
    body = client.get("/api/v1/capabilities", {"q": "压力", "page_size": 5}).json()
    assert (
        body["count"]
        == CapabilityLine.objects.filter(status="published", search_text__contains="压力").count()
    )
    assert body["count_exact"] is True
    assert len(body["results"]) == 5 and body["pages"] == -(-body["count"] // 5)
    assert body["facets"]["area"][0] == {
        "value": "mechanical",
        "label": "力学",
        "count": body["count"],
    }
    instruments = {
        r["instrument"]
        for r in client.get("/api/v1/capabilities", {"q": "压力", "page_size": 100}).json()[
            "results"
        ]
    }
    assert "数字压力计" in instruments


def test_filters(client, world):
    body = client.get("/api/v1/capabilities", {"kind": "verification", "center": "HB-AUTO"}).json()
    assert body["count"] > 0
    assert {(r["kind"], r["center"]) for r in body["results"]} == {("verification", "HB-AUTO")}


def test_english(client, world):
    body = client.get("/api/v1/capabilities", {"q": "温度"}, headers={"Accept-Language": "en"})
    assert body.json()["facets"]["area"][0]["label"] == "thermal"


def test_find(client, world):
    body = client.get(
        "/api/v1/capabilities/find",
        {"quantity": "压力", "value": "10", "unit": "MPa", "uncertainty": "0.0025"},
    ).json()
    assert body and all(m["uncertainty_at_value"] <= 0.0025 for m in body)
    assert body[0]["center"]["email"].endswith("@demo.metrohub.localhost")


def test_one_line(client, world):
    line = CapabilityLine.objects.filter(status="published", methods__contains="JJG 52").first()
    body = client.get(f"/api/v1/capabilities/{line.pk}").json()
    assert body["methods"] == ["JJG 52—2013"]
    assert body["uncertainty"]["form"] == "accuracy_class"


def test_decimals_are_never_written_in_exponent_form(client, world):
    from decimal import Decimal

    line = CapabilityLine.objects.filter(status="published").first()
    CapabilityLine.objects.filter(pk=line.pk).update(
        range_lower=Decimal("0.000001"), range_upper=Decimal("100")
    )
    body = client.get(f"/api/v1/capabilities/{line.pk}").json()
    assert (body["range_lower"], body["range_upper"]) == ("0.000001", "100")
