"""Idempotent API writes: the same request with the same Idempotency-Key acts once; the same key
with a different request is a conflict."""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from metrohub.cases.models import IdempotencyKey
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import canonical_json


def digest(value) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def _replayed(actor, key: str | None, scope: str, request_digest: str):
    """The stored result of an earlier request with this key, or None."""
    if not key:
        return None
    found = IdempotencyKey.objects.filter(user=actor, key=key).first()
    if found is None:
        return None
    if found.scope != scope or found.digest != request_digest:
        raise Conflict(_("This Idempotency-Key was used for a different request."))
    return found.result


def idempotent(actor, key, scope, request_digest, work, replay):
    """Run `work()` once per key. The key is claimed *before* the work, in the same transaction:
    a concurrent twin's claim waits on the unique index until the first commits, then fails and
    replays the stored result — it never runs the work against a state the first has changed
    (which answered 409 where the first request's answer was due)."""
    if not key:
        with transaction.atomic():
            return work()[0]
    stored = _replayed(actor, key, scope, request_digest)
    if stored is not None:
        return replay(stored)
    try:
        with transaction.atomic():
            claim = IdempotencyKey.objects.create(
                user=actor, key=key, scope=scope, digest=request_digest, result={}
            )
            result, remembered = work()
            claim.result = remembered
            claim.save(update_fields=["result"])
            return result
    except IntegrityError:
        stored = _replayed(actor, key, scope, request_digest)
        if stored is None:
            raise
        return replay(stored)
