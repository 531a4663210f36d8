"""What a service guide needs beyond its rule pack: the data a programme regulator maintains
(item code and type, office, hours, contacts, complaints channel) and the common questions.

Keyed by the programme (the rule pack's code), not by a pack version: a new version of the rules
keeps the office, the contacts and the questions.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeGuide(models.Model):
    class ItemType(models.TextChoices):
        # The kinds of government service item of the national implementation lists.
        OTHER_POWER = "other_power", _("other administrative power")
        PUBLIC_SERVICE = "public_service", _("public service")
        CONFIRMATION = "confirmation", _("administrative confirmation")
        LICENSING = "licensing", _("administrative licensing")

    programme = models.CharField(_("programme"), max_length=40, unique=True)
    item_name = models.CharField(_("item name"), max_length=200, blank=True)
    item_code = models.CharField(_("item code"), max_length=64, blank=True)
    item_type = models.CharField(
        _("item type"), max_length=32, choices=ItemType.choices, default=ItemType.OTHER_POWER
    )
    office_address = models.CharField(_("office address"), max_length=300, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    enquiry_phone = models.CharField(_("enquiry phone"), max_length=100, blank=True)
    complaint_channel = models.CharField(_("complaints channel"), max_length=300, blank=True)
    visits = models.PositiveSmallIntegerField(_("visits needed"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme"]
        verbose_name = _("programme guide")
        verbose_name_plural = _("programme guides")

    def __str__(self) -> str:
        return self.programme


class GuideQuestion(models.Model):
    programme = models.CharField(_("programme"), max_length=40, db_index=True)
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"), max_length=2000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["programme", "position", "pk"]
        verbose_name = _("common question")
        verbose_name_plural = _("common questions")

    def __str__(self) -> str:
        return self.question
