"""An inspection's checklist, item by item, and the district bureau's yearly report on its
inspections to the municipal bureau (Chongqing art. 27)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from metrohub.cases.models import Case
from metrohub.legaltime.models import StoredDeadline
from metrohub.organisations.models import Jurisdiction


class ChecklistResult(models.Model):
    """The result of one checklist item of an inspection (the items are the pack's)."""

    class Result(models.TextChoices):
        CONFORMING = "conforming", _("conforming")
        FINDING = "finding", _("finding")
        NOT_CHECKED = "not_checked", _("not checked")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="checklist_results")
    item = models.CharField(_("checklist item"), max_length=80)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "item"], name="one_result_per_checklist_item")
        ]
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")

    def __str__(self) -> str:
        return f"{self.item}: {self.result}"


class DistrictReport(models.Model):
    """A district bureau's report to the municipal bureau on a year's inspections of the centers
    of its district: opened by the daily job, written and submitted by the district."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("district report", "being written")
        SUBMITTED = "submitted", pgettext_lazy("district report", "submitted")

    district = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="inspection_reports"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="district_inspection_reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    rulepack_code = models.CharField(_("rule pack"), max_length=32)
    rulepack_version = models.CharField(_("rule pack version"), max_length=16)
    schedule = models.CharField(_("duty schedule"), max_length=64)
    article = models.CharField(_("article"), max_length=200)
    deadline = models.ForeignKey(StoredDeadline, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    summary = models.TextField(_("summary"), blank=True)
    #: the inspections as they stood when the report was submitted (the record the bureau keeps)
    inspections = models.JSONField(_("inspections"), default=list, blank=True)
    opened_on = models.DateField(_("opened on"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "district__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"], name="one_report_per_district_year"
            )
        ]
        verbose_name = _("district inspection report")
        verbose_name_plural = _("district inspection reports")

    def __str__(self) -> str:
        return f"{self.district} {self.year}"

    @property
    def subject(self) -> str:
        return f"district-inspection-report:{self.pk}"

    @property
    def due(self):
        return self.deadline.due

    def late_on(self, day) -> bool:
        """Submitted after its due date, or not submitted and past it."""
        if self.submitted_on is not None:
            return self.submitted_on > self.deadline.due
        return day > self.deadline.due
