"""`metrohub remind_standards`: reminders before due dates, once each."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_remind_standards_command(lab):
    mail.outbox = []
    out = io.StringIO()
    call_command("remind_standards", "--date", "2025-08-01", stdout=out)
    sent = int(out.getvalue().split(":")[1])
    assert sent == len(mail.outbox) >= 4
    out = io.StringIO()
    call_command("remind_standards", "--date", "2025-08-01", stdout=out)
    assert out.getvalue().strip() == "reminders sent: 0"
    with pytest.raises(CommandError):
        call_command("remind_standards", "--date", "August")
