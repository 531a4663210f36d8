"""Who sees the list of annual tasks: the people who act for centers or oversee them."""

import rules

from metrohub.accounts.models import Role
from metrohub.accounts.roles import holds

READERS = (
    Role.CENTER_DIRECTOR,
    Role.PROGRAMME_REGULATOR,
    Role.DISTRICT_REGULATOR,
    Role.PLATFORM_ADMIN,
)


@rules.predicate
def reads_annual_tasks(user) -> bool:
    return holds(user, *READERS)


rules.add_perm("annualtasks.view", reads_annual_tasks)
