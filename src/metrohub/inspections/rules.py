"""Who sees the district inspection reports: the bureaus that write and receive them."""

import rules

from metrohub.accounts.models import Role
from metrohub.accounts.roles import holds

READERS = (Role.PROGRAMME_REGULATOR, Role.DISTRICT_REGULATOR, Role.PLATFORM_ADMIN)


@rules.predicate
def reads_district_reports(user) -> bool:
    return holds(user, *READERS)


rules.add_perm("inspections.view", reads_district_reports)
