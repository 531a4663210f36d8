def test_expert_edits_profile_page(client_for):
    client = client_for("expert")
    html = client.get("/experts/me/").content.decode()
    assert "湖北省计量测试技术研究院" in html
    response = client.post(
        "/experts/me/",
        {"title": "研究员", "domains": ["aerospace"], "areas": ["acoustic"], "available": "on"},
        follow=True,
    )
    assert response.redirect_chain == [("/experts/me/", 302)]
    assert [str(m) for m in response.context["messages"]] == ["专家信息已保存。"]


def test_bad_choice_is_named(client_for):
    html = client_for("expert").post("/experts/me/", {"domains": ["mining"]}).content.decode()
    assert 'class="error"' in html


def test_registry_page_lists_experts(client_for):
    html = client_for("regulator").get("/experts/").content.decode()
    assert "郑洁" in html and "孙伟" in html
