from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One daily job on one day. Created before the job runs; the unique (job, day) pair is what
    lets only one of several schedulers start it."""

    job = models.CharField(_("job"), max_length=100)
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), null=True)
    message = models.TextField(_("message"), blank=True)
    host = models.CharField(_("host"), max_length=200, blank=True)

    class Meta:
        ordering = ["-day", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "day"], name="one_run_per_job_and_day")
        ]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return f"{self.job} {self.day}"
