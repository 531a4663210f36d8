"""`metrohub backup` then `metrohub restore` into a new installation: the same rows in every table,
the same uploads and keys, and an event log that verifies against its signed checkpoint."""

import io
import os
import subprocess
import sys
import tarfile
import urllib.parse
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from metrohub.core import backup


@pytest.fixture
def installation(settings, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret_key").write_text("s" * 50)
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = data / "media"
    return data


def _live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return backup._live_counts(cursor)


def _restore_in_a_new_installation(archive, tmp_path):
    """Run `metrohub restore` as an operator would, in a new data directory (and, on PostgreSQL,
    a new empty database); returns (output, environment)."""
    target = tmp_path / "restored"
    environment = {**os.environ, "METROHUB_DATA_DIR": str(target)}
    environment.pop("DATABASE_URL", None)
    if connection.vendor == "postgresql":
        name = f"restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
        db = connection.settings_dict
        host = urllib.parse.quote(db["HOST"] or "localhost", safe="")
        environment["DATABASE_URL"] = f"postgresql://{db['USER']}@{host}/{name}"
    done = subprocess.run(
        [sys.executable, "-m", "metrohub", "restore", str(archive)],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout, environment


def _counts_in(environment) -> dict[str, int]:
    code = (
        "import json, django; django.setup(); from metrohub.core import backup; "
        "from django.db import connection; cursor = connection.cursor(); "
        "print(json.dumps(backup._postgres_counts(cursor) if connection.vendor == 'postgresql' "
        "else backup.sqlite_counts(connection.settings_dict['NAME'])))"
    )
    environment = {**environment, "DJANGO_SETTINGS_MODULE": "metrohub.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    import json

    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_gives_the_same_rows_files_keys_and_a_verified_log(
    world, installation, tmp_path
):
    from metrohub.eventlog.services import append_event

    regulator = world["users"]["cq_regulator"]
    events_of_the_world = _live_counts()["eventlog_event"]  # e.g. the first signing key's
    for subject in ("case:1", "organisation:1"):
        for step in range(3):
            append_event(subject=subject, action=f"step{step}", actor=regulator)
    call_command("checkpoint", stdout=io.StringIO())
    default_storage.save("materials/1-application_form-v1.pdf", ContentFile(b"%PDF-1.7 x"))
    archive = tmp_path / "metrohub.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "2 key files" in out.getvalue() and "1 uploaded files" in out.getvalue()
    live = _live_counts()
    assert live["eventlog_event"] == events_of_the_world + 6 and live["eventlog_checkpoint"] == 1

    output, environment = _restore_in_a_new_installation(archive, tmp_path)
    assert "as in the archive" in output
    assert "they hold the checkpoint of" in output  # verify-log ran and passed
    assert _counts_in(environment) == live

    restored = tmp_path / "restored"
    assert (restored / "media/materials/1-application_form-v1.pdf").read_bytes() == b"%PDF-1.7 x"
    for key in ("secret_key", "eventlog-checkpoint.key"):
        assert (restored / key).read_bytes() == (installation / key).read_bytes()
        assert oct((restored / key).stat().st_mode & 0o777) == "0o600"
    verified = subprocess.run(
        [sys.executable, "-m", "metrohub", "verify-log"],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0 and verified.stdout.startswith("OK: ")


@pytest.mark.django_db(transaction=True)
def test_a_restore_into_a_used_installation_is_refused(world, installation, tmp_path):
    archive = tmp_path / "metrohub.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(archive))


def test_an_archive_reaching_outside_its_folder_is_refused(installation, tmp_path, db):
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        data = b"owned"
        info = tarfile.TarInfo("../../outside.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(tarfile.OutsideDestinationError), tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "x", filter="data")
    assert not (tmp_path.parent / "outside.txt").exists()
