from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

BROKEN = Path(__file__).parent / "fixtures" / "broken"


def test_shipped_packs_are_valid(capsys):
    call_command("rulepacks", "check")
    assert (
        capsys.readouterr().out.strip()
        == "OK: 4 rule pack(s) valid: chongqing@2022, chongqing@2024, hubei@2016, shanghai@2023"
    )


def test_broken_packs_fail_naming_file_and_key(capsys):
    with pytest.raises(CommandError, match="error"):
        call_command("rulepacks", "check", str(BROKEN))
    errors = capsys.readouterr().err.splitlines()
    assert "refs-2025.toml: transitions[0].to: unknown stage 'expert_review'" in errors
    assert any(line.startswith("syntax-1.toml:") for line in errors)
