"""Enquiries from industry to a center: what to measure, answered in a thread, quoted, accepted or
declined; response times kept for the center's public page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from metrohub.catalogue.models import CapabilityLine
from metrohub.centers.models import Center
from metrohub.core.storedfiles import StoredFile
from metrohub.organisations.models import Organisation
from metrohub.sharing.models import Resource


class Enquiry(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("awaiting an answer")
        ANSWERED = "answered", _("answered")
        QUOTED = "quoted", _("quoted")
        ACCEPTED = "accepted", pgettext_lazy("enquiry", "accepted")
        DECLINED = "declined", pgettext_lazy("enquiry", "declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("enquiry", "withdrawn")

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="enquiries", verbose_name=_("center")
    )
    capability_line = models.ForeignKey(
        CapabilityLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
        verbose_name=_("capability"),
    )
    resource = models.ForeignKey(
        Resource,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
        verbose_name=_("shared resource"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enquiries",
        verbose_name=_("sent by"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enquiries",
        verbose_name=_("organisation"),
    )
    subject = models.CharField(_("what to measure"), max_length=200)
    details = models.TextField(_("details"), blank=True)
    quantity = models.PositiveIntegerField(_("quantity (items)"), default=1)
    uncertainty = models.CharField(_("uncertainty needed"), max_length=200, blank=True)
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SENT, db_index=True
    )
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    first_response_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["center", "sent_at"])]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def subject_key(self) -> str:
        """The enquiry's chain in the event log."""
        return f"enquiry:{self.pk}"

    @property
    def response_time(self):
        if self.first_response_at is None:
            return None
        return self.first_response_at - self.sent_at

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.ANSWERED, self.Status.QUOTED)


class Message(models.Model):
    """One post of the thread; what the center decides (a quote, acceptance, refusal) is a post
    of its own kind."""

    class Kind(models.TextChoices):
        ENQUIRY = "enquiry", _("enquiry")
        REPLY = "reply", _("reply")
        QUOTE = "quote", _("quote")
        ACCEPT = "accept", pgettext_lazy("enquiry", "accepted")
        DECLINE = "decline", pgettext_lazy("enquiry", "declined")
        WITHDRAW = "withdraw", pgettext_lazy("enquiry", "withdrawn")

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_center = models.BooleanField(default=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REPLY)
    text = models.TextField(_("text"), blank=True)
    quote_amount = models.DecimalField(
        _("quoted price (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    quote_valid_until = models.DateField(_("quote valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["enquiry_id", "created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class Attachment(StoredFile):
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="enquiries/%Y/%m/")

    class Meta:
        ordering = ["enquiry_id", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
