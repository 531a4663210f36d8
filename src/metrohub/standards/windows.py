"""Each calibration record of a standard instrument carries the date of the instrument's next
record (`InstrumentCertificate.next_issued_on`): the record stood behind the instrument from its
own date until that day. Reverse traceability reads the window as two columns of the record, so
a date left behind would move a window and change an affected set: every insert, change of date
or instrument, and delete recomputes the dates of the instrument's records (a handful of rows).
Bulk writers (the benchmarks) call `refresh` themselves, as signals do not see them."""

from django.db.models import Min, OuterRef, Subquery
from django.db.models.signals import post_delete, post_save, pre_save

from metrohub.standards.models import InstrumentCertificate


def _next_date():
    """The earliest later record of the same instrument, as a correlated subquery."""
    later = InstrumentCertificate.objects.filter(
        instrument_id=OuterRef("instrument_id"), issued_on__gt=OuterRef("issued_on")
    )
    return Subquery(
        later.order_by().values("instrument_id").annotate(first=Min("issued_on")).values("first")
    )


def refresh(*, instrument_ids=None) -> int:
    """Recompute the next dates of these instruments' records (of every record when None), in
    one UPDATE; the number of records changed."""
    records = InstrumentCertificate.objects.all()
    if instrument_ids is not None:
        records = records.filter(instrument_id__in=list(instrument_ids))
    return records.update(next_issued_on=_next_date())


def _remember(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    # A record moved to another instrument leaves a gap in the old one's windows too.
    instance._instrument_before = None
    if raw or instance.pk is None or not _moves(update_fields):
        return
    instance._instrument_before = (
        InstrumentCertificate.objects.filter(pk=instance.pk)
        .values_list("instrument_id", flat=True)
        .first()
    )


def _moves(update_fields) -> bool:
    """Whether a save can change a window (a save naming only other fields cannot)."""
    return update_fields is None or bool({"issued_on", "instrument"} & set(update_fields))


def _on_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw or not _moves(update_fields):
        return
    before = getattr(instance, "_instrument_before", None)
    refresh(instrument_ids={instance.instrument_id, before} - {None})


def _on_delete(sender, instance, **kwargs) -> None:
    refresh(instrument_ids=[instance.instrument_id])


def connect() -> None:
    pre_save.connect(_remember, sender=InstrumentCertificate, dispatch_uid="record-windows-pre")
    post_save.connect(_on_save, sender=InstrumentCertificate, dispatch_uid="record-windows-save")
    post_delete.connect(
        _on_delete, sender=InstrumentCertificate, dispatch_uid="record-windows-delete"
    )
