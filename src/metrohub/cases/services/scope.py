"""Who acts for a case and which cases a person may see: the tenant boundary of the procedure.

A person's pack roles for a case come from their role assignments (the regulator of its
jurisdiction, the district regulator of its district, the competent authority over either, staff
of its applicant). Other apps widen who may *read* a case by registering a reader (panels: the
experts on a sitting panel), so the engine never imports them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.http import Http404

from metrohub.accounts.models import Role, User
from metrohub.accounts.roles import assignments, holds
from metrohub.cases.models import Case, CoBuilderConsent
from metrohub.organisations.models import Jurisdiction

AUTHORITY_ROLES = (Role.PROGRAMME_REGULATOR, Role.DISTRICT_REGULATOR, Role.COMPETENT_AUTHORITY)

#: Functions user → Q over Case naming further cases the user may read (not act on).
READERS: list[Callable[[object], Q]] = []


def register_reader(fn: Callable[[object], Q]) -> Callable[[object], Q]:
    if fn not in READERS:
        READERS.append(fn)
    return fn


def covers(outer: Jurisdiction, inner: Jurisdiction | None) -> bool:
    return inner is not None and outer.pk in ancestor_ids(inner)


def ancestor_ids(j: Jurisdiction | None) -> set[int]:
    return {x.pk for x in j.ancestors_and_self()} if j is not None else set()


def acts_for(a, case: Case, jur: set[int], dist: set[int]) -> bool:
    """Whether role assignment `a` acts for the case (jur/dist: ancestor ids of its
    jurisdiction and district)."""
    if a.role == Role.PROGRAMME_REGULATOR:
        return a.jurisdiction_id in jur
    if a.role == Role.DISTRICT_REGULATOR:
        return a.jurisdiction_id in dist
    if a.role == Role.COMPETENT_AUTHORITY:
        return a.jurisdiction_id in jur or a.jurisdiction_id in dist
    if a.role in (Role.APPLICANT, Role.CENTER_DIRECTOR):
        return a.organisation_id is not None and a.organisation_id == case.applicant_id
    return False


def case_roles(user, case: Case) -> set[str]:
    """The pack roles `user` holds for this case."""
    jur, dist = ancestor_ids(case.jurisdiction), ancestor_ids(case.district)
    return {a.role for a in assignments(user) if acts_for(a, case, jur, dist)}


def _acting(user) -> Q:
    condition = Q(pk__in=[])
    for a in assignments(user):
        if a.role in (Role.PROGRAMME_REGULATOR, Role.COMPETENT_AUTHORITY):
            ids = a.jurisdiction.descendant_ids()
            condition |= Q(jurisdiction_id__in=ids) | Q(district_id__in=ids)
        elif a.role == Role.DISTRICT_REGULATOR:
            condition |= Q(district_id__in=a.jurisdiction.descendant_ids())
        elif a.role in (Role.APPLICANT, Role.CENTER_DIRECTOR) and a.organisation_id:
            # a co-builder sees the case once it has consented to be named
            consented = CoBuilderConsent.objects.filter(
                organisation_id=a.organisation_id, state=CoBuilderConsent.State.CONSENTED
            ).values("case_id")
            condition |= Q(applicant_id=a.organisation_id) | Q(pk__in=consented)
    return condition


def cases_for(user) -> QuerySet[Case]:
    """The cases a person may see; everything else is 404."""
    # the parents ride along: who acts for a case is read up the jurisdiction tree (three levels)
    base = Case.objects.select_related(
        "applicant",
        "jurisdiction__parent",
        "district__parent__parent",
        "center",
    )
    if holds(user, Role.PLATFORM_ADMIN):
        return base
    condition = _acting(user)
    for reader in READERS:
        condition |= reader(user)
    ids = Case.objects.filter(condition).values("pk")
    return base.filter(pk__in=ids)


def get_case(user, pk) -> Case:
    try:
        return cases_for(user).get(pk=int(pk))
    except (Case.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def users_for(case: Case, roles) -> list[User]:
    """Active people holding one of `roles` for this case."""
    from metrohub.accounts.models import RoleAssignment

    jur, dist = ancestor_ids(case.jurisdiction), ancestor_ids(case.district)
    found: dict[int, User] = {}
    rows = RoleAssignment.objects.filter(role__in=set(roles), user__is_active=True).select_related(
        "user"
    )
    for a in rows:
        if acts_for(a, case, jur, dist):
            found.setdefault(a.user_id, a.user)
    return [found[k] for k in sorted(found)]
