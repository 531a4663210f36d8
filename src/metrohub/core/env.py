"""Typed readers for settings from environment variables.

Every bad value raises ImproperlyConfigured naming the variable, so a misconfigured server stops at
start-up with a message an operator can act on instead of failing later on a request.
"""

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value


def data_dir(name: str, default: Path) -> Path:
    path = Path(os.environ.get(name) or default).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"{name}={path}: cannot create the data directory ({exc})."
        ) from exc
    return path


def secret_key(name: str, directory: Path) -> str:
    """The key from the environment, else one generated once into the data directory."""
    given = os.environ.get(name)
    if given:
        if len(given) < 32:
            raise ImproperlyConfigured(f"{name} must be at least 32 characters long.")
        return given
    path = directory / "secret_key"
    if not path.exists():
        # Written with 0600 so only the service account reads it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def env_header(name: str) -> tuple[str, str] | None:
    """A request header and the value meaning HTTPS, written `X-Forwarded-Proto: https`, as
    Django's SECURE_PROXY_SSL_HEADER wants it: ("HTTP_X_FORWARDED_PROTO", "https")."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, sep, value = raw.partition(":")
    header, value = header.strip(), value.strip()
    if not sep or not header or not value or not all(c.isalnum() or c == "-" for c in header):
        raise ImproperlyConfigured(
            f"{name}={raw!r} must be a header and its value, e.g. 'X-Forwarded-Proto: https'."
        )
    return "HTTP_" + header.upper().replace("-", "_"), value


@dataclass(frozen=True)
class Rate:
    """At most `count` requests in `seconds`."""

    count: int
    seconds: int


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


def parse_rate(text: str) -> Rate:
    """`60/m`, `5/10m`, `1000/d`."""
    match = _RATE.match(text or "")
    if not match or int(match[1]) < 1:
        raise ValueError(f"{text!r} is not a rate such as 60/m or 5/10m")
    return Rate(int(match[1]), int(match[2] or 1) * _UNITS[match[3]])


def env_rates(name: str, defaults: dict[str, str]) -> dict[str, Rate]:
    """The default rates with the operator's overrides, written `search=120/m,login=10/10m`."""
    rates = {key: parse_rate(text) for key, text in defaults.items()}
    for item in filter(None, (part.strip() for part in os.environ.get(name, "").split(","))):
        key, _sep, text = (part.strip() for part in item.partition("="))
        if key not in rates:
            raise ImproperlyConfigured(
                f"{name}: no rate named {key!r} (known: {', '.join(defaults)})."
            )
        try:
            rates[key] = parse_rate(text)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {exc}.") from None
    return rates
