"""A person's calendar feed: a secret address that calendar programs poll without signing in, so
the address itself is the credential; revoking it deletes it, renewing it replaces it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    #: stored as its SHA-256: a copy of the database does not give the feed away
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"
