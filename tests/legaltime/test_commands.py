import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

SCHEDULE_2027 = Path(__file__).parent / "fixtures" / "schedule-2027.toml"


@pytest.mark.django_db
def test_plain_output_first_line_is_the_date(capsys):
    call_command("deadline", "--from", "2025-09-30", "--working-days", "5")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2025-10-14"
    assert any("国庆节" in line and "跳过" in line for line in lines[1:])


@pytest.mark.django_db
def test_json_output(capsys):
    call_command("deadline", "--from", "2025-09-28", "--days", "7", "--extend-holiday", "--json")
    result = json.loads(capsys.readouterr().out)
    assert (result["date"], result["provisional"]) == ("2025-10-09", False)
    assert result["steps"][-1]["date"] == "2025-10-09"


@pytest.mark.django_db
def test_provisional_is_shown(capsys):
    call_command("deadline", "--from", "2026-12-20", "--working-days", "10")
    assert capsys.readouterr().out.splitlines()[0] == "2027-01-01  (provisional)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-02-30", "--days", "3"], "--from: '2025-02-30' is not a date"),
        (["--from", "2025-01-01", "--days", "three"], "--days: 'three' is not a whole number"),
        (["--from", "2025-01-01", "--months", "0"], "--months: count"),
    ],
)
def test_bad_arguments_name_the_argument(args, message):
    with pytest.raises(CommandError, match=message) as info:
        call_command("deadline", *args)
    assert info.value.returncode == 2


def test_the_real_command_exits_2(tmp_path):
    env = {"METROHUB_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "metrohub", "deadline", "--from", "2025-13-01", "--days", "1"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2 and "--from" in done.stderr


@pytest.mark.django_db
def test_calendar_import_command(capsys):
    call_command("calendar", "import", str(SCHEDULE_2027))
    out = capsys.readouterr().out
    assert out.startswith("2027: imported")
    call_command("deadline", "--from", "2026-12-20", "--working-days", "10")
    assert capsys.readouterr().out.splitlines()[0] == "2027-01-04"


@pytest.mark.django_db
def test_calendar_import_rejects_a_bad_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'year = 2027\n[[holidays]]\nname_zh = "春节"\nname_en = "Spring Festival"\nstart = 2027-02-10\nend = 2027-02-01\n'
    )
    with pytest.raises(CommandError, match=r"holidays\[0\]") as info:
        call_command("calendar", "import", str(bad))
    assert info.value.returncode == 2
    from metrohub.legaltime.models import CalendarYear

    assert not CalendarYear.objects.filter(year=2027).exists()
