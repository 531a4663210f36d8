"""The panels API: draw, replay, decline, score sheets, the leader's result, the regulator's
act on it, rubrics. Every status an operation can answer is declared."""

from typing import Literal

from django.http import FileResponse, Http404
from ninja import Router, Schema, Status
from pydantic import Field

from metrohub.cases import services as cases
from metrohub.core.api import ERRORS, WRITE_ERRORS
from metrohub.panels import report, services
from metrohub.panels.models import Panel, PanelMember, Rubric, ScoreSheet

router = Router(tags=["panels"])


class PanelDrawIn(Schema):
    size: int = Field(3, ge=1, le=25)
    required_specialties: list[str] = Field(default_factory=list, max_length=20)
    min_outside_region: int = Field(0, ge=0, le=25)
    leader_id: int | None = Field(None, ge=1, le=2**31)
    seed: int | None = Field(None, ge=0, le=2**62)


class PanelMemberOut(Schema):
    id: int
    expert_id: int
    name: str
    organisation: str
    position: int
    status: str
    decline_reason: str
    replaced_by: int | None
    leader: bool
    sheet_id: int | None
    sheet_state: str | None


class PanelExclusionOut(Schema):
    expert: int
    reason: str
    organisation: int | None = None


class PanelResultOut(Schema):
    score: str | None
    passed: bool | None
    method: dict
    items_to_rectify: list[dict]
    recommendation: str
    opinions: list[dict]


class PanelOut(Schema):
    id: int
    case_id: int
    purpose: str
    round: int
    state: str
    seed: int
    criteria: dict
    order: list[int]
    exclusions: list[PanelExclusionOut]
    leader_id: int
    supervisor: str | None
    rubric_version: int | None
    members: list[PanelMemberOut]
    result: PanelResultOut | None
    report_sha256: str


class PanelReplayOut(Schema):
    matches: bool
    recorded: list[int]
    replayed: list[int]
    leader_id: int


class PanelReasonIn(Schema):
    reason: str = Field(..., max_length=2000)


class ScoreSheetIn(Schema):
    scores: dict[str, str | float | int | None] = Field(default_factory=dict)
    reasons: dict[str, str] = Field(default_factory=dict)
    opinion: str = Field("", max_length=10000)
    recommendation: Literal["", "recommend", "not_recommend"] = ""


class ScoreSheetOut(Schema):
    id: int
    panel_id: int
    case_id: int
    expert: str
    rubric_version: int | None
    state: str
    scores: dict[str, str]
    reasons: dict[str, str]
    opinion: str
    recommendation: str
    total: str | None
    submitted_at: str | None
    reopen_log: list[dict]


class PanelApplyIn(Schema):
    document_number: str = Field("", max_length=100)
    document_date: str = Field("", max_length=10)
    reasons: str = Field("", max_length=10000)


class PanelApplyOut(Schema):
    case_id: int
    state: str


class PanelRubricOut(Schema):
    pack_code: str
    version: int
    example: bool
    note: str
    areas: list[dict]


class PanelRubricIn(Schema):
    areas: list[dict] = Field(..., max_length=20)
    note: str = Field("", max_length=2000)


def panel_out(panel: Panel, user) -> dict:
    members = list(panel.members.select_related("expert__user", "expert__organisation"))
    result = getattr(panel, "result", None) if panel.state != Panel.State.SCORING else None
    return {
        "id": panel.pk,
        "case_id": panel.case_id,
        "purpose": panel.purpose,
        "round": panel.round,
        "state": panel.state,
        "seed": panel.seed,
        "criteria": panel.criteria,
        "order": panel.order,
        "exclusions": panel.exclusions,
        "leader_id": panel.leader_id,
        "supervisor": str(panel.supervisor) if panel.supervisor else None,
        "rubric_version": panel.rubric.version if panel.rubric else None,
        "members": [
            {
                "id": m.pk,
                "expert_id": m.expert_id,
                "name": str(m.expert),
                "organisation": str(m.expert.organisation),
                "position": m.position,
                "status": m.status,
                "decline_reason": m.decline_reason,
                "replaced_by": m.replaced_by_id,
                "leader": m.expert_id == panel.leader_id,
                "sheet_id": m.sheet.pk if hasattr(m, "sheet") else None,
                "sheet_state": m.sheet.state if hasattr(m, "sheet") else None,
            }
            for m in members
        ],
        "result": (
            {
                "score": str(result.score) if result.score is not None else None,
                "passed": result.passed,
                "method": result.method,
                "items_to_rectify": result.items_to_rectify,
                "recommendation": result.recommendation,
                "opinions": result.opinions,
            }
            if result
            else None
        ),
        "report_sha256": panel.report_sha256,
    }


