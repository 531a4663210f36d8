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
    # Which fields the hash covers: 1 (events written before 2) left actor_label out; 2 covers
    # every field shown to users. A chain's versions never go down.
    hash_version = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["subject", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "seq"], name="event_chain_position")
        ]
        # the event log page lists the newest first: walked by index, not sorted
        indexes = [models.Index(fields=["-recorded_at", "-id"], name="eventlog_newest")]
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

    @property
    def actor_name(self) -> str:
        """Who did it, as a reader says it: the person's name as recorded, or "the platform" for
        what the platform did by itself (a document issued, a time limit recomputed), which the
        log records under the label "system"."""
        if self.actor_id is None and self.actor_label in ("", "system"):
            return str(_("the platform"))
        return self.actor_label

    @property
    def action_name(self) -> str:
        """What happened, in the reader's words (never the "noun.verb" code)."""
        from metrohub.eventlog.labels import action_label

        return action_label(self.action)


class Checkpoint(models.Model):
    """A signed statement of the head (last position and hash) of every chain at one moment.

    Written daily (the `eventlog-checkpoint` job) and exportable for safekeeping outside the
    platform: `verify-log` holds the log against it, so deleting a chain, deleting its last events
    or rewriting its tail (which a hash chain alone cannot reveal) is detected.
    """

    created_at = models.DateTimeField(_("created at"))
    document = models.TextField()  # canonical JSON: what is signed
    signature = models.CharField(max_length=200)  # Ed25519 over the document, base64
    public_key = models.CharField(max_length=100)  # the signer's key, base64 (raw 32 bytes)
    chains = models.PositiveIntegerField(default=0)
    events = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.created_at:%Y-%m-%d %H:%M} ({self.chains} chains)"
