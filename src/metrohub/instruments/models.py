"""Instruments kept by their users: the register of an organisation's measuring instruments with
their intervals and due dates, the catalogue of instruments under compulsory verification
(强制检定的工作计量器具目录), the sites where such instruments are used, and their filing (备案)
with the district bureau, which the public can read on a page per site (强制检定合格公示)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metrohub.certificates.models import Certificate
from metrohub.organisations.models import Jurisdiction, Organisation


class Use(models.TextChoices):
    TRADE = "trade", _("trade settlement")
    SAFETY = "safety", _("safety protection")
    HEALTH = "health", _("medical and health")
    ENVIRONMENT = "environment", _("environmental monitoring")
    OTHER = "other", _("other use")


COMPULSORY_USES = (Use.TRADE, Use.SAFETY, Use.HEALTH, Use.ENVIRONMENT)


class CompulsoryCategory(models.Model):
    """An entry of the catalogue of working instruments under compulsory verification."""

    number = models.PositiveSmallIntegerField(_("item number"), unique=True)
    name = models.CharField(_("instrument"), max_length=100)
    scope = models.CharField(_("instruments covered"), max_length=300, blank=True)
    uses = models.CharField(_("uses under compulsory verification"), max_length=200)
    # The interval where the verification regulation states one; else the regulation decides.
    interval_months = models.PositiveSmallIntegerField(
        _("interval (months)"), null=True, blank=True
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("compulsory verification category")
        verbose_name_plural = _("compulsory verification catalogue")

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """A place where filed instruments are used (a filling station, a market), with the secret
    of its public page."""

    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    name = models.CharField(_("site"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    token = models.CharField(max_length=43, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Instrument(models.Model):
    class Result(models.TextChoices):
        PASS = "pass", _("passed")
        FAIL = "fail", _("failed")

    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    name = models.CharField(_("instrument"), max_length=200)
    model = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True)
    measurand = models.CharField(_("quantity"), max_length=100, blank=True)
    value = models.DecimalField(
        _("typical value measured"), max_digits=24, decimal_places=12, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    location = models.CharField(_("where it is used"), max_length=200, blank=True)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="instruments",
        verbose_name=_("site"),
    )  # fmt: skip
    category = models.ForeignKey(
        CompulsoryCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("compulsory verification category"),
    )  # fmt: skip
    use = models.CharField(_("use"), max_length=16, choices=Use.choices, default=Use.OTHER)
    interval_months = models.PositiveSmallIntegerField(
        _("interval (months)"), null=True, blank=True
    )
    last_verified_on = models.DateField(_("last verified or calibrated"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    last_result = models.CharField(
        _("last result"), max_length=8, choices=Result.choices, blank=True
    )
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    last_certificate = models.ForeignKey(
        Certificate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The owner's consent that the center which last certified it sees it falling due.
    shared_with_center = models.BooleanField(_("the center may see it falling due"), default=False)
    filed_at = models.DateTimeField(_("filed on"), null=True, blank=True)
    filed_district = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminders_sent = models.JSONField(default=list, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "name", "pk"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        indexes = [
            models.Index(fields=["owner", "due_on"], name="instruments_owner_due"),
            models.Index(
                fields=["filed_district", "due_on"],
                name="instruments_filed_due",
                condition=Q(filed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.serial_number}".strip()

    @property
    def is_filed(self) -> bool:
        return self.filed_at is not None


class CalendarFeed(models.Model):
    """The secret of an organisation's iCal feed of due dates (calendar apps cannot log in)."""

    owner = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=43, unique=True)

    def __str__(self) -> str:
        return str(self.owner_id)
