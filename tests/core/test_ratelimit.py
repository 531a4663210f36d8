"""Rate limits on every public endpoint that costs: 429 with Retry-After, in the error schema
under /api/, a translated page elsewhere; counted per client address (or per signed-in person)."""

import json
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

from metrohub.core.env import Rate, parse_rate
from metrohub.uncertainty.services import SAMPLE_BUDGET

OBJECTION = json.dumps({"name": "张三", "text": "异议"})
GUM_ONLY = json.dumps({**SAMPLE_BUDGET, "mcm": {"trials": 1000, "seed": 1}})


@pytest.fixture
def limits(settings):
    """Rate limits on, two requests a minute for every rate, a fresh count."""
    settings.METROHUB_RATE_LIMITS_ENABLED = True
    settings.METROHUB_RATES = {name: Rate(2, 60) for name in settings.METROHUB_DEFAULT_RATES}
    cache.clear()
    yield settings
    cache.clear()


# (rate, method, path, data, signed in as)
ENDPOINTS = [
    ("search", "get", "/catalogue/", {"q": "压力"}, None),
    ("search", "get", "/catalogue/find/", {"quantity": "压力"}, None),
    ("search", "get", "/api/v1/capabilities", {"q": "压力"}, None),
    (
        "search",
        "get",
        "/api/v1/capabilities/find",
        {"quantity": "压力", "value": "1", "unit": "MPa"},
        None,
    ),
    ("export", "get", "/catalogue/export.csv", {"q": "压力"}, None),
    ("calculator", "get", "/deadline/", {"start": "2025-09-30", "count": "5"}, None),
    ("calculator", "get", "/api/v1/deadline", {"from": "2025-09-30", "working_days": 5}, None),
    ("objection", "post", "/cases/notices/999999/", {"name": "张三", "text": "异议"}, None),
    ("objection", "post", "/api/v1/notices/999999/objections", OBJECTION, None),
    ("evaluation", "post", "/uncertainty/", {"budget": GUM_ONLY, "method": "gum"}, None),
    ("evaluation", "post", "/uncertainty/report.pdf", {"budget": "{}", "method": "gum"}, None),
    ("evaluation", "post", "/api/v1/uncertainty/evaluate?method=gum", GUM_ONLY, "industry"),
    ("login", "post", "/accounts/login/", {"username": "nobody", "password": "x"}, None),
]


