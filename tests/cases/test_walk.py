"""The demo's walk through a case: what it writes reads as a user's text, never a code."""

import re

import pytest

from metrohub.cases import walk


@pytest.mark.parametrize("code", walk.TEXT_RECORDS)
def test_a_sample_text_names_its_record_in_chinese(code):
    label = walk._record_label(code)
    assert label and re.search(r"[A-Za-z_]", label) is None, label
