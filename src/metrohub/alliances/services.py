"""Alliances: founding, members (requested, approved, refused, left), activities with their files,
and the lead center's yearly duty of exchange activities (Shanghai 四(二)).

Every state change is one function, one transaction, one event in the alliance's chain of the
event log. PermissionDenied (403) when the actor does not run the alliance; ValidationError (422)
naming the field for bad input; Conflict (409) when the object's state forbids the step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.accounts.roles import holds
from metrohub.alliances.models import Activity, ActivityFile, Alliance, DutyNotice, Member
from metrohub.alliances.scope import can_manage, directed_centers, own_organisation_ids
from metrohub.centers.models import Center
from metrohub.centers.services import director_ids
from metrohub.core.api import Conflict
from metrohub.core.attachments import IMAGES, check_file
from metrohub.core.bounds import bounded_text, collect
from metrohub.eventlog.services import append_event
from metrohub.organisations.models import Organisation
from metrohub.rulepacks.services import registry

DUTY_CODE = "alliance_events"
REMINDER_DAYS = (30, 7)  # before 31 December


def today() -> dt.date:
    """Today in Asia/Shanghai; tests replace this clock."""
    return timezone.localdate()


# ------------------------------------------------------------------------------------ checks


def _require_manager(actor, alliance: Alliance) -> None:
    if not can_manage(actor, alliance):
        raise PermissionDenied(_("Only the lead center's director runs this alliance."))


def _email(value, field):
    text = bounded_text(value, field=field, limit=254)
    if text:
        try:
            validate_email(text)
        except ValidationError:
            raise ValidationError({field: [_("Enter a valid e-mail address.")]}) from None
    return text


def _choice(value, choices, field):
    if value not in dict(choices):
        raise ValidationError(
            {field: [_("Choose one of: %(values)s.") % {"values": "、".join(dict(choices))}]}
        )
    return value


def _date(value, field, *, required=False):
    if value in (None, ""):
        if required:
            raise ValidationError({field: [_("This field is required.")]})
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field: [_("Enter a date as YYYY-MM-DD.")]}) from None


def _alliance_fields(data: dict) -> dict:
    return collect(
        {
            "name": lambda: bounded_text(data.get("name"), field="name", limit=200, required=True),
            "name_en": lambda: bounded_text(data.get("name_en"), field="name_en", limit=200),
            "purpose": lambda: bounded_text(data.get("purpose"), field="purpose", limit=5000),
            "founded_on": lambda: _date(data.get("founded_on"), "founded_on"),
            "contact_name": lambda: bounded_text(
                data.get("contact_name"), field="contact_name", limit=100
            ),
            "contact_email": lambda: _email(data.get("contact_email"), "contact_email"),
            "contact_phone": lambda: bounded_text(
                data.get("contact_phone"), field="contact_phone", limit=40
            ),
        }
    )


def _member_fields(data: dict) -> dict:
    return collect(
        {
            "position": lambda: _choice(
                data.get("position"), Member._meta.get_field("position").choices, "position"
            ),
            "capabilities": lambda: bounded_text(
                data.get("capabilities"), field="capabilities", limit=2000
            ),
            "contact_name": lambda: bounded_text(
                data.get("contact_name"), field="contact_name", limit=100
            ),
            "contact_email": lambda: _email(data.get("contact_email"), "contact_email"),
            "contact_phone": lambda: bounded_text(
                data.get("contact_phone"), field="contact_phone", limit=40
            ),
        }
    )


# ---------------------------------------------------------------------------------- alliance


def found_alliance(*, actor, center: Center, **fields) -> Alliance:
    """The center's alliance (one per center), founded by its director."""
    if not directed_centers(actor).filter(pk=center.pk).exists():
        raise PermissionDenied(_("Only the center's director founds its alliance."))
    values = _alliance_fields(fields)
    with transaction.atomic():
        if Alliance.objects.filter(center=center).exists():
            raise Conflict(_("This center already leads an alliance."))
        alliance = Alliance.objects.create(center=center, **values)
        append_event(
            subject=alliance.subject,
            action="alliance.founded",
            actor=actor,
            article="四(二)",
            payload={"center": center.code, "name": alliance.name},
        )
    return alliance


def update_alliance(*, actor, alliance: Alliance, **fields) -> Alliance:
    _require_manager(actor, alliance)
    current = {f: getattr(alliance, f) for f in _ALLIANCE_FIELDS}
    values = _alliance_fields({**current, **fields})
    with transaction.atomic():
        for key, value in values.items():
            setattr(alliance, key, value)
        alliance.save()
        append_event(
            subject=alliance.subject,
            action="alliance.updated",
            actor=actor,
            payload={k: str(v) if v is not None else None for k, v in values.items()},
        )
    return alliance


