"""Numbers in ASCII digits only: what `int` reads."""

import pytest

from metrohub.core.bounds import digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", True), ("2026", True), ("", False), ("6³", False), ("٣", False), ("①", False),
     ("-1", False), ("1.5", False), (None, False), (12, False)],
)  # fmt: skip
def test_digits(text, expected):
    assert digits(text) is expected
    if expected:
        int(text)
