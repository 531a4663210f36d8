"""The center's work from the instrument on the bench to the certificate in the customer's hands.

A job (the instrument, the method, the standards used, the environment and the points) is
drafted, then signed by its performer, checker and approver in that order; the approver's
signature issues it: the certificate gets its number, its PDF, its DCC XML and the detached
signature of that XML, and never changes again. A correction is a new certificate that names the
one it replaces.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metrohub.centers.models import Center
from metrohub.organisations.models import Organisation
from metrohub.standards.models import MeasurementStandard


class JobKind(models.TextChoices):
    VERIFICATION = "verification", _("verification")
    CALIBRATION = "calibration", _("calibration")
    TESTING = "testing", _("testing")
    MEASUREMENT = "measurement", _("measurement test")


class DecisionRule(models.TextChoices):
    SIMPLE = "simple", _("simple acceptance")
    GUARD_BAND = "guard_band", _("guarded acceptance (guard band w = r·U)")


class Location(models.TextChoices):
    LABORATORY = "laboratory", _("laboratory")
    CUSTOMER = "customer", _("customer's site")


class Job(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PERFORMED = "performed", _("performed, awaiting check")
        CHECKED = "checked", _("checked, awaiting approval")
        ISSUED = "issued", _("issued")

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("center")
    )
    customer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    kind = models.CharField(_("kind of work"), max_length=16, choices=JobKind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    instrument_name = models.CharField(_("instrument"), max_length=200)
    instrument_model = models.CharField(_("model / specification"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True)
    instrument_range = models.CharField(_("measuring range"), max_length=200, blank=True)
    accuracy = models.CharField(
        _("accuracy class or maximum permissible error"), max_length=200, blank=True
    )
    measurand = models.CharField(_("measurand"), max_length=200)
    method_code = models.CharField(_("method document"), max_length=60)
    method_title = models.CharField(_("title of the method"), max_length=300, blank=True)
    standards = models.ManyToManyField(
        MeasurementStandard,
        related_name="jobs",
        blank=True,
        verbose_name=_("standards used"),
        through="StandardUse",
    )
    location = models.CharField(
        _("performed at"), max_length=16, choices=Location.choices, default=Location.LABORATORY
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    humidity = models.DecimalField(
        _("relative humidity (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    environment_other = models.CharField(_("other conditions"), max_length=300, blank=True)
    measured_on = models.DateField(_("date of measurement"))
    received_on = models.DateField(_("date received"), null=True, blank=True)
    record_number = models.CharField(_("original record number"), max_length=60, blank=True)
    interval_months = models.PositiveSmallIntegerField(
        _("interval (months)"), null=True, blank=True
    )
    decision_rule = models.CharField(
        _("decision rule"), max_length=16, choices=DecisionRule.choices, default=DecisionRule.SIMPLE
    )
    guard_band_factor = models.DecimalField(
        _("guard band factor r"), max_digits=4, decimal_places=2, default=1
    )
    conformity_requested = models.BooleanField(_("conformity statement requested"), default=False)
    remarks = models.TextField(_("remarks"), blank=True)
    # An uncertainty budget document (metrohub.uncertainty) for points evaluated from it.
    budget = models.JSONField(_("uncertainty budget"), null=True, blank=True)
    replaces = models.ForeignKey(
        "Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendment_jobs",
        verbose_name=_("replaces certificate"),
    )
    amendment_reason = models.CharField(_("reason for the amendment"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    performer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    performed_at = models.DateTimeField(null=True, blank=True)
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [models.Index(fields=["center", "state", "-id"], name="certificates_job_work")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.instrument_name} {self.serial_number}".strip()

    @property
    def subject(self) -> str:
        return f"job:{self.pk}"

    @property
    def temperature_text(self) -> str:
        return _decimal_text(self.temperature)

    @property
    def humidity_text(self) -> str:
        return _decimal_text(self.humidity)


def _decimal_text(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


class StandardUse(models.Model):
    """A standard used by a job, with the job's date of measurement beside it: reverse
    traceability asks "which jobs used this standard between these two dates", and an index on
    (standard, date) answers it by a range scan whose cost is the answer's size, not the number of
    jobs the standard ever served. The date is the job's, kept in step by `certificates.uses`."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="+")
    measurementstandard = models.ForeignKey(
        MeasurementStandard, on_delete=models.CASCADE, related_name="+"
    )
    measured_on = models.DateField(null=True, editable=False)

    class Meta:
        db_table = "certificates_job_standards"
        unique_together = [("job", "measurementstandard")]
        indexes = [
            models.Index(
                fields=["measurementstandard", "measured_on", "job"], name="certificates_use_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.measurementstandard_id} ({self.measured_on})"


class Conformity(models.TextChoices):
    PASS = "pass", _("conforms")
    FAIL = "fail", _("does not conform")


class Point(models.Model):
    """One measurement point. Numbers are kept as the decimal text typed (or computed), so a
    certificate shows 0.250 as 0.250."""

    class Source(models.TextChoices):
        TYPED = "typed", _("typed")
        BUDGET = "budget", _("evaluated from the budget")

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="points")
    position = models.PositiveSmallIntegerField()
    characteristic = models.CharField(_("characteristic"), max_length=100, blank=True)
    nominal = models.CharField(_("nominal value"), max_length=40)
    unit = models.CharField(_("unit"), max_length=32)
    readings = models.JSONField(_("readings"), default=list, blank=True)
    as_found = models.CharField(_("as found"), max_length=40, blank=True)
    as_left = models.CharField(_("as left"), max_length=40, blank=True)
    error = models.CharField(_("error"), max_length=40, blank=True)
    mpe = models.CharField(_("maximum permissible error"), max_length=40, blank=True)
    expanded_uncertainty = models.CharField(_("expanded uncertainty U"), max_length=40, blank=True)
    coverage_k = models.CharField(_("coverage factor k"), max_length=10, blank=True)
    coverage_p = models.CharField(_("coverage probability p"), max_length=10, blank=True)
    u_source = models.CharField(
        _("uncertainty"), max_length=8, choices=Source.choices, default=Source.TYPED
    )
    budget_values = models.JSONField(_("budget values"), default=dict, blank=True)
    conformity = models.CharField(
        _("conformity"), max_length=8, choices=Conformity.choices, blank=True
    )

    class Meta:
        ordering = ["job_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="certificates_point_position")
        ]

    def __str__(self) -> str:
        return f"{self.nominal} {self.unit}"


class CertificateKind(models.TextChoices):
    VERIFICATION_CERTIFICATE = "verification_certificate", _("verification certificate")
    VERIFICATION_NOTICE = "verification_notice", _("notice of verification result")
    CALIBRATION_CERTIFICATE = "calibration_certificate", _("calibration certificate")
    TEST_REPORT = "test_report", _("test report")
    MEASUREMENT_REPORT = "measurement_report", _("measurement test report")


class SigningKey(models.Model):
    """A public key of the platform's detached DCC signatures. The private half lives only in a
    file of the data directory (keys.py); rotating adds a key and closes the old one's period,
    and the old one stays published so its signatures still verify."""

    key_id = models.CharField(max_length=32, unique=True)
    algorithm = models.CharField(max_length=16, default="Ed25519")
    public_key = models.CharField(max_length=64)  # base64 of the raw 32 bytes
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["valid_from", "pk"]

    def __str__(self) -> str:
        return self.key_id


class NumberSequence(models.Model):
    """The last certificate number given by a center in a year; locked while the next is given,
    so numbers are gapless and unique under concurrent issue."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["center", "year"], name="certificates_sequence_year")
        ]

    def __str__(self) -> str:
        return f"{self.center_id}/{self.year}: {self.last}"


def _upload_to(instance, filename: str) -> str:
    return f"certificates/{instance.year}/{instance.center.code}/{filename}"


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        SUPERSEDED = "superseded", _("superseded")
        REVOKED = "revoked", _("revoked")

    job = models.OneToOneField(Job, on_delete=models.PROTECT, related_name="certificate")
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="certificates")
    customer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=32, choices=CertificateKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.VALID
    )
    # The QR code's secret: 256 random bits, URL-safe.
    token = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    pdf = models.FileField(upload_to=_upload_to, max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    xml = models.FileField(upload_to=_upload_to, max_length=200)
    xml_sha256 = models.CharField(max_length=64)
    signature = models.CharField(max_length=100)  # base64 of the Ed25519 signature of the XML
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["center", "year", "sequence"], name="certificates_number_sequence"
            ),
            models.CheckConstraint(
                condition=Q(status="revoked", revoked_at__isnull=False) | ~Q(status="revoked"),
                name="certificates_revocation_recorded",
            ),
        ]
        indexes = [
            # newest first per customer and per center, ties on the time broken by id: a page of
            # a list is a walk of the index (services.NewestFirst), never a sort of millions
            models.Index(
                fields=["customer", "-issued_at", "-id"], name="certificates_customer_new"
            ),
            models.Index(fields=["center", "-issued_at", "-id"], name="certificates_center_new"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def subject(self) -> str:
        return f"certificate:{self.number}"

    @property
    def verification_count(self) -> int:
        tally = getattr(self, "verification_tally", None)
        return tally.count if tally else 0


class IssueTally(models.Model):
    """How many certificates a center issued in a year (the local year of `issued_at`), of one
    kind. The dashboards' by-year panels read these few hundred rows instead of grouping every
    certificate; kept in step by `tallies.count_issued` in each transaction that writes
    certificates. Revocation and supersession do not change it: it counts certificates issued."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=32, choices=CertificateKind.choices)
    issued = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["center", "year", "kind"], name="certificates_issue_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.center_id}/{self.year}/{self.kind}: {self.issued}"


class VerificationTally(models.Model):
    """How often a certificate has been verified. A narrow table of its own: counting a public
    scan rewrites this small row (one index), not the certificate's wide, many-indexed one."""

    certificate = models.OneToOneField(
        Certificate, on_delete=models.CASCADE, primary_key=True, related_name="verification_tally"
    )
    count = models.PositiveBigIntegerField(default=0)
    last_at = models.DateTimeField(null=True, blank=True)
    # What a verification shows that does not change from one scan to the next, stored once
    # (verification.stored_checks) with the CheckGeneration it was judged in: trusted only while
    # that generation is current, and while the XML file's size and modification time are those
    # it was read with.
    generation = models.BigIntegerField(null=True, blank=True)
    chain_broken = models.BooleanField(null=True, blank=True)
    xml_intact = models.BooleanField(null=True, blank=True)
    signature_valid = models.BooleanField(null=True, blank=True)
    xml_file = models.CharField(max_length=48, blank=True, db_default="")

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.count}"


class CheckGeneration(models.Model):
    """One row: a number raised by every write that can change a stored verification verdict
    (a certificate's status, a standard, its instruments and their certificates, a recognised
    institute, a signing key; see verification.connect_invalidation). A stored verdict is judged
    in one generation and read only while it is still the current one, so no scan shows a
    verdict older than the last such write, whichever process serves it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.value)
