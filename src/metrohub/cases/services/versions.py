"""Moving a case to another version of its pack: a case keeps the version in force when it was
filed; the programme regulator may move it to a later version (e.g. one whose missing texts were
entered), with a reason, logged."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.cases.models import Case
from metrohub.cases.services.scope import case_roles
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event
from metrohub.rulepacks.services import registry


def later_versions(case: Case) -> list:
    versions = registry().versions(case.rulepack_code)
    keys = [p.version for p in versions]
    if case.rulepack_version not in keys:
        return []
    return versions[keys.index(case.rulepack_version) + 1 :]


def move_to_version(*, actor, case: Case, version: str, reason: str) -> Case:
    if Role.PROGRAMME_REGULATOR not in case_roles(actor, case):
        raise PermissionDenied(_("The programme regulator moves a case to another version."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for moving the case.")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": 2000}]})
    target = next((p for p in later_versions(case) if p.version == version), None)
    if target is None:
        raise ValidationError({"version": [_("Choose a later version of the case's pack.")]})
    if case.state not in {s.code for s in target.stages}:
        raise Conflict(_("The version has no stage “%(stage)s”.") % {"stage": case.state})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        previous = case.rulepack_key
        case.rulepack_version = target.version
        case.save(update_fields=["rulepack_version", "updated_at"])
        append_event(
            subject=case.subject,
            action="case.moved_to_version",
            actor=actor,
            payload={"from": previous, "to": target.key, "reason": reason},
        )
    return case
