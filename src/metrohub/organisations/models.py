from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from metrohub.organisations.validators import validate_credit_code, validate_division_code


class BilingualNameMixin(models.Model):
    name = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Jurisdiction(BilingualNameMixin):
    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        PROVINCE = "province", _("province-level")
        DISTRICT = "district", _("district / county")

    code = models.CharField(
        _("division code"), max_length=6, unique=True, validators=[validate_division_code]
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def ancestors_and_self(self) -> list["Jurisdiction"]:
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def descendant_ids(self) -> set[int]:
        """Ids of this jurisdiction and every one below it (the tree is three levels deep).

        Kept on the instance: a person's scope is read several times a request (the worklist, the
        list, its filters) through the same role assignments; a copy is returned to each caller."""
        cached = self.__dict__.get("_descendant_ids")
        if cached is None:
            cached, frontier = {self.pk}, [self.pk]
            while frontier:
                frontier = list(
                    Jurisdiction.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
                )
                cached.update(frontier)
            self.__dict__["_descendant_ids"] = frozenset(cached)
        return set(cached)


class Organisation(BilingualNameMixin):
    class Kind(models.TextChoices):
        REGULATOR = "regulator", _("market regulator")
        DISTRICT_REGULATOR = "district_regulator", _("district market regulator")
        COMPETENT_AUTHORITY = "competent_authority", _("competent authority")
        METROLOGY_INSTITUTE = "metrology_institute", _("metrology institute")
        TESTING_INSTITUTION = "testing_institution", _("testing institution")
        RESEARCH_INSTITUTE = "research_institute", _("research institute")
        UNIVERSITY = "university", _("university")
        ENTERPRISE = "enterprise", _("enterprise")

    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={
            "unique": _("An organisation with this credit code is already registered.")
        },
    )
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("jurisdiction"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["jurisdiction__code", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")


from auditlog.registry import auditlog  # noqa: E402  (registration needs the classes above)

auditlog.register(Jurisdiction)
auditlog.register(Organisation)
