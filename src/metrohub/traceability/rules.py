"""Role-level permissions for chains and incidents (403 without the role); which incidents and
rows a person sees is scope (services.py: 404 outside it)."""

import rules

from metrohub.accounts.rules import is_platform_admin
from metrohub.standards.rules import works_at_center

# Any signed-in person may be an affected customer; what they see of an incident is scoped.
rules.add_perm("traceability.view", rules.is_authenticated)
rules.add_perm("traceability.record", works_at_center | is_platform_admin)
