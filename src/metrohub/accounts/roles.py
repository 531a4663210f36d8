"""Questions about what a person holds, answered from their role assignments.

Assignments are read once per request and cached on the user object, since navigation, predicates
and scope filters all ask them.
"""

from metrohub.accounts.models import Role, RoleAssignment

_CACHE = "_metrohub_role_assignments"


def assignments(user) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user).select_related("organisation", "jurisdiction")
        )
        setattr(user, _CACHE, cached)
    return cached


def role_codes(user) -> set[str]:
    codes = {assignment.role for assignment in assignments(user)}
    if getattr(user, "is_superuser", False):
        codes.add(Role.PLATFORM_ADMIN)
    return codes


def holds(user, *roles: str) -> bool:
    return bool(role_codes(user) & set(roles))


def jurisdictions_for(user, *roles: str) -> list:
    return [a.jurisdiction for a in assignments(user) if a.role in roles]


def organisations_for(user, *roles: str) -> list:
    return [a.organisation for a in assignments(user) if a.role in roles and a.organisation]


def forget(user) -> None:
    """Drop every per-request answer cached on the user (roles, scope), after roles change."""
    for name in [n for n in vars(user) if n.startswith("_metrohub_")]:
        delattr(user, name)
