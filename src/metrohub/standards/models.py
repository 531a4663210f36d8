"""A center's means of measurement: its measurement standards (计量标准) with their examination
certificates, the standard instruments that make them up with their own calibration or
verification certificates, and the people authorized to perform, check and approve by method.

An instrument's certificate is either a link to a certificate issued on this platform or an
external record (issuer, number, dates, uncertainty): traceability chains walk the first kind
further and stop at the second.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metrohub.centers.models import Center


class MeasurementStandard(models.Model):
    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("in service")
        RETIRED = "retired", _("retired")

    center = models.ForeignKey(
        Center,
        on_delete=models.PROTECT,
        related_name="measurement_standards",
        verbose_name=_("center"),
    )
    name = models.CharField(_("name of the standard"), max_length=200)
    measurand = models.CharField(_("measurand"), max_length=200)
    range_text = models.CharField(_("measuring range"), max_length=200, blank=True)
    uncertainty = models.CharField(
        _("uncertainty, accuracy class or maximum permissible error"), max_length=200, blank=True
    )
    exam_certificate_number = models.CharField(_("examination certificate number"), max_length=100)
    exam_valid_until = models.DateField(_("examination certificate valid until"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_SERVICE
    )
    # Due dates already reminded of, so the daily run reminds once per due date and lead time.
    reminders_sent = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["center__code", "name", "pk"]
        verbose_name = _("measurement standard")
        verbose_name_plural = _("measurement standards")

    def __str__(self) -> str:
        return self.name


class StandardInstrument(models.Model):
    standard = models.ForeignKey(
        MeasurementStandard,
        on_delete=models.PROTECT,
        related_name="instruments",
        verbose_name=_("measurement standard"),
    )
    name = models.CharField(_("instrument"), max_length=200)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True)
    accuracy = models.CharField(
        _("uncertainty, accuracy class or maximum permissible error"), max_length=200, blank=True
    )

    class Meta:
        ordering = ["standard_id", "name", "pk"]
        verbose_name = _("standard instrument")
        verbose_name_plural = _("standard instruments")

    def __str__(self) -> str:
        return f"{self.name} {self.model}".strip()


class InstrumentCertificate(models.Model):
    """One calibration or verification of a standard instrument: a platform certificate (linked)
    or an external record. Issuer, number and dates are kept on the record in both cases, so
    lists and checks read one row; for a platform certificate they are copied from it."""

    instrument = models.ForeignKey(
        StandardInstrument,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("standard instrument"),
    )
    platform_certificate = models.ForeignKey(
        "certificates.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instrument_records",
        verbose_name=_("certificate on this platform"),
    )
    issuer = models.CharField(_("issued by"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=100)
    issued_on = models.DateField(_("date of calibration or verification"))
    due_on = models.DateField(_("due date"))
    uncertainty = models.CharField(
        _("uncertainty, accuracy class or maximum permissible error"), max_length=200, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    reminders_sent = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["instrument_id", "-issued_on", "-pk"]
        verbose_name = _("instrument certificate")
        verbose_name_plural = _("instrument certificates")
        constraints = [
            models.CheckConstraint(
                condition=~Q(issuer="") & ~Q(number=""), name="standards_certificate_identified"
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("issued_on")), name="standards_certificate_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.number}"

    @property
    def is_external(self) -> bool:
        return self.platform_certificate_id is None


class Step(models.TextChoices):
    """The three signatures of a certificate, in the order they are given."""

    PERFORM = "perform", _("performer")
    CHECK = "check", _("checker")
    APPROVE = "approve", _("approver")


class Authorization(models.Model):
    """A person's authorization at a center to perform, check and/or approve work to a method."""

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="authorizations", verbose_name=_("center")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="method_authorizations",
        verbose_name=_("person"),
    )
    method_code = models.CharField(_("method document"), max_length=60)
    may_perform = models.BooleanField(_("may perform"), default=False)
    may_check = models.BooleanField(_("may check"), default=False)
    may_approve = models.BooleanField(_("may approve"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    credential = models.CharField(_("credential number"), max_length=100, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["center__code", "method_code", "person_id", "-valid_until"]
        verbose_name = _("authorization")
        verbose_name_plural = _("authorizations")
        indexes = [
            models.Index(fields=["center", "method_code", "person"], name="standards_auth_lookup")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="standards_auth_dates"
            ),
            models.CheckConstraint(
                condition=Q(may_perform=True) | Q(may_check=True) | Q(may_approve=True),
                name="standards_auth_some_step",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.method_code}"

    def allows(self, step: str) -> bool:
        return {
            Step.PERFORM: self.may_perform,
            Step.CHECK: self.may_check,
            Step.APPROVE: self.may_approve,
        }[step]

    @property
    def steps(self) -> list[str]:
        return [step for step in Step if self.allows(step)]
