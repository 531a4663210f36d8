"""403 and 404 pages say what happened in Chinese and offer a way back."""


def test_404_offers_search_and_a_way_back(client, db):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in html
    assert 'action="/search/"' in html and 'href="/"' in html
    assert "data-back" in html and 'href="/guides/"' in html


def test_403_says_why(client_for, world):
    response = client_for("applicant").get("/events/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>无权访问</h1>" in html
    assert "如工作需要，请联系本单位管理员或主管市场监管部门为您分配相应角色。" in html


def test_footer_and_favicon(client, db, settings):
    html = client.get("/").content.decode()
    assert "运营单位：各参与地区市场监督管理部门" in html
    assert 'rel="icon" href="/static/core/favicon.svg"' in html
    settings.METROHUB_OPERATOR = {
        "name": "某某市市场监督管理局",
        "address": "某某路1号",
        "phone": "0000-12345678",
        "email": "service@example.gov.cn",
    }
    html = client.get("/").content.decode()
    assert "运营单位：某某市市场监督管理局 · 某某路1号" in html
    assert "0000-12345678" in html and "mailto:service@example.gov.cn" in html
    assert client.get("/favicon.ico").status_code == 302
    assert client.get("/static/core/favicon.svg").status_code == 200
