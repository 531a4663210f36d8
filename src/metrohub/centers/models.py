"""Industrial metrology test centers: the minimal record other features extend."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from metrohub.organisations.models import BilingualNameMixin, Jurisdiction, Organisation

validate_center_code = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,31}$",
    _("A center code is 2 to 32 capital letters, digits and hyphens, such as CQ-AUTO."),
    code="center_code",
)


class Center(BilingualNameMixin):
    class Level(models.TextChoices):
        MUNICIPAL = "municipal", _("municipal")
        PROVINCIAL = "provincial", _("provincial")
        NATIONAL = "national", _("national")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("in preparation")
        ESTABLISHED = "established", _("established")
        SUSPENDED = "suspended", _("suspended")
        REVOKED = "revoked", _("revoked")

    code = models.CharField(
        _("code"), max_length=32, unique=True, validators=[validate_center_code]
    )
    host = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="centers",
        verbose_name=_("host organisation"),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="centers",
        verbose_name=_("jurisdiction"),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PREPARING
    )
    industry_domain = models.CharField(_("industry"), max_length=200, blank=True)
    director_name = models.CharField(_("director"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("center")
        verbose_name_plural = _("centers")

    def province(self) -> Jurisdiction:
        """The province-level jurisdiction the center belongs to."""
        node = self.jurisdiction
        while node.parent is not None and node.level != Jurisdiction.Level.PROVINCE:
            node = node.parent
        return node


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(Center)
