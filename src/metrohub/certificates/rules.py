"""Role-level permissions for the center's work (403 without the role); which centers and which
certificates is scope (services.jobs_for / certificates_for: 404 outside it)."""

import rules

from metrohub.accounts.roles import assignments
from metrohub.accounts.rules import is_platform_admin
from metrohub.standards.rules import works_at_center

rules.add_perm("certificates.work", works_at_center | is_platform_admin)


@rules.predicate
def belongs_to_an_organisation(user) -> bool:
    """Certificates are issued to organisations: anyone holding a role in one may be a customer."""
    return any(a.organisation_id for a in assignments(user))


rules.add_perm("certificates.view_mine", belongs_to_an_organisation)
