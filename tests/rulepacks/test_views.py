def test_pack_page_in_chinese_and_english(client):
    html = client.get("/rulepacks/chongqing@2024/").content.decode()
    assert "重庆市" in html and 'data-testid="rules"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html_en = client.get("/rulepacks/chongqing@2024/").content.decode()
    assert "Chongqing" in html_en


def test_notice_period_is_shown_with_its_article(client):
    html = client.get("/rulepacks/chongqing@2024/").content.decode()
    assert "不少于7日" in html


def test_list_and_404(client):
    assert "shanghai@2023" in client.get("/rulepacks/").content.decode()
    assert client.get("/rulepacks/atlantis/").status_code == 404
