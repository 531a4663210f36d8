"""Demo instruments: a filling station in 渝北区 with its filed pumps (one overdue, one due within
30 days) kept by a fuel retailer's person (cq_station), and industry_user's register of a few
instruments, one taken from a certificate of SH-IC and shared with it."""

import datetime as dt
from importlib import import_module

from django.apps import apps
from django.utils import timezone

from metrohub.accounts.demo import ensure_user
from metrohub.accounts.models import Role
from metrohub.certificates.models import Certificate
from metrohub.instruments import services
from metrohub.instruments.models import Instrument, Site
from metrohub.organisations.demo import demo_credit_code
from metrohub.organisations.models import Organisation

STATION_OWNER = ("cq-fuel", "重庆示例能源销售有限公司", "Chongqing Example Fuel Retail Co., Ltd.")
PUMPS = [-12, 9, 45, 120, 150, 200]  # days until each pump's verification falls due
REGISTER = [
    ("数字压力计", "压力", "1", "MPa", 20),
    ("数字温度计", "温度", "100", "℃", 75),
    ("电子天平", "质量", "200", "g", 18),
    ("游标卡尺", "长度", "150", "mm", 240),
    ("扭矩扳手", "扭矩", "100", "N·m", 26),
    ("万用表", "直流电压", "10", "V", -5),
]


def _station_owner(world) -> Organisation:
    key, zh, en = STATION_OWNER
    organisation, _ = Organisation.objects.get_or_create(
        credit_code=demo_credit_code(901, "enterprise", "500112"),
        defaults={"name": zh, "name_en": en, "kind": "enterprise",
                  "jurisdiction": world["jurisdictions"]["500112"]},
    )  # fmt: skip
    world["organisations"][key] = organisation
    return organisation


def build(world: dict) -> None:
    # The catalogue is seeded by a data migration; a flushed test database has lost it.
    import_module("metrohub.instruments.migrations.0002_catalogue").add(apps, None)
    owner = _station_owner(world)
    user = ensure_user(world, "cq_station", "陈刚", Role.INDUSTRY_USER, "cq-fuel", "500112")
    if Site.objects.filter(owner=owner).exists():
        return
    today = timezone.localdate()
    site = services.create_site(
        actor=user, owner=owner, name="示例能源渝北加油站", address="重庆市渝北区示例大道 88 号",
        district=world["jurisdictions"]["500112"],
    )  # fmt: skip
    for n, days in enumerate(PUMPS, start=1):
        due = today + dt.timedelta(days=days)
        pump = services.create_instrument(
            actor=user, owner=owner,
            data={"name": f"燃油加油机 {n} 号枪", "model": "CS46", "serial_number": f"JYJ-{n:03d}",
                  "manufacturer": "示例加油机制造有限公司", "measurand": "体积", "value": "20",
                  "unit": "L", "category": "燃油加油机", "use": "trade", "interval_months": 12,
                  "last_verified_on": due - dt.timedelta(days=365), "due_on": due},
        )  # fmt: skip
        Instrument.objects.filter(pk=pump.pk).update(last_result="pass")
        services.file_instrument(actor=user, instrument=pump, site=site)
    world["station"] = site
    _register(world, today)


def _register(world, today: dt.date) -> None:
    owner = world["organisations"]["sh-ic"]
    user = world["users"]["industry_user"]
    for name, measurand, value, unit, days in REGISTER:
        due = today + dt.timedelta(days=days)
        services.create_instrument(
            actor=user, owner=owner,
            data={"name": name, "measurand": measurand, "value": value, "unit": unit,
                  "interval_months": 12, "last_verified_on": due - dt.timedelta(days=365),
                  "due_on": due, "location": "一号厂房"},
        )  # fmt: skip
    certificate = (
        Certificate.objects.filter(customer=owner, center__code="SH-IC", status="valid")
        .order_by("pk")
        .first()
    )
    if certificate is not None:
        instrument = services.create_instrument(
            actor=user, owner=owner,
            data={"name": certificate.job.instrument_name, "serial_number": certificate.job.serial_number,
                  "interval_months": 12, "shared_with_center": True},
        )  # fmt: skip
        services.link_certificate(actor=user, instrument=instrument, number=certificate.number)