def sheet_out(sheet: ScoreSheet) -> dict:
    return {
        "id": sheet.pk,
        "panel_id": sheet.member.panel_id,
        "case_id": sheet.member.panel.case_id,
        "expert": str(sheet.member.expert),
        "rubric_version": sheet.rubric.version if sheet.rubric else None,
        "state": sheet.state,
        "scores": sheet.scores,
        "reasons": sheet.reasons,
        "opinion": sheet.opinion,
        "recommendation": sheet.recommendation,
        "total": str(sheet.total) if sheet.total is not None else None,
        "submitted_at": sheet.submitted_at.isoformat() if sheet.submitted_at else None,
        "reopen_log": sheet.reopen_log,
    }


@router.get(
    "/cases/{case_id}/panels",
    response={200: list[PanelOut], **ERRORS},
    summary="The expert panels of a case",
)
def list_panels(request, case_id: int):
    case = cases.get_case(request.user, case_id)
    return [panel_out(p, request.user) for p in services.panels_for(request.user).filter(case=case)]


@router.post(
    "/cases/{case_id}/panels",
    response={201: PanelOut, **WRITE_ERRORS},
    summary="Draw the panel the case's stage calls for (regulator)",
)
def draw_panel(request, case_id: int, body: PanelDrawIn):
    case = cases.get_case(request.user, case_id)
    panel = services.draw_panel(actor=request.user, case=case, **body.dict())
    return Status(201, panel_out(panel, request.user))


@router.get("/panels/mine", response={200: list[PanelOut], **ERRORS}, summary="My panels")
def my_panels(request):
    panels = Panel.objects.filter(members__expert__user=request.user).distinct()
    return [panel_out(p, request.user) for p in panels]


@router.get("/panels/{panel_id}", response={200: PanelOut, **ERRORS}, summary="One panel")
def get_panel(request, panel_id: int):
    return panel_out(services.get_panel(request.user, panel_id), request.user)


@router.get(
    "/panels/{panel_id}/replay",
    response={200: PanelReplayOut, **ERRORS},
    summary="Draw again from the recorded seed and candidates",
)
def replay_panel(request, panel_id: int):
    panel = services.get_panel(request.user, panel_id)
    again = services.replay(panel)
    recorded = list(services.initial_members(panel))
    return {
        "matches": list(again.panel) == recorded,
        "recorded": recorded,
        "replayed": list(again.panel),
        "leader_id": again.leader_id,
    }


def _member(request, panel_id: int, member_id: int) -> PanelMember:
    panel = services.get_panel(request.user, panel_id)
    try:
        return panel.members.select_related("expert__user", "panel__case").get(pk=member_id)
    except PanelMember.DoesNotExist:
        raise Http404 from None


@router.post(
    "/panels/{panel_id}/members/{member_id}/decline",
    response={200: PanelMemberOut, **WRITE_ERRORS},
    summary="Decline a seat; a replacement is drawn and both records are kept",
)
def decline(request, panel_id: int, member_id: int, body: PanelReasonIn):
    member = _member(request, panel_id, member_id)
    new = services.decline_and_replace(actor=request.user, member=member, reason=body.reason)
    panel = Panel.objects.get(pk=panel_id)
    return next(m for m in panel_out(panel, request.user)["members"] if m["id"] == new.pk)


