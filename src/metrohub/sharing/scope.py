"""Who sees, runs and books which shared resources, and who sees which bookings.

Resources open for booking are public (the center shows them online, Shanghai 四(三)–四(四)).
A resource is run by the directors of its center (and platform administrators). A booking is
seen by the person who made it and by those who run the resource; to everyone else it is 404.
"""

from django.db.models import Q, QuerySet

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments, holds
from metrohub.alliances.scope import directed_centers, own_organisation_ids
from metrohub.alliances.services import active_member_organisation_ids
from metrohub.sharing.models import Booking, Resource


def public_resources() -> QuerySet[Resource]:
    return Resource.objects.select_related("center", "owner").exclude(
        status=Resource.Status.WITHDRAWN
    )


def managed_resources(user) -> QuerySet[Resource]:
    return Resource.objects.select_related("center", "owner").filter(
        center__in=directed_centers(user).values("pk")
    )


def visible_resources(user) -> QuerySet[Resource]:
    """Public ones, and withdrawn ones to those who run them."""
    if not getattr(user, "is_authenticated", False):
        return public_resources()
    managed = directed_centers(user).values("pk")
    return Resource.objects.select_related("center", "owner").filter(
        ~Q(status=Resource.Status.WITHDRAWN) | Q(center__in=managed)
    )


def can_manage(user, resource: Resource) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if holds(user, Role.PLATFORM_ADMIN):
        return True
    return resource.center.host_id in {
        a.organisation_id for a in assignments(user) if a.role == Role.CENTER_DIRECTOR
    }


def may_book(user, resource: Resource) -> bool:
    """Whether the resource's audience includes the person (the center's own staff always)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if resource.audience == Resource.Audience.ANYONE or can_manage(user, resource):
        return True
    mine = own_organisation_ids(user)
    if resource.center.host_id in mine:
        return True
    if resource.audience == Resource.Audience.MEMBERS:
        return bool(mine & active_member_organisation_ids(resource.center_id))
    return resource.approved_organisations.filter(pk__in=mine).exists()


def bookings_for(user) -> QuerySet[Booking]:
    """Bookings the person made, and those of the resources the person runs."""
    base = Booking.objects.select_related(
        "resource", "resource__center", "requester", "organisation"
    )
    if not getattr(user, "is_authenticated", False):
        return base.none()
    if holds(user, Role.PLATFORM_ADMIN):
        return base
    return base.filter(
        Q(requester=user) | Q(resource__center__in=directed_centers(user).values("pk"))
    )
