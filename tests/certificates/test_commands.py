"""`metrohub keys`: rotate adds a key and closes the previous one's period; list shows them."""

import io

import pytest
from django.core.management import call_command

from metrohub.certificates.models import SigningKey

pytestmark = pytest.mark.django_db


def test_keys_rotate_and_list():
    out = io.StringIO()
    call_command("keys", "rotate", stdout=out)
    call_command("keys", "rotate", stdout=out)
    first, second = SigningKey.objects.order_by("valid_from", "pk")
    assert first.valid_until == second.valid_from and second.valid_until is None
    listed = io.StringIO()
    call_command("keys", "list", stdout=listed)
    lines = listed.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == [first.key_id, second.key_id]
    assert lines[1].split()[3] == "current"
