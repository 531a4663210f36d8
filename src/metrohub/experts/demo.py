"""Demo experts across the three regions, so panels can be drawn from the first start."""

from metrohub.accounts.demo import DEMO_PASSWORD
from metrohub.accounts.models import Role, RoleAssignment, User
from metrohub.experts.models import ExpertProfile

# (username, name, organisation key, region code, title, domains, areas)
EXPERTS = [
    (
        "expert1",
        "专家 孙伟",
        "hb-hbmi",
        "420000",
        "正高级工程师",
        ["new_energy_vehicles", "high_end_equipment"],
        ["mechanical", "thermal"],
    ),
    (
        "expert2",
        "专家 郑洁",
        "sh-simt",
        "310000",
        "研究员",
        ["integrated_circuits", "photonic_chips"],
        ["electromagnetic", "optical"],
    ),
    (
        "expert3",
        "专家 马骏",
        "cq-cqmi",
        "500000",
        "正高级工程师",
        ["new_energy_vehicles"],
        ["mechanical", "geometric"],
    ),
    (
        "expert4",
        "专家 高远",
        "cq-univ",
        "500000",
        "教授",
        ["new_materials", "high_end_equipment"],
        ["physico_chemical", "thermal"],
    ),
    (
        "expert5",
        "专家 林珊",
        "sh-bio",
        "310000",
        "研究员",
        ["biomedicine", "gene_cell"],
        ["physico_chemical", "ionizing_radiation"],
    ),
    (
        "expert6",
        "专家 何平",
        "hb-optics",
        "420000",
        "高级工程师",
        ["information_communication", "six_g"],
        ["radio", "time_frequency"],
    ),
    (
        "expert7",
        "专家 邓晨",
        "hb-hbmi",
        "420000",
        "正高级工程师",
        ["aerospace", "high_end_equipment"],
        ["acoustic", "mechanical"],
    ),
    (
        "expert8",
        "专家 许宁",
        "sh-simt",
        "310000",
        "高级工程师",
        ["digital", "artificial_intelligence"],
        ["electromagnetic", "time_frequency"],
    ),
]


def build(world: dict) -> None:
    users, orgs, places = world["users"], world["organisations"], world["jurisdictions"]
    for username, name, org_key, region, title, domains, areas in EXPERTS:
        user = users.get(username)
        if user is None:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"display_name": name, "email": f"{username}@demo.metrohub.localhost"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            RoleAssignment.objects.get_or_create(
                user=user, role=Role.EXPERT, organisation=orgs[org_key], jurisdiction=places[region]
            )
            users[username] = user
        ExpertProfile.objects.update_or_create(
            user=user,
            defaults={
                "organisation": orgs[org_key],
                "region": places[region],
                "title": title,
                "domains": domains,
                "areas": areas,
            },
        )
