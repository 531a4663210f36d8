"""Demo: the people each region's procedure needs, and cases in every stage of every pack.

Each case is walked from its initial stage through the engine itself (`take_transition`), so the
demo shows exactly what the rules produce: obligations, decisions, events, established centers.
"""

from django.conf import settings

from metrohub.accounts.demo import DEMO_PASSWORD
from metrohub.accounts.models import Role, RoleAssignment, User

# (username, display name, role, organisation key, jurisdiction code)
USERS = [
    ("hb_applicant", "光电科技公司 杨帆", Role.APPLICANT, "hb-optics", "420111"),
    ("hb_authority", "省经信厅 马丽", Role.COMPETENT_AUTHORITY, "hb-eit", "420000"),
    ("hb_district", "洪山区局 胡斌", Role.DISTRICT_REGULATOR, "hb-hongshan-amr", "420111"),
    ("sh_applicant", "集成电路公司 徐航", Role.APPLICANT, "sh-ic", "310114"),
    ("sh_cobuilder", "生物医药研究所 沈悦", Role.APPLICANT, "sh-bio", "310112"),
    ("sh_authority", "市经信委 顾超", Role.COMPETENT_AUTHORITY, "sh-eit", "310000"),
    ("sh_district", "浦东新区局 陆佳", Role.DISTRICT_REGULATOR, "sh-pudong-amr", "310115"),
    ("sh_director", "集成电路公司 中心主任 钱程", Role.CENTER_DIRECTOR, "sh-ic", "310114"),
]


def build_users(world: dict) -> None:
    users = world.setdefault("users", {})
    for username, name, role, org_key, division in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"display_name": name, "email": f"{username}@demo.metrohub.localhost"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            organisation=world["organisations"][org_key],
            jurisdiction=world["jurisdictions"][division],
        )
        users[username] = user


def build(world: dict) -> None:
    build_users(world)
    if not getattr(settings, "METROHUB_DEMO_CASES", True):
        return
    from metrohub.cases.walk import build_demo_cases

    build_demo_cases(world)
