"""The platform's signing keys for DCC XML: detached Ed25519 signatures over the exact bytes.

Private keys are PEM files in DATA_DIR/keys (directory 0700, files 0600), never in the database,
so a database dump carries no secret. The database holds the public keys with the period each
signed in; rotating opens a new period without touching earlier signatures, which verify with
the key that made them for as long as it stays published.
"""

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from metrohub.certificates.models import SigningKey
from metrohub.eventlog.services import append_event


class KeyUnavailable(RuntimeError):
    """The current key's private half is not in this data directory."""


def keys_dir() -> Path:
    path = Path(settings.DATA_DIR) / "keys"
    path.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def _raw_public(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def key_id_of(raw_public: bytes) -> str:
    return hashlib.sha256(raw_public).hexdigest()[:16]


def _write_private(key_id: str, private: Ed25519PrivateKey) -> None:
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = keys_dir() / f"{key_id}.pem"
    # Created with 0600 from the start: there is no moment where others could read it.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def _read_private(key_id: str) -> Ed25519PrivateKey:
    path = keys_dir() / f"{key_id}.pem"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyUnavailable(
            f"The private key {key_id} is not in {keys_dir()}; restore it or run "
            "`metrohub keys rotate`."
        ) from None
    return serialization.load_pem_private_key(data, password=None)


def rotate(*, actor=None) -> SigningKey:
    """A new signing key; the previous one's period ends now and it stays published."""
    private = Ed25519PrivateKey.generate()
    raw = _raw_public(private)
    key_id = key_id_of(raw)
    _write_private(key_id, private)
    now = timezone.now()
    with transaction.atomic():
        SigningKey.objects.select_for_update().filter(valid_until__isnull=True).update(
            valid_until=now
        )
        key = SigningKey.objects.create(
            key_id=key_id,
            public_key=base64.b64encode(raw).decode(),
            valid_from=now,
        )
        append_event(
            subject="signing-keys",
            action="signing_key.rotated",
            actor=actor,
            payload={"key_id": key_id, "public_key": key.public_key},
        )
    return key


def current_key() -> SigningKey:
    """The key that signs now; the first one is made on first use."""
    key = SigningKey.objects.filter(valid_until__isnull=True).order_by("-valid_from").first()
    return key or rotate()


def sign(data: bytes) -> tuple[SigningKey, str]:
    """(key, base64 signature) of `data` with the current key."""
    key = current_key()
    private = _read_private(key.key_id)
    return key, base64.b64encode(private.sign(data)).decode()


def public_key(key: SigningKey) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))


def verify(key: SigningKey, data: bytes, signature_b64: str) -> bool:
    try:
        public_key(key).verify(base64.b64decode(signature_b64), data)
    except (InvalidSignature, ValueError):
        return False
    return True
