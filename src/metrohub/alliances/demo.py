"""Demo: every Shanghai center leads an alliance with members along its value chain and
activities (this year's duty met for one, under way for the other; last year's met).

Written with the ORM in bulk (the services' rules are exercised by the tests), keyed on stable
names so that running the demo again changes nothing.
"""

import datetime as dt

from django.utils import timezone

from metrohub.accounts.demo import ensure_user
from metrohub.accounts.models import Role, User
from metrohub.alliances.models import Activity, Alliance, Member
from metrohub.centers.models import Center
from metrohub.organisations.demo import demo_credit_code
from metrohub.organisations.models import Organisation

# Fictitious firms along the two Shanghai value chains: (key, zh, en, kind, district).
FIRMS = [
    (
        "sh-wafer",
        "上海示例硅材料有限公司",
        "Shanghai Example Silicon Materials Co., Ltd.",
        "enterprise",
        "310112",
    ),
    (
        "sh-equip",
        "上海示例半导体装备有限公司",
        "Shanghai Example Semiconductor Equipment Co., Ltd.",
        "enterprise",
        "310115",
    ),
    (
        "sh-pack",
        "上海示例封装测试有限公司",
        "Shanghai Example Packaging and Test Co., Ltd.",
        "enterprise",
        "310114",
    ),
    (
        "sh-pharma",
        "上海示例制药有限公司",
        "Shanghai Example Pharmaceuticals Co., Ltd.",
        "enterprise",
        "310112",
    ),
    (
        "sh-device",
        "上海示例医疗器械有限公司",
        "Shanghai Example Medical Devices Co., Ltd.",
        "enterprise",
        "310115",
    ),
    (
        "sh-univ",
        "上海示例科技大学",
        "Shanghai Example University of Science and Technology",
        "university",
        "310112",
    ),
]

# Per center: alliance name, members (org key, position, capabilities), activities
# (title, kind, days before today this year or None for last year, month/day last year).
ALLIANCES = {
    "SH-IC": (
        "上海市集成电路产业计量测试联盟",
        "Shanghai Integrated Circuits Industrial Metrology Alliance",
        [
            ("sh-wafer", "upstream", "硅片厚度、电阻率及表面缺陷检测"),
            ("sh-equip", "upstream", "刻蚀、沉积设备的温度与真空度在线校准"),
            ("sh-ic", "midstream", "晶圆级器件参数测试"),
            ("sh-pack", "downstream", "封装可靠性试验与失效分析"),
            ("sh-univ", "midstream", "纳米几何量计量方法研究"),
            ("sh-device", "downstream", "芯片级医疗传感器测试", "requested"),
        ],
        [
            ("集成电路制造在线计量技术交流会", "technical_exchange", (3, 18)),
            ("晶圆厚度测量比对", "joint_research", (10, 22)),
            ("半导体参数测试培训班", "training", 40),
            ("先进封装计量需求研讨会", "seminar", 12),
        ],
    ),
    "SH-BIO": (
        "上海市生物医药产业计量测试联盟",
        "Shanghai Biomedicine Industrial Metrology Alliance",
        [
            ("sh-bio", "upstream", "生物样本及标准物质研制"),
            ("sh-pharma", "midstream", "制药过程温湿度与容量计量保障"),
            ("sh-device", "downstream", "医疗器械检测与校准"),
        ],
        [
            ("生物医药计量需求调研座谈会", "seminar", (4, 9)),
            ("移液器校准规范起草研讨", "standard_drafting", (11, 5)),
            ("冷链温度计量培训", "training", 20),
        ],
    ),
}


def _firms(world: dict) -> dict:
    organisations = world["organisations"]
    for index, (key, zh, en, kind, division) in enumerate(FIRMS, start=101):
        organisations[key], _ = Organisation.objects.update_or_create(
            credit_code=demo_credit_code(index, kind, division),
            defaults={
                "name": zh,
                "name_en": en,
                "kind": kind,
                "jurisdiction": world["jurisdictions"][division],
            },
        )
    return organisations


def _day(spec, today: dt.date) -> dt.date:
    """A day this year (`spec` days ago, not before 1 January) or last year ((month, day))."""
    if isinstance(spec, tuple):
        return dt.date(today.year - 1, *spec)
    return max(today - dt.timedelta(days=spec), dt.date(today.year, 1, 1))


DIRECTOR = (
    "sh_simt_director",
    "韩蕾",
    Role.CENTER_DIRECTOR,
    "sh-simt",
    "310115",
)


def _director(world: dict) -> None:
    """The director of the Shanghai demo centers (hosted by sh-simt). The account takes the
    demo password's stored hash from another demo account: hashing it again would cost more than
    everything else this builder does."""
    username, name = DIRECTOR[:2]
    User.objects.get_or_create(
        username=username,
        defaults={
            "display_name": name,
            "email": f"{username}@demo.metrohub.localhost",
            "password": world["users"]["sh_regulator"].password,
        },
    )
    ensure_user(world, *DIRECTOR)


def build(world: dict) -> None:
    _director(world)
    organisations = _firms(world)
    today = timezone.localdate()
    shanghai = Center.objects.filter(jurisdiction__code="310000").exclude(
        status__in=[Center.Status.REVOKED]
    )
    alliances = world.setdefault("alliances", {})
    for center in shanghai:
        name, name_en, members, activities = ALLIANCES.get(
            center.code,
            (
                center.name.replace("中心", "联盟"),
                "",
                [("sh-wafer", "upstream", ""), ("sh-pack", "downstream", "")],
                [("年度产业计量技术交流会", "technical_exchange", (6, 15))],
            ),
        )
        alliance, _ = Alliance.objects.get_or_create(
            center=center,
            defaults={
                "name": name,
                "name_en": name_en,
                "purpose": "促进产业链上、中、下游协同合作，合力解决关键共性计量测试难题。",
                "founded_on": center.established_on or dt.date(today.year - 1, 1, 15),
                "contact_name": center.director_name,
                "contact_email": center.contact_email,
                "contact_phone": center.contact_phone,
            },
        )
        alliances[center.code] = alliance
        present = set(alliance.members.values_list("organisation_id", flat=True))
        Member.objects.bulk_create(
            Member(
                alliance=alliance,
                organisation=organisations[key],
                position=position,
                capabilities=capabilities,
                contact_name="联络人",
                status=status[0] if status else Member.Status.ACTIVE,
                joined_on=None if status else alliance.founded_on,
                message="申请加入联盟，共同开展计量测试合作。" if status else "",
            )
            for key, position, capabilities, *status in members
            if organisations[key].pk not in present and organisations[key].pk != center.host_id
        )
        titles = set(alliance.activities.values_list("title", flat=True))
        Activity.objects.bulk_create(
            Activity(
                alliance=alliance,
                held_on=_day(when, today),
                kind=kind,
                title=title,
                place="上海市计量测试技术研究院",
                attendee_count=30 + 5 * len(title) % 40,
                outcome="形成会议纪要，明确下一步联合攻关任务。",
            )
            for title, kind, when in activities
            if title not in titles
        )
