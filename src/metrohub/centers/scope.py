"""Who may see and manage which centers.

The registry of centers is public. Managing a center's catalogue belongs to its director (the role
center_director held in the center's host organisation), to the programme regulator of its
jurisdiction and to platform administrators; everyone else with those roles finds it missing (404).
"""

from django.db.models import Q, QuerySet

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments, holds
from metrohub.centers.models import Center


def public_centers() -> QuerySet[Center]:
    return Center.objects.select_related("host", "jurisdiction", "jurisdiction__parent")


def managed_centers(user) -> QuerySet[Center]:
    """Centers whose catalogue the user may edit and import."""
    base = public_centers()
    if holds(user, Role.PLATFORM_ADMIN):
        return base
    condition = Q(pk__in=[])
    for assignment in assignments(user):
        if assignment.role == Role.CENTER_DIRECTOR and assignment.organisation_id:
            condition |= Q(host_id=assignment.organisation_id)
        elif assignment.role == Role.PROGRAMME_REGULATOR:
            condition |= Q(jurisdiction_id__in=assignment.jurisdiction.descendant_ids())
    return base.filter(condition)


def regulated_centers(user) -> QuerySet[Center]:
    """Centers whose change requests the user may decide: the programme regulator's."""
    base = public_centers()
    if holds(user, Role.PLATFORM_ADMIN):
        return base
    ids: set[int] = set()
    for assignment in assignments(user):
        if assignment.role == Role.PROGRAMME_REGULATOR:
            ids |= assignment.jurisdiction.descendant_ids()
    return base.filter(jurisdiction_id__in=ids)
