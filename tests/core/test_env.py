import pytest
from django.core.exceptions import ImproperlyConfigured

from metrohub.core.env import env_bool, env_choice, env_int, secret_key


def test_bool_values(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe' is not a boolean"):
        env_bool("X_FLAG")


def test_int_values(monkeypatch):
    monkeypatch.setenv("X_N", "12")
    assert env_int("X_N", 1) == 12
    monkeypatch.setenv("X_N", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_N='twelve' is not a whole number"):
        env_int("X_N", 1)
    monkeypatch.setenv("X_N", "0")
    with pytest.raises(ImproperlyConfigured, match="X_N=0 must be at least 1"):
        env_int("X_N", 1, minimum=1)


def test_choice(monkeypatch):
    monkeypatch.setenv("X_C", "b")
    with pytest.raises(ImproperlyConfigured, match="must be one of: a, c"):
        env_choice("X_C", ("a", "c"), "a")


def test_secret_key_is_generated_once(tmp_path, monkeypatch):
    monkeypatch.delenv("X_KEY", raising=False)
    first = secret_key("X_KEY", tmp_path)
    assert len(first) >= 50 and secret_key("X_KEY", tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("X_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        secret_key("X_KEY", tmp_path)


def test_bad_database_url_stops_start_up(monkeypatch):
    from importlib import reload

    import metrohub.settings as settings_module

    monkeypatch.setenv("DATABASE_URL", "mysql://x@localhost/db")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must name a postgresql"):
        reload(settings_module)
    monkeypatch.delenv("DATABASE_URL")
    reload(settings_module)


def test_postgresql_connections_do_not_compile_queries_to_machine_code(monkeypatch):
    """Pages run short queries: JIT compiling one costs more than it saves (a worklist query
    priced high for its many key lookups spent 43 of its 103 ms compiling at national scale)."""
    import metrohub.settings as settings_module

    monkeypatch.setenv("DATABASE_URL", "postgresql://u@localhost/db?options=-c%20work_mem%3D8MB")
    options = settings_module._database()["OPTIONS"]["options"]
    assert options.split() == ["-c", "work_mem=8MB", "-c", "jit=off"]
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.sqlite3")
    assert "options" not in settings_module._database().get("OPTIONS", {})


@pytest.mark.django_db
def test_the_database_connection_has_jit_off():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's JIT")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
