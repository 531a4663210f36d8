"""Who may see and run which alliances.

Alliances are public (Shanghai 四(三): the center shows its alliance and members online). Running
one belongs to the directors of the lead center (the role center_director held in the center's
host organisation) and to platform administrators; for every other person an alliance's
management pages are 403 (role) or 404 (another center's alliance).
"""

from django.db.models import QuerySet

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments, holds
from metrohub.alliances.models import Alliance
from metrohub.centers.models import Center
from metrohub.centers.scope import public_centers


def directed_centers(user) -> QuerySet[Center]:
    """Centers the person directs: their host organisation is where the person is director."""
    base = public_centers()
    if holds(user, Role.PLATFORM_ADMIN):
        return base
    hosts = [
        a.organisation_id
        for a in assignments(user)
        if a.role == Role.CENTER_DIRECTOR and a.organisation_id
    ]
    return base.filter(host_id__in=hosts)


def public_alliances() -> QuerySet[Alliance]:
    return Alliance.objects.select_related(
        "center", "center__host", "center__jurisdiction", "center__jurisdiction__parent"
    )


def managed_alliances(user) -> QuerySet[Alliance]:
    return public_alliances().filter(center__in=directed_centers(user).values("pk"))


def own_organisation_ids(user) -> set[int]:
    """The organisations a person acts for (any role held in an organisation)."""
    return {a.organisation_id for a in assignments(user) if a.organisation_id}


def can_manage(user, alliance: Alliance) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if holds(user, Role.PLATFORM_ADMIN):
        return True
    return alliance.center.host_id in {
        a.organisation_id for a in assignments(user) if a.role == Role.CENTER_DIRECTOR
    }
