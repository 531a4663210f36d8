"""Industry metrology alliances (产业计量测试联盟) led by centers, their members and activities
(Shanghai 四(二), 四(三))."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metrohub.centers.models import Center
from metrohub.core.storedfiles import StoredFile
from metrohub.organisations.models import BilingualNameMixin, Organisation


class Alliance(BilingualNameMixin):
    """The alliance a center leads; one per center."""

    center = models.OneToOneField(
        Center, on_delete=models.PROTECT, related_name="alliance", verbose_name=_("lead center")
    )
    purpose = models.TextField(_("purpose"), blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    charter = models.FileField(_("charter"), upload_to="alliances/charters/", blank=True)
    charter_filename = models.CharField(_("charter file name"), max_length=255, blank=True)
    charter_sha256 = models.CharField(max_length=64, blank=True)
    charter_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["center__code"]
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")

    @property
    def subject(self) -> str:
        """The alliance's chain in the event log."""
        return f"alliance:{self.pk}"


class ValueChainPosition(models.TextChoices):
    UPSTREAM = "upstream", _("upstream")
    MIDSTREAM = "midstream", _("midstream")
    DOWNSTREAM = "downstream", _("downstream")


class Member(models.Model):
    """An organisation in an alliance: requested, then approved (active) or refused; later it
    may leave. Only one live (requested or active) membership per organisation and alliance."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ACTIVE = "active", _("member")
        REFUSED = "refused", _("refused")
        LEFT = "left", _("left")

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="alliance_memberships",
        verbose_name=_("organisation"),
    )
    position = models.CharField(
        _("position in the value chain"), max_length=16, choices=ValueChainPosition.choices
    )
    capabilities = models.TextField(_("capabilities brought"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    message = models.TextField(_("message with the request"), blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["alliance_id", "position", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "organisation"],
                condition=Q(status__in=["requested", "active"]),
                name="one_live_membership",
            )
        ]
        verbose_name = _("alliance member")
        verbose_name_plural = _("alliance members")

    def __str__(self) -> str:
        return str(self.organisation)


class Activity(models.Model):
    """An exchange or other activity of the alliance; counts towards the center's yearly duty."""

    class Kind(models.TextChoices):
        TECHNICAL_EXCHANGE = "technical_exchange", _("technical exchange")
        TRAINING = "training", _("training")
        JOINT_RESEARCH = "joint_research", _("joint research")
        STANDARD_DRAFTING = "standard_drafting", _("standard drafting")
        SEMINAR = "seminar", _("seminar")
        SITE_VISIT = "site_visit", _("site visit")
        OTHER = "other", _("other activity")

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    member_attendees = models.ManyToManyField(
        Member, blank=True, related_name="activities", verbose_name=_("attending members")
    )
    other_attendees = models.TextField(_("other attendees"), blank=True)
    attendee_count = models.PositiveIntegerField(_("number of attendees"), default=0)
    outcome = models.TextField(_("outcome"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("alliance activity")
        verbose_name_plural = _("alliance activities")

    def __str__(self) -> str:
        return self.title


class ActivityFile(StoredFile):
    class Kind(models.TextChoices):
        MATERIAL = "material", _("material")
        PHOTO = "photo", _("photo")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to="alliances/activities/%Y/")

    class Meta:
        ordering = ["activity_id", "kind", "pk"]
        verbose_name = _("activity file")
        verbose_name_plural = _("activity files")


class DutyNotice(models.Model):
    """A reminder or lateness notice of the yearly activity duty, sent once (remind is daily)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    duty = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16)  # "remind-30", "remind-7", "late"
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["center", "duty", "year", "kind"], name="duty_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.duty} {self.year} {self.kind}"


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(Alliance, exclude_fields=["charter"])
auditlog.register(Member)
auditlog.register(Activity)
