"""Chinese first: every translation catalogue of the project is complete."""

from pathlib import Path

import polib
import pytest

import metrohub

CATALOGUES = sorted(Path(metrohub.__file__).parent.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_app_with_strings_has_a_catalogue():
    assert len(CATALOGUES) >= 8


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_fully_translated(path):
    po = polib.pofile(str(path))
    missing = [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]
    assert missing == []