_ALLIANCE_FIELDS = (
    "name",
    "name_en",
    "purpose",
    "founded_on",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def upload_charter(*, actor, alliance: Alliance, content: bytes, filename: str) -> Alliance:
    _require_manager(actor, alliance)
    checked = check_file(content, filename, field="charter")
    with transaction.atomic():
        alliance.charter.save(
            f"{alliance.pk}-charter.{checked.extension}", ContentFile(checked.content), save=False
        )
        alliance.charter_filename = checked.filename
        alliance.charter_sha256 = checked.sha256
        alliance.charter_content_type = checked.content_type
        alliance.save()
        append_event(
            subject=alliance.subject,
            action="alliance.charter",
            actor=actor,
            payload={"sha256": checked.sha256, "size": checked.size, "filename": checked.filename},
        )
    return alliance


# ----------------------------------------------------------------------------------- members


def _live_member_exists(alliance, organisation) -> bool:
    return alliance.members.filter(
        organisation=organisation, status__in=[Member.Status.REQUESTED, Member.Status.ACTIVE]
    ).exists()


def _create_member(alliance, organisation, status, values, **extra) -> Member:
    if organisation.pk == alliance.center.host_id:
        raise Conflict(_("The lead center's host organisation leads the alliance already."))
    if _live_member_exists(alliance, organisation):
        raise Conflict(_("This organisation is already a member or has asked to join."))
    try:
        with transaction.atomic():
            return Member.objects.create(
                alliance=alliance, organisation=organisation, status=status, **values, **extra
            )
    except IntegrityError:  # a concurrent twin won the unique live-membership race
        raise Conflict(_("This organisation is already a member or has asked to join.")) from None


def add_member(*, actor, alliance: Alliance, organisation: Organisation, joined_on=None, **fields):
    """The director enrols an organisation directly (it agreed outside the platform)."""
    _require_manager(actor, alliance)
    values = _member_fields(fields)
    joined = _date(joined_on, "joined_on") or today()
    with transaction.atomic():
        member = _create_member(
            alliance,
            organisation,
            Member.Status.ACTIVE,
            values,
            joined_on=joined,
            requested_by=actor,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        append_event(
            subject=alliance.subject,
            action="member.added",
            actor=actor,
            payload={"member": member.pk, "organisation": organisation.pk, **_plain(values)},
            effective_date=joined,
        )
    return member


def _plain(values: dict) -> dict:
    return {k: v for k, v in values.items() if k in ("position", "capabilities")}


def request_membership(
    *, actor, alliance: Alliance, organisation: Organisation, message="", **fields
):
    """Someone acting for an organisation asks for it to join; the director decides."""
    if organisation.pk not in own_organisation_ids(actor) and not holds(actor, Role.PLATFORM_ADMIN):
        raise PermissionDenied(_("You can only ask for an organisation you act for."))
    values = _member_fields(fields)
    note = bounded_text(message, field="message", limit=2000)
    with transaction.atomic():
        member = _create_member(
            alliance,
            organisation,
            Member.Status.REQUESTED,
            values,
            message=note,
            requested_by=actor,
        )
        append_event(
            subject=alliance.subject,
            action="member.requested",
            actor=actor,
            payload={"member": member.pk, "organisation": organisation.pk, **_plain(values)},
        )
    return member


def approve_membership(*, actor, member: Member, joined_on=None) -> Member:
    _require_manager(actor, member.alliance)
    joined = _date(joined_on, "joined_on") or today()
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.status != Member.Status.REQUESTED:
            raise Conflict(_("Only a pending request can be approved."))
        member.status = Member.Status.ACTIVE
        member.joined_on = joined
        member.decided_by, member.decided_at = actor, timezone.now()
        member.save()
        append_event(
            subject=member.alliance.subject,
            action="member.approved",
            actor=actor,
            payload={"member": member.pk, "organisation": member.organisation_id},
            effective_date=joined,
        )
    return member


def refuse_membership(*, actor, member: Member, reason: str) -> Member:
    _require_manager(actor, member.alliance)
    text = bounded_text(reason, field="reason", limit=2000, required=True)
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.status != Member.Status.REQUESTED:
            raise Conflict(_("Only a pending request can be refused."))
        member.status = Member.Status.REFUSED
        member.refusal_reason = text
        member.decided_by, member.decided_at = actor, timezone.now()
        member.save()
        append_event(
            subject=member.alliance.subject,
            action="member.refused",
            actor=actor,
            payload={"member": member.pk, "organisation": member.organisation_id, "reason": text},
        )
    return member


def end_membership(*, actor, member: Member, left_on=None) -> Member:
    """The director records that a member left (or was struck off)."""
    _require_manager(actor, member.alliance)
    left = _date(left_on, "left_on") or today()
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if member.status != Member.Status.ACTIVE:
            raise Conflict(_("Only an active member can leave."))
        if member.joined_on and left < member.joined_on:
            raise ValidationError({"left_on": [_("A member cannot leave before joining.")]})
        member.status, member.left_on = Member.Status.LEFT, left
        member.save()
        append_event(
            subject=member.alliance.subject,
            action="member.left",
            actor=actor,
            payload={"member": member.pk, "organisation": member.organisation_id},
            effective_date=left,
        )
    return member


def active_member_organisation_ids(center_id: int) -> set[int]:
    """Organisations that are active members of the alliance the center leads (who may book
    members-only resources)."""
    return set(
        Member.objects.filter(
            alliance__center_id=center_id, status=Member.Status.ACTIVE
        ).values_list("organisation_id", flat=True)
    )


# -------------------------------------------------------------------------------- activities


def record_activity(
    *,
    actor,
    alliance: Alliance,
    held_on,
    kind: str,
    title: str,
    place: str = "",
    member_ids=(),
    other_attendees: str = "",
    attendee_count: int | None = None,
    outcome: str = "",
) -> Activity:
    _require_manager(actor, alliance)
    values = collect(
        {
            "held_on": lambda: _date(held_on, "held_on", required=True),
            "kind": lambda: _choice(kind, Activity.Kind.choices, "kind"),
            "title": lambda: bounded_text(title, field="title", limit=200, required=True),
            "place": lambda: bounded_text(place, field="place", limit=200),
            "other_attendees": lambda: bounded_text(
                other_attendees, field="other_attendees", limit=2000
            ),
            "outcome": lambda: bounded_text(outcome, field="outcome", limit=5000),
            "attendee_count": lambda: _count(attendee_count),
        }
    )
    if values["held_on"] > today() + dt.timedelta(days=366):
        raise ValidationError(
            {"held_on": [_("Record activities that have been held or are planned within a year.")]}
        )
    members = list(
        alliance.members.filter(pk__in=list(member_ids or []), status=Member.Status.ACTIVE)
    )
    if len(members) != len(set(member_ids or [])):
        raise ValidationError(
            {"member_ids": [_("Attending members must be active members of this alliance.")]}
        )
    with transaction.atomic():
        activity = Activity.objects.create(alliance=alliance, recorded_by=actor, **values)
        activity.member_attendees.set(members)
        append_event(
            subject=alliance.subject,
            action="activity.recorded",
            actor=actor,
            article="四(二)",
            effective_date=activity.held_on,
            payload={
                "activity": activity.pk,
                "kind": activity.kind,
                "title": activity.title,
                "held_on": activity.held_on.isoformat(),
                "members": sorted(m.pk for m in members),
            },
        )
    return activity


def _count(value) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"attendee_count": [_("Enter a whole number.")]}) from None
    if not 0 <= number <= 100000:
        raise ValidationError({"attendee_count": [_("Enter a number from 0 to 100000.")]})
    return number


