"""The capability catalogue: each center's committed capabilities (Hubei art. 15–17)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from metrohub.catalogue.grams import search_grams
from metrohub.centers.models import Center


class ServiceKind(models.TextChoices):
    VERIFICATION = "verification", _("verification")
    CALIBRATION = "calibration", _("calibration")
    TESTING = "testing", _("testing")
    MEASUREMENT_REPORT = "measurement_report", _("measurement report")


class Area(models.TextChoices):
    """The ten metrology disciplines of Chinese practice."""

    GEOMETRIC = "geometric", _("geometric quantities")
    THERMAL = "thermal", _("thermal")
    MECHANICAL = "mechanical", _("mechanical")
    ELECTROMAGNETIC = "electromagnetic", _("electromagnetic")
    RADIO = "radio", _("radio")
    TIME_FREQUENCY = "time_frequency", _("time and frequency")
    OPTICAL = "optical", _("optical")
    ACOUSTIC = "acoustic", _("acoustic")
    IONIZING_RADIATION = "ionizing_radiation", _("ionizing radiation")
    PHYSICO_CHEMICAL = "physico_chemical", _("physico-chemical")


class UncertaintyForm(models.TextChoices):
    VALUE = "value", _("single value")
    RANGE = "range", _("range over the measuring range")
    FORMULA = "formula", _("formula of the measured value")
    TABLE = "table", _("table")
    ACCURACY_CLASS = "accuracy_class", _("accuracy class")
    MPE = "mpe", _("maximum permissible error")


class MethodDocument(models.Model):
    class Status(models.TextChoices):
        CURRENT = "current", _("current")
        SUPERSEDED = "superseded", _("superseded")
        WITHDRAWN = "withdrawn", _("withdrawn")

    code = models.CharField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CURRENT
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("method document")
        verbose_name_plural = _("method documents")

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class CapabilityLine(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        SUSPENDED = "suspended", _("suspended")
        WITHDRAWN = "withdrawn", _("withdrawn")

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="capability_lines", verbose_name=_("center")
    )
    natural_key = models.CharField(max_length=40, editable=False)
    kind = models.CharField(_("kind of service"), max_length=24, choices=ServiceKind.choices)
    area = models.CharField(_("metrology area"), max_length=24, choices=Area.choices)
    branch = models.CharField(_("branch"), max_length=100, blank=True)
    industry_domain = models.CharField(_("industry"), max_length=200, blank=True)
    measurand = models.CharField(_("measurand or parameter"), max_length=200)
    instrument = models.CharField(_("instrument or item"), max_length=200, blank=True)
    conditions = models.CharField(_("parameters and conditions"), max_length=500, blank=True)
    range_lower = models.DecimalField(
        _("lower limit"), max_digits=30, decimal_places=12, null=True, blank=True
    )
    range_upper = models.DecimalField(
        _("upper limit"), max_digits=30, decimal_places=12, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    # The range in SI base units and the unit's dimension, for "who can measure this?".
    base_lower = models.FloatField(null=True, blank=True, editable=False)
    base_upper = models.FloatField(null=True, blank=True, editable=False)
    dimension = models.CharField(max_length=120, blank=True, editable=False)

    u_form = models.CharField(
        _("uncertainty given as"), max_length=16, choices=UncertaintyForm.choices
    )
    u_value = models.DecimalField(
        _("expanded uncertainty U"), max_digits=30, decimal_places=12, null=True, blank=True
    )
    u_value_max = models.DecimalField(
        _("largest U"), max_digits=30, decimal_places=12, null=True, blank=True
    )
    u_formula = models.CharField(_("U as a formula of x"), max_length=300, blank=True)
    u_table = models.JSONField(_("U table"), default=list, blank=True)
    u_relative = models.BooleanField(_("relative"), default=False)
    u_unit = models.CharField(_("unit of U"), max_length=32, blank=True)
    coverage_k = models.DecimalField(
        _("coverage factor k"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    coverage_p = models.DecimalField(
        _("coverage probability p"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    accuracy = models.CharField(
        _("accuracy class or maximum permissible error"), max_length=100, blank=True
    )
    methods = models.CharField(_("method documents"), max_length=500, blank=True)
    cnas = models.BooleanField(_("CNAS accredited"), default=False)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    content_hash = models.CharField(max_length=40, editable=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    region_code = models.CharField(max_length=6, editable=False, db_index=True)
    # Lower-cased, NFKC-normalised text that both full-text backends search.
    search_text = models.TextField(editable=False)
    # The one- and two-character grams of search_text (catalogue.grams), indexed for the short
    # terms trigrams cannot serve (a GIN index on PostgreSQL, an FTS5 table on SQLite).
    search_grams = models.TextField(editable=False, default="")
    measurand_key = models.CharField(max_length=200, editable=False)

    class Meta:
        ordering = ["center__code", "area", "measurand", "pk"]
        verbose_name = _("capability line")
        verbose_name_plural = _("capability lines")
        constraints = [
            models.UniqueConstraint(
                fields=["center", "natural_key"], name="catalogue_line_natural_key"
            )
        ]
        indexes = [
            models.Index(fields=["status", "area"], name="catalogue_status_area"),
            models.Index(fields=["status", "kind"], name="catalogue_status_kind"),
            models.Index(fields=["dimension", "base_lower"], name="catalogue_dimension"),
            # Search walks these in rank order (search.search_page).
            models.Index(
                fields=["status", "measurand_key", "cnas", "id"], name="catalogue_rank_measurand"
            ),
            models.Index(fields=["status", "cnas", "id"], name="catalogue_rank_rest"),
            # the unfiltered catalogue in browsing order (center, area, measurand), walked center
            # by center instead of sorting a million lines
            models.Index(
                fields=["center", "status", "area", "measurand_key", "id"],
                name="catalogue_center_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.center.code} · {self.measurand} {self.instrument}".strip()

    def save(self, *args, **kwargs):
        # Lines written one at a time keep their grams in step with their search text even
        # where the caller set only the text; bulk writers set both (lines.derived).
        self.search_grams = search_grams(self.search_text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_grams"}
        super().save(*args, **kwargs)

    @property
    def method_codes(self) -> list[str]:
        return [code for code in self.methods.split("; ") if code]

    @property
    def range_text(self) -> str:
        def text(value):
            return format(value.normalize(), "f")

        low, high, unit = self.range_lower, self.range_upper, self.unit
        if low is not None and high is not None:
            return f"({text(low)}~{text(high)}) {unit}".strip()
        if low is not None:
            return f"≥ {text(low)} {unit}".strip()
        if high is not None:
            return f"≤ {text(high)} {unit}".strip()
        return ""

    @property
    def uncertainty_text(self) -> str:
        def text(value):
            return format(value.normalize(), "f")

        form = self.u_form
        if form in (UncertaintyForm.ACCURACY_CLASS, UncertaintyForm.MPE):
            return self.accuracy
        unit = self.u_unit or self.unit
        if self.u_relative:
            prefix, unit = "Urel = ", self.u_unit
        else:
            prefix = "U = "
        if form == UncertaintyForm.VALUE:
            body = text(self.u_value)
        elif form == UncertaintyForm.RANGE:
            body = f"({text(self.u_value)}~{text(self.u_value_max)})"
        elif form == UncertaintyForm.FORMULA:
            from metrohub.catalogue.formulas import pretty

            body = f"({pretty(self.u_formula)})"
        else:
            body = "[" + "; ".join(f"{x}: {u}" for x, u in self.u_table) + "]"
        coverage = []
        if self.coverage_k is not None:
            coverage.append(f"k = {text(self.coverage_k)}")
        if self.coverage_p is not None:
            coverage.append(f"p = {text(self.coverage_p)}")
        return f"{prefix}{body} {unit}".strip() + (", " + ", ".join(coverage) if coverage else "")


class CapabilityVersion(models.Model):
    """Every state a line has held, with the dates it held it."""

    line = models.ForeignKey(CapabilityLine, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    status = models.CharField(max_length=16)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    change_request = models.ForeignKey(
        "ChangeRequest", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["line_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["line", "version"], name="catalogue_line_version")
        ]

    def __str__(self) -> str:
        return f"{self.line_id} v{self.version}"

    def get_status_display(self) -> str:
        """The line's status when this version was made, by its label (stored as the code)."""
        return str(dict(CapabilityLine.Status.choices).get(self.status, self.status))


