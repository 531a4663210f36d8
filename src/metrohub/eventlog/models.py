from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One entry of a subject's legal record; append-only and hash-chained per subject.

    `subject` is a stable key such as "case:42"; `seq` numbers the subject's events from 1, and the
    unique constraint on the pair means two writers can never fork a chain.
    """

    subject = models.CharField(_("subject"), max_length=100, db_index=True)
    seq = models.PositiveIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=64)
    article = models.CharField(_("article cited"), max_length=200, blank=True)
    payload = models.JSONField(default=dict)
    payload_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["subject", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "seq"], name="event_chain_position")
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.subject}#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Events are append-only.")
