import rules

from metrohub.accounts.rules import is_platform_admin, is_programme_regulator, role_predicate

is_expert = role_predicate("expert")

rules.add_perm("experts.view_registry", is_programme_regulator | is_platform_admin)
rules.add_perm("experts.curate", is_programme_regulator | is_platform_admin)
rules.add_perm("experts.edit_own_profile", is_expert)
