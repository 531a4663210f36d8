"""Who sees which numbers: the viewer of a dashboard, in one of their roles.

A programme regulator counts what lies in the jurisdiction trees they regulate, a district
regulator what lies in their district's tree, a center's director their host organisation's
centers, everyone else their own organisations and their own records. Every provider filters
through these sets, so no number from outside them is ever counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments, role_codes

#: The order in which a person holding several roles reads their dashboards.
ROLE_ORDER = (
    Role.PROGRAMME_REGULATOR,
    Role.DISTRICT_REGULATOR,
    Role.COMPETENT_AUTHORITY,
    Role.CENTER_DIRECTOR,
    Role.CENTER_STAFF,
    Role.APPLICANT,
    Role.EXPERT,
    Role.INDUSTRY_USER,
    Role.PLATFORM_ADMIN,
)

#: Roles that read a jurisdiction (all jurisdictions for the platform administrator).
AREA_ROLES = (
    Role.PROGRAMME_REGULATOR,
    Role.DISTRICT_REGULATOR,
    Role.COMPETENT_AUTHORITY,
    Role.PLATFORM_ADMIN,
)


def roles_of(user) -> list[str]:
    held = role_codes(user)
    return [r for r in ROLE_ORDER if r in held]


@dataclass
class Viewer:
    user: object
    role: str
    today: dt.date
    _cache: dict = field(default_factory=dict, repr=False)

    @cached_property
    def jurisdiction_ids(self) -> set[int] | None:
        """The jurisdictions this role reads (None: every one, for the platform administrator)."""
        if self.role == Role.PLATFORM_ADMIN:
            return None
        ids: set[int] = set()
        for a in assignments(self.user):
            if a.role == self.role and self.role in AREA_ROLES:
                ids |= a.jurisdiction.descendant_ids()
        return ids

    @cached_property
    def organisation_ids(self) -> set[int]:
        return {
            a.organisation_id
            for a in assignments(self.user)
            if a.role == self.role and a.organisation_id
        }

    def area(self, *paths: str) -> Q:
        """Rows whose jurisdiction (any of `paths`, e.g. "jurisdiction_id") is in the area."""
        ids = self.jurisdiction_ids
        if ids is None:
            return Q()
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(**{f"{path}__in": ids})
        return condition

    def centers(self):
        """The centers this role reads: in the area, or hosted by the person's organisation."""
        from metrohub.centers.models import Center

        if self.role in AREA_ROLES:
            if self.role == Role.DISTRICT_REGULATOR:
                # a district's centers: seated in it, or built through a case it supervises
                from metrohub.cases.models import Case

                built = Case.objects.filter(self.area("district_id"), center__isnull=False)
                return Center.objects.filter(
                    Q(self.area("jurisdiction_id")) | Q(pk__in=built.values("center_id"))
                )
            return Center.objects.filter(self.area("jurisdiction_id"))
        return Center.objects.filter(host_id__in=self.organisation_ids)

    def cases(self):
        """The cases this role reads (the engine's scope narrowed to this role)."""
        from metrohub.cases.models import Case

        if self.role == Role.PLATFORM_ADMIN:
            return Case.objects.all()
        if self.role in (Role.PROGRAMME_REGULATOR, Role.COMPETENT_AUTHORITY):
            return Case.objects.filter(self.area("jurisdiction_id", "district_id"))
        if self.role == Role.DISTRICT_REGULATOR:
            return Case.objects.filter(self.area("district_id"))
        if self.role in (Role.APPLICANT, Role.CENTER_DIRECTOR):
            return Case.objects.filter(applicant_id__in=self.organisation_ids)
        return Case.objects.none()
