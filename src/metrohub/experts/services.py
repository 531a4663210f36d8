"""The expert registry: profiles, and the candidates a panel is drawn from."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.accounts.roles import holds
from metrohub.core import bounds
from metrohub.eventlog.services import append_event
from metrohub.experts.draw import Candidate
from metrohub.experts.models import DeclaredConflict, Employment, ExpertProfile
from metrohub.experts.taxonomy import area_codes, domain_codes


def _check_specialties(domains: list[str], areas: list[str]) -> None:
    errors = {}
    unknown_domains = sorted(set(domains) - domain_codes())
    unknown_areas = sorted(set(areas) - area_codes())
    if unknown_domains:
        errors["domains"] = [
            _("Unknown industry domain: %(codes)s") % {"codes": ", ".join(unknown_domains)}
        ]
    if unknown_areas:
        errors["areas"] = [
            _("Unknown metrology area: %(codes)s") % {"codes": ", ".join(unknown_areas)}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_profile(
    *,
    actor,
    profile: ExpertProfile,
    title: str,
    domains: list[str],
    areas: list[str],
    available: bool,
) -> ExpertProfile:
    """The expert edits their own profile; a platform administrator may too."""
    if profile.user_id != actor.pk and not holds(actor, Role.PLATFORM_ADMIN):
        raise PermissionDenied(_("Experts maintain their own profile."))
    title = bounds.texts({"title": (title, 100)})["title"]
    if not isinstance(domains, list) or not isinstance(areas, list):
        raise ValidationError({"domains": [_("Give lists of codes.")]})
    if len(domains) > 100 or len(areas) > 100:
        raise ValidationError({"domains": [_("At most %(n)d items.") % {"n": 100}]})
    _check_specialties(domains, areas)
    profile.title, profile.domains, profile.areas, profile.available = (
        title,
        sorted(set(domains)),
        sorted(set(areas)),
        available,
    )
    profile.save()
    append_event(
        subject=f"expert:{profile.pk}",
        action="expert.profile_updated",
        actor=actor,
        payload={"domains": profile.domains, "areas": profile.areas, "available": available},
    )
    return profile


@transaction.atomic
def declare_conflict(
    *, actor, profile: ExpertProfile, organisation, reason: str
) -> DeclaredConflict:
    if profile.user_id != actor.pk:
        raise PermissionDenied(_("Only the expert declares their own conflicts."))
    reason = bounds.texts({"reason": (reason, 300)})["reason"]
    if not reason:
        raise ValidationError({"reason": [_("Say why there is a conflict of interest.")]})
    conflict, _created = DeclaredConflict.objects.update_or_create(
        expert=profile, organisation=organisation, defaults={"reason": reason.strip()}
    )
    append_event(
        subject=f"expert:{profile.pk}",
        action="expert.conflict_declared",
        actor=actor,
        payload={"organisation": organisation.pk, "reason": conflict.reason},
    )
    return conflict


def _own(actor, profile: ExpertProfile) -> None:
    if profile.user_id != actor.pk:
        raise PermissionDenied(_("Experts maintain their own employment history and conflicts."))


@transaction.atomic
def add_employment(*, actor, profile: ExpertProfile, organisation, started=None, ended=None):
    """A past or present employer: a recent employer of an applicant or co-builder keeps the
    expert off that case's panels (the draw reads it)."""
    _own(actor, profile)
    if organisation is None:
        raise ValidationError({"organisation": [_("Choose the organisation.")]})
    if started and ended and ended < started:
        raise ValidationError({"ended": [_("The end lies before the start.")]})
    if profile.employments.count() >= 50:
        raise ValidationError({"organisation": [_("At most %(n)d items.") % {"n": 50}]})
    employment = Employment.objects.create(
        expert=profile, organisation=organisation, started=started, ended=ended
    )
    append_event(
        subject=f"expert:{profile.pk}",
        action="expert.employment_added",
        actor=actor,
        payload={
            "organisation": organisation.pk,
            "started": started.isoformat() if started else None,
            "ended": ended.isoformat() if ended else None,
        },
    )
    return employment


@transaction.atomic
def remove_employment(*, actor, profile: ExpertProfile, employment: Employment) -> None:
    _own(actor, profile)
    if employment.expert_id != profile.pk:
        raise PermissionDenied(_("Experts maintain their own employment history and conflicts."))
    append_event(
        subject=f"expert:{profile.pk}",
        action="expert.employment_removed",
        actor=actor,
        payload={"organisation": employment.organisation_id},
    )
    employment.delete()


@transaction.atomic
def withdraw_conflict(*, actor, profile: ExpertProfile, conflict: DeclaredConflict) -> None:
    _own(actor, profile)
    if conflict.expert_id != profile.pk:
        raise PermissionDenied(_("Experts maintain their own employment history and conflicts."))
    append_event(
        subject=f"expert:{profile.pk}",
        action="expert.conflict_withdrawn",
        actor=actor,
        payload={"organisation": conflict.organisation_id},
    )
    conflict.delete()


@transaction.atomic
def set_active(*, actor, profile: ExpertProfile, active: bool) -> ExpertProfile:
    """Regulators curate the registry."""
    if not actor.has_perm("experts.curate"):
        raise PermissionDenied(_("Only a programme regulator curates the expert registry."))
    profile.active = active
    profile.save(update_fields=["active", "updated_at"])
    append_event(
        subject=f"expert:{profile.pk}",
        action="expert.activated" if active else "expert.deactivated",
        actor=actor,
    )
    return profile


def province_code(jurisdiction) -> str:
    """The province-level code above a jurisdiction (regions are compared at that level)."""
    chain = jurisdiction.ancestors_and_self()
    province = next((j for j in chain if j.level == "province"), chain[0])
    return province.code


def candidates() -> list[Candidate]:
    """Every active expert as a draw candidate, in one pass over the registry."""
    profiles = (
        ExpertProfile.objects.filter(active=True)
        .select_related("region__parent")
        .prefetch_related("employments", "declared_conflicts")
    )
    return [
        Candidate(
            id=p.pk,
            organisation_id=p.organisation_id,
            region=province_code(p.region),
            specialties=frozenset(p.domains) | frozenset(p.areas),
            available=p.available,
            past_employers=tuple((e.organisation_id, e.ended) for e in p.employments.all()),
            declared_conflicts=frozenset(d.organisation_id for d in p.declared_conflicts.all()),
        )
        for p in profiles
    ]
