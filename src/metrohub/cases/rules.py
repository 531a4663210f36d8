"""Who may open the procedure pages (role level: 403). Which cases is scope (services.cases_for:
404 outside it); whether a step may be taken is the rule pack's, checked in services. An expert
opens the pages of the cases whose panel it sits on (scope gives it those, and no others)."""

import rules

from metrohub.accounts.models import Role
from metrohub.accounts.rules import role_predicate

takes_part = role_predicate(
    Role.PROGRAMME_REGULATOR,
    Role.DISTRICT_REGULATOR,
    Role.COMPETENT_AUTHORITY,
    Role.APPLICANT,
    Role.CENTER_DIRECTOR,
    Role.EXPERT,
    Role.PLATFORM_ADMIN,
)
is_applicant = role_predicate(Role.APPLICANT)

rules.add_perm("cases.view_cases", takes_part)
rules.add_perm("cases.file_case", is_applicant)
# the regulators' view across their programme's obligations (a party reads its own on the case)
supervises = role_predicate(
    Role.PROGRAMME_REGULATOR,
    Role.DISTRICT_REGULATOR,
    Role.COMPETENT_AUTHORITY,
    Role.PLATFORM_ADMIN,
)
rules.add_perm("cases.view_obligations", supervises)
