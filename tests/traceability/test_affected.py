"""The recursive query of the affected set where paths meet: standards that calibrate each other,
an instrument calibrated twice inside the window, a job that used two affected standards. The
query's answer is checked against the expected rows and against the naive walk."""

import datetime as dt

import pytest

from metrohub.traceability.affected import affected, affected_naive
from tests.traceability.conftest import NIM

pytestmark = pytest.mark.django_db

WINDOW = {"since": dt.date(2025, 1, 1), "until": dt.date(2025, 6, 1)}


def _found(standard) -> dict[int, tuple[int, int | None]]:
    rows = affected(standard_id=standard.pk, **WINDOW)
    assert len(rows) == len({pk for pk, _, _ in rows})  # one row per certificate
    found = {pk: (depth, via) for pk, depth, via in rows}
    assert affected_naive(standard_id=standard.pk, **WINDOW) == set(found)
    return found


def test_two_standards_calibrating_each_other(build):
    """A calibrates B's instrument, B then calibrates A's, A recalibrates B's: every certificate
    is found once, at its lowest level, and one found directly has no source."""
    b = build
    a_std, b_std = b.standard(b.a, "A 标准装置", "0.01级"), b.standard(b.b, "B 标准装置", "0.02级")
    a_inst, b_inst = b.instrument(a_std, "A 标准器", "A-1"), b.instrument(b_std, "B 标准器", "B-1")
    b.external(a_inst, NIM, "YL2024-0101", dt.date(2024, 6, 1), dt.date(2025, 5, 31))
    b.external(b_inst, NIM, "YL2024-0102", dt.date(2024, 6, 1), dt.date(2025, 5, 31))
    b_before = b.certificate(b.b, [b_std], dt.date(2025, 1, 20))
    a1 = b.certificate(b.a, [a_std], dt.date(2025, 2, 1), customer=b.host_b)
    b.link(b_inst, a1, dt.date(2026, 1, 31))
    b1 = b.certificate(b.b, [b_std], dt.date(2025, 2, 10), customer=b.host_a)
    b.link(a_inst, b1, dt.date(2026, 2, 9))
    a2 = b.certificate(b.a, [a_std], dt.date(2025, 2, 20), customer=b.host_b)
    b.link(b_inst, a2, dt.date(2026, 2, 19))
    b2 = b.certificate(b.b, [b_std], dt.date(2025, 3, 1))
    a_after = b.certificate(b.a, [a_std], dt.date(2025, 7, 1))
    assert _found(a_std) == {
        a1.pk: (0, None),
        a2.pk: (0, None),  # also reached through b1 at level 2
        b1.pk: (1, a1.pk),
        b2.pk: (1, a2.pk),  # also through a2 reached at level 2
        a_after.pk: (2, b1.pk),  # after the window, but A's instrument was calibrated with B by b1
    }
    assert b_before.pk not in _found(a_std)


def test_an_instrument_calibrated_twice_in_the_window_and_a_job_with_two_affected_standards(build):
    b = build
    failed = b.standard(b.a, "失效标准装置", "0.01级")
    b_std, c_std = b.standard(b.b, "B 标准装置", "0.05级"), b.standard(b.b, "C 标准装置", "0.05级")
    b_inst, c_inst = b.instrument(b_std, "B 标准器", "B-1"), b.instrument(c_std, "C 标准器", "C-1")
    b.external(b_inst, NIM, "YL2024-0201", dt.date(2024, 6, 1), dt.date(2025, 5, 31))
    a1 = b.certificate(b.a, [failed], dt.date(2025, 2, 1), customer=b.host_b)
    b.link(b_inst, a1, dt.date(2025, 7, 31))
    a3 = b.certificate(b.a, [failed], dt.date(2025, 3, 1), customer=b.host_b)
    b.link(c_inst, a3, dt.date(2026, 2, 28))
    a2 = b.certificate(b.a, [failed], dt.date(2025, 4, 1), customer=b.host_b)
    b.link(b_inst, a2, dt.date(2026, 3, 31))  # B's instrument again, two months later
    b_before = b.certificate(b.b, [b_std], dt.date(2025, 1, 15))
    b1 = b.certificate(b.b, [b_std], dt.date(2025, 3, 1))
    both = b.certificate(b.b, [b_std, c_std], dt.date(2025, 3, 15))
    b2 = b.certificate(b.b, [b_std], dt.date(2025, 5, 1))
    mixed = b.certificate(b.a, [failed, b_std], dt.date(2025, 3, 20))
    c_before = b.certificate(b.b, [c_std], dt.date(2025, 2, 15))
    assert _found(failed) == {
        a1.pk: (0, None),
        a2.pk: (0, None),
        a3.pk: (0, None),
        mixed.pk: (0, None),  # used the failed standard itself, and B in its first window
        b1.pk: (1, a1.pk),
        both.pk: (1, a1.pk),  # through B (a1) and through C (a3): once, by the smaller source
        b2.pk: (1, a2.pk),
    }
    assert not {b_before.pk, c_before.pk} & set(_found(failed))
