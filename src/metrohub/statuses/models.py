"""A center's status in the registry, change by change, each with the decision behind it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from metrohub.centers.models import Center


class StatusChange(models.Model):
    center = models.ForeignKey(
        Center, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("center")
    )
    status = models.CharField(_("status"), max_length=16, choices=Center.Status.choices)
    previous = models.CharField(
        _("previous status"), max_length=16, choices=Center.Status.choices, blank=True
    )
    on = models.DateField(_("date"))
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        "cases.Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    article = models.CharField(_("article"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["center_id", "on", "pk"]
        indexes = [models.Index(fields=["center", "on"])]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.center_id} {self.status} {self.on}"
