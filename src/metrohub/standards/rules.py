"""Role-level permissions for standards and authorizations (403 without the role); which centers
is scope (scope.py: 404 outside it)."""

import rules

from metrohub.accounts.models import Role
from metrohub.accounts.rules import is_platform_admin, is_programme_regulator, role_predicate

is_center_director = role_predicate(Role.CENTER_DIRECTOR)
is_center_staff = role_predicate(Role.CENTER_STAFF)
works_at_center = is_center_staff | is_center_director

rules.add_perm("standards.view", works_at_center | is_programme_regulator | is_platform_admin)
rules.add_perm("standards.manage", works_at_center | is_platform_admin)
rules.add_perm("standards.authorize", is_center_director | is_platform_admin)