def attach_activity_file(
    *, actor, activity: Activity, kind: str, content: bytes, filename: str
) -> ActivityFile:
    """A material (any accepted document type) or a photo (an image) of an activity."""
    _require_manager(actor, activity.alliance)
    _choice(kind, ActivityFile.Kind.choices, "kind")
    checked = check_file(
        content, filename, field="file", kinds=IMAGES if kind == ActivityFile.Kind.PHOTO else None
    )
    with transaction.atomic():
        item = ActivityFile(
            activity=activity,
            kind=kind,
            filename=checked.filename,
            sha256=checked.sha256,
            size=checked.size,
            content_type=checked.content_type,
            uploaded_by=actor,
        )
        item.file.save(
            f"{activity.pk}-{kind}-{checked.sha256[:12]}.{checked.extension}",
            ContentFile(checked.content),
            save=False,
        )
        item.save()
        append_event(
            subject=activity.alliance.subject,
            action="activity.file",
            actor=actor,
            payload={
                "activity": activity.pk,
                "kind": kind,
                "sha256": checked.sha256,
                "filename": checked.filename,
            },
        )
    return item


# --------------------------------------------------------------------------- the yearly duty


@dataclass(frozen=True)
class DutyStatus:
    """The lead center's activity duty for one calendar year.

    status: "met" (count ≥ required), "due" (short, and the year not over on `on`), "late"
    (short after 31 December).
    """

    center_code: str
    code: str
    name_zh: str
    name_en: str
    article: str
    quote: str
    year: int
    required: int
    count: int
    status: str
    due_on: dt.date

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    @property
    def missing(self) -> int:
        return max(self.required - self.count, 0)

    @property
    def status_label(self) -> str:
        return str(DUTY_LABELS[self.status])


