"""Demo experts across the three regions, so panels can be drawn from the first start."""

from metrohub.accounts.demo import ensure_user
from metrohub.accounts.models import Role
from metrohub.experts.models import ExpertProfile

# (username, name, organisation key, region code, title, domains, areas)
EXPERTS = [
    (
        "expert1",
        "孙伟",
        "hb-hbmi",
        "420000",
        "正高级工程师",
        ["new_energy_vehicles", "high_end_equipment"],
        ["mechanical", "thermal"],
    ),
    (
        "expert2",
        "郑洁",
        "sh-simt",
        "310000",
        "研究员",
        ["integrated_circuits", "photonic_chips"],
        ["electromagnetic", "optical"],
    ),
    (
        "expert3",
        "马骏",
        "cq-cqmi",
        "500000",
        "正高级工程师",
        ["new_energy_vehicles"],
        ["mechanical", "geometric"],
    ),
    (
        "expert4",
        "高远",
        "cq-univ",
        "500000",
        "教授",
        ["new_materials", "high_end_equipment"],
        ["physico_chemical", "thermal"],
    ),
    (
        "expert5",
        "林珊",
        "sh-bio",
        "310000",
        "研究员",
        ["biomedicine", "gene_cell"],
        ["physico_chemical", "ionizing_radiation"],
    ),
    (
        "expert6",
        "何平",
        "hb-optics",
        "420000",
        "高级工程师",
        ["information_communication", "six_g"],
        ["radio", "time_frequency"],
    ),
    (
        "expert7",
        "邓晨",
        "hb-hbmi",
        "420000",
        "正高级工程师",
        ["aerospace", "high_end_equipment"],
        ["acoustic", "mechanical"],
    ),
    (
        "expert8",
        "许宁",
        "sh-simt",
        "310000",
        "高级工程师",
        ["digital", "artificial_intelligence"],
        ["electromagnetic", "time_frequency"],
    ),
]


def build(world: dict) -> None:
    orgs, places = world["organisations"], world["jurisdictions"]
    for username, name, org_key, region, title, domains, areas in EXPERTS:
        user = world["users"].get(username) or ensure_user(
            world, username, name, Role.EXPERT, org_key, region
        )
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
