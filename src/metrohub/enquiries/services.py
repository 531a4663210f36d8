"""Enquiries: sent by an industry user about a center, a capability line or a shared resource;
answered by the center in a thread, quoted, accepted or declined; withdrawn by the sender.

The first answer of the center (a reply, a quote, an acceptance or a refusal) stamps the
response time; the median over the past year is the center's public figure.
"""

from __future__ import annotations

import datetime as dt
import statistics
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.accounts.roles import holds
from metrohub.alliances.scope import directed_centers, own_organisation_ids
from metrohub.catalogue.models import CapabilityLine
from metrohub.centers.models import Center
from metrohub.centers.services import director_ids
from metrohub.core.api import Conflict
from metrohub.core.attachments import check_file
from metrohub.core.bounds import bounded_text, collect
from metrohub.enquiries.models import Attachment, Enquiry, Message
from metrohub.eventlog.services import append_event
from metrohub.organisations.models import Organisation
from metrohub.sharing.models import Resource

MAX_ATTACHMENTS = 5
MAX_OPEN_PER_CENTER = 20  # open enquiries one person may have with one center
MEDIAN_WINDOW_DAYS = 365


def now() -> dt.datetime:
    """The present moment; tests replace this clock."""
    return timezone.now()


# -------------------------------------------------------------------------------------- scope


def enquiries_for(user) -> QuerySet[Enquiry]:
    """Enquiries the person sent, and those to the centers the person directs."""
    base = Enquiry.objects.select_related(
        "center", "sender", "organisation", "capability_line", "resource"
    )
    if not getattr(user, "is_authenticated", False):
        return base.none()
    if holds(user, Role.PLATFORM_ADMIN):
        return base
    return base.filter(Q(sender=user) | Q(center__in=directed_centers(user).values("pk")))


def get_enquiry(user, pk) -> Enquiry:
    try:
        return enquiries_for(user).get(pk=int(pk))
    except (Enquiry.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def answers_for_center(user, enquiry: Enquiry) -> bool:
    return directed_centers(user).filter(pk=enquiry.center_id).exists()


# ------------------------------------------------------------------------------------- checks


def _date(value, field):
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: [_("Enter a date as YYYY-MM-DD.")]}) from None


def _quantity(value) -> int:
    try:
        number = int(value if value not in (None, "") else 1)
    except (TypeError, ValueError):
        raise ValidationError({"quantity": [_("Enter a whole number.")]}) from None
    if not 1 <= number <= 1_000_000:
        raise ValidationError({"quantity": [_("Enter a number from 1 to 1000000.")]})
    return number


def _files(files, field="attachments") -> list:
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {field: [_("At most %(n)d files at a time.") % {"n": MAX_ATTACHMENTS}]}
        )
    return [check_file(content, name, field=field) for content, name in files]


def _store(enquiry, message, checked, actor) -> None:
    for item in checked:
        attachment = Attachment(
            enquiry=enquiry,
            message=message,
            filename=item.filename,
            sha256=item.sha256,
            size=item.size,
            content_type=item.content_type,
            uploaded_by=actor,
        )
        attachment.file.save(
            f"{enquiry.pk}-{item.sha256[:12]}.{item.extension}",
            ContentFile(item.content),
            save=False,
        )
        attachment.save()


def _target(center, capability_line, resource) -> Center:
    """The center the enquiry goes to, from whichever of the three was given; they must agree."""
    centers = {x.center_id for x in (capability_line, resource) if x is not None}
    if center is not None:
        centers.add(center.pk)
    if not centers:
        raise ValidationError({"center": [_("Say which center the enquiry is for.")]})
    if len(centers) > 1:
        raise ValidationError(
            {"center": [_("The capability line and the resource belong to another center.")]}
        )
    if capability_line is not None and capability_line.status != CapabilityLine.Status.PUBLISHED:
        raise ValidationError({"capability_line": [_("This capability line is not published.")]})
    if resource is not None and resource.status == Resource.Status.WITHDRAWN:
        raise ValidationError({"resource": [_("This resource is withdrawn.")]})
    target = Center.objects.get(pk=centers.pop())
    if target.status == Center.Status.REVOKED:
        # a revoked center may no longer act as one: it takes no requests for its services
        raise ValidationError(
            {"center": [_("This center's status has been revoked: it takes no enquiries.")]}
        )
    return target


# ---------------------------------------------------------------------------------- transitions


