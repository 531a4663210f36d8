"""Chinese first: every translation catalogue of the project is complete."""

import re
from pathlib import Path

import polib
import pytest

import metrohub

SOURCE = Path(metrohub.__file__).parent
CATALOGUES = sorted(SOURCE.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_app_with_strings_has_a_catalogue():
    assert len(CATALOGUES) >= 8


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_fully_translated(path):
    po = polib.pofile(str(path))
    missing = [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]
    assert missing == []


ALIAS = re.compile(r"\b(?:n?gettext(?:_lazy)?|pgettext(?:_lazy)?) as (\w+)")


def test_translatable_strings_are_marked_so_that_makemessages_finds_them():
    """makemessages extracts _() and the gettext functions by name: a string marked through
    another alias (`gettext_lazy as _lazy`) never reached a catalogue, and the task book's
    "Role" column and the certificate job's history showed in English on Chinese pages."""
    aliased = [
        f"{path.relative_to(SOURCE)}: as {name}"
        for path in sorted(SOURCE.rglob("*.py"))
        for name in ALIAS.findall(path.read_text(encoding="utf-8"))
        if name != "_"
    ]
    assert aliased == []
