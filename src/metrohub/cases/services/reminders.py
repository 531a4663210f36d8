"""Reminders ahead of due dates and overdue marks (`metrohub remind`, daily)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from metrohub.accounts.models import Role
from metrohub.cases.models import Obligation
from metrohub.cases.services import clock
from metrohub.cases.services.scope import users_for
from metrohub.eventlog.services import append_event

REMINDER_DAYS = (7, 1)


@dataclass
class RemindResult:
    reminded: int = 0
    overdue: int = 0


def remind(*, on: dt.date | None = None, lead_days=REMINDER_DAYS) -> RemindResult:
    """Reminders ahead of due dates and overdue marks; running it twice does nothing twice."""
    from metrohub.cases.tasks import send_obligation_mail

    on = on or clock.today()
    result = RemindResult()
    live = Obligation.objects.filter(state=Obligation.State.OPEN).select_related("deadline", "case")
    for ob in live:
        due = ob.deadline.due
        with transaction.atomic():
            if ob.kind == "maximum" and on > due:
                ob.state = Obligation.State.OVERDUE
                ob.save(update_fields=["state"])
                append_event(
                    subject=ob.case.subject,
                    action="obligation.overdue",
                    actor=None,
                    article=ob.article,
                    payload={"obligation": ob.pk, "code": ob.code, "due": due.isoformat()},
                )
                _mail_responsible(ob, "overdue", send_obligation_mail)
                result.overdue += 1
                continue
            left = (due - on).days
            leads = _leads(ob) or lead_days
            pending = [n for n in leads if 0 <= left <= n and n not in ob.reminders_sent]
            if pending:
                ob.reminders_sent = sorted({*ob.reminders_sent, *pending})
                ob.save(update_fields=["reminders_sent"])
                _mail_responsible(ob, "reminder", send_obligation_mail)
                result.reminded += 1
    return result


def _leads(ob) -> list[int]:
    """The days before due the pack names for this obligation's reminders (a long duty such as the
    five-year review is announced months ahead), else none: the default applies."""
    try:
        return list(ob.case.pack.deadline(ob.code).reminders)
    except (KeyError, LookupError):
        return []


def _mail_responsible(ob, kind, task):
    roles = [ob.responsible_role] if ob.responsible_role else [Role.PROGRAMME_REGULATOR]
    recipients = [u.pk for u in users_for(ob.case, roles) if u.email]
    if recipients:
        task.enqueue(ob.pk, kind, recipients)
