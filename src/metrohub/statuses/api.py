"""The public status history of a center."""

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from metrohub.centers.models import Center
from metrohub.centers.scope import public_centers
from metrohub.core.api import ERRORS
from metrohub.statuses import services

router = Router(tags=["centers"])


class StatusChangeOut(Schema):
    status: str
    status_name: str
    previous: str
    on: str
    decision_kind: str
    decision_name: str
    document_number: str
    document_date: str | None
    article: str
    case: int | None


class StatusHistoryOut(Schema):
    code: str
    status: str
    status_name: str
    history: list[StatusChangeOut]


def _change(c) -> dict:
    d = c.decision
    return {
        "status": c.status,
        "status_name": str(c.get_status_display()),
        "previous": c.previous,
        "on": c.on.isoformat(),
        "decision_kind": d.kind if d else "",
        "decision_name": str(d.get_kind_display()) if d else "",
        "document_number": d.document_number if d else "",
        "document_date": d.document_date.isoformat() if d and d.document_date else None,
        "article": c.article,
        "case": c.case_id,
    }


@router.get(
    "/centers/{code}/status-history",
    response={200: StatusHistoryOut, **ERRORS},
    auth=None,
    summary="A center's status and its history",
)
def status_history(request, code: str):
    center: Center = get_object_or_404(public_centers(), code=code)
    return {
        "code": center.code,
        "status": center.status,
        "status_name": str(center.get_status_display()),
        "history": [_change(c) for c in services.history(center=center)],
    }
