"""The Django side of the uncertainty engine: reading a budget from a request, deciding where it
runs, the messages in the caller's language, and the store of results computed as tasks.

The engine itself (budget.py, gum.py, mcm.py, ...) stays free of Django; only this module, the
views, the API, the task and the management command import both.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from . import messages
from .budget import Budget, BudgetError, decode_json

# The largest budget document accepted from the API or the page (bytes).
MAX_BUDGET_BYTES = 512 * 1024
# Monte Carlo runs of this many trials x measurands or more (and every adaptive run) go to the
# task queue from the API; smaller ones are answered in the request.
TASK_THRESHOLD = 1_000_000
# ... and so do runs whose draws (trials x inputs) exceed this, whatever the measurands.
TASK_DRAWS = 20_000_000
# The page evaluates in the request at most this many trials x measurands, and at most PAGE_DRAWS
# random draws (trials x inputs: 200 inputs x 2 million trials took 5.4 s of a server's time), and
# caps the adaptive procedure to them. Beyond them an anonymous visitor is asked to sign in; a
# signed-in person's run is queued as a task, as the API does.
PAGE_LIMIT = 2_000_000
PAGE_DRAWS = 10_000_000
# Results of tasks are kept this long (seconds).
RESULT_LIFETIME = 7 * 24 * 3600

TASK_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def engine_language(language: str | None = None) -> str:
    """The engine's catalogue for a Django language code: "zh-hans" or "en"."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    return "zh-hans" if language.startswith("zh") else "en"


def field_errors(details: list[tuple[str, str, dict]], language: str | None = None) -> list[dict]:
    """[(path, code, params)] as the shared error schema's [{field, message}], translated."""
    lang = engine_language(language)
    return [
        {"field": path, "message": messages.render(code, params, lang)}
        for path, code, params in details
    ]


def too_large_message() -> str:
    return _("The budget is larger than %(size)d KiB.") % {"size": MAX_BUDGET_BYTES // 1024}


def decode(raw: bytes | str) -> Any:
    """The JSON document of a budget; a problem is a BudgetError at "$"."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw.lstrip("\ufeff")
    except UnicodeDecodeError:
        raise BudgetError([("$", "not_utf8", {})]) from None
    return decode_json(text)


def page_trials(budget: Budget) -> int:
    """The most Monte Carlo trials the page runs in the request for this budget."""
    return min(
        PAGE_LIMIT // max(len(budget.measurands), 1),
        PAGE_DRAWS // max(len(budget.inputs), 1),
    )


def queue_evaluation(document: Any, method: str, user_id: int):
    """Queue an evaluation for a signed-in person; (task id, where its result is fetched)."""
    from django.urls import reverse

    from . import tasks

    queued = tasks.evaluate_budget.enqueue(document, method)
    record_owner(queued.id, user_id)
    return queued, reverse("api:uncertainty_result", kwargs={"task_id": queued.id})


def runs_as_task(budget: Budget, method: str) -> bool:
    if method == "gum":
        return False
    trials = budget.mcm.max_trials if budget.mcm.adaptive else budget.mcm.trials
    return (
        budget.mcm.adaptive
        or trials * len(budget.measurands) >= TASK_THRESHOLD
        or trials * len(budget.inputs) >= TASK_DRAWS
    )


# --- results of tasks ---------------------------------------------------------------------------
#
# Files under DATA_DIR/uncertainty (shared by the web server and the worker, like the SQLite
# file): <id>.owner.json written by the request that queued the task, <id>.json by the task.


def results_dir() -> Path:
    folder = Path(
        getattr(settings, "METROHUB_UNCERTAINTY_RESULTS_DIR", settings.DATA_DIR / "uncertainty")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write_json(path: Path, document: dict) -> None:
    """Atomically, so a reader never sees half a file."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, allow_nan=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def record_owner(task_id: str, user_id: int) -> None:
    folder = results_dir()
    _prune(folder)
    _write_json(folder / f"{task_id}.owner.json", {"owner": user_id, "queued_at": time.time()})


def store_outcome(task_id: str, outcome: dict) -> None:
    _write_json(results_dir() / f"{task_id}.json", outcome)


def owned_outcome(task_id: str, user_id: int) -> tuple[bool, dict | None]:
    """(whether the task exists and is the user's, its outcome once the task has finished)."""
    if not TASK_ID.match(task_id):
        return False, None
    folder = results_dir()
    owner = _read_json(folder / f"{task_id}.owner.json")
    if owner is None or owner.get("owner") != user_id:
        return False, None
    return True, _read_json(folder / f"{task_id}.json")


def _prune(folder: Path) -> None:
    limit = time.time() - RESULT_LIFETIME
    for path in folder.glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue


# --- the sample on the calculator page ----------------------------------------------------------

# A thermometer reading as in GUM 4.4.3 (its twenty readings, Type A), with the certificate's
# calibration correction (Type B, normal, k = 2) and the display resolution (rectangular).
SAMPLE_BUDGET: dict = {
    "title": "温度计示值 · Thermometer reading (GUM 4.4.3)",
    "measurands": [{"symbol": "t", "model": "T + dT_cal + dT_res", "unit": "°C"}],
    "inputs": [
        {
            "symbol": "T",
            "unit": "°C",
            "observations": [
                96.90,
                98.18,
                98.25,
                98.61,
                99.03,
                99.49,
                99.56,
                99.74,
                99.89,
                100.07,
                100.33,
                100.42,
                100.68,
                100.95,
                101.11,
                101.20,
                101.57,
                101.84,
                102.36,
                102.72,
            ],
        },  # fmt: skip
        {
            "symbol": "dT_cal",
            "value": 0.0,
            "unit": "°C",
            "uncertainty": {"distribution": "normal", "expanded": 0.2, "k": 2},
        },
        {
            "symbol": "dT_res",
            "value": 0.0,
            "unit": "°C",
            "uncertainty": {"distribution": "rectangular", "half_width": 0.05},
        },
    ],
    "coverage": {"k": 2},
    "mcm": {"trials": 1_000_000, "seed": 1},
    "report": {"significant_digits": 2, "rounding": "half-even"},
}


def sample_text() -> str:
    return dumps_budget(SAMPLE_BUDGET)


_NUMBER_LIST = re.compile(r"\[\n\s*(-?[0-9][-+0-9.eE]*(?:,\n\s*-?[0-9][-+0-9.eE]*)*)\n\s*\]")


def dumps_budget(document: Any) -> str:
    """A budget document as the JSON text users save, a list of numbers on one line."""
    text = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
    return _NUMBER_LIST.sub(
        lambda m: "[" + ", ".join(n.strip() for n in m.group(1).split(",")) + "]", text
    )
