"""Alliance permissions. Role-level here (403 without the role); which alliance is scope
(alliances/scope.py: 404 or 403 outside it)."""

import rules

from metrohub.accounts.models import Role
from metrohub.accounts.rules import is_platform_admin, role_predicate

is_center_director = role_predicate(Role.CENTER_DIRECTOR)

rules.add_perm("alliances.run", is_center_director | is_platform_admin)
rules.add_perm("alliances.request_membership", rules.is_authenticated)
