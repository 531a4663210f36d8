"""The public check of a certificate by the token in its QR code: its status, its key data, the
SHA-256 of its PDF and XML, and whether the stored XML still matches its detached signature.

It is public, so it is rate-limited per client address, and every check is counted.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from metrohub.certificates import keys
from metrohub.certificates.models import Certificate
from metrohub.certificates.services import count_verification, find_by_token, read_xml

RATE_PER_MINUTE = 60


def rate_per_minute() -> int:
    return int(getattr(settings, "METROHUB_VERIFY_RATE_PER_MINUTE", RATE_PER_MINUTE))


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allowed(request) -> bool:
    """False once the address has asked more than the rate this minute (fixed window)."""
    window = int(timezone.now().timestamp() // 60)
    key = f"verify-rate:{client_address(request)}:{window}"
    if cache.add(key, 1, timeout=120):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=120)
        return True
    return count <= rate_per_minute()


@dataclass(frozen=True)
class Check:
    certificate: Certificate
    xml_intact: bool  # the stored XML still has the digest recorded at issue
    signature_valid: bool

    @property
    def status(self) -> str:
        return self.certificate.status


def check(token: str) -> Check | None:
    """Look the token up, count the verification, verify the stored XML's signature."""
    certificate = find_by_token(token)
    if certificate is None:
        return None
    count_verification(certificate)
    try:
        xml = read_xml(certificate)
    except (OSError, ValueError):
        return Check(certificate, False, False)
    intact = hashlib.sha256(xml).hexdigest() == certificate.xml_sha256
    valid = intact and keys.verify(certificate.signing_key, xml, certificate.signature)
    return Check(certificate, intact, valid)
