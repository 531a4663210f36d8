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


TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def _shares_the_world(item) -> bool:
    return "world" in getattr(item, "fixturenames", ()) and not _transactional(item)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # The shared demo world stays in an open transaction from the first test that reads it to the
    # last (see `_shared_world`): those tests run together, after the other database tests and
    # before the transactional ones that pytest-django sorts after them (its sort is stable and
    # runs after this hook). A transactional test flushes the database, with the rows that data
    # migrations seeded (synonyms, the holiday calendar): the world is built before any flush.
    shared = [i for i in items if _shares_the_world(i)]
    items[:] = [i for i in items if not _shares_the_world(i)] + shared
    for item in shared:
        # first of all the test's fixtures: the world's transaction must enclose the test's own
        item.fixturenames.insert(0, "_shared_world")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if _WORLD and _shares_the_world(item) and not (nextitem and _shares_the_world(nextitem)):
        _close_the_world()
    return result


_WORLD: dict = {}


def _close_the_world():
    from django.db import transaction

    blocker, outer = _WORLD.pop("blocker"), _WORLD.pop("atomic")
    with blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(scope="session")
def _shared_world(django_db_setup, django_db_blocker):
    """The demo world, built once per session in a transaction that is rolled back after the last
    test that reads it.

    Building the demo takes seconds and about 550 tests read it: each test runs in a savepoint
    inside this transaction (pytest-django's own atomic block nests in it) and gets fresh copies
    of the objects (`world`), so what one test changes, in the database or on an object, the next
    one does not see.
    """
    from django.db import transaction

    from metrohub.core.demo import build_demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # a block opened for tests: `atomic(durable=True)` in the code under test stays allowed
        outer._from_testcase = True
        outer.__enter__()
        _WORLD.update(blocker=django_db_blocker, atomic=outer)
        try:
            shape = _shape(build_demo())
        except BaseException:
            _close_the_world()
            raise
    yield shape
    if _WORLD:
        _close_the_world()


def _shape(value):
    """The world with every model instance replaced by (model, pk)."""
    from django.db.models import Model

    if isinstance(value, Model):
        return _Ref(type(value), value.pk)
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_shape(item) for item in value)
    return value


class _Ref(tuple):
    def __new__(cls, model, pk):
        return super().__new__(cls, (model, pk))


def _refs(shape, found):
    if isinstance(shape, _Ref):
        found.setdefault(shape[0], set()).add(shape[1])
    elif isinstance(shape, dict):
        for item in shape.values():
            _refs(item, found)
    elif isinstance(shape, list | tuple):
        for item in shape:
            _refs(item, found)
    return found


def _fill(shape, loaded):
    if isinstance(shape, _Ref):
        return loaded[shape[0]][shape[1]]
    if isinstance(shape, dict):
        return {key: _fill(item, loaded) for key, item in shape.items()}
    if isinstance(shape, list | tuple):
        return type(shape)(_fill(item, loaded) for item in shape)
    return shape


@pytest.fixture
def world(request, db):
    from metrohub.core.demo import build_demo

    if _transactional(request.node):
        # a live server or a flushed database: this test builds its own, committed
        return build_demo()
    shape = request.getfixturevalue("_shared_world")
    loaded = {model: model._base_manager.in_bulk(pks) for model, pks in _refs(shape, {}).items()}
    return _fill(shape, loaded)


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


@pytest.fixture(autouse=True)
def _unwritten_verification_counts():
    """Scans counted in memory and not yet written belong to the test that made them: its rows
    are rolled back, so they must not be written into the next test's."""
    yield
    from metrohub.certificates import counting, readahead

    counting.discard()
    # a scan's own connection (read-ahead, outside a test's transaction) ends with the test
    # that opened it: an open one would keep the test database from being dropped
    readahead.close()
