"""What a transition's handlers share: the context of one attempt and a problem it finds."""

from __future__ import annotations

import datetime as dt
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