def send_enquiry(
    *,
    actor,
    subject: str,
    center: Center | None = None,
    capability_line: CapabilityLine | None = None,
    resource: Resource | None = None,
    details: str = "",
    quantity=1,
    uncertainty: str = "",
    needed_by=None,
    organisation: Organisation | None = None,
    files=(),
) -> Enquiry:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to send an enquiry."))
    target = _target(center, capability_line, resource)
    values = collect(
        {
            "subject": lambda: bounded_text(subject, field="subject", limit=200, required=True),
            "details": lambda: bounded_text(details, field="details", limit=5000),
            "quantity": lambda: _quantity(quantity),
            "uncertainty": lambda: bounded_text(uncertainty, field="uncertainty", limit=200),
            "needed_by": lambda: _date(needed_by, "needed_by"),
            "files": lambda: _files(files),
        }
    )
    checked = values.pop("files")
    if values["needed_by"] and values["needed_by"] < timezone.localdate(now()):
        raise ValidationError({"needed_by": [_("The date needed by has passed.")]})
    mine = own_organisation_ids(actor)
    if organisation is not None and organisation.pk not in mine:
        raise PermissionDenied(_("You can only ask for an organisation you act for."))
    if organisation is None and mine:
        organisation = Organisation.objects.filter(pk__in=mine).order_by("pk").first()
    open_ones = Enquiry.objects.filter(
        sender=actor,
        center=target,
        status__in=[Enquiry.Status.SENT, Enquiry.Status.ANSWERED, Enquiry.Status.QUOTED],
    ).count()
    if open_ones >= MAX_OPEN_PER_CENTER:
        raise Conflict(
            _("You have %(n)d open enquiries with this center; wait for answers first.")
            % {"n": open_ones}
        )
    moment = now()
    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            center=target,
            capability_line=capability_line,
            resource=resource,
            sender=actor,
            organisation=organisation,
            sent_at=moment,
            **values,
        )
        message = Message.objects.create(
            enquiry=enquiry,
            author=actor,
            kind=Message.Kind.ENQUIRY,
            text=values["details"],
            created_at=moment,
        )
        _store(enquiry, message, checked, actor)
        append_event(
            subject=enquiry.subject_key,
            action="enquiry.sent",
            actor=actor,
            payload={
                "center": target.code,
                "capability_line": capability_line.pk if capability_line else None,
                "resource": resource.pk if resource else None,
                "subject": enquiry.subject,
                "files": [c.sha256 for c in checked],
            },
        )
        _notify(enquiry, "sent")
    return enquiry


def _post(enquiry, actor, kind, text, *, from_center, files=(), **extra) -> Message:
    checked = _files(files)
    moment = now()
    message = Message.objects.create(
        enquiry=enquiry,
        author=actor,
        from_center=from_center,
        kind=kind,
        text=text,
        created_at=moment,
        **extra,
    )
    _store(enquiry, message, checked, actor)
    if from_center and enquiry.first_response_at is None:
        enquiry.first_response_at = moment
    return message


def _locked(enquiry: Enquiry) -> Enquiry:
    return Enquiry.objects.select_for_update().select_related("center").get(pk=enquiry.pk)


def _side(actor, enquiry: Enquiry) -> bool:
    """True for the center's side, False for the sender; PermissionDenied for anyone else."""
    if answers_for_center(actor, enquiry):
        return True
    if enquiry.sender_id == actor.pk:
        return False
    raise PermissionDenied(_("Only the sender and the center take part in this enquiry."))


def reply(*, actor, enquiry: Enquiry, text: str, files=()) -> Message:
    """A post of either side; the center's first answer moves the enquiry to answered."""
    from_center = _side(actor, enquiry)
    body = bounded_text(text, field="text", limit=5000, required=True)
    with transaction.atomic():
        e = _locked(enquiry)
        if not e.is_open:
            raise Conflict(_("This enquiry is closed."))
        message = _post(e, actor, Message.Kind.REPLY, body, from_center=from_center, files=files)
        if from_center and e.status == Enquiry.Status.SENT:
            e.status = Enquiry.Status.ANSWERED
        e.save()
        append_event(
            subject=e.subject_key,
            action="enquiry.reply",
            actor=actor,
            payload={"message": message.pk, "from_center": from_center},
        )
        _notify(e, "reply_center" if from_center else "reply_sender")
    return message


