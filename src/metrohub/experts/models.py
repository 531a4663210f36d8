from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from metrohub.organisations.models import Jurisdiction, Organisation


class ExpertProfile(models.Model):
    """An expert in the registry. The expert keeps it up to date; regulators curate it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="experts",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    region = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="experts", verbose_name=_("region")
    )
    #: industry domains (the shared taxonomy of the rule packs' service fields) and metrology areas
    domains = models.JSONField(_("industry domains"), default=list, blank=True)
    areas = models.JSONField(_("metrology areas"), default=list, blank=True)
    available = models.BooleanField(_("available for panels"), default=True)
    active = models.BooleanField(
        _("in the registry"),
        default=True,
        help_text=_("Set by the regulator; inactive experts are never drawn."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__code", "user__username"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return str(self.user)

    def domain_labels(self) -> list[str]:
        """The industry domains by name, in the reader's language (stored as codes)."""
        from django.utils.translation import get_language

        from metrohub.experts.taxonomy import domains

        english = (get_language() or "").startswith("en")
        names = {code: en if english else zh for code, zh, en in domains()}
        return [names.get(code, code) for code in self.domains]

    def area_labels(self) -> list[str]:
        from metrohub.catalogue.models import Area

        names = dict(Area.choices)
        return [str(names.get(code, code)) for code in self.areas]


class Employment(models.Model):
    """Where an expert worked: a recent employer of an applicant is a conflict of interest."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="employments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    started = models.DateField(_("from"), null=True, blank=True)
    ended = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-ended"]
        verbose_name = _("employment")
        verbose_name_plural = _("employments")

    def __str__(self) -> str:
        return f"{self.expert} @ {self.organisation}"


class DeclaredConflict(models.Model):
    expert = models.ForeignKey(
        ExpertProfile, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    reason = models.CharField(_("reason"), max_length=300)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "organisation"], name="one_declaration_per_organisation"
            )
        ]
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")

    def __str__(self) -> str:
        return f"{self.expert} ≠ {self.organisation}"


from auditlog.registry import auditlog  # noqa: E402

auditlog.register(ExpertProfile)
