"""Traceability: the institutes whose certificates end a chain (national metrology institutes and
holders of national primary standards), and incidents of reverse traceability: a standard found
out of tolerance (or its certificate revoked), the certificates it affected since its last good
calibration, each center's assessment of each one, and each customer's acknowledgement."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from metrohub.centers.models import Center
from metrohub.certificates.models import Certificate
from metrohub.organisations.models import Organisation
from metrohub.standards.models import MeasurementStandard, StandardInstrument


class RecognisedInstitute(models.Model):
    """An issuer whose certificate ends a chain: a national metrology institute or the keeper of
    a national primary standard (国家计量基准)."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("national primary standard")
        NMI = "nmi", _("national metrology institute")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("recognised institute")
        verbose_name_plural = _("recognised institutes")

    def __str__(self) -> str:
        return self.name


class Incident(models.Model):
    class Cause(models.TextChoices):
        OUT_OF_TOLERANCE = "out_of_tolerance", _("found out of tolerance")
        REVOKED = "revoked", _("its certificate revoked")

    class State(models.TextChoices):
        OPEN = "open", _("assessment in progress")
        CLOSED = "closed", _("closed")

    standard = models.ForeignKey(
        MeasurementStandard, on_delete=models.PROTECT, related_name="incidents",
        verbose_name=_("measurement standard"),
    )  # fmt: skip
    instrument = models.ForeignKey(
        StandardInstrument, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("standard instrument"),
    )  # fmt: skip
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    found_on = models.DateField(_("date found"))
    last_good_on = models.DateField(_("date of the last good calibration"))
    effect = models.TextField(_("effect"), max_length=2000)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"#{self.pk} {self.standard}"

    @property
    def subject(self) -> str:
        return f"incident:{self.pk}"


class Assessment(models.TextChoices):
    PENDING = "pending", _("awaiting assessment")
    NO_EFFECT = "no_effect", _("no effect")
    REISSUE = "reissue", _("re-issue")
    REVOKE = "revoke", _("revoke")


class AffectedCertificate(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="affected")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+")
    # 0: issued with the failed standard; n: through n certificates of standard instruments.
    depth = models.PositiveSmallIntegerField(_("level"))
    via = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    assessment = models.CharField(
        _("assessment"), max_length=12, choices=Assessment.choices, default=Assessment.PENDING
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["center_id", "customer_id", "certificate_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "certificate"], name="traceability_affected_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.certificate_id}"


class CustomerNotice(models.Model):
    """An affected customer's notice of the incident and its acknowledgement."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    customer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField()
    recipients = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["incident_id", "customer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "customer"], name="traceability_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.customer_id}"
