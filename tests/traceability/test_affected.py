"""The recursive query of the affected set where paths meet: standards that calibrate each other,
an instrument calibrated twice inside the window, a job that used two affected standards. The
query's answer is checked against the expected rows and against the naive walk."""

import datetime as dt
import random
from collections import defaultdict

import pytest
from django.db import connection, transaction

from metrohub.certificates.models import Certificate
from metrohub.standards.models import InstrumentCertificate
from metrohub.traceability.affected import FOREVER, MAX_DEPTH, affected, affected_naive
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


def _walk(failed: int, since: dt.date, until: dt.date) -> dict[int, tuple[int, int | None]]:
    """The affected set walked level by level in Python over the tables read whole: the uses by
    standard from the jobs (not from the dated uses the query reads), each calibration record's
    window from the instrument's record dates, the lowest level of each certificate and the
    smallest certificate of the level before that reached it."""
    uses = defaultdict(list)
    for standard, day, pk in Certificate.objects.values_list(
        "job__standards", "job__measured_on", "pk"
    ):
        uses[standard].append((day, pk))
    dates = defaultdict(set)
    records = defaultdict(list)
    for pk, instrument, standard, issued in InstrumentCertificate.objects.values_list(
        "platform_certificate_id", "instrument_id", "instrument__standard_id", "issued_on"
    ):
        dates[instrument].add(issued)
        if pk is not None:
            records[pk].append((instrument, standard, issued))
    found = {pk: (0, None) for day, pk in uses[failed] if since <= day <= until}
    level = set(found)
    for depth in range(1, MAX_DEPTH + 1):
        reached = {}
        for source in sorted(level):
            for instrument, standard, issued in records[source]:
                ends = min((d for d in dates[instrument] if d > issued), default=FOREVER)
                for day, pk in uses[standard]:
                    if issued <= day < ends and pk not in found and pk not in reached:
                        reached[pk] = source  # sources in order: the first is the smallest
        found.update((pk, (depth, source)) for pk, source in reached.items())
        level = set(reached)
    return found


def _random_world(b, rng: random.Random):
    """Six standards at two centers with one to three instruments each; 160 certificates over
    two years, each made with one or two standards; 70 of them become calibration records of
    random instruments on their dates, and 25 external records fall between: many records per
    instrument (consecutive windows), several instruments per standard (windows overlapping), and
    calibrations in both directions (cycles)."""
    standards = [b.standard(b.a if n % 2 else b.b, f"标准装置 {n}", "0.05级") for n in range(6)]
    instruments = [
        b.instrument(s, f"标准器 {n}-{k}", f"R-{n}-{k}")
        for n, s in enumerate(standards)
        for k in range(1 + n % 3)
    ]
    start = dt.date(2024, 7, 1)
    certificates = []
    for _ in range(160):
        day = start + dt.timedelta(days=rng.randrange(730))
        used = rng.sample(standards, rng.choice((1, 1, 2)))
        certificates.append(b.certificate(b.a if rng.random() < 0.5 else b.b, used, day))
    for certificate in rng.sample(certificates, 70):
        b.link(rng.choice(instruments), certificate, dt.date(2027, 12, 31))
    for n in range(25):
        day = start + dt.timedelta(days=rng.randrange(-60, 730))
        b.external(rng.choice(instruments), NIM, f"YL-R{n}", day, dt.date(2027, 12, 31))
    return standards


@pytest.mark.parametrize("seed", [7, 2025])
def test_many_records_across_levels_match_a_walk_in_python(build, seed):
    """Every standard of a random world fails in turn: the query's rows (certificate, level,
    source) are exactly the Python walk's; then a record is moved to another date, another is
    deleted, and the rows follow (the windows of that instrument's other records move too)."""
    rng = random.Random(seed)
    standards = _random_world(build, rng)
    since, until = dt.date(2024, 10, 1), dt.date(2025, 6, 30)

    def check() -> int:
        deepest = 0
        for standard in standards:
            rows = affected(standard_id=standard.pk, since=since, until=until)
            expected = _walk(standard.pk, since, until)
            assert {pk: (depth, via) for pk, depth, via in rows} == expected
            assert len(rows) == len(expected)
            deepest = max([deepest, *(depth for _, depth, _ in rows)])
        return deepest

    assert check() >= 2  # the world reaches past the first level downstream
    records = list(InstrumentCertificate.objects.order_by("pk"))
    moved = rng.choice(records)
    moved.issued_on -= dt.timedelta(days=90)
    moved.save()
    rng.choice([r for r in records if r.pk != moved.pk]).delete()
    check()


def test_the_planner_settings_are_put_back_in_the_callers_transaction(build):
    """On PostgreSQL the query runs with hash and merge joins and JIT off; a caller's transaction
    gets its own settings back after it (on SQLite there is nothing to set)."""
    b = build
    standard = b.standard(b.a, "失效标准装置", "0.01级")
    certificate = b.certificate(b.a, [standard], dt.date(2025, 2, 1))
    names = ["enable_hashjoin", "enable_mergejoin", "jit"]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('jit', 'on', true)")
                before = [_setting(cursor, name) for name in names]
        assert affected(standard_id=standard.pk, **WINDOW) == [(certificate.pk, 0, None)]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                assert [_setting(cursor, name) for name in names] == before == ["on", "on", "on"]


def _setting(cursor, name: str) -> str:
    cursor.execute("SELECT current_setting(%s)", [name])
    return cursor.fetchone()[0]
