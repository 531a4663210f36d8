"""Sample panels for the demo world and the engine's walks: drawn, scored and concluded through
the same services as real ones, with the conclusion the walk wants."""

from __future__ import annotations

from decimal import Decimal

from metrohub.accounts.models import Role
from metrohub.cases import services as cases
from metrohub.panels import services
from metrohub.panels.models import Panel


def sheet_scores(rubric, total) -> dict:
    """Item scores summing to `total`: every item at its maximum, the shortfall deducted item by
    item, each deduction with its reason."""
    short = Decimal(str(rubric.max_score)) - Decimal(str(total))
    scores, reasons = {}, {}
    for area in rubric.areas:
        for item in area["items"]:
            top = Decimal(str(item["max_points"]))
            cut = min(top, short)
            short -= cut
            scores[item["code"]] = str(top - cut)
            if cut:
                reasons[item["code"]] = f"{item['name_zh']}：不足（扣{cut}分）"
    return {"scores": scores, "reasons": reasons}


def conclude(case, kind: str, payload: dict) -> Panel:
    """Draw the stage's panel (unless drawn), let every member submit, let the leader conclude."""
    regulator = cases.users_for(case, [Role.PROGRAMME_REGULATOR])[0]
    purpose, round_ = services.purpose_for(case)
    panel = Panel.objects.filter(case=case, purpose=purpose, round=round_).first()
    if panel is None:
        panel = services.draw_panel(actor=regulator, case=case, size=3, seed=case.pk * 100 + round_)
    recommend = payload.get("conclusion") in ("recommend", "pass", None)
    for member in panel.members.select_related("expert__user", "sheet"):
        if not member.seated or member.sheet.state == "submitted":
            continue
        fields = {"opinion": "同意（示例）" if recommend else "不同意（示例）"}
        if kind == "acceptance":
            fields.update(sheet_scores(member.sheet.rubric, payload["score"]))
        else:
            fields["recommendation"] = "recommend" if recommend else "not_recommend"
        services.save_sheet(actor=member.expert.user, sheet=member.sheet, **fields)
        services.submit_sheet(actor=member.expert.user, sheet=member.sheet)
    panel.refresh_from_db()
    services.compute_result(actor=panel.leader.user, panel=panel)
    return panel
