"""Which centers' standards, authorizations and work a person may see.

A center's own people are those holding center_staff or center_director in its host
organisation: they see and record its work. The programme regulator of the center's jurisdiction
reads it (supervision); platform administrators see everything. Everyone else finds it missing.
"""

from django.db.models import Q, QuerySet

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments, holds
from metrohub.centers.models import Center

STAFF_ROLES = (Role.CENTER_STAFF, Role.CENTER_DIRECTOR)


def _centers() -> QuerySet[Center]:
    return Center.objects.select_related("host", "jurisdiction")


def staffed_centers(user, *roles: str) -> QuerySet[Center]:
    """Centers where the user works (in one of `roles`, by default staff or director)."""
    if holds(user, Role.PLATFORM_ADMIN):
        return _centers()
    roles = roles or STAFF_ROLES
    hosts = {a.organisation_id for a in assignments(user) if a.role in roles and a.organisation_id}
    return _centers().filter(host_id__in=hosts)


def directed_centers(user) -> QuerySet[Center]:
    return staffed_centers(user, Role.CENTER_DIRECTOR)


def visible_centers(user) -> QuerySet[Center]:
    """Centers whose standards and work the user may read: their own and those they supervise."""
    if holds(user, Role.PLATFORM_ADMIN):
        return _centers()
    hosts, jurisdictions = set(), set()
    for a in assignments(user):
        if a.role in STAFF_ROLES and a.organisation_id:
            hosts.add(a.organisation_id)
        elif a.role == Role.PROGRAMME_REGULATOR:
            jurisdictions |= a.jurisdiction.descendant_ids()
    return _centers().filter(Q(host_id__in=hosts) | Q(jurisdiction_id__in=jurisdictions))
