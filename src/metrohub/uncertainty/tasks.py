"""The Monte Carlo runs too long for a request (django.tasks, database backend by default)."""

from django.tasks import task

from .budget import BudgetError, evaluate
from .services import store_outcome


@task(takes_context=True)
def evaluate_budget(context, budget: dict, method: str) -> dict:
    """Evaluate a budget document and store the outcome where the result endpoint finds it.

    Errors are kept as (path, code, params) so that they are rendered in the language of whoever
    fetches them.
    """
    task_id = context.task_result.id
    try:
        result = evaluate(budget, method=method)
    except BudgetError as exc:
        store_outcome(task_id, {"status": "FAILED", "errors": [list(d) for d in exc.details]})
        return {"status": "FAILED"}
    except Exception:
        store_outcome(task_id, {"status": "FAILED", "errors": []})
        raise
    store_outcome(task_id, {"status": "SUCCESSFUL", "result": result})
    return {"status": "SUCCESSFUL"}
