"""Guide permissions. Role-level here (403 without the role); which programmes is scope (the
pack's jurisdiction: 404 outside it, in services.may_edit)."""

import rules

from metrohub.accounts.rules import is_platform_admin, is_programme_regulator

rules.add_perm("guides.edit_questions", is_programme_regulator | is_platform_admin)
