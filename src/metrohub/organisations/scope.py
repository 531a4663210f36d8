"""Which organisations and jurisdictions a person may see: the tenant boundary.

Every query for these objects starts here, so an object outside the actor's scope is simply not
found (404), never fetched and then refused.
"""

from django.db.models import QuerySet

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments, holds
from metrohub.organisations.models import Jurisdiction, Organisation

REGULATOR_ROLES = (Role.PROGRAMME_REGULATOR, Role.DISTRICT_REGULATOR)


_CACHE = "_metrohub_visible_jurisdictions"


def visible_jurisdiction_ids(user) -> set[int] | None:
    """None means every jurisdiction (platform administrators). Cached on the user per request,
    since navigation, lists and detail pages all ask it."""
    if holds(user, Role.PLATFORM_ADMIN):
        return None
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    ids: set[int] = set()
    for assignment in assignments(user):
        if assignment.role in REGULATOR_ROLES or assignment.role == Role.COMPETENT_AUTHORITY:
            ids |= assignment.jurisdiction.descendant_ids()
    if getattr(user, "is_authenticated", False):
        setattr(user, _CACHE, ids)
    return ids


def organisations_for(user) -> QuerySet[Organisation]:
    """Regulators see their jurisdiction's tree; everyone else sees their own organisations."""
    base = Organisation.objects.select_related("jurisdiction")
    ids = visible_jurisdiction_ids(user)
    if ids is None:
        return base
    own = {a.organisation_id for a in assignments(user) if a.organisation_id}
    from django.db.models import Q

    return base.filter(Q(jurisdiction_id__in=ids) | Q(pk__in=own))


def jurisdictions_for(user) -> QuerySet[Jurisdiction]:
    ids = visible_jurisdiction_ids(user)
    if ids is None:
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(pk__in=ids)
