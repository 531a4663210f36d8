"""What a case's pack allows at its stage: the pack in force, the steps open to a person, where
the applicant still edits the form."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.cases.models import Case
from metrohub.cases.services.scope import case_roles
from metrohub.rulepacks.services import registry


def pack_for(code: str, on: dt.date):
    """The version of pack `code` in force on `on`."""
    try:
        return registry().in_force(code, on)
    except KeyError:
        raise ValidationError(
            {"rulepack": [_("There is no rule pack '%(code)s'.") % {"code": code}]}
        ) from None
    except LookupError as exc:
        raise ValidationError({"rulepack": [str(exc)]}) from None


def available_transitions(user, case: Case, *, roles: set[str] | None = None) -> list:
    roles = case_roles(user, case) if roles is None else roles
    return [t for t in case.pack.transitions_from(case.state) if roles & set(t.roles)]


def editable_stages(pack) -> set[str]:
    """Where the applicant still edits the form: the initial stage and every stage the applicant
    leaves by (re)submitting the application form."""
    stages = {pack.initial_stage().code}
    for t in pack.transitions:
        if "applicant" in t.roles and "application_form" in t.materials:
            stages.update(t.from_)
    return stages


def is_editable(user, case: Case) -> bool:
    return case.state in editable_stages(case.pack) and Role.APPLICANT in case_roles(user, case)


def stages_with(pack, precondition: str) -> set[str]:
    """The stages left by a transition that checks `precondition`."""
    return {s for t in pack.transitions if precondition in t.preconditions for s in t.from_}


def rectification_rounds_used(case: Case, pack) -> int:
    sc = pack.acceptance_scoring
    if sc is None or not sc.rectification_deadline:
        return 0
    return case.obligations.filter(code=sc.rectification_deadline).count()
