"""Demo users, one for every role (and a regulator for each region)."""

from metrohub.accounts.models import Role, RoleAssignment, User

DEMO_PASSWORD = "metrohub-demo"

# (username, display name, role, organisation key, jurisdiction code)
USERS = [
    ("admin", "韩冰", Role.PLATFORM_ADMIN, None, "000000"),
    ("cq_regulator", "张明", Role.PROGRAMME_REGULATOR, "cq-amr", "500000"),
    ("cq_district", "李强", Role.DISTRICT_REGULATOR, "cq-yubei-amr", "500112"),
    ("cq_authority", "王芳", Role.COMPETENT_AUTHORITY, "cq-eitc", "500000"),
    ("cq_applicant", "赵磊", Role.APPLICANT, "cq-auto", "500107"),
    ("cq_director", "陈静", Role.CENTER_DIRECTOR, "cq-cqmi", "500112"),
    ("hb_regulator", "刘洋", Role.PROGRAMME_REGULATOR, "hb-amr", "420000"),
    ("sh_regulator", "周敏", Role.PROGRAMME_REGULATOR, "sh-amr", "310000"),
    ("expert1", "孙伟", Role.EXPERT, "hb-hbmi", "420000"),
    ("industry_user", "吴倩", Role.INDUSTRY_USER, "sh-ic", "310000"),
]


def ensure_user(
    world: dict, username: str, name: str, role: str, org_key: str | None, division: str
):
    """A demo person holding one role (created once, with the demo password); every app's demo
    builder makes its people through this."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": name, "email": f"{username}@demo.metrohub.localhost"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        if role == Role.PLATFORM_ADMIN:
            user.is_staff = user.is_superuser = True
        user.save()
    RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        organisation=world["organisations"].get(org_key) if org_key else None,
        jurisdiction=world["jurisdictions"][division],
    )
    world.setdefault("users", {})[username] = user
    return user


def build(world: dict) -> None:
    for row in USERS:
        ensure_user(world, *row)
