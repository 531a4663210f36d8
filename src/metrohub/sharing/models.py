"""Open sharing (开放共享, Shanghai 四(四); SAMR park measures 七): instruments, test sites and
labs of a center or of its alliance members, their availability and their bookings.

No two confirmed bookings of one resource overlap, and the database itself refuses it: on
PostgreSQL an exclusion constraint over the booking's time range (btree_gist), on SQLite triggers
that abort an overlapping insert or update. Both are created by migration 0002 for the database
in use; the services check first inside a serialized transaction so that the caller gets a clear
409 naming the slot, and the constraint is the guarantee behind the check.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from metrohub.catalogue.models import CapabilityLine
from metrohub.centers.models import Center
from metrohub.core.storedfiles import StoredFile
from metrohub.organisations.models import Organisation


class Resource(models.Model):
    class Kind(models.TextChoices):
        INSTRUMENT = "instrument", _("instrument")
        TEST_SITE = "test_site", _("test site")
        LABORATORY = "laboratory", _("laboratory")

    class Audience(models.TextChoices):
        ANYONE = "anyone", _("anyone with an account")
        MEMBERS = "members", _("alliance members")
        APPROVED = "approved", _("approved organisations")

    class Status(models.TextChoices):
        OPEN = "open", _("open for booking")
        SUSPENDED = "suspended", _("suspended")
        WITHDRAWN = "withdrawn", _("withdrawn")

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="resources", verbose_name=_("center")
    )
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="shared_resources",
        verbose_name=_("owner"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    model_number = models.CharField(_("make and model"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    capability_lines = models.ManyToManyField(
        CapabilityLine, blank=True, related_name="resources", verbose_name=_("capabilities")
    )
    rules_of_use = models.TextField(_("rules of use"), blank=True)
    fees = models.TextField(_("fees (收费标准)"), blank=True)
    hourly_fee = models.DecimalField(
        _("fee per hour (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    audience = models.CharField(
        _("who may book"), max_length=16, choices=Audience.choices, default=Audience.ANYONE
    )
    approved_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("approved organisations")
    )
    approval_required = models.BooleanField(_("bookings need approval"), default=True)
    lead_time_hours = models.PositiveIntegerField(_("book at least (hours ahead)"), default=24)
    cancel_hours = models.PositiveIntegerField(
        _("cancel free of charge until (hours before the start)"), default=24
    )
    max_hours = models.PositiveIntegerField(_("longest booking (hours)"), default=8)
    closed_on_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["center__code", "kind", "name", "pk"]
        verbose_name = _("shared resource")
        verbose_name_plural = _("shared resources")

    def __str__(self) -> str:
        return self.name

    @property
    def subject(self) -> str:
        return f"resource:{self.pk}"


class OpeningHours(models.Model):
    """One opening interval on a weekday (0 Monday … 6 Sunday); several a day are allowed."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["resource_id", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="opening_positive"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_weekday"),
        ]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Blackout(models.Model):
    """A period the resource cannot be booked: maintenance, its own calibration."""

    class Reason(models.TextChoices):
        MAINTENANCE = "maintenance", _("maintenance")
        CALIBRATION = "calibration", _("calibration of the resource")
        OTHER = "other", _("other")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="blackouts")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["resource_id", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="blackout_positive"
            )
        ]
        verbose_name = _("blackout period")
        verbose_name_plural = _("blackout periods")

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%Y-%m-%d %H:%M}"


class Photo(StoredFile):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to="sharing/photos/%Y/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["resource_id", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class Booking(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("awaiting approval")
        CONFIRMED = "confirmed", _("confirmed")
        REFUSED = "refused", _("refused")
        CANCELLED = "cancelled", _("cancelled")

    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="bookings")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("booked by"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("organisation"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    purpose = models.CharField(_("purpose"), max_length=500)
    planned_samples = models.PositiveIntegerField(_("samples planned"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=500, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    late_cancellation = models.BooleanField(_("cancelled late"), default=False)
    fee = models.DecimalField(
        _("fee (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    used_hours = models.DecimalField(
        _("hours used"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    samples = models.PositiveIntegerField(_("samples measured"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=1000, blank=True)
    usage_recorded_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["resource", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="booking_positive")
        ]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self) -> str:
        return f"#{self.pk} {self.resource} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def subject(self) -> str:
        return f"booking:{self.pk}"

    @property
    def hours(self):
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class CalendarFeed(models.Model):
    """A secret iCal address: a person's own calendar, or one resource's (for its managers).

    Only the token's SHA-256 is kept; the address is shown once, and revoking it ends it.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="feeds"
    )
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.hint}…"


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(Resource, m2m_fields={"approved_organisations"})
auditlog.register(OpeningHours)
auditlog.register(Blackout)
