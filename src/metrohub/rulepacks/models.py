"""Pack versions made on the platform: the shipped packs are files; a programme regulator who
enters the text of articles a seed does not give makes a new version, stored here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PackRevision(models.Model):
    """A pack version made from the previous one with the missing texts filled in; it goes
    through the same validator as a file and is in force from its effective date."""

    code = models.CharField(_("rule pack"), max_length=40)
    version = models.CharField(_("version"), max_length=40)
    supersedes = models.CharField(_("made from"), max_length=90)
    effective_date = models.DateField(_("effective from"))
    data = models.JSONField(_("pack"))
    filled = models.JSONField(_("texts entered"), default=list)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="pack_revision_version")
        ]
        verbose_name = _("rule pack version made on the platform")
        verbose_name_plural = _("rule pack versions made on the platform")

    def __str__(self) -> str:
        return f"{self.code}@{self.version}"
