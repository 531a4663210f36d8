"""Demo: the example rubric of each pack as version 1, and a drawn panel (seed 20250301) on the
Chongqing demo case at on-site acceptance, so the pages have something to show."""

from django.conf import settings

from metrohub.accounts.models import User


def build(world: dict) -> None:
    from metrohub.cases.models import Case
    from metrohub.panels import services
    from metrohub.panels.models import Panel
    from metrohub.rulepacks.services import registry

    for code in registry().codes():
        sc = registry().latest(code).acceptance_scoring
        if sc is not None and sc.example_rubric is not None:
            services.rubric_for(code)
    if not getattr(settings, "METROHUB_DEMO_CASES", True):
        return
    case = Case.objects.filter(
        rulepack_code="chongqing", state="onsite_acceptance", center_name__startswith="【示例】"
    ).first()
    regulator = (
        world.get("users", {}).get("cq_regulator")
        or User.objects.filter(username="cq_regulator").first()
    )
    if (
        case is None
        or regulator is None
        or Panel.objects.filter(case=case, purpose=Panel.Purpose.ONSITE_ACCEPTANCE).exists()
    ):
        return
    services.draw_panel(actor=regulator, case=case, size=3, seed=20250301)
