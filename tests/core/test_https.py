"""HTTPS settings from the environment, and what signed-in answers tell caches."""

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from metrohub.core.env import env_header

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
plain = Client().get("/jsi18n/")
secure = Client().get("/jsi18n/", HTTP_X_FORWARDED_PROTO="https")
health = Client().get("/healthz")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "hsts": secure.get("Strict-Transport-Security"),
    "secure_status": secure.status_code,
    "health": health.status_code,
    "header": settings.SECURE_PROXY_SSL_HEADER,
}))
"""


def _probe(tmp_path, **env) -> dict:
    environment = {
        **os.environ,
        "METROHUB_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "metrohub.settings",
        **env,
    }
    environment.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_behind_a_tls_proxy_plain_http_is_redirected_and_hsts_sent(tmp_path):
    seen = _probe(
        tmp_path,
        METROHUB_SSL_REDIRECT="true",
        METROHUB_HSTS_SECONDS="31536000",
        METROHUB_HSTS_INCLUDE_SUBDOMAINS="true",
        METROHUB_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
    )
    assert seen["plain"] == [301, "https://testserver/jsi18n/"]
    assert seen["secure_status"] == 200
    assert seen["hsts"] == "max-age=31536000; includeSubDomains"
    assert seen["header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert seen["health"] != 301  # the proxy's health check speaks plain HTTP


def test_by_default_plain_http_is_served(tmp_path):
    seen = _probe(tmp_path)
    assert seen["plain"] == [200, None] and seen["hsts"] is None and seen["header"] is None


def test_proxy_header_setting_is_checked(monkeypatch):
    monkeypatch.setenv("X_PROXY", "X-Forwarded-Proto")
    with pytest.raises(ImproperlyConfigured, match="must be a header and its value"):
        env_header("X_PROXY")
    monkeypatch.setenv("X_PROXY", "X-Forwarded-Ssl: on")
    assert env_header("X_PROXY") == ("HTTP_X_FORWARDED_SSL", "on")


def test_signed_in_pages_and_api_answers_are_not_stored(client_for, api_token_for, client):
    tokens = client_for("regulator").get("/accounts/tokens/")
    assert tokens.status_code == 200 and "no-store" in tokens["Cache-Control"]
    assert "private" in tokens["Cache-Control"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {api_token_for('expert')}"})
    assert me.status_code == 200 and "no-store" in me["Cache-Control"]


def test_public_pages_stay_cacheable(client, db):
    response = client.get("/centers/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
