"""Catalogue permissions. Role-level here (403 without the role); which centers is scope
(centers/scope.py: 404 outside it)."""

import rules

from metrohub.accounts.models import Role
from metrohub.accounts.rules import is_platform_admin, is_programme_regulator, role_predicate

is_center_director = role_predicate(Role.CENTER_DIRECTOR)

rules.add_perm(
    "catalogue.manage_lines", is_center_director | is_programme_regulator | is_platform_admin
)
rules.add_perm("catalogue.review_changes", is_programme_regulator | is_platform_admin)
rules.add_perm("centers.register", is_programme_regulator | is_platform_admin)
