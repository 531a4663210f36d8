import datetime as dt
import io
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from metrohub.accounts.models import Role
from metrohub.instruments.importing import COLUMNS
from metrohub.organisations.models import Jurisdiction
from tests.traceability.conftest import Builder, _person

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def place(db, monkeypatch):
    from metrohub.instruments import services

    monkeypatch.setattr(services, "today", lambda: TODAY)
    b = Builder()
    yubei = Jurisdiction.objects.create(name="渝北区", code="500112", level="district", parent=b.cq)
    jiangbei = Jurisdiction.objects.create(name="江北区", code="500105", level="district",
                                           parent=b.cq)  # fmt: skip
    district = _person("yubei_regulator", Role.DISTRICT_REGULATOR, None, yubei)
    return SimpleNamespace(b=b, yubei=yubei, jiangbei=jiangbei, district=district,
                           owner=b.customer, user=b.customer_user)  # fmt: skip


def workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([header for _field, header, _label in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fifty_rows(today: dt.date) -> list[list]:
    """50 instruments: three fall due within 30 days of `today`, the rest later."""
    rows = []
    for n in range(50):
        due = today + dt.timedelta(days=(5, 12, 29)[n] if n < 3 else 60 + n)
        rows.append([f"压力表{n:02d}", "Y-100", f"P{n:04d}", "示例仪表厂", "压力", 1.6, "MPa",
                     "锅炉房", "压力表", "安全防护", 6, None, due.isoformat(), ""])  # fmt: skip
    return rows
