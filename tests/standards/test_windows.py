"""Each calibration record carries the date of its instrument's next record (the end of the window
reverse traceability reads), through inserts in any order, a record moved in time or to another
instrument, a delete, and the data migration that fills existing records."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from metrohub.standards import windows
from metrohub.standards.models import InstrumentCertificate, StandardInstrument

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def instruments(lab):
    return (
        StandardInstrument.objects.create(standard=lab.standard, name="活塞压力计", serial_number="W-1"),
        StandardInstrument.objects.create(standard=lab.standard, name="数字压力计", serial_number="W-2"),
    )  # fmt: skip


def _record(instrument, issued: dt.date, number: str) -> InstrumentCertificate:
    return InstrumentCertificate.objects.create(
        instrument=instrument, issuer="中国计量科学研究院", number=number, issued_on=issued,
        due_on=D(2030, 1, 1),
    )  # fmt: skip


def _next_dates(instrument) -> dict[str, dt.date | None]:
    return dict(instrument.certificates.values_list("number", "next_issued_on"))


def test_records_in_any_order_a_move_and_a_delete(instruments):
    one, two = instruments
    _record(one, D(2024, 6, 1), "A")
    c = _record(one, D(2026, 6, 1), "C")
    b = _record(one, D(2025, 6, 1), "B")  # recorded late, between the two
    same_day = _record(one, D(2025, 6, 1), "B2")  # two records the same day end together
    _record(two, D(2025, 1, 1), "X")
    assert _next_dates(one) == {"A": D(2025, 6, 1), "B": D(2026, 6, 1), "B2": D(2026, 6, 1),
                                "C": None}  # fmt: skip
    c.issued_on = D(2025, 9, 1)
    c.save()
    assert _next_dates(one) == {"A": D(2025, 6, 1), "B": D(2025, 9, 1), "B2": D(2025, 9, 1),
                                "C": None}  # fmt: skip
    same_day.instrument = two  # moved to the other instrument: both instruments' windows change
    same_day.save()
    assert _next_dates(one) == {"A": D(2025, 6, 1), "B": D(2025, 9, 1), "C": None}
    assert _next_dates(two) == {"X": D(2025, 6, 1), "B2": None}
    b.delete()
    assert _next_dates(one) == {"A": D(2025, 9, 1), "C": None}
    assert _next_dates(two) == {"X": D(2025, 6, 1), "B2": None}


def test_a_save_of_other_fields_reads_no_window(instruments, django_assert_num_queries):
    record = _record(instruments[0], D(2025, 1, 1), "R")
    record.reminders_sent = ["30"]
    with django_assert_num_queries(1):  # the UPDATE of the record alone
        record.save(update_fields=["reminders_sent"])


def test_the_data_migration_fills_the_dates_refresh_keeps(instruments):
    one, two = instruments
    for n, day in enumerate([D(2024, 1, 1), D(2025, 1, 1), D(2025, 1, 1), D(2023, 5, 5)]):
        _record(one if n % 2 else two, day, f"M{n}")
    _record(one, D(2026, 1, 1), "M4")
    assert _next_dates(two) == {"M0": D(2025, 1, 1), "M2": None}
    assert _next_dates(one) == {"M3": D(2025, 1, 1), "M1": D(2026, 1, 1), "M4": None}
    kept = dict(InstrumentCertificate.objects.values_list("pk", "next_issued_on"))  # lab's too
    InstrumentCertificate.objects.update(next_issued_on=None)
    migration = importlib.import_module("metrohub.standards.migrations.0002_record_next_dates")
    migration.fill(apps, SimpleNamespace(connection=connection))
    assert dict(InstrumentCertificate.objects.values_list("pk", "next_issued_on")) == kept
    InstrumentCertificate.objects.update(next_issued_on=D(2000, 1, 1))
    assert windows.refresh() == len(kept)
    assert dict(InstrumentCertificate.objects.values_list("pk", "next_issued_on")) == kept
