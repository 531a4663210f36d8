"""The date of measurement beside each standard a job used (`StandardUse.measured_on`), kept equal
to the job's own: written when standards are added to a job (from either side) and when a job's
date changes. Reverse traceability reads it through the (standard, date) index, so a row left
behind would drop certificates from an affected set; bulk writers (the demo, the benchmarks) set
it themselves, as signals do not see them."""

from django.db.models import OuterRef, Subquery
from django.db.models.signals import m2m_changed, post_save

from metrohub.certificates.models import Job, StandardUse


def _on_add(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action != "post_add" or not pk_set:
        return
    if reverse:  # standard.jobs.add(...): pk_set holds job ids
        uses = StandardUse.objects.filter(measurementstandard_id=instance.pk, job_id__in=pk_set)
    else:
        uses = StandardUse.objects.filter(job_id=instance.pk, measurementstandard_id__in=pk_set)
    uses.update(
        measured_on=Subquery(Job.objects.filter(pk=OuterRef("job_id")).values("measured_on"))
    )


def _on_save(sender, instance, created, update_fields=None, **kwargs) -> None:
    # A new job has no standards yet; a save naming its fields without the date leaves it alone.
    if created or (update_fields is not None and "measured_on" not in update_fields):
        return
    StandardUse.objects.filter(job_id=instance.pk).exclude(measured_on=instance.measured_on).update(
        measured_on=instance.measured_on
    )


def connect() -> None:
    m2m_changed.connect(_on_add, sender=StandardUse, dispatch_uid="standard-use-dates-m2m")
    post_save.connect(_on_save, sender=Job, dispatch_uid="standard-use-dates-save")
