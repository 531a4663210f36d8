"""The e-mails of bookings, in Chinese (the platform's first language)."""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from metrohub.alliances.mail import send_to
from metrohub.sharing.models import Booking
from metrohub.sharing.services import slot_text


def booking_mail(booking_id: int, kind: str, user_ids) -> int:
    booking = Booking.objects.select_related("resource", "requester", "organisation").get(
        pk=booking_id
    )
    with translation.override("zh-hans"):
        values = {
            "resource": booking.resource.name,
            "slot": slot_text(booking.starts_at, booking.ends_at),
            "who": booking.organisation.name if booking.organisation else str(booking.requester),
            "reason": booking.refusal_reason or booking.cancel_reason,
        }
        subjects = {
            "requested": _("[Metrohub] Booking request: %(resource)s, %(slot)s"),
            "confirmed": _("[Metrohub] Booking confirmed: %(resource)s, %(slot)s"),
            "approved": _("[Metrohub] Booking approved: %(resource)s, %(slot)s"),
            "refused": _("[Metrohub] Booking refused: %(resource)s, %(slot)s"),
            "cancelled": _("[Metrohub] Booking cancelled: %(resource)s, %(slot)s"),
            "reminder": _("[Metrohub] Tomorrow: %(resource)s, %(slot)s"),
            "pending": _("[Metrohub] Awaiting your decision: %(resource)s, %(slot)s"),
        }
        subject = subjects[kind] % values
        lines = [_("%(who)s booked %(resource)s for %(slot)s.") % values]
        if values["reason"]:
            lines.append(_("Reason: %(reason)s") % values)
        lines.append(reverse("sharing:booking", args=[booking.pk]))
    return send_to(user_ids, subject, "\n".join(lines))
