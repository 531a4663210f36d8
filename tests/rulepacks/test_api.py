def test_list(client):
    keys = [p["key"] for p in client.get("/api/v1/rulepacks").json()]
    assert keys == ["chongqing@2022", "chongqing@2024", "hubei@2016", "shanghai@2023"]


def test_latest_and_specific_versions(client):
    latest = client.get("/api/v1/rulepacks/chongqing").json()
    old = client.get("/api/v1/rulepacks/chongqing@2022").json()
    assert (latest["pack"]["version"], old["pack"]["version"]) == ("2024", "2022")
    assert client.get("/api/v1/rulepacks/hubei-2016").json()["pack"]["jurisdiction"] == "420000"


def test_every_rule_has_an_article(client):
    pack = client.get("/api/v1/rulepacks/chongqing").json()
    for section in ("transitions", "deadlines", "materials", "thresholds"):
        assert all(item["article"] for item in pack[section]), section


def test_unknown_pack_is_404(client):
    response = client.get("/api/v1/rulepacks/atlantis")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
