"""Permission predicates (django-rules) built from a person's roles."""

import rules

from metrohub.accounts.models import Role
from metrohub.accounts.roles import holds


def role_predicate(*roles: str):
    @rules.predicate(name="holds_" + "_or_".join(roles))
    def _holds(user) -> bool:
        return holds(user, *roles)

    return _holds


is_platform_admin = role_predicate(Role.PLATFORM_ADMIN)
is_programme_regulator = role_predicate(Role.PROGRAMME_REGULATOR)
is_regulator = role_predicate(Role.PROGRAMME_REGULATOR, Role.DISTRICT_REGULATOR)

rules.add_perm("organisations.view_directory", rules.is_authenticated)
rules.add_perm("organisations.register", is_programme_regulator | is_platform_admin)
rules.add_perm("accounts.view_people", is_regulator | is_platform_admin)
rules.add_perm("eventlog.view_events", is_regulator | is_platform_admin)
