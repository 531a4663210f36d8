from pathlib import Path

import polib

import metrohub.panels

PO = Path(metrohub.panels.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def test_the_panels_catalogue_is_fully_translated():
    po = polib.pofile(str(PO))
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    assert po.percent_translated() == 100