DUTY_LABELS = {
    "met": gettext_lazy("met"),
    "due": gettext_lazy("under way"),
    "late": gettext_lazy("missed"),
}


def center_pack(center: Center, on: dt.date):
    """The rule pack of the center's province in force on `on`, or None."""
    province = center.province().code
    reg = registry()
    for code in reg.codes():
        if reg.versions(code)[0].pack.jurisdiction == province:
            try:
                return reg.in_force(code, on)
            except LookupError:
                return None
    return None


def first_duty_year(center: Center) -> int:
    """The first year the platform holds the center to its duties: the year it was established,
    or (while in construction) the year it was registered here; earlier years it cannot judge."""
    if center.established_on:
        return center.established_on.year
    return timezone.localtime(center.created_at).year


def with_activity_counts(alliances, year: int):
    """Alliances annotated with the number of activities held in the year (`year_activities`)."""
    return alliances.annotate(
        year_activities=Count("activities", filter=Q(activities__held_on__year=year), distinct=True)
    )


def activity_count(*, center: Center, year: int) -> int:
    """Activities the center's alliance held in the calendar year (also for the annual report)."""
    return Activity.objects.filter(alliance__center=center, held_on__year=year).count()


def activity_duty(
    *, center: Center, year: int, on: dt.date | None = None, count: int | None = None
) -> DutyStatus | None:
    """The yearly exchange-activity duty of the center, from its rule pack; None where the pack
    sets none (or the center is neither in construction nor established). Lists pass `count`,
    counted for all their rows at once."""
    on = on or today()
    if year < first_duty_year(center):
        return None
    year_end = dt.date(year, 12, 31)
    pack = center_pack(center, min(on, year_end))
    duty = next((d for d in (pack.annual_duties if pack else []) if d.code == DUTY_CODE), None)
    if duty is None or not duty.min_count:
        return None
    statuses = {
        "construction": {Center.Status.PREPARING},
        "established": {Center.Status.ESTABLISHED},
        "construction_and_established": {Center.Status.PREPARING, Center.Status.ESTABLISHED},
    }[duty.period]
    if center.status not in statuses:
        return None
    if count is None:
        count = activity_count(center=center, year=year)
    if count >= duty.min_count:
        status = "met"
    elif on > year_end:
        status = "late"
    else:
        status = "due"
    return DutyStatus(
        center_code=center.code,
        code=duty.code,
        name_zh=duty.name_zh,
        name_en=duty.name_en,
        article=duty.article or "",
        quote=duty.quote or "",
        year=year,
        required=duty.min_count,
        count=count,
        status=status,
        due_on=year_end,
    )


# -------------------------------------------------------------------------------- reminders


@dataclass
class RemindResult:
    reminded: int = 0
    late: int = 0


def remind(*, on: dt.date | None = None) -> RemindResult:
    """Before 31 December, remind the directors of centers short of their activities (30 and 7
    days ahead); from 1 January, mark last year's shortfall late in the center's record and tell
    them. Each notice is sent once (a unique row), so running daily is safe."""
    from metrohub.alliances.tasks import send_duty_mail

    on = on or today()
    result = RemindResult()
    year_end = dt.date(on.year, 12, 31)
    pending = [f"remind-{n}" for n in REMINDER_DAYS if 0 <= (year_end - on).days <= n]
    centers = Center.objects.filter(
        status__in=[Center.Status.PREPARING, Center.Status.ESTABLISHED]
    ).select_related("jurisdiction", "jurisdiction__parent")
    for center in centers:
        if pending:
            duty = activity_duty(center=center, year=on.year, on=on)
            if duty and duty.status == "due":
                kinds = [k for k in pending if _notice_once(center, duty, k)]
                if kinds and (directors := director_ids(center)):
                    send_duty_mail.enqueue(center.pk, duty.year, "reminder", directors)
                if kinds:
                    result.reminded += 1
        last = activity_duty(center=center, year=on.year - 1, on=on)
        if last and last.status == "late" and _mark_late(center, last):
            send_duty_mail.enqueue(center.pk, last.year, "late", director_ids(center))
            result.late += 1
    return result


def _mark_late(center: Center, last: DutyStatus) -> bool:
    with transaction.atomic():
        if not _notice_once(center, last, "late"):
            return False
        append_event(
            subject=f"center:{center.code}",
            action="duty.late",
            article=last.article,
            payload={
                "duty": last.code,
                "year": last.year,
                "count": last.count,
                "required": last.required,
            },
            effective_date=last.due_on,
        )
    return True


def _notice_once(center, duty: DutyStatus, kind: str) -> bool:
    """True the first time this notice is claimed (the unique row is the claim)."""
    try:
        with transaction.atomic():
            DutyNotice.objects.create(center=center, duty=duty.code, year=duty.year, kind=kind)
    except IntegrityError:
        return False
    return True
