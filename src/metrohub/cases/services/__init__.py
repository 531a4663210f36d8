"""The procedure engine, one module per noun:

- `clock` — the engine's today() and its mail switch;
- `scope` — who acts for a case, which cases a person may see (and the readers other apps add);
- `stages` — what the case's pack allows at its stage;
- `records`, `preconditions`, `effects` — one handler per code of the packs' vocabularies; an app
  that owns what a code reads or changes registers its own handler;
- `transitions` — `take_transition`, the only way a case changes state;
- `obligations` — deadlines opened, closed, waived; `idempotency` — API retries act once;
- `filing`, `materials`, `notices`, `reports` — what actors file besides transitions;
- `worklists`, `reminders` — what waits for whom, and the daily reminders;
- `duties` — the cases the packs' duty schedules open (annual reports, inspections, reviews).

The names below are the engine's public face; callers import them from here.
"""

from metrohub.cases.services import clock
from metrohub.cases.services.clock import quiet
from metrohub.cases.services.consents import answer as answer_invitation
from metrohub.cases.services.consents import get_invitation, invitations_for
from metrohub.cases.services.context import Ctx, Problem
from metrohub.cases.services.documents import (
    get_decision,
    issue_decision_document,
    public_decisions,
)
from metrohub.cases.services.duties import due_on, open_case, open_due, openable_kinds
from metrohub.cases.services.effects import EFFECTS, make_decision
from metrohub.cases.services.filing import autosave_draft, create_case, update_draft
from metrohub.cases.services.materials import current_materials, upload_material
from metrohub.cases.services.notices import (
    answer_objection,
    file_objection,
    notice_closing,
    notice_details,
    public_notices,
)
from metrohub.cases.services.obligations import waive_obligation
from metrohub.cases.services.preconditions import PRECONDITIONS
from metrohub.cases.services.records import RECORDS, normalise_document_number
from metrohub.cases.services.reminders import REMINDER_DAYS, RemindResult, remind
from metrohub.cases.services.reports import (
    event_reports,
    file_supervisor_report,
    record_self_check,
    report_event,
)
from metrohub.cases.services.scope import (
    AUTHORITY_ROLES,
    case_roles,
    cases_for,
    get_case,
    users_for,
)
from metrohub.cases.services.stages import (
    available_transitions,
    editable_stages,
    is_editable,
    pack_for,
    rectification_rounds_used,
    stages_with,
)
from metrohub.cases.services.supplements import open_defects
from metrohub.cases.services.taskbooks import (
    late_milestones,
    record_visit,
    report_progress,
    save_task_book,
    submit_plan,
    task_book,
)
from metrohub.cases.services.transitions import take_transition
from metrohub.cases.services.versions import later_versions, move_to_version
from metrohub.cases.services.worklists import WorkItem, with_due, with_next_due, worklist


def today():
    """The engine's today (see `clock`; replaced there by tests and the demo)."""
    return clock.today()


__all__ = [
    "AUTHORITY_ROLES",
    "EFFECTS",
    "PRECONDITIONS",
    "RECORDS",
    "REMINDER_DAYS",
    "Ctx",
    "Problem",
    "RemindResult",
    "WorkItem",
    "answer_invitation",
    "answer_objection",
    "autosave_draft",
    "available_transitions",
    "case_roles",
    "cases_for",
    "create_case",
    "current_materials",
    "due_on",
    "open_case",
    "open_due",
    "openable_kinds",
    "editable_stages",
    "event_reports",
    "file_objection",
    "file_supervisor_report",
    "get_case",
    "get_decision",
    "issue_decision_document",
    "public_decisions",
    "get_invitation",
    "invitations_for",
    "is_editable",
    "later_versions",
    "make_decision",
    "move_to_version",
    "normalise_document_number",
    "notice_closing",
    "notice_details",
    "open_defects",
    "pack_for",
    "public_notices",
    "quiet",
    "record_self_check",
    "rectification_rounds_used",
    "remind",
    "report_event",
    "stages_with",
    "late_milestones",
    "record_visit",
    "report_progress",
    "save_task_book",
    "submit_plan",
    "take_transition",
    "task_book",
    "today",
    "update_draft",
    "upload_material",
    "users_for",
    "waive_obligation",
    "with_due",
    "with_next_due",
    "worklist",
]