class ChangeRequest(models.Model):
    """A proposed change to one line: added, changed or withdrawn.

    Where the center's rule pack has a capability-change procedure (Hubei art. 16), each is an
    item of a case of that kind and follows it: applied when the case announces the change,
    refused or withdrawn with it. Elsewhere the programme regulator reviews it alone."""

    class Action(models.TextChoices):
        ADD = "add", _("add a line")
        MODIFY = "modify", _("change a line")
        WITHDRAW = "withdraw", _("withdraw a line")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        ANNOUNCED = "announced", _("announced")
        WITHDRAWN = "withdrawn", _("withdrawn")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="change_requests")
    #: the capability-change case this is an item of (none where the pack has no such procedure)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="capability_changes",
        verbose_name=_("case"),
    )
    line = models.ForeignKey(
        CapabilityLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_requests",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    proposed = models.JSONField(_("proposed line"), default=dict, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")

    def __str__(self) -> str:
        return f"{self.center.code} #{self.pk} {self.get_action_display()}"


class SynonymGroup(models.Model):
    """Names and spellings the catalogue search treats as one: a query containing any variant
    also finds lines written with the others (万用表 ↔ 数字多用表; N·m ↔ Nm ↔ N.m).

    Names compare case-insensitively, as the search text does. Unit spellings compare with their
    case (Nm is newton metre; nm is nanometre)."""

    class Kind(models.TextChoices):
        NAME = "name", _("names of an instrument or quantity")
        UNIT = "unit", _("spellings of a unit")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.NAME)
    variants = models.TextField(
        _("variants"),
        max_length=1000,
        help_text=_("Two to twenty variants, one per line or separated by commas."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self) -> str:
        return " ↔ ".join(self.variant_list())

    def variant_list(self) -> list[str]:
        import re
        import unicodedata

        parts = re.split(r"[\n,，、;；]+", self.variants or "")
        cleaned = [" ".join(unicodedata.normalize("NFKC", p).split()) for p in parts]
        return list(dict.fromkeys(p for p in cleaned if p))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        variants = self.variant_list()
        if "\x00" in (self.variants or "") or any(
            0xD800 <= ord(ch) <= 0xDFFF for ch in self.variants or ""
        ):
            raise ValidationError(
                {"variants": _("The variants contain characters that cannot be stored.")}
            )
        if not 2 <= len(variants) <= 20:
            raise ValidationError({"variants": _("Give two to twenty variants.")})
        long = [v for v in variants if len(v) > 50]
        if long:
            raise ValidationError(
                {"variants": _("A variant is at most 50 characters: %(v)s") % {"v": long[0][:60]}}
            )
        spaced = [v for v in variants if " " in v]
        if spaced:
            raise ValidationError(
                {
                    "variants": _(
                        "A variant cannot contain a space (the search splits words at spaces): %(v)s"
                    )
                    % {"v": spaced[0]}
                }
            )
