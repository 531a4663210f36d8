"""Registering organisations."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from metrohub.eventlog.services import append_event
from metrohub.organisations.models import Jurisdiction, Organisation
from metrohub.organisations.scope import jurisdictions_for
from metrohub.organisations.validators import normalise_credit_code


def register_organisation(
    *,
    actor,
    name: str,
    name_en: str = "",
    credit_code: str,
    kind: str,
    jurisdiction_code: str,
    address: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> Organisation:
    """Create an organisation inside the actor's jurisdiction after full validation."""
    if not actor.has_perm("organisations.register"):
        raise PermissionDenied(_("Only a programme regulator may register organisations."))
    jurisdiction = jurisdictions_for(actor).filter(code=jurisdiction_code).first()
    if jurisdiction is None:
        exists = Jurisdiction.objects.filter(code=jurisdiction_code).exists()
        message = (
            _("This jurisdiction is outside your area.") if exists else _("No such jurisdiction.")
        )
        raise ValidationError({"jurisdiction_code": [message]})
    organisation = Organisation(
        name=name.strip(),
        name_en=name_en.strip(),
        credit_code=normalise_credit_code(credit_code),
        kind=kind,
        jurisdiction=jurisdiction,
        address=address,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    organisation.full_clean()
    with transaction.atomic():
        organisation.save()
        append_event(
            subject=f"organisation:{organisation.pk}",
            action="organisation.registered",
            actor=actor,
            payload={
                "name": organisation.name,
                "credit_code": organisation.credit_code,
                "kind": kind,
            },
        )
    return organisation
