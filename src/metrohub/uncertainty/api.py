"""POST /api/v1/uncertainty/evaluate and GET /api/v1/uncertainty/results/{task_id}.

The body is the budget file itself (docs/uncertainty.md). Small evaluations are answered at once
(200); Monte Carlo runs of 10⁶ trials × measurands or more, and adaptive ones, are queued (202)
and their result is fetched by whoever queued them.
"""

from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from metrohub.core.api import ERRORS, error_response
from metrohub.core.bounds import digits
from metrohub.core.ratelimit import rate_limited

from . import services, tasks
from .budget import BudgetError, evaluate, parse_budget

router = Router(tags=["uncertainty"])

Method = Literal["gum", "mcm", "both"]


class MeasurandOut(Schema):
    """One measurand; `gum` and `mcm` as described in docs/uncertainty.md ("The result object")."""

    model_config = ConfigDict(extra="allow")

    symbol: str
    unit: str
    model: str
    gum: dict[str, Any] | None
    mcm: dict[str, Any] | None


class ResultOut(Schema):
    model_config = ConfigDict(extra="allow")

    title: str
    method: Method
    inputs: list[dict[str, Any]]
    measurands: list[MeasurandOut]
    correlation: dict[str, Any]
    warnings: list[dict[str, Any]]


class TaskAccepted(Schema):
    task_id: str
    status: str = Field(description="READY, RUNNING, SUCCESSFUL or FAILED (django.tasks)")
    result_url: str


class ErrorItem(Schema):
    field: str
    message: str


class TaskOut(Schema):
    task_id: str
    status: str = Field(description="READY, RUNNING, SUCCESSFUL or FAILED (django.tasks)")
    result: ResultOut | None = None
    errors: list[ErrorItem] = []


_BODY = {
    "requestBody": {
        "required": True,
        "description": "The budget file (docs/uncertainty.md, 'The budget file'), at most "
        f"{services.MAX_BUDGET_BYTES // 1024} KiB.",
        "content": {
            "application/json": {
                "schema": {"type": "object", "additionalProperties": True},
                "example": services.SAMPLE_BUDGET,
            }
        },
    }
}


def _invalid(request, exc: BudgetError):
    return error_response(
        request,
        422,
        "invalid",
        _("The budget has errors."),
        services.field_errors(exc.details),
    )


@router.post(
    "/evaluate",
    response={200: ResultOut, 202: TaskAccepted, **ERRORS},
    summary="Evaluate an uncertainty budget (GUM and/or Monte Carlo)",
    description=(
        "Answers 200 with the result object, or 202 with where to fetch it when the Monte Carlo "
        "run is queued (10⁶ trials × measurands or more, or adaptive). A budget with errors is "
        "422; each error's `field` is the JSON path in the budget, its `message` in the language "
        "of Accept-Language (Chinese by default)."
    ),
    openapi_extra=_BODY,
)
@rate_limited("evaluation")
def evaluate_budget(request, method: Method = "both"):
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not digits(length) or int(length) > services.MAX_BUDGET_BYTES:
        raise HttpError(413, services.too_large_message())
    body = request.body
    if len(body) > services.MAX_BUDGET_BYTES:
        raise HttpError(413, services.too_large_message())
    try:
        document = services.decode(body)
        budget = parse_budget(document)
        if not services.runs_as_task(budget, method):
            return Status(200, evaluate(budget, method=method))
        evaluate(budget, method="gum")  # the model at the estimates: reported now, not later
    except BudgetError as exc:
        return _invalid(request, exc)
    queued, url = services.queue_evaluation(document, method, request.auth.pk)
    return Status(202, {"task_id": queued.id, "status": str(queued.status), "result_url": url})


@router.get(
    "/results/{task_id}",
    response={200: TaskOut, **ERRORS},
    url_name="uncertainty_result",
    summary="The status and result of a queued evaluation (only for whoever queued it)",
)
def get_result(request, task_id: str):
    found, outcome = services.owned_outcome(task_id, request.auth.pk)
    if not found:
        return error_response(request, 404, "not_found", _("Not found."))
    if outcome is None:
        outcome = {"status": _queue_status(task_id)}
    errors = services.field_errors([tuple(e) for e in outcome.get("errors", [])])
    if outcome["status"] == "FAILED" and not errors:
        errors = [{"field": "$", "message": _("The evaluation failed.")}]
    return {
        "task_id": task_id,
        "status": outcome["status"],
        "result": outcome.get("result"),
        "errors": errors,
    }


def _queue_status(task_id: str) -> str:
    """The task's state in the queue while it has not stored its outcome."""
    backend = tasks.evaluate_budget.get_backend()
    if not backend.supports_get_result:
        return "READY"
    try:
        status = str(backend.get_result(task_id).status)
    except Exception:  # gone from the queue's table: report it as failed rather than waiting
        return "FAILED"
    return status