def _call(client, method, path, data, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if isinstance(data, str):
        return client.post(path, data, content_type="application/json", headers=headers)
    return getattr(client, method)(path, data, headers=headers)


@pytest.mark.parametrize(
    "rate,method,path,data,role", ENDPOINTS, ids=[f"{e[1]} {e[2]}" for e in ENDPOINTS]
)
def test_every_costly_public_endpoint_answers_429_past_its_rate(
    limits, world, api_token_for, rate, method, path, data, role
):
    token = api_token_for(role) if role else None
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _attempt in range(2):
        assert _call(client, method, path, data, token).status_code != 429
    refused = _call(client, method, path, data, token)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    message = f"请求过于频繁，请在 {refused['Retry-After']} 秒后重试。"
    if path.startswith("/api/"):
        assert refused.json() == {"code": "throttled", "message": message, "errors": []}
    else:
        assert message in refused.content.decode()
    if role is None:  # another address has its own count
        other = Client(REMOTE_ADDR="203.0.113.8")
        assert _call(other, method, path, data).status_code != 429


def test_reading_the_form_pages_does_not_count_against_posting(limits, world):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _attempt in range(5):
        assert client.get("/accounts/login/").status_code == 200
        assert client.get("/uncertainty/").status_code == 200
    assert client.post("/accounts/login/", {"username": "a", "password": "b"}).status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(limits, world):
    limits.METROHUB_TRUSTED_PROXIES = ["127.0.0.1"]
    proxy = Client(REMOTE_ADDR="127.0.0.1")

    def search(forwarded):
        return proxy.get("/catalogue/", {"q": "压力"}, HTTP_X_FORWARDED_FOR=forwarded)

    assert [search("198.51.100.1").status_code for _ in range(3)] == [200, 200, 429]
    assert search("198.51.100.2").status_code == 200
    # a client cannot pick its own address: only the hop the proxy saw counts
    assert search("198.51.100.1, 127.0.0.1").status_code == 429
    assert search("10.9.9.9, 198.51.100.1").status_code == 429


def test_forwarded_addresses_from_untrusted_clients_are_ignored(limits, world):
    client = Client(REMOTE_ADDR="203.0.113.20")
    statuses = [
        client.get("/catalogue/", {"q": "压力"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
        for i in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_throttled_is_declared_by_every_operation(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    missing = [
        f"{method} {path}"
        for path, operations in paths.items()
        for method, operation in operations.items()
        if "429" not in operation["responses"]
    ]
    assert missing == []


def test_rates_are_read_as_written():
    assert parse_rate("60/m") == Rate(60, 60)
    assert parse_rate("5/10m") == Rate(5, 600)
    assert parse_rate("1000/d") == Rate(1000, 86400)
    with pytest.raises(ValueError):
        parse_rate("fast")


def test_a_forwarded_value_that_is_no_address_is_not_believed(limits, world):
    from django.test import RequestFactory

    from metrohub.core.ratelimit import client_address

    limits.METROHUB_TRUSTED_PROXIES = ["127.0.0.1"]
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="x'; --")
    assert client_address(request) == "127.0.0.1"
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="")) is None
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    response = proxy.post(
        "/accounts/login/", {"username": "nobody", "password": "x"}, HTTP_X_FORWARDED_FOR="junk"
    )
    assert response.status_code == 200  # the failure is recorded with the proxy's address


def test_a_window_opens_at_the_first_request_so_a_clock_boundary_does_not_reset_it(
    limits, monkeypatch
):
    """Two a minute: three requests within two seconds are one too many, even when a minute of
    the clock turns between them (fixed clock windows let this through)."""
    from metrohub.core import ratelimit

    start = 60 * 30_000_000 - 1.0  # one second before the clock's minute turns

    def at(offset):  # the limiter's clock only; the cache keeps the real one
        monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: start + offset))

    at(0.0)
    assert ratelimit.hit("search", "ip:198.51.100.1") == 0
    at(1.5)
    assert ratelimit.hit("search", "ip:198.51.100.1") == 0
    at(2.0)
    assert ratelimit.hit("search", "ip:198.51.100.1") == 59
    at(60.5)
    cache.delete("ratelimit:search:ip:198.51.100.1")  # the cache's own expiry, without waiting
    assert ratelimit.hit("search", "ip:198.51.100.1") == 0


@pytest.mark.django_db
def test_a_window_ends_at_its_end_with_the_database_cache_several_servers_share(
    limits, monkeypatch
):
    """The database cache's incr is a get and a set that gives the key the default timeout (five
    minutes) again: a client that kept searching once every few seconds kept its window open
    for good and was refused from its 61st search on. The window's recorded end decides."""
    from django.core.management import call_command

    from metrohub.core import ratelimit

    limits.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "metrohub_ratelimit_test",
        }
    }
    call_command("createcachetable", verbosity=0)
    start = 1_800_000_000.0

    def at(offset):
        monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: start + offset))

    who = "ip:198.51.100.2"
    at(0.0)
    assert ratelimit.hit("search", who) == 0
    at(30.0)
    assert ratelimit.hit("search", who) == 0
    at(59.0)
    assert ratelimit.hit("search", who) == 2  # third in the window: refused until it ends
    at(60.5)
    assert ratelimit.hit("search", who) == 0  # a new window, though the cache still holds the key
    at(61.0)
    assert ratelimit.hit("search", who) == 0
    at(62.0)
    assert ratelimit.hit("search", who) == 59


@pytest.mark.django_db
def test_a_request_within_its_window_reads_the_window_once_with_the_database_cache(limits):
    """Several app servers share the database cache, where each cache call is a query or more:
    within an open window a request reads both keys in one query and counts itself (the incr);
    it no longer tries to open a window first (an INSERT that fails, rolled back)."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from metrohub.core import ratelimit

    limits.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "metrohub_ratelimit_test",
        }
    }
    call_command("createcachetable", verbosity=0)
    who = "ip:198.51.100.3"
    assert ratelimit.hit("search", who) == 0  # opens the window
    with CaptureQueriesContext(connection) as queries:
        assert ratelimit.hit("search", who) == 0
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert "INSERT" not in statements and "ROLLBACK" not in statements
    # the read of both keys, then the incr: its read, and its write (cull count, row, update)
    assert statements == ["SELECT", "SELECT", "SELECT", "SAVEPOINT", "SELECT", "UPDATE", "RELEASE"]
    assert ratelimit.hit("search", who) > 0  # the third of two a minute
