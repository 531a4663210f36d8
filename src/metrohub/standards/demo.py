"""Demo standards and people: every established center gets two measurement standards (one whose
examination certificate falls due within three weeks), their instruments calibrated outside the
platform, and a lab engineer, a checker and a director authorized for its methods."""

import datetime as dt

from django.utils import timezone

from metrohub.accounts.demo import ensure_user
from metrohub.accounts.models import Role
from metrohub.catalogue.models import CapabilityLine
from metrohub.standards.models import (
    Authorization,
    InstrumentCertificate,
    MeasurementStandard,
    StandardInstrument,
)

# host organisation: (prefix, division, (engineer, checker, director))
STAFF = {
    "cq-cqmi": ("cq", "500112", ("王磊", "刘芳", None)),
    "hb-hbmi": ("hb", "420111", ("田野", "周琳", "何晓梅")),
    "sh-simt": ("sh", "310115", ("沈浩", "陆敏", "林志远")),
}
# Two standards per center: (name, measurand, range, uncertainty, instrument, model, accuracy)
STANDARDS = [
    ("精密数字压力计标准装置", "压力", "(0~60) MPa", "0.02级", "精密数字压力计", "DPI-620G", "0.01级"),
    ("多功能校准源标准装置", "直流电压", "(0~1000) V", "U = 2×10⁻⁵, k = 2", "多功能校准源", "Fluke 5522A", "±(12 ppm + 1 μV)"),
]  # fmt: skip
EXTERNAL_LAB = "中国计量科学研究院"
#: engineer and checker of a host not listed above (the demo's centers established through the
#: procedure), one pair per such host in turn
MORE_STAFF = [
    ("赵强", "钱丽"),
    ("孙杰", "李静"),
    ("吴涛", "郑敏"),
]


def _staff(world) -> dict:
    """username -> user, per host organisation, made through the one demo-person helper."""
    people = {}
    for org, (prefix, division, (engineer, checker, director)) in STAFF.items():
        people[org] = {
            "engineer": ensure_user(world, f"{prefix}_engineer", engineer, Role.CENTER_STAFF, org, division),
            "checker": ensure_user(world, f"{prefix}_checker", checker, Role.CENTER_STAFF, org, division),
        }  # fmt: skip
        if director:
            people[org]["director"] = ensure_user(
                world, f"{prefix}_lab_director", director, Role.CENTER_DIRECTOR, org, division
            )
        else:
            people[org]["director"] = world["users"]["cq_director"]
    return people


def _methods(center) -> list[str]:
    codes = set()
    for methods in CapabilityLine.objects.filter(
        center=center, status=CapabilityLine.Status.PUBLISHED
    ).values_list("methods", flat=True):
        codes.update(code for code in methods.split("; ") if code)
    return sorted(codes) + ["Q/MH 001—2024"]  # an in-house method for testing and measurement


def build(world: dict) -> None:
    people = _staff(world)
    world["lab_people"] = people
    today = timezone.localdate()
    established = [c for c in world["centers"].values() if c.status == "established"]
    world["demo_standards"] = {}
    for center in established:
        if MeasurementStandard.objects.filter(center=center).exists():
            world["demo_standards"][center.code] = list(center.measurement_standards.all())
            continue
        key = _host_staff(world, people, center)
        if key is None:
            continue  # a host without a director: nobody could approve its certificates
        _standards(world, center, today)
        _authorizations(center, people[key], today)


def _host_staff(world, people: dict, center) -> str | None:
    """The key of the center's host in `people`, adding an engineer and a checker of a host not
    listed in STAFF, with its center director (made by an earlier builder) to approve."""
    from metrohub.accounts.models import RoleAssignment

    key = _host_key(world, center)
    if key in people:
        return key
    director = (
        RoleAssignment.objects.filter(role=Role.CENTER_DIRECTOR, organisation_id=center.host_id)
        .select_related("user", "jurisdiction")
        .order_by("pk")
        .first()
    )
    if director is None:
        return None
    engineer, checker = MORE_STAFF[(len(people) - len(STAFF)) % len(MORE_STAFF)]
    prefix, division = key.replace("-", "_"), director.jurisdiction.code
    people[key] = {
        "engineer": ensure_user(world, f"{prefix}_engineer", engineer, Role.CENTER_STAFF, key, division),
        "checker": ensure_user(world, f"{prefix}_checker", checker, Role.CENTER_STAFF, key, division),
        "director": director.user,
    }  # fmt: skip
    return key


def _host_key(world, center) -> str:
    return next(key for key, org in world["organisations"].items() if org.pk == center.host_id)


def _standards(world, center, today: dt.date) -> None:
    made = []
    for index, (name, measurand, range_text, uncertainty, instrument, model, accuracy) in enumerate(
        STANDARDS
    ):
        # The second standard's examination certificate falls due in three weeks: flagged.
        valid_until = today + dt.timedelta(days=20 if index == 1 else 700)
        standard = MeasurementStandard.objects.create(
            center=center,
            name=name,
            measurand=measurand,
            range_text=range_text,
            uncertainty=uncertainty,
            exam_certificate_number=f"[{today.year - 2}]{center.code}量标证字第 {101 + index} 号",
            exam_valid_until=valid_until,
        )
        item = StandardInstrument.objects.create(
            standard=standard,
            name=instrument,
            model=model,
            serial_number=f"{center.code}-S{index + 1:02d}",
            manufacturer="示例仪器有限公司",
            accuracy=accuracy,
        )
        InstrumentCertificate.objects.create(
            instrument=item,
            issuer=EXTERNAL_LAB,
            number=f"JL{today.year - 1}-{center.pk:03d}{index:02d}",
            issued_on=today - dt.timedelta(days=200),
            due_on=today + dt.timedelta(days=165),
            uncertainty=accuracy,
        )
        made.append(standard)
    world["demo_standards"][center.code] = made


def _authorizations(center, people: dict, today: dt.date) -> None:
    start, end = dt.date(today.year - 2, 1, 1), dt.date(today.year + 2, 12, 31)
    rows = []
    for method in _methods(center):
        for role, flags in (
            ("engineer", {"may_perform": True}),
            ("checker", {"may_perform": True, "may_check": True}),
            ("director", {"may_check": True, "may_approve": True}),
        ):
            rows.append(
                Authorization(
                    center=center,
                    person=people[role],
                    method_code=method,
                    valid_from=start,
                    valid_until=end,
                    credential=f"{center.code}-{role[:3].upper()}",
                    **flags,
                )
            )
    Authorization.objects.bulk_create(rows)
