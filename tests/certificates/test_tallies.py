"""The tallies of certificates issued per center, year and kind that the dashboards read: after
issuing, amending and revoking through the services, and as the data migration fills them, they
give the numbers a direct count of the certificates gives."""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone, translation

from metrohub.certificates import services
from metrohub.certificates.models import Certificate, CertificateKind, IssueTally
from metrohub.dashboards.scope import Viewer
from metrohub.dashboards.services import panel_for, statistic
from tests.certificates.conftest import TODAY


def direct(certificates) -> dict[tuple[int, int, str], int]:
    """Certificates per (center, year of issue, kind), counted from the certificates."""
    rows = (
        certificates.order_by()
        .annotate(in_year=ExtractYear("issued_at"))
        .values_list("center_id", "in_year", "kind")
        .annotate(n=Count("pk"))
    )
    return {(c, y, k): n for c, y, k, n in rows}


def tallied() -> dict[tuple[int, int, str], int]:
    return {(t.center_id, t.year, t.kind): t.issued for t in IssueTally.objects.all()}


def by_year(counts: dict) -> dict[str, dict[str, int]]:
    """{year: {kind label: n}} summed over centers, as the by-year panel shows it."""
    out: dict[str, dict[str, int]] = {}
    for (_center, year, kind), n in counts.items():
        row = out.setdefault(str(year), {})
        label = str(CertificateKind(kind).label)
        row[label] = row.get(label, 0) + n
    return out


def shown(panel: dict) -> dict[str, dict[str, int]]:
    return {
        row[0]: {k: n for k, n in zip(panel["columns"][1:], row[1:], strict=True) if n}
        for row in panel["rows"]
    }


@pytest.fixture
def issued(world, issue, lab, on_day):
    """Three certificates issued, the first amended (a new certificate issued, the first
    superseded) and the second revoked; `lab.before` holds the tallies before."""
    lab.before = tallied()
    first, second, _third = issue("calibration"), issue("testing"), issue("verification")
    job = services.amend(actor=lab.performer, certificate=first, reason="出厂编号录入错误")
    for person in (lab.performer, lab.checker, lab.director):
        job = services.sign(actor=person, job=job, on=TODAY)
    services.revoke(actor=lab.director, certificate=second, reason="样品混淆")
    return lab


def test_issuing_amending_and_revoking_keep_the_tallies_equal_to_a_direct_count(issued):
    assert tallied() == direct(Certificate.objects.all())
    statuses = Certificate.objects.filter(job__created_by=issued.performer).values_list(
        "status", flat=True
    )
    assert sorted(statuses) == ["revoked", "superseded", "valid", "valid"]
    # four issued at the center this year: the amendment counts, the revocation takes none off
    year = timezone.localtime(timezone.now()).year
    added = {
        key: n - issued.before.get(key, 0)
        for key, n in tallied().items()
        if n != issued.before.get(key, 0)
    }
    assert {key[:2] for key in added} == {(issued.center.pk, year)}
    assert sum(added.values()) == 4


def test_the_dashboards_show_the_direct_count(issued):
    regulator = issued.world["users"]["cq_regulator"]
    today = timezone.localdate()
    viewer = Viewer(user=regulator, role="programme_regulator", today=today)
    mine = direct(Certificate.objects.filter(center__in=viewer.centers().values("pk")))
    assert any(key[0] == issued.center.pk for key in mine)
    with translation.override("zh-hans"):
        panel = panel_for(
            user=regulator, role="programme_regulator", key="certificates_by_year", today=today
        )
        trends = panel_for(user=regulator, role="programme_regulator", key="trends", today=today)
        public = statistic("certificates_by_year")
    assert shown(panel) == by_year(mine)
    assert shown(public) == by_year(direct(Certificate.objects.all()))
    per_year = {str(y): sum(n for (_c, yy, _k), n in mine.items() if yy == y) for y in range(today.year - 5, today.year + 1)}  # fmt: skip
    assert {row[0]: row[3] for row in trends["rows"]} == per_year
    assert trends["columns"][3] == "出具证书数"
    assert per_year[str(today.year)] >= 4


def test_the_data_migration_fills_the_tallies_with_the_direct_count(issued):
    expected = direct(Certificate.objects.all())
    assert len({k[2] for k in expected}) >= 3 and len({k[1] for k in expected}) >= 1
    IssueTally.objects.all().delete()
    migration = importlib.import_module("metrohub.certificates.migrations.0007_fill_issue_tallies")
    migration.fill(apps, SimpleNamespace(connection=connection))  # it needs only the connection
    assert tallied() == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads need a server database; SQLite serialises writers by itself",
)
def test_concurrent_issues_lose_no_count_and_a_rollback_takes_its_count_back():
    from django.db import transaction

    from metrohub.centers.models import Center
    from metrohub.certificates.tallies import count_issued
    from metrohub.organisations.models import Jurisdiction, Organisation
    from tests.certificates.test_numbering import _run

    place = Jurisdiction.objects.create(code="500000", name="重庆市", level="province")
    host = Organisation.objects.create(
        credit_code="9" * 18, name="示例研究院", kind="metrology_institute", jurisdiction=place
    )
    center = Center.objects.create(
        code="T-TALLY", name="示例中心", host=host, jurisdiction=place, level="municipal"
    )
    at = timezone.make_aware(dt.datetime(2031, 3, 1, 10))
    written = SimpleNamespace(center_id=center.pk, issued_at=at, kind="test_report")

    def work(index):
        committed = 0
        for attempt in range(6):
            try:
                with transaction.atomic():
                    count_issued([written])
                    if (index + attempt) % 4 == 0:
                        raise RuntimeError("the issue failed after it was counted")
                committed += 1
            except RuntimeError:
                pass
        return [committed]

    assert sum(_run(8, work)) == 36  # 48 attempts, 12 rolled back
    assert tallied() == {(center.pk, 2031, "test_report"): 36}
