"""What a transition's handlers share: the context of one attempt, a problem it finds, and the
hooks other modules and apps register (checks spanning transitions, records filled from what an
app holds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from metrohub.cases.models import Case


@dataclass
class Problem:
    status: int  # 422: the request lacks something; 409: the case's state forbids it
    field: str
    message: str


@dataclass
class Ctx:
    case: Case
    pack: object
    transition: object
    actor: object
    role: str
    payload: dict
    on: dt.date  # the act's effective date (today, or earlier when recorded from paper)
    on_paper: bool = False
    previous: str = ""  # the stage the case leaves
    records: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # what handlers add to the event's payload


#: Checks every transition runs besides its pack-named preconditions: f(ctx) → [Problem]
#: (a number already in the register, a panel that must conclude its stage …).
GUARDS: list[Callable[[Ctx], list[Problem]]] = []
#: f(ctx) → {record: value}: records the actor left out, filled from what an app holds (the
#: concluded panel's conclusion and score), before the records are validated.
RECORD_SOURCES: list[Callable[[Ctx], dict]] = []


def guard(fn):
    if fn not in GUARDS:
        GUARDS.append(fn)
    return fn


def record_source(fn):
    if fn not in RECORD_SOURCES:
        RECORD_SOURCES.append(fn)
    return fn
