"""The engine's clock and its mail switch.

`today()` is the one place the procedure asks for the date (Asia/Shanghai, settings.TIME_ZONE):
tests and the demo builder replace it (`metrohub.cases.walk.clock`) so periods can elapse.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from contextvars import ContextVar

from django.utils import timezone

_NOTIFY = ContextVar("metrohub_cases_notify", default=True)


def today() -> dt.date:
    return timezone.localdate()


def notifying() -> bool:
    return _NOTIFY.get()


@contextlib.contextmanager
def quiet():
    """No e-mail from the transitions taken inside (the demo builder)."""
    token = _NOTIFY.set(False)
    try:
        yield
    finally:
        _NOTIFY.reset(token)
