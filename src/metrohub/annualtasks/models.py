"""The year's tasks a programme regulator issues to a center (Chongqing 第二十七条): items with a
target and a weight, the center's report on each with its evidence, the regulator's assessment of
each and of the whole. They hang on a case of kind `annual_tasks`; the case's stages are the
pack's."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from metrohub.cases.models import Case
from metrohub.core.storedfiles import StoredFile


class Outcome(models.TextChoices):
    COMPLETED = "completed", pgettext_lazy("task outcome", "completed")
    PARTLY = "partly", pgettext_lazy("task outcome", "partly completed")
    NOT_COMPLETED = "not_completed", pgettext_lazy("task outcome", "not completed")


class TaskItem(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="task_items")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target = models.CharField(_("target"), max_length=500)
    #: a measurable target: the number to reach and its unit (e.g. 10 项 capability lines)
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField(_("unit"), max_length=20, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"))
    # the center's report
    claimed = models.CharField(
        _("completion reported"), max_length=16, choices=Outcome.choices, blank=True
    )
    report = models.TextField(_("completion report"), blank=True)
    achieved_value = models.DecimalField(
        _("value reached"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    # the regulator's assessment
    outcome = models.CharField(_("assessed as"), max_length=16, choices=Outcome.choices, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    comment = models.TextField(_("assessment comment"), blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)

    class Meta:
        ordering = ["case_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "position"], name="one_task_item_per_position")
        ]
        verbose_name = _("task item")
        verbose_name_plural = _("task items")

    def __str__(self) -> str:
        return self.title


class Evidence(StoredFile):
    """A file the center attaches to its report on one task item."""

    item = models.ForeignKey(TaskItem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="annualtasks/%Y/")

    class Meta:
        ordering = ["item_id", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")


class Assessment(models.Model):
    """The assessment of the year as a whole: the grade, the total of the items' scores."""

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", pgettext_lazy("task grade", "excellent")
        PASS = "pass", pgettext_lazy("task grade", "passed")
        BASIC = "basic", pgettext_lazy("task grade", "basically passed")
        FAIL = "fail", pgettext_lazy("task grade", "failed")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="task_assessment")
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices)
    total = models.DecimalField(_("total score"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("overall comment"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assessment of the annual tasks")
        verbose_name_plural = _("assessments of the annual tasks")

    def __str__(self) -> str:
        return f"{self.get_grade_display()} ({self.total})"