def quote(*, actor, enquiry: Enquiry, amount, valid_until=None, text: str = "") -> Message:
    if not answers_for_center(actor, enquiry):
        raise PermissionDenied(_("Only the center quotes."))
    values = collect(
        {
            "amount": lambda: _amount(amount),
            "valid_until": lambda: _date(valid_until, "valid_until"),
            "text": lambda: bounded_text(text, field="text", limit=5000),
        }
    )
    with transaction.atomic():
        e = _locked(enquiry)
        if not e.is_open:
            raise Conflict(_("This enquiry is closed."))
        message = _post(
            e,
            actor,
            Message.Kind.QUOTE,
            values["text"],
            from_center=True,
            quote_amount=values["amount"],
            quote_valid_until=values["valid_until"],
        )
        e.status = Enquiry.Status.QUOTED
        e.save()
        append_event(
            subject=e.subject_key,
            action="enquiry.quoted",
            actor=actor,
            payload={"amount": str(values["amount"]), "valid_until": values["valid_until"]},
        )
        _notify(e, "quoted")
    return message


def _amount(value) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise ValidationError({"amount": [_("Enter an amount in yuan.")]}) from None
    if not Decimal(0) < number <= Decimal("9999999999"):
        raise ValidationError({"amount": [_("Enter an amount above 0.")]})
    return number


def _close(*, actor, enquiry, kind, status, text, action, required, center_only=True):
    from_center = _side(actor, enquiry)
    if center_only != from_center:
        raise PermissionDenied(
            _("Only the center does this.") if center_only else _("Only the sender does this.")
        )
    body = bounded_text(text, field="text", limit=5000, required=required)
    with transaction.atomic():
        e = _locked(enquiry)
        if not e.is_open:
            raise Conflict(_("This enquiry is closed."))
        message = _post(e, actor, kind, body, from_center=from_center)
        e.status, e.closed_at = status, message.created_at
        e.save()
        append_event(subject=e.subject_key, action=action, actor=actor, payload={"text": body})
        _notify(e, status)
    return message


def accept(*, actor, enquiry: Enquiry, text: str = "") -> Message:
    """The center takes the work on."""
    return _close(
        actor=actor,
        enquiry=enquiry,
        kind=Message.Kind.ACCEPT,
        status=Enquiry.Status.ACCEPTED,
        text=text,
        action="enquiry.accepted",
        required=False,
    )


def decline(*, actor, enquiry: Enquiry, reason: str) -> Message:
    """The center cannot take the work on, and says why."""
    return _close(
        actor=actor,
        enquiry=enquiry,
        kind=Message.Kind.DECLINE,
        status=Enquiry.Status.DECLINED,
        text=reason,
        action="enquiry.declined",
        required=True,
    )


def withdraw(*, actor, enquiry: Enquiry, reason: str = "") -> Message:
    return _close(
        actor=actor,
        enquiry=enquiry,
        kind=Message.Kind.WITHDRAW,
        status=Enquiry.Status.WITHDRAWN,
        text=reason,
        action="enquiry.withdrawn",
        required=False,
        center_only=False,
    )


# ---------------------------------------------------------------------------------- figures


def median_response(*, center: Center, on: dt.datetime | None = None) -> dt.timedelta | None:
    """The median time to the center's first answer over enquiries sent in the past year."""
    moment = on or now()
    rows = Enquiry.objects.filter(
        center=center,
        first_response_at__isnull=False,
        sent_at__gte=moment - dt.timedelta(days=MEDIAN_WINDOW_DAYS),
    ).values_list("sent_at", "first_response_at")
    seconds = [(answered - sent).total_seconds() for sent, answered in rows]
    if not seconds:
        return None
    return dt.timedelta(seconds=round(statistics.median(seconds)))


def duration_text(delta: dt.timedelta | None) -> str:
    """3小时20分 / 2天5小时 (English: 3 h 20 min / 2 d 5 h)."""
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": mins}
    return _("%(m)d min") % {"m": mins}


# ------------------------------------------------------------------------------ notifications


def _notify(enquiry: Enquiry, kind: str) -> None:
    """The other side hears of each step (the center of the sender's, the sender of the
    center's)."""
    from metrohub.enquiries.tasks import send_enquiry_mail

    to_center = kind in ("sent", "reply_sender", "withdrawn")
    ids = director_ids(enquiry.center) if to_center else [enquiry.sender_id]
    if ids:
        send_enquiry_mail.enqueue(enquiry.pk, kind, sorted(ids))
