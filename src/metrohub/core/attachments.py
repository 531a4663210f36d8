"""Checking an uploaded file the way case materials are checked: size, emptiness and the real type
from its first bytes (`metrohub.core.uploads`), never from its name or the browser's claim.

Alliance materials and photos, shared resources' photos and enquiry attachments all come through
here, so every upload of the platform answers to one list of accepted types.
"""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from metrohub.core.uploads import ALLOWED, EXTENSIONS, GIF, JPEG, PNG, TIFF, WEBP, sniff

IMAGES = (PNG, JPEG, GIF, WEBP)

# An image is shown in browsers, which decode every pixel: a small file declaring a huge canvas
# (a decompression bomb) is refused from its header, before anything decodes it.
MAX_IMAGE_PIXELS = 50_000_000


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    sha256: str
    filename: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def clean_filename(name: str, fallback: str) -> str:
    """The base name only, without control characters or lone surrogates, at most 120 characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = base.encode("utf-8", "ignore").decode("utf-8")
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    return base[:120] or fallback


def check_file(content: bytes, filename: str, *, field: str = "file", kinds=None) -> CheckedFile:
    """The file if it may be stored; ValidationError naming `field` otherwise."""
    accepted = {k: ALLOWED[k] for k in (kinds or ALLOWED)}
    limit = settings.METROHUB_MAX_UPLOAD_BYTES
    if not content:
        raise ValidationError({field: [_("The file is empty.")]})
    if len(content) > limit:
        raise ValidationError(
            {field: [_("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1048576, 1)}]}
        )
    kind = sniff(content)
    if kind not in accepted:
        raise ValidationError(
            {
                field: [
                    _("This kind of file is not accepted. Accepted: %(kinds)s.")
                    % {"kinds": "、".join(str(v) for v in accepted.values())}
                ]
            }
        )
    if kind in (*IMAGES, TIFF):
        _check_pixels(content, field)
    return CheckedFile(
        content=content,
        content_type=kind,
        sha256=hashlib.sha256(content).hexdigest(),
        filename=clean_filename(filename, f"file.{EXTENSIONS[kind]}"),
    )


def _check_pixels(content: bytes, field: str) -> None:
    """Refuse an image whose declared size exceeds MAX_IMAGE_PIXELS. Only the header is read
    (Pillow decodes nothing on open); a header Pillow cannot parse is left to the type check,
    which has already matched the file's first bytes."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                pixels = image.width * image.height
    except Image.DecompressionBombError:
        pixels = MAX_IMAGE_PIXELS + 1
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return
    if pixels > MAX_IMAGE_PIXELS:
        raise ValidationError(
            {
                field: [
                    _("The image is too large: at most %(n)d million pixels.")
                    % {"n": MAX_IMAGE_PIXELS // 1_000_000}
                ]
            }
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by `check_file` in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def uploaded(files) -> list[tuple[bytes, str]]:
    """(content, name) pairs of uploaded files, for the services."""
    return [(f.read(), f.name or "") for f in files or []]
