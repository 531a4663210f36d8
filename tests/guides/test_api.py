def test_list(client, db):
    response = client.get("/api/v1/guides")
    data = response.json()
    assert [(g["code"], g["version"], g["stages"]) for g in data] == [
        ("chongqing", "2024", 16),
        ("hubei", "2016", 12),
        ("shanghai", "2023", 19),
    ]
    assert data[0]["effective"] == "2024-05-06"


def test_one_guide(client, db):
    data = client.get("/api/v1/guides/chongqing-2022").json()
    assert data["ref"] == "chongqing-2022"
    assert data["fees"]["text"] == "不收费"
    assert data["flow"]["main_path"][:3] == [
        "申报书填写",
        "主管部门或区县政府同意并发函",
        "形式审查",
    ]
    assert {"from": "公示", "to": "听证会"}.items() <= next(
        e for e in data["flow"]["edges"] if e["to"] == "听证会"
    ).items()
    assert data["legal_basis"]["articles"][0]["anchor"] == "art-1"
    assert data["time_limits"]["deadlines"][1]["limit"] == "不少于1个月"


def test_english_and_unknown(client, db):
    data = client.get("/api/v1/guides/shanghai", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["fees"]["text"] == "No fee"
    response = client.get("/api/v1/guides/atlantis")
    assert response.status_code == 404 and response.json()["code"]
