import time

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def home(request):
    return render(request, "core/home.html")


def _database_health() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001  (any failure means unhealthy, and we say which)
        return {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return {
        "ok": True,
        "vendor": connection.vendor,
        "latency_ms": round((time.perf_counter() - started) * 1000, 2),
    }


def _task_health() -> dict:
    from django.tasks import task_backends

    instance = task_backends["default"]
    backend = f"{instance.__class__.__module__}.{instance.__class__.__name__}"
    info = {"ok": True, "backend": backend}
    if backend.startswith("django_tasks_db"):
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        try:
            ready = DBTaskResult.objects.ready()
            info["queued"] = ready.count()
            oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
            info["oldest_queued_seconds"] = (
                round((timezone.now() - oldest).total_seconds()) if oldest else 0
            )
        except Exception as exc:  # noqa: BLE001
            info.update(ok=False, error=exc.__class__.__name__)
    return info


@never_cache
@require_GET
def healthz(request):
    database = _database_health()
    tasks = _task_health() if database["ok"] else {"ok": False, "error": "database unavailable"}
    ok = database["ok"] and tasks["ok"]
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": database, "tasks": tasks},
        status=200 if ok else 503,
        json_dumps_params={"ensure_ascii": False},
    )
