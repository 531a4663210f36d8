"""Upload checks shared by every app: the kind from the bytes, every read and inflation bounded."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation

from metrohub.core import uploads

ODT = "application/vnd.oasis.opendocument.text"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    # An OpenDocument look-alike whose `mimetype` member inflates to 200 MiB from ~200 KB.
    return _zip({"mimetype": b"\0" * (200 * 1024 * 1024), "content.xml": b"<x/>"})


def test_a_zip_bomb_is_typed_without_inflating_it(zip_bomb):
    assert len(zip_bomb) < 300 * 1024
    tracemalloc.start()
    try:
        kind = uploads.sniff(zip_bomb)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kind == uploads.ZIP  # its mimetype member names no accepted kind: a plain archive
    assert peak < 4 * 1024 * 1024, f"typing the upload took {peak / 1048576:.1f} MiB"


def test_an_opendocument_is_still_recognised():
    assert uploads.sniff(_zip({"mimetype": ODT.encode(), "content.xml": b"<x/>"})) == ODT


def test_an_archive_with_too_many_members_is_refused():
    data = _zip({f"{i}.txt": b"" for i in range(uploads.MAX_ZIP_ENTRIES + 1)})
    assert uploads.sniff(data) == ""


def test_declared_uncompressed_size_is_bounded(zip_bomb):
    with pytest.raises(ValueError, match="too large when uncompressed"):
        uploads.check_zip_size(zip_bomb, max_uncompressed=100 * 1024 * 1024)
    uploads.check_zip_size(zip_bomb, max_uncompressed=300 * 1024 * 1024)


def test_an_upload_larger_than_the_limit_is_refused_before_it_is_read():
    upload = TemporaryUploadedFile("big.pdf", "application/pdf", 0, None)
    upload.write(b"%PDF-" + b"x" * (8 * 1024 * 1024))
    upload.seek(0)
    upload.size = 8 * 1024 * 1024 + 5
    tracemalloc.start()
    try:
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            uploads.read_upload(upload, limit=1024 * 1024)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        upload.close()
    assert refused.value.message_dict == {"file": ["The file is larger than 1.0 MB."]}
    assert peak < 1024 * 1024


def test_an_upload_within_the_limit_is_read_whole():
    upload = SimpleUploadedFile("small.pdf", b"%PDF-1.7 hello")
    assert uploads.read_upload(upload, limit=1024) == b"%PDF-1.7 hello"


def test_check_upload_names_the_field_and_the_accepted_kinds():
    with pytest.raises(ValidationError) as refused:
        uploads.check_upload(b"MZ\x90\x00", allowed={uploads.PDF: "PDF"}, field="attachment")
    assert refused.value.message_dict == {"attachment": ["不接受该类型的文件。可接受：PDF。"]}
    assert uploads.check_upload(b"%PDF-1.7", allowed={uploads.PDF: "PDF"}) == uploads.PDF


def test_the_cases_module_still_exports_the_checks():
    from metrohub.cases.uploads import ALLOWED, EXTENSIONS, sniff

    assert (ALLOWED, EXTENSIONS, sniff) == (uploads.ALLOWED, uploads.EXTENSIONS, uploads.sniff)
