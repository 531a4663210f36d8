"""Expert panels, rubrics and score sheets (issue 5).

A panel is drawn for a case (expert review, on-site acceptance, or a rectification round's
re-assessment); its members fill independent score sheets against one rubric version; the panel's
result (score, pass/fail, items to rectify, recommendation) is what the procedure engine reads.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from metrohub.cases.models import Case
from metrohub.experts.models import ExpertProfile


class Rubric(models.Model):
    """One version of a pack's acceptance rubric. Version 1 is the pack's example; the regulator's
    edits make new versions; a sheet keeps the version it was scored on."""

    pack_code = models.CharField(_("rule pack"), max_length=32)
    version = models.PositiveIntegerField(_("version"))
    example = models.BooleanField(_("example rubric"), default=False)
    note = models.TextField(_("note"), blank=True)
    areas = models.JSONField(_("areas"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pack_code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["pack_code", "version"], name="rubric_version")
        ]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self) -> str:
        return f"{self.pack_code} v{self.version}"

    @property
    def max_score(self):
        return sum(float(a["max_points"]) for a in self.areas)


class Panel(models.Model):
    class Purpose(models.TextChoices):
        EXPERT_REVIEW = "expert_review", _("expert review")
        ONSITE_ACCEPTANCE = "onsite_acceptance", _("on-site acceptance")
        RECTIFICATION = "rectification", _("re-assessment after rectification")

    class State(models.TextChoices):
        SCORING = "scoring", _("scoring")
        COMPLETED = "completed", _("completed")
        APPLIED = "applied", _("applied to the case")
        CLOSED = "closed", _("closed: the case left its stage")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="panels")
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    criteria = models.JSONField(_("criteria"), default=dict)
    seed = models.BigIntegerField(_("seed"))
    conflicts = models.JSONField(_("conflicting organisations"), default=list)
    drawn_on = models.DateField(_("drawn on"))
    candidates = models.JSONField(_("candidate list"), default=list)
    order = models.JSONField(_("candidate order"), default=list)
    exclusions = models.JSONField(_("exclusions"), default=list)
    leader = models.ForeignKey(
        ExpertProfile, on_delete=models.PROTECT, related_name="+", verbose_name=_("leader")
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_panels",
        verbose_name=_("supervisor (does not score)"),
    )
    rubric = models.ForeignKey(
        Rubric, on_delete=models.PROTECT, null=True, blank=True, related_name="panels"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SCORING
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    report = models.FileField(_("assessment report"), upload_to="panels/", blank=True)
    report_sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "purpose", "round"], name="one_panel_per_round")
        ]
        verbose_name = _("expert panel")
        verbose_name_plural = _("expert panels")

    def __str__(self) -> str:
        return f"{self.case} {self.purpose} #{self.round}"

    @property
    def scores(self) -> bool:
        return self.purpose != self.Purpose.EXPERT_REVIEW or self.rubric_id is not None


class PanelMember(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="memberships")
    position = models.PositiveSmallIntegerField(_("position"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.INVITED
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    replaced_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )
    replacement_seed = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["panel_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "expert"], name="one_seat_per_expert")
        ]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")

    def __str__(self) -> str:
        return f"{self.expert} ({self.status})"

    @property
    def seated(self) -> bool:
        return self.status != self.Status.DECLINED


class ScoreSheet(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    member = models.OneToOneField(PanelMember, on_delete=models.CASCADE, related_name="sheet")
    # None on a review panel of a pack without a rubric: the sheet holds the recommendation only
    rubric = models.ForeignKey(
        Rubric, on_delete=models.PROTECT, null=True, blank=True, related_name="sheets"
    )
    scores = models.JSONField(_("item scores"), default=dict)
    reasons = models.JSONField(_("reasons"), default=dict)
    opinion = models.TextField(_("overall opinion"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=16, blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=1, null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reopen_log = models.JSONField(_("reopenings"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")

    def __str__(self) -> str:
        return f"sheet of {self.member}"


class PanelResult(models.Model):
    panel = models.OneToOneField(Panel, on_delete=models.CASCADE, related_name="result")
    score = models.DecimalField(_("panel score"), max_digits=6, decimal_places=2, null=True)
    method = models.JSONField(_("method"), default=dict)
    passed = models.BooleanField(_("passed"), null=True)
    items_to_rectify = models.JSONField(_("items to rectify"), default=list, blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=16, blank=True)
    opinions = models.JSONField(_("opinions"), default=list, blank=True)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("panel result")
        verbose_name_plural = _("panel results")

    def __str__(self) -> str:
        return f"{self.score} ({self.panel})"
