"""Each standard a job used carries the job's date of measurement (reverse traceability reads
the uses by standard and date), whichever way the standards were given and when the date moves."""

import datetime as dt

import pytest

from metrohub.certificates import services
from metrohub.certificates.models import StandardUse
from metrohub.standards.models import MeasurementStandard

from .conftest import MEASURED, job_data

pytestmark = pytest.mark.django_db


def _dates(job) -> dict[int, dt.date | None]:
    return dict(
        StandardUse.objects.filter(job=job).values_list("measurementstandard_id", "measured_on")
    )


def test_the_date_follows_the_job_through_drafting_and_amendment(lab, on_day):
    second = MeasurementStandard.objects.create(
        center=lab.center, name="压力变送器检定装置", measurand="压力",
        exam_certificate_number="[2023]渝量标企证字第 102 号", exam_valid_until=dt.date(2027, 6, 30),
    )  # fmt: skip
    job = services.create_job(actor=lab.performer, center=lab.center, data=job_data(lab))
    assert _dates(job) == {lab.standard.pk: MEASURED}
    moved = dt.date(2025, 3, 11)
    job = services.update_job(
        actor=lab.performer,
        job=job,
        data={"measured_on": moved, "standards": [lab.standard.pk, second.pk]},
    )
    assert _dates(job) == {lab.standard.pk: moved, second.pk: moved}
    job = services.update_job(actor=lab.performer, job=job, data={"measured_on": MEASURED})
    assert _dates(job) == {lab.standard.pk: MEASURED, second.pk: MEASURED}


def test_standards_added_from_either_side_get_the_date(lab, on_day):
    job = services.create_job(
        actor=lab.performer, center=lab.center, data=job_data(lab, standards=[])
    )
    assert _dates(job) == {}
    job.standards.add(lab.standard)
    assert _dates(job) == {lab.standard.pk: MEASURED}
    other = MeasurementStandard.objects.create(
        center=lab.center, name="温度标准装置", measurand="温度",
        exam_certificate_number="[2023]渝量标企证字第 103 号", exam_valid_until=dt.date(2027, 6, 30),
    )  # fmt: skip
    other.jobs.add(job)
    assert _dates(job) == {lab.standard.pk: MEASURED, other.pk: MEASURED}
