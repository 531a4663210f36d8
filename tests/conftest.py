"""Shared fixtures: the demo world, logins by role, and the URL × role permission grid."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# One person per role, from the demo world (metrohub.accounts.demo).
ROLE_USERS = {
    "anonymous": None,
    "admin": "admin",
    "regulator": "cq_regulator",
    "district": "cq_district",
    "authority": "cq_authority",
    "applicant": "cq_applicant",
    "director": "cq_director",
    "expert": "expert1",
    "industry": "industry_user",
    "staff": "cq_engineer",  # center staff of 重庆市计量质量检测研究院 (CQ-AUTO, CQ-INSTR)
}
ROLES = tuple(ROLE_USERS)


@pytest.fixture
def world(db):
    from metrohub.core.demo import build_demo

    return build_demo()


@pytest.fixture
def user_for(world):
    def _user(role_or_username: str):
        username = ROLE_USERS.get(role_or_username, role_or_username)
        return world["users"][username]

    return _user


@pytest.fixture
def client_for(world, client):
    """A test client logged in as the person holding `role` (or a username)."""
    from django.test import Client

    def _client(role_or_username: str | None):
        new = Client()
        username = ROLE_USERS.get(role_or_username, role_or_username)
        if username:
            new.force_login(world["users"][username])
        return new

    return _client


@pytest.fixture
def api_token_for(world):
    from metrohub.accounts.models import ApiToken

    def _token(role_or_username: str) -> str:
        username = ROLE_USERS.get(role_or_username, role_or_username)
        _token, raw = ApiToken.issue(user=world["users"][username], name="test")
        return raw

    return _token


@pytest.fixture
def check_grid(client_for):
    """Assert a grid of URL × role: each row is (method, url, {role: status}, default_status).

    Every role in ROLES is checked for every row: roles not named get the row's default, so a new
    role cannot slip through unchecked.
    """

    def _check(rows):
        failures = []
        for method, url, expected, default in rows:
            for role in ROLES:
                want = expected.get(role, default)
                response = getattr(client_for(role), method.lower())(url)
                if response.status_code != want:
                    failures.append(
                        f"{method} {url} as {role}: {response.status_code}, expected {want}"
                    )
                failures.extend(f"{url} as {role}: {p}" for p in _chinese_page_problems(response))
        assert not failures, "\n".join(failures)

    return _check


def _chinese_page_problems(response) -> list[str]:
    """Every page the grid renders is read as a Chinese user would: no internal code on it."""
    from metrohub.core.pagetext import code_problems

    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    if getattr(response, "streaming", False):
        return []
    return code_problems(response.content.decode())


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def pytest_configure(config):
    from django.conf import settings

    # Hashing demo passwords with the production hasher would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The demo's procedure cases (every stage of every pack, walked through the engine) take
    # seconds; tests that need them build them (tests/cases/test_commands.py).
    settings.METROHUB_DEMO_CASES = False
    # Rate limits count per process across the whole session; tests of them turn them on
    # (tests/core/test_ratelimit.py), other tests must not trip over each other's requests.
    settings.METROHUB_RATE_LIMITS_ENABLED = False
    # Tasks (mail, large evaluations) run at once, as `scripts/test-all` asks, also when pytest
    # is started by hand.
    if "METROHUB_TASK_BACKEND" not in os.environ:
        settings.TASKS = {
            "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
        }
    # One process: a version added in a test reloads the rule packs at once; the periodic
    # re-check for other processes' versions would add a query to whichever request falls due,
    # and break the "queries do not grow with the rows" tests on a slow machine.
    from metrohub.rulepacks import services as rulepack_services

    rulepack_services.RECHECK_SECONDS = float("inf")
