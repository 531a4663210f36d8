import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrohub.organisations.models import Jurisdiction, Organisation


class Role(models.TextChoices):
    PROGRAMME_REGULATOR = "programme_regulator", _("programme regulator")
    DISTRICT_REGULATOR = "district_regulator", _("district regulator")
    COMPETENT_AUTHORITY = "competent_authority", _("competent authority")
    APPLICANT = "applicant", _("applicant staff")
    CENTER_DIRECTOR = "center_director", _("center director")
    CENTER_STAFF = "center_staff", _("center staff")
    EXPERT = "expert", _("expert")
    INDUSTRY_USER = "industry_user", _("industry user")
    PLATFORM_ADMIN = "platform_admin", _("platform administrator")


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_username()


class RoleAssignment(models.Model):
    """A role held by a person in an organisation and a jurisdiction."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_holders",
        verbose_name=_("organisation"),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="role_holders",
        verbose_name=_("jurisdiction"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation", "jurisdiction"],
                name="unique_role_assignment",
            )
        ]
        ordering = ["user_id", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.jurisdiction}"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal token for machine clients; only its SHA-256 is stored."""

    PREFIX = "mh_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def issue(cls, *, user, name: str, expires_at=None) -> tuple["ApiToken", str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, digest=_digest(raw), hint=raw[:8], expires_at=expires_at
        )
        return token, raw

    @classmethod
    def lookup(cls, raw: str) -> "ApiToken | None":
        return cls.objects.select_related("user").filter(digest=_digest(raw)).first()

    @property
    def is_active(self) -> bool:
        """Not revoked, not expired, and younger than the longest lifetime allowed now (which
        also ends tokens issued without an expiry, or before the maximum was lowered)."""
        now = timezone.now()
        oldest = now - timedelta(days=settings.METROHUB_API_TOKEN_MAX_DAYS)
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and (self.created_at is None or self.created_at > oldest)
        )


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(User, exclude_fields=["password", "last_login"])
auditlog.register(RoleAssignment)


class SavedView(models.Model):
    """A person's named search of a list page (its cleaned query string), theirs alone."""

    #: the most views one person keeps per list
    LIMIT = 30

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    list_name = models.CharField(_("list"), max_length=32)
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("query"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_name", "name"], name="one_saved_view_name_per_list"
            )
        ]

    def __str__(self) -> str:
        return self.name
