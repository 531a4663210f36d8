"""Uploads checked as case materials are: an image whose header declares a huge canvas (a
decompression bomb) is refused before anything decodes it, naming the field."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from metrohub.core.attachments import IMAGES, MAX_IMAGE_PIXELS, check_file


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def bomb_png(side: int) -> bytes:
    """A PNG of a few kilobytes declaring a side×side grey canvas (only its first rows given)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * (side + 1) * 64, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_an_image_within_the_pixel_bound_is_accepted_and_a_bomb_is_refused():
    assert (
        check_file(png(8, 6), "小图.png", field="photo", kinds=IMAGES).content_type == "image/png"
    )
    side = int(MAX_IMAGE_PIXELS**0.5)  # 7071 × 7071: just under the bound, declared only
    assert check_file(bomb_png(side), "大图.png", kinds=IMAGES).size < 10_000
    for content in (bomb_png(side + 1), bomb_png(40_000)):
        with pytest.raises(ValidationError) as refused:
            check_file(content, "炸弹.png", field="material")
        assert refused.value.message_dict == {"material": ["图片尺寸过大：最多50百万像素。"]}
