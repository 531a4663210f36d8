"""Loading and checking packs: exact (file, key, message) errors, and resolution by date."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from metrohub.rulepacks.loader import (
    PackError,
    PackErrors,
    check,
    check_file,
    load_pack,
    load_packs,
)

FIX = Path(__file__).parent / "fixtures"
VALID = FIX / "valid" / "testland-2025.toml"


def errors_of(path):
    return [(e.file, e.key, e.message) for e in check_file(path)[1]]


def test_broken_references_are_reported_with_file_and_key():
    assert errors_of(FIX / "broken" / "refs-2025.toml") == [
        ("refs-2025.toml", "roles[1].code", "duplicate code 'applicant'"),
        ("refs-2025.toml", "transitions[0].to", "unknown stage 'expert_review'"),
        ("refs-2025.toml", "transitions[0].materials[0]", "unknown material 'application_from'"),
        (
            "refs-2025.toml",
            "transitions[1].roles[0]",
            "unknown role 'expert' (declare it under [[roles]])",
        ),
        (
            "refs-2025.toml",
            "transitions[2].roles[0]",
            "unknown role 'programme_regulator' (declare it under [[roles]])",
        ),
        ("refs-2025.toml", "transitions[2].closes[0]", "unknown deadline 'review_periode'"),
        (
            "refs-2025.toml",
            "deadlines[0].responsible",
            "unknown role 'programme_regulator' (declare it under [[roles]])",
        ),
        (
            "refs-2025.toml",
            "enumerations[0].count",
            "'conditions' declares 3 items, the pack lists 2",
        ),
        (
            "refs-2025.toml",
            "acceptance_scoring.example_rubric.areas[0].max_points",
            "area 'capability' is 60 but its items sum to 65",
        ),
        (
            "refs-2025.toml",
            "annual_duties[0].to_role",
            "unknown role 'programme_regulator' (declare it under [[roles]])",
        ),
        ("refs-2025.toml", "stages[1]", "stage 'formal_review' cannot be reached from 'draft'"),
        ("refs-2025.toml", "stages[2]", "stage 'established' cannot be reached from 'draft'"),
        ("refs-2025.toml", "stages[3]", "stage 'rejected' cannot be reached from 'draft'"),
    ]


def test_schema_errors_are_reported_with_file_and_key():
    missing = "missing article: every rule must cite the article (or section) it rests on"
    assert errors_of(FIX / "broken" / "schema-2025.toml") == [
        ("schema-2025.toml", "pack.jurisdiction", "String should match pattern '^\\d{6}$'"),
        (
            "schema-2025.toml",
            "stages[2].article",
            "must name the article (or section) the rule rests on",
        ),
        ("schema-2025.toml", "transitions[0].article", missing),
        (
            "schema-2025.toml",
            "deadlines[0].unit",
            "Input should be 'days', 'working_days', 'months' or 'years'",
        ),
        (
            "schema-2025.toml",
            "conditions[1].text_zh",
            "an item with text_given = false must say '原文未给出'",
        ),
        ("schema-2025.toml", "thresholds[0].article", missing),
        ("schema-2025.toml", "thresholds[0].artcle", "unknown key"),
        (
            "schema-2025.toml",
            "annual_duties[0].due_day",
            "Input should be less than or equal to 31",
        ),
    ]


def test_toml_syntax_error():
    [(file, key, message)] = errors_of(FIX / "broken" / "syntax-1.toml")
    assert (file, key) == ("syntax-1.toml", "(file)")
    assert message.startswith("not valid TOML: ") and "line 4" in message


def test_check_a_directory_returns_only_good_packs():
    packs, errors = check(FIX / "broken")
    assert packs == [] and {e.file for e in errors} == {
        "refs-2025.toml",
        "schema-2025.toml",
        "syntax-1.toml",
    }
    assert str(errors[0]).startswith("refs-2025.toml: roles[1].code: ")


def test_load_pack_raises_with_every_error():
    with pytest.raises(PackErrors) as exc:
        load_pack(FIX / "broken" / "refs-2025.toml")
    assert len(exc.value.errors) == 13
    assert "refs-2025.toml: transitions[0].to: unknown stage 'expert_review'" in str(exc.value)
    assert load_pack(VALID).key == "testland@2025"


def _copy(tmp_path, text_changes=(), name="testland-2025.toml"):
    text = VALID.read_text(encoding="utf-8")
    for old, new in text_changes:
        assert old in text
        text = text.replace(old, new, 1)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path / name


def test_file_name_must_match_code_and_version(tmp_path):
    path = _copy(tmp_path, name="testland.toml")
    assert errors_of(path) == [
        ("testland.toml", "pack.version", "the file must be named testland-2025.toml")
    ]


def test_deadline_anchor_must_open_it(tmp_path):
    path = _copy(tmp_path, [('anchor = "submit"', 'anchor = "approve"')])
    assert errors_of(path) == [
        (
            "testland-2025.toml",
            "deadlines[0].anchor",
            "transition 'approve' does not list 'review_period' in opens",
        ),
        (
            "testland-2025.toml",
            "deadlines[0].anchor",
            "deadline is opened by 'submit' but anchored on 'approve'",
        ),
    ]


def test_versions_resolve_by_date(tmp_path):
    _copy(tmp_path)
    _copy(
        tmp_path,
        [
            ('version = "2025"', 'version = "2027"'),
            (
                "effective_date = 2025-01-01",
                'effective_date = 2027-03-01\nsupersedes = "testland@2025"',
            ),
            ("count = 20\n", "count = 15\n"),
        ],
        name="testland-2027.toml",
    )
    registry = load_packs(tmp_path)
    assert registry.codes() == ["testland"] and len(registry) == 2
    assert [p.version for p in registry.versions("testland")] == ["2025", "2027"]
    assert registry.in_force("testland", dt.date(2025, 1, 1)).version == "2025"
    assert registry.in_force("testland", dt.date(2027, 2, 28)).version == "2025"
    assert registry.in_force("testland", dt.date(2027, 3, 1)).version == "2027"
    assert registry.in_force("testland", dt.date(2027, 3, 1)).deadline("review_period").count == 15
    assert registry.latest("testland").version == "2027"
    assert registry.get("testland", "2025").version == "2025"
    with pytest.raises(LookupError, match="no version of 'testland' is in force on 2024-12-31"):
        registry.in_force("testland", dt.date(2024, 12, 31))
    with pytest.raises(KeyError):
        registry.versions("atlantis")


def test_supersedes_errors(tmp_path):
    _copy(tmp_path)
    _copy(
        tmp_path,
        [
            ('version = "2025"', 'version = "2026"'),
            (
                "effective_date = 2025-01-01",
                'effective_date = 2024-06-01\nsupersedes = "testland@2025"',
            ),
        ],
        name="testland-2026.toml",
    )
    _copy(
        tmp_path,
        [
            ('version = "2025"', 'version = "2028"'),
            (
                "effective_date = 2025-01-01",
                'effective_date = 2028-01-01\nsupersedes = "testland@1999"',
            ),
        ],
        name="testland-2028.toml",
    )
    _copy(tmp_path, [('version = "2025"', 'version = "2029"')], name="testland-2029.toml")
    packs, errors = check(tmp_path)
    assert sorted((e.file, e.key, e.message) for e in errors) == [
        (
            "testland-2026.toml",
            "pack.effective_date",
            "must be later than testland@2025's effective date",
        ),
        ("testland-2028.toml", "pack.supersedes", "no valid pack testland@1999 is loaded"),
        (
            "testland-2029.toml",
            "pack.supersedes",
            "'testland' already has a first version in testland-2025.toml; a later version must "
            "name the one it supersedes",
        ),
    ]
    assert [p.key for p in packs] == ["testland@2025"]
    with pytest.raises(PackErrors):
        load_packs(tmp_path)


def test_duplicate_code_and_version(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(VALID, tmp_path / "a")
    shutil.copy(VALID, tmp_path / "b")
    _packs, errors = check([tmp_path / "a", tmp_path / "b"])
    assert errors[0] == PackError(
        "testland-2025.toml",
        "pack.version",
        "testland@2025 is already defined in testland-2025.toml",
    )


def test_unreadable_file(tmp_path):
    assert errors_of(tmp_path / "missing-1.toml")[0][:2] == ("missing-1.toml", "(file)")
