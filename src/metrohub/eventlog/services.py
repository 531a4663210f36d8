"""Appending to and verifying the hash-chained event log."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from metrohub.eventlog.models import Event

GENESIS = "0" * 64


def canonical_json(value) -> str:
    """One byte-exact serialisation, so a digest computed today is recomputed the same tomorrow."""
    return json.dumps(
        value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


HASH_VERSION = 2


def _link_hash(
    *,
    prev_hash,
    subject,
    seq,
    actor_id,
    actor_label,
    recorded_at,
    effective_date,
    action,
    article,
    payload_digest,
    version=HASH_VERSION,
):
    fields = {
        "prev": prev_hash,
        "subject": subject,
        "seq": seq,
        "actor": actor_id,
        "at": recorded_at.isoformat(),
        "effective": effective_date.isoformat() if effective_date else None,
        "action": action,
        "article": article,
        "payload": payload_digest,
    }
    if version >= 2:  # every field shown to users, and the version itself
        fields.update(actor_label=actor_label, version=version)
    return sha256(canonical_json(fields))


def event_hash(event: Event) -> str:
    """The hash an event's stored fields give, under the version it was written with."""
    return _link_hash(
        prev_hash=event.prev_hash,
        subject=event.subject,
        seq=event.seq,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        recorded_at=event.recorded_at,
        effective_date=event.effective_date,
        action=event.action,
        article=event.article,
        payload_digest=event.payload_digest,
        version=event.hash_version,
    )


def append_event(
    *,
    subject: str,
    action: str,
    actor=None,
    article: str = "",
    payload: dict | None = None,
    effective_date: date | None = None,
    recorded_at: datetime | None = None,
) -> Event:
    """Append one event to the subject's chain; retried if another writer took the position."""
    payload = json.loads(canonical_json(payload or {}))
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return _append_once(
                    subject, action, actor, article, payload, effective_date, recorded_at
                )
        except IntegrityError:
            continue
    raise RuntimeError(f"Could not append to the event chain of {subject}: too much contention.")


def _append_once(subject, action, actor, article, payload, effective_date, recorded_at) -> Event:
    last = Event.objects.filter(subject=subject).order_by("-seq").only("seq", "hash").first()
    seq = last.seq + 1 if last else 1
    prev_hash = last.hash if last else GENESIS
    # Microseconds are dropped so the timestamp survives every database's storage unchanged.
    at = (recorded_at or timezone.now()).replace(microsecond=0)
    payload_digest = sha256(canonical_json(payload))
    event = Event(
        subject=subject,
        seq=seq,
        actor=actor,
        actor_label=(str(actor) if actor is not None else "system")[:150],
        recorded_at=at,
        effective_date=effective_date,
        action=action,
        article=article,
        payload=payload,
        payload_digest=payload_digest,
        prev_hash=prev_hash,
        hash_version=HASH_VERSION,
    )
    event.hash = event_hash(event)
    event.save()
    return event


@dataclass(frozen=True)
class Break:
    subject: str
    seq: int
    reason: str


def verify_chain(events) -> Break | None:
    """The first broken link in one subject's events (ordered by seq), or None."""
    prev_hash, expected_seq, version = GENESIS, 1, 1
    for event in events:
        if event.seq != expected_seq:
            return Break(event.subject, event.seq, f"expected position {expected_seq}")
        if event.prev_hash != prev_hash:
            return Break(event.subject, event.seq, "does not point to the previous event")
        if event.hash_version not in (1, HASH_VERSION) or event.hash_version < version:
            return Break(event.subject, event.seq, "hash version goes back")
        if sha256(canonical_json(event.payload)) != event.payload_digest:
            return Break(event.subject, event.seq, "payload does not match its digest")
        if event_hash(event) != event.hash:
            return Break(event.subject, event.seq, "fields do not match the stored hash")
        prev_hash, expected_seq, version = event.hash, expected_seq + 1, event.hash_version
    return None


def verify_all(subject: str | None = None):
    """Walk every chain (or one); yield (subject, count, Break|None)."""
    subjects = (
        [subject]
        if subject
        else Event.objects.values_list("subject", flat=True).distinct().order_by("subject")
    )
    for name in subjects:
        events = list(Event.objects.filter(subject=name).order_by("seq"))
        yield name, len(events), verify_chain(events)


def history(subject: str):
    return Event.objects.filter(subject=subject).order_by("seq")
