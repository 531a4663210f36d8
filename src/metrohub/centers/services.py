"""Registering centers (the procedure engine will create them later; this is the seam)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from metrohub.centers.models import Center
from metrohub.eventlog.services import append_event


def register_center(*, actor, **fields) -> Center:
    """Create a center after full validation; actor None is the system (demo, engine)."""
    if actor is not None and not actor.has_perm("centers.register"):
        raise PermissionDenied(_("Only a programme regulator may register centers."))
    center = Center(**fields)
    center.code = center.code.strip().upper()
    center.full_clean()
    with transaction.atomic():
        center.save()
        append_event(
            subject=f"center:{center.code}",
            action="center.registered",
            actor=actor,
            payload={"code": center.code, "name": center.name, "status": center.status},
        )
    return center


def rule_pack(center):
    """The rule pack a center answers to: its case's pack version, or (for a center registered
    outside the procedure) the latest pack of its province; None where there is none."""
    from metrohub.rulepacks.services import registry

    # the establishment case: the center's later cases (annual reports…) answer to it too
    case = center.cases.filter(kind="establishment").order_by("-pk").first() if center.pk else None
    if case is not None:
        return case.pack
    code = province_packs().get(center.province().code)
    return registry().latest(code) if code else None


def province_packs() -> dict[str, str]:
    """Province code → the code of the pack a center registered outside the procedure answers
    to there (the first non-example pack of that province)."""
    from metrohub.rulepacks.services import registry

    out: dict[str, str] = {}
    for code in registry().codes():
        latest = registry().latest(code)
        if not latest.pack.example:
            out.setdefault(latest.pack.jurisdiction, code)
    return out


def director_ids(center: Center) -> list[int]:
    """The people who hear of a center's affairs by e-mail: the active directors of its host
    organisation that have an address."""
    from metrohub.accounts.models import Role, RoleAssignment

    return list(
        RoleAssignment.objects.filter(
            role=Role.CENTER_DIRECTOR, organisation_id=center.host_id, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user_id", flat=True)
        .distinct()
    )
