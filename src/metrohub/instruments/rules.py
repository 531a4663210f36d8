"""Role-level permissions for instrument registers (403 without the role); which organisation's
register and which district is scope (services.py: 404 outside it)."""

import rules

from metrohub.accounts.models import Role
from metrohub.accounts.rules import is_platform_admin, is_regulator, role_predicate
from metrohub.standards.rules import works_at_center

is_instrument_user = role_predicate(Role.INDUSTRY_USER, Role.APPLICANT)

rules.add_perm("instruments.keep", is_instrument_user)
rules.add_perm("instruments.supervise", is_regulator | is_platform_admin)
rules.add_perm("instruments.plan", works_at_center)
