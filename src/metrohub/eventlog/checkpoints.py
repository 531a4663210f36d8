"""Signed checkpoints of the event log's chain heads.

A hash chain shows an edit inside it, but not its end cut off, a chain deleted, or a tail rewritten
with fresh hashes. A checkpoint records the head (last position and hash) of every chain, signed
with an Ed25519 key kept in the data directory (`eventlog-checkpoint.key`, mode 0600, never in the
database). `verify-log` holds the log against the latest checkpoint, or against an exported copy
kept outside the platform: every chain it names must still reach its recorded position with the
recorded hash there.
"""

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import connection
from django.db.models import Max, Q
from django.utils import timezone

from metrohub.eventlog.models import Checkpoint, Event
from metrohub.eventlog.services import Break, canonical_json, sha256

KEY_FILE = "eventlog-checkpoint.key"
FORMAT = "metrohub-eventlog-checkpoint/1"


def key_path() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE


def signing_key() -> Ed25519PrivateKey:
    """The data directory's checkpoint key, made on first use (0600, created exclusively, so two
    processes starting together cannot each write a different key)."""
    path = key_path()
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def _raw_public(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def heads() -> dict[str, list]:
    """{subject: [last seq, its hash]} for every chain, in one query."""
    table = connection.ops.quote_name(Event._meta.db_table)
    if connection.vendor == "postgresql":
        sql = f"SELECT DISTINCT ON (subject) subject, seq, hash FROM {table} ORDER BY subject, seq DESC"  # noqa: S608
    else:  # SQLite returns the bare columns of the row holding the MAX()
        sql = f"SELECT subject, MAX(seq), hash FROM {table} GROUP BY subject"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {subject: [seq, digest] for subject, seq, digest in cursor.fetchall()}


def write_checkpoint(*, now=None) -> Checkpoint:
    """Sign and store the heads of every chain now."""
    now = now or timezone.now()
    previous = Checkpoint.objects.order_by("-created_at", "-pk").first()
    chain_heads = heads()
    document = canonical_json(
        {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "previous": sha256(previous.document) if previous else None,
            "chains": len(chain_heads),
            "events": sum(seq for seq, _hash in chain_heads.values()),
            "heads": chain_heads,
        }
    )
    key = signing_key()
    return Checkpoint.objects.create(
        created_at=now,
        document=document,
        signature=base64.b64encode(key.sign(document.encode())).decode(),
        public_key=_raw_public(key.public_key()),
        chains=len(chain_heads),
        events=sum(seq for seq, _hash in chain_heads.values()),
    )


def export(checkpoint: Checkpoint) -> str:
    """The checkpoint as a file to keep outside the platform (JSON)."""
    return json.dumps(
        {
            "document": checkpoint.document,
            "signature": checkpoint.signature,
            "public_key": checkpoint.public_key,
        },
        ensure_ascii=False,
        indent=1,
    )


@dataclass(frozen=True)
class Signed:
    document: str
    signature: str
    public_key: str


def from_file(text: str) -> Signed:
    data = json.loads(text)
    return Signed(data["document"], data["signature"], data["public_key"])


def latest() -> Signed | None:
    found = Checkpoint.objects.order_by("-created_at", "-pk").first()
    return Signed(found.document, found.signature, found.public_key) if found else None


def check_signature(signed: Signed) -> str | None:
    """None when the checkpoint is signed by this platform's key, else why not. Without the key
    file (verifying elsewhere) the key the checkpoint names is used, and said so."""
    path = key_path()
    if path.exists():
        expected = _raw_public(signing_key().public_key())
        if signed.public_key != expected:
            return "the checkpoint is signed by another key than this platform's"
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(signed.public_key))
    try:
        public.verify(base64.b64decode(signed.signature), signed.document.encode())
    except (InvalidSignature, ValueError):
        return "the checkpoint's signature does not match its content"
    return None


def compare(signed: Signed, subject: str | None = None) -> list[Break]:
    """What the log lacks against a checkpoint: chains deleted, cut short or rewritten."""
    problem = check_signature(signed)
    if problem:
        return [Break("checkpoint", 0, problem)]
    document = json.loads(signed.document)
    recorded = document["heads"]
    if subject is not None:
        recorded = {subject: recorded[subject]} if subject in recorded else {}
    now = {
        row["subject"]: row["last"]
        for row in Event.objects.filter(subject__in=list(recorded))
        .values("subject")
        .annotate(last=Max("seq"))
    }
    at_heads = {(e.subject, e.seq): e.hash for e in _events_at(recorded)} if recorded else {}
    breaks = []
    taken = document["created_at"]
    for name, (seq, digest) in sorted(recorded.items()):
        if name not in now:
            breaks.append(
                Break(name, seq, f"the chain is gone; the checkpoint of {taken} has #{seq}")
            )
        elif now[name] < seq:
            breaks.append(
                Break(
                    name,
                    now[name],
                    f"the chain ends at #{now[name]}; the checkpoint of {taken} has #{seq}",
                )
            )
        elif at_heads.get((name, seq)) != digest:
            breaks.append(
                Break(name, seq, f"event #{seq} is not the one the checkpoint of {taken} recorded")
            )
    return breaks


def _events_at(recorded: dict) -> list[Event]:
    """The events at the recorded heads, 200 chains a query."""
    items = list(recorded.items())
    found = []
    for start in range(0, len(items), 200):
        condition = Q()
        for name, (seq, _digest) in items[start : start + 200]:
            condition |= Q(subject=name, seq=seq)
        found += list(Event.objects.filter(condition).only("subject", "seq", "hash"))
    return found


def created_at(signed: Signed) -> str:
    return json.loads(signed.document)["created_at"]
