"""Open-sharing permissions. Role-level here (403 without the role); which resource or booking
is scope (sharing/scope.py: 404 outside it)."""

import rules

from metrohub.accounts.models import Role
from metrohub.accounts.rules import is_platform_admin, is_programme_regulator, role_predicate

is_center_director = role_predicate(Role.CENTER_DIRECTOR)

rules.add_perm("sharing.run_resources", is_center_director | is_platform_admin)
rules.add_perm("sharing.book", rules.is_authenticated)
rules.add_perm(
    "sharing.view_usage", is_center_director | is_programme_regulator | is_platform_admin
)
