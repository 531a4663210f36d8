from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """Whether a year's holiday schedule is known; deadlines over an unknown year are provisional."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    known = models.BooleanField(_("schedule known"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One day of the legal calendar: working day or not, and why."""

    date = models.DateField(_("date"), unique=True)
    workday = models.BooleanField(_("working day"))
    holiday_name = models.CharField(_("holiday (Chinese)"), max_length=40, blank=True)
    holiday_name_en = models.CharField(_("holiday (English)"), max_length=60, blank=True)
    adjusted = models.BooleanField(_("adjusted working day"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return self.date.isoformat()


class StoredDeadline(models.Model):
    """A computed deadline that something depends on (an obligation, a notice period).

    The inputs are kept so the date can be recomputed when a year's schedule is entered; the
    explanation is kept so a user can always see how the date was reached.
    """

    start = models.DateField()
    count = models.PositiveIntegerField()
    unit = models.CharField(max_length=16)
    extend_holiday = models.BooleanField(default=False)
    next_working_day = models.BooleanField(default=False)
    include_start = models.BooleanField(default=False)
    rule = models.CharField(_("rule"), max_length=200, blank=True)
    article = models.CharField(_("article"), max_length=200, blank=True)
    due = models.DateField(_("due"))
    provisional = models.BooleanField(_("provisional"), default=False)
    calendar_years = models.JSONField(default=list)
    steps = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["provisional"])]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return f"{self.rule or self.unit} → {self.due.isoformat()}"
