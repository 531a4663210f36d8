"""The event log in the reader's words: what happened to which subject, by label, never by code.

Actions are written "noun.verb" by the services; case steps are "transition.<name>" and reports
"report.<code>" of the case's rule pack, named by the pack.
"""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "activity.file": _("activity file added"),
    "activity.recorded": _("activity recorded"),
    "alliance.charter": _("alliance charter adopted"),
    "alliance.founded": _("alliance founded"),
    "alliance.updated": _("alliance updated"),
    "authorization.granted": _("authorization granted"),
    "authorization.revoked": _("authorization revoked"),
    "booking.cancelled": _("booking cancelled"),
    "booking.confirmed": _("booking confirmed"),
    "booking.refused": _("booking refused"),
    "booking.usage": _("use of a resource recorded"),
    "calendar.imported": _("holiday calendar imported"),
    "case.filed": _("application filed"),
    "case.moved_to_version": _("case moved to a new version of its rules"),
    "catalogue.change_announced": _("capability change announced"),
    "catalogue.change_approved": _("capability change approved"),
    "catalogue.change_proposed": _("capability change proposed"),
    "catalogue.imported": _("capabilities imported"),
    "catalogue.published": _("capabilities published"),
    "center.registered": _("center registered"),
    "certificate.issued": _("certificate issued"),
    "certificate.revoked": _("certificate revoked"),
    "certificate.superseded": _("certificate superseded"),
    "co_builder.consented": _("co-builder consented"),
    "co_builder.declined": _("co-builder declined"),
    "co_builder.invited": _("co-builder invited"),
    "deadline.recomputed": _("time limit recomputed"),
    "decision.document_issued": _("decision document issued"),
    "duty.late": _("annual duty late"),
    "enquiry.accepted": _("enquiry accepted"),
    "enquiry.declined": _("enquiry declined"),
    "enquiry.quoted": _("enquiry quoted"),
    "enquiry.reply": _("reply to an enquiry"),
    "enquiry.sent": _("enquiry sent"),
    "enquiry.withdrawn": _("enquiry withdrawn"),
    "expert.activated": _("expert admitted to the registry"),
    "expert.conflict_declared": _("conflict of interest declared"),
    "expert.conflict_withdrawn": _("conflict of interest withdrawn"),
    "expert.employment_added": _("employment added"),
    "expert.employment_removed": _("employment removed"),
    "expert.profile_updated": _("expert profile updated"),
    "guide.question_added": _("question added to the guide"),
    "guide.question_changed": _("question of the guide changed"),
    "guide.question_deleted": _("question removed from the guide"),
    "job.drafted": _("job drafted"),
    "job.updated": _("job updated"),
    "material.uploaded": _("material uploaded"),
    "member.added": _("member added"),
    "member.approved": _("membership approved"),
    "member.left": _("member left"),
    "member.refused": _("membership refused"),
    "member.requested": _("membership requested"),
    "objection.answered": _("objection answered"),
    "objection.filed": _("objection filed"),
    "obligation.overdue": _("obligation overdue"),
    "obligation.waived": _("obligation waived"),
    "organisation.registered": _("organisation registered"),
    "panel.accepted": _("panel membership accepted"),
    "panel.closed": _("panel closed"),
    "panel.concluded": _("panel concluded"),
    "panel.declined_and_replaced": _("expert declined and replaced"),
    "panel.drawn": _("panel drawn"),
    "panel.report_issued": _("panel report issued"),
    "resource.blackout": _("resource unavailable for a period"),
    "resource.blackout_removed": _("unavailable period removed"),
    "resource.offered": _("resource offered for sharing"),
    "resource.photo": _("photo of a resource added"),
    "resource.updated": _("resource updated"),
    "rubric.edited": _("scoring rubric edited"),
    "rulepack.texts_entered": _("texts of the rules entered"),
    "self_check.recorded": _("self-check recorded"),
    "sheet.reopened": _("score sheet reopened"),
    "sheet.saved": _("score sheet saved"),
    "sheet.submitted": _("score sheet submitted"),
    "signing_key.rotated": _("signing key renewed"),
    "standard.certificate_recorded": _("certificate of a standard recorded"),
    "standard.created": _("measurement standard registered"),
    "standard.instrument_added": _("instrument added to a standard"),
    "standard.updated": _("measurement standard updated"),
    "supervisor.reported": _("supervisor's report filed"),
    "task_book.plan_submitted": _("construction plan submitted"),
    "task_book.progress_reported": _("construction progress reported"),
    "task_book.saved": _("task book saved"),
    "task_book.visit_recorded": _("visit recorded"),
    "token.issued": _("API token issued"),
    "token.revoked": _("API token revoked"),
}

SUBJECTS = {
    "authorization": _("Authorization"),
    "calendar": _("Holiday calendar"),
    "case": _("Case"),
    "catalogue": _("Capability catalogue"),
    "center": _("Center"),
    "deadline": _("Time limit"),
    "expert": _("Expert"),
    "guide": _("Service guide"),
    "organisation": _("Organisation"),
    "rubric": _("Scoring rubric"),
    "rulepack": _("Rule pack"),
    "standard": _("Measurement standard"),
    "user": _("Person"),
}

#: A job's signatures, logged as job.<state>.
JOB_STATES = {
    "job.performed": _("job performed"),
    "job.checked": _("job checked"),
    "job.issued": _("job approved and issued"),
}


def _pack_item(kind: str, code: str):
    from metrohub.rulepacks.services import registry

    for pack in registry():
        for item in pack.transitions if kind == "transition" else pack.event_reports:
            if (item.name if kind == "transition" else item.code) == code:
                return item
    return None


def action_label(action: str) -> str:
    """The action as a reader says it; an action nobody named yet reads "recorded"."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    if action in JOB_STATES:
        return str(JOB_STATES[action])
    kind, _sep, code = action.partition(".")
    if kind in ("transition", "report"):
        item = _pack_item(kind, code)
        if item is not None:
            english = (get_language() or "").startswith("en")
            return item.name_en if english else item.name_zh
    return str(_("recorded"))


def subject_label(subject: str) -> str:
    """ "case:42" → "Case 42" in the reader's language."""
    kind, _sep, key = subject.partition(":")
    name = SUBJECTS.get(kind)
    return f"{name} {key}" if name else str(_("Record"))
