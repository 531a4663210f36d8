def test_healthz_reports_database_and_tasks(client, db):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok" and body["database"]["ok"] is True and body["tasks"]["ok"] is True
    assert body["database"]["vendor"] in ("sqlite", "postgresql")


def test_strict_csp_and_no_inline_script(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "style-src 'self'" in policy
        and "unsafe-inline" not in policy
    )
    html = response.content.decode()
    assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_chinese_by_default_and_english_after_switch(client, db):
    assert "首页" in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html and ">Home<" in html


def test_navigation_depends_on_role(client_for):
    regulator = client_for("regulator").get("/").content.decode()
    applicant = client_for("applicant").get("/").content.decode()
    assert 'data-nav="accounts:people"' in regulator and 'data-nav="eventlog:list"' in regulator
    assert (
        'data-nav="accounts:people"' not in applicant
        and 'data-nav="organisations:list"' in applicant
    )


def test_the_administrator_is_not_offered_another_person_s_own_pages(client_for):
    """A platform administrator holds every permission: “My expert profile” and “My instruments”
    were in the menu and answered 404."""
    admin = client_for("admin").get("/").content.decode()
    for name in ("experts:me", "panels:mine", "instruments:register", "certificates:mine"):
        assert f'data-nav="{name}"' not in admin
    assert 'data-nav="accounts:people"' in admin
    expert = client_for("expert").get("/").content.decode()
    assert 'data-nav="experts:me"' in expert and 'data-nav="panels:mine"' in expert
    industry = client_for("industry").get("/").content.decode()
    assert 'data-nav="instruments:register"' in industry
    assert 'data-nav="certificates:mine"' in industry


def test_openapi_and_offline_docs(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.") and "/api/v1/me" in spec["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn" not in docs.lower() and "/static/ninja/swagger-ui-bundle.js" in docs


def test_nul_characters_are_refused_before_any_view(client, db):
    response = client.get("/api/v1/rulepacks", {"q": "a\x00b"})
    assert (response.status_code, response.json()["code"]) == (400, "bad_request")
    body = client.post(
        "/api/v1/organisations", data='{"name": "a\\u0000"}', content_type="application/json"
    )
    assert body.status_code == 400
    assert client.get("/deadline/", {"start": "2025-01-01\x00"}).status_code == 400