@router.post(
    "/panels/{panel_id}/result",
    response={200: PanelOut, **WRITE_ERRORS},
    summary="The leader concludes the panel once every sheet is submitted",
)
def conclude(request, panel_id: int):
    panel = services.get_panel(request.user, panel_id)
    services.compute_result(actor=request.user, panel=panel)
    return panel_out(Panel.objects.get(pk=panel.pk), request.user)


@router.post(
    "/panels/{panel_id}/apply",
    response={200: PanelApplyOut, **WRITE_ERRORS},
    summary="The regulator acts on the panel's result through the case's rule pack",
)
def apply(request, panel_id: int, body: PanelApplyIn):
    panel = services.get_panel(request.user, panel_id)
    case = services.apply_result(actor=request.user, panel=panel, **body.dict())
    return {"case_id": case.pk, "state": case.state}


@router.get(
    "/panels/{panel_id}/report.pdf",
    response={200: None, **ERRORS},
    summary="The assessment report (PDF, Chinese)",
)
def report_pdf(request, panel_id: int):
    panel = services.get_panel(request.user, panel_id)
    if not panel.report:
        raise Http404
    return FileResponse(panel.report.open("rb"), content_type="application/pdf")


@router.post(
    "/panels/{panel_id}/report",
    response={200: PanelOut, **WRITE_ERRORS},
    summary="Issue the assessment report (PDF) with its SHA-256",
)
def issue_report(request, panel_id: int):
    panel = services.get_panel(request.user, panel_id)
    return panel_out(report.issue_report(actor=request.user, panel=panel), request.user)


@router.get("/sheets/{sheet_id}", response={200: ScoreSheetOut, **ERRORS}, summary="A score sheet")
def get_sheet(request, sheet_id: int):
    return sheet_out(services.get_sheet(request.user, sheet_id))


@router.put(
    "/sheets/{sheet_id}",
    response={200: ScoreSheetOut, **WRITE_ERRORS},
    summary="Save my draft score sheet",
)
def save_sheet(request, sheet_id: int, body: ScoreSheetIn):
    sheet = services.get_sheet(request.user, sheet_id)
    return sheet_out(services.save_sheet(actor=request.user, sheet=sheet, **body.dict()))


@router.post(
    "/sheets/{sheet_id}/submit",
    response={200: ScoreSheetOut, **WRITE_ERRORS},
    summary="Submit (lock) my score sheet",
)
def submit_sheet(request, sheet_id: int):
    sheet = services.get_sheet(request.user, sheet_id)
    return sheet_out(services.submit_sheet(actor=request.user, sheet=sheet))


@router.post(
    "/sheets/{sheet_id}/reopen",
    response={200: ScoreSheetOut, **WRITE_ERRORS},
    summary="Reopen a submitted sheet (panel leader, with the reason)",
)
def reopen_sheet(request, sheet_id: int, body: PanelReasonIn):
    sheet = services.get_sheet(request.user, sheet_id)
    return sheet_out(services.reopen_sheet(actor=request.user, sheet=sheet, reason=body.reason))


def rubric_out(r: Rubric) -> dict:
    return {
        "pack_code": r.pack_code,
        "version": r.version,
        "example": r.example,
        "note": r.note,
        "areas": r.areas,
    }


def _pack_code(code: str) -> str:
    from metrohub.rulepacks.services import registry

    if code not in registry().codes():
        raise Http404
    return code


@router.get(
    "/rubrics/{pack_code}",
    response={200: PanelRubricOut, **WRITE_ERRORS},
    summary="A pack's rubric",
)
def get_rubric(request, pack_code: str):
    return rubric_out(services.rubric_for(_pack_code(pack_code)))


@router.post(
    "/rubrics/{pack_code}",
    response={201: PanelRubricOut, **WRITE_ERRORS},
    summary="Replace a pack's rubric: a new version (regulator)",
)
def edit_rubric(request, pack_code: str, body: PanelRubricIn):
    rubric = services.edit_rubric(
        actor=request.user, pack_code=_pack_code(pack_code), areas=body.areas, note=body.note
    )
    return Status(201, rubric_out(rubric))
