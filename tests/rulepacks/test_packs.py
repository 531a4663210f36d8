"""The shipped packs: valid, and carrying the facts of the seed texts with their articles."""

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from metrohub.legaltime.sources import ChineseCalendarSource
from metrohub.rulepacks.loader import PACKS_DIR, check, load_packs
from metrohub.rulepacks.schema import NOT_GIVEN_EN, NOT_GIVEN_ZH, Rule

FIX = Path(__file__).parent / "fixtures"
CC = ChineseCalendarSource()


@pytest.fixture(scope="module")
def registry():
    return load_packs()


def test_the_shipped_packs_check_clean():
    packs, errors = check()
    assert errors == []
    assert sorted(p.key for p in packs) == [
        "chongqing@2022",
        "chongqing@2024",
        "hubei@2016",
        "shanghai@2023",
    ]
    assert sorted(f.name for f in PACKS_DIR.glob("*.toml")) == [
        "chongqing-2022.toml",
        "chongqing-2024.toml",
        "hubei-2016.toml",
        "shanghai-2023.toml",
    ]


def _rules(obj, path=""):
    """Every Rule inside a model, with its key path."""
    if isinstance(obj, Rule):
        yield path, obj
    if hasattr(obj, "__pydantic_fields__"):
        for name in type(obj).model_fields:
            yield from _rules(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _rules(item, f"{path}[{i}]")


def test_every_rule_cites_an_article(registry):
    for pack in registry:
        rules = list(_rules(pack))
        assert len(rules) > 30, pack.key
        for path, rule in rules:
            assert rule.article.strip(), (pack.key, path)


def test_metadata(registry):
    cq = registry.get("chongqing", "2024")
    assert (cq.pack.jurisdiction, cq.pack.level, cq.pack.supersedes) == (
        "500000",
        "municipal",
        "chongqing@2022",
    )
    assert cq.pack.document_number is None and "not give" in cq.pack.document_number_note
    old = registry.get("chongqing", "2022")
    assert old.pack.document_number == "渝市监发〔2022〕88号" and old.pack.effective_date is None
    hb = registry.get("hubei", "2016")
    assert (hb.pack.jurisdiction, hb.pack.level, hb.pack.document_number) == (
        "420000",
        "provincial",
        "鄂质监量函〔2016〕255号",
    )
    assert (hb.pack.issued, hb.pack.effective_date) == (dt.date(2016, 9, 19), dt.date(2016, 10, 1))
    sh = registry.get("shanghai", "2023")
    assert (sh.pack.jurisdiction, sh.pack.document_number, sh.pack.effective_date) == (
        "310000",
        "沪市监计量〔2023〕213号",
        dt.date(2023, 5, 11),
    )


def test_chongqing_version_in_force(registry):
    assert registry.in_force("chongqing", dt.date(2023, 6, 1)).version == "2022"
    assert registry.in_force("chongqing", dt.date(2024, 5, 5)).version == "2022"
    assert registry.in_force("chongqing", dt.date(2024, 5, 6)).version == "2024"
    assert registry.in_force("hubei", dt.date(2025, 1, 1)).version == "2016"
    with pytest.raises(LookupError):
        registry.in_force("hubei", dt.date(2016, 9, 30))


def test_chongqing_revised(registry):
    cq = registry.get("chongqing", "2024")
    notice = cq.deadline("public_notice_period")
    assert (notice.unit, notice.count, notice.kind, notice.article) == (
        "days",
        7,
        "minimum",
        "第十一条",
    )
    assert "hearing" not in {s.code for s in cq.stages}
    assert "feasibility_report" not in {m.code for m in cq.materials}
    onsite = cq.transition("schedule_onsite_acceptance")
    assert "supervisor" in onsite.records and onsite.article == "第十九条第二款"
    sc = cq.acceptance_scoring
    assert (sc.max_score, sc.pass_score, sc.rectification_rounds) == (100, 80, 1)
    rect = cq.deadline(sc.rectification_deadline)
    assert (rect.unit, rect.count) == ("months", 3)
    build = cq.deadline("construction_period")
    assert (build.unit, build.count, build.anchor) == ("years", 2, "approve_construction")
    assert cq.periodic_review.cycle_years == 5
    assert {a.code for a in cq.annual_duties} == {"annual_tasks", "annual_information_report"}
    assert cq.annual_duties[0].article == "第二十七条"
    assert {s.code: s.role for s in cq.supervision}["district_inspection"] == "district_regulator"
    rubric = sc.example_rubric
    assert rubric.example and [a.name_zh for a in rubric.areas] == [
        "计量测试能力与水平",
        "科技创新与成果",
        "运行管理与成效",
    ]
    assert sum(i.max_points for a in rubric.areas for i in a.items) == 100
    assert {t.code: t.count for t in cq.plan_targets} == {
        "national_2025": 2,
        "municipal_2025": 6,
        "national_2035": 6,
        "municipal_2035": 10,
    }


@pytest.mark.parametrize("version", ["2022", "2024"])
def test_chongqing_items_not_given_in_the_source(registry, version):
    cq = registry.get("chongqing", version)
    for enum, count in [
        ("application_conditions", 8),
        ("acceptance_preconditions", 3),
        ("acceptance_materials", 10),
        ("revocation_grounds", 6),
    ]:
        items = cq.enumeration_items(enum)
        assert len(items) == count
        assert all(not i.text_given for i in items)
        for item in items:
            zh = getattr(item, "text_zh", None) or item.name_zh
            en = getattr(item, "text_en", None) or item.name_en
            assert NOT_GIVEN_ZH in zh and NOT_GIVEN_EN in en


def test_chongqing_before_the_revision(registry):
    old = registry.get("chongqing", "2022")
    notice = old.deadline("public_notice_period")
    assert (notice.unit, notice.count, notice.kind) == ("months", 1, "minimum")
    assert old.stage("hearing").quote == "必要时可以召开听证会"
    assert old.transition("call_hearing").optional
    assert "feasibility_report" in old.transition("submit_for_endorsement").materials
    assert "supervisor" not in old.transition("schedule_onsite_acceptance").records
    assert "annual_tasks" not in {a.code for a in old.annual_duties}


def test_hubei(registry):
    hb = registry.get("hubei", "2016")
    build = hb.deadline("construction_period")
    assert (build.unit, build.count, build.indicative) == ("months", 24, True)
    assert "issue_task_book" in hb.transition("approve_construction").effects
    assert {"publish_registry", "publish_capabilities"} <= set(hb.transition("establish").effects)
    report = hb.annual_duties[0]
    assert (report.due_month, report.due_day, report.article) == (12, 31, "第二十一条")
    assert len(report.contents) == 3
    change = next(e for e in hb.event_reports if e.code == "capability_change")
    assert change.requires_acceptance and change.published and change.article == "第十六条"
    assert len(hb.enumeration_items("application_conditions")) == 6
    assert all(c.text_given for c in hb.conditions)
    assert {s.code for s in hb.supervision} >= {"unannounced_inspection"}
    assert "industry_needs_table" in hb.transition("submit_for_endorsement").materials
    assert hb.acceptance_scoring is None and "revoked" not in {s.code for s in hb.stages}


def test_shanghai(registry):
    sh = registry.get("shanghai", "2023")
    major = sh.deadline("major_event_report")
    assert (major.unit, major.count, major.anchor_kind, major.article) == (
        "working_days",
        5,
        "event",
        "五(二)",
    )
    build = sh.deadline("construction_period")
    assert (build.unit, build.count_min, build.count, build.indicative) == ("years", 2, 3, True)
    report = next(a for a in sh.annual_duties if a.code == "construction_report")
    assert (report.due_month, report.due_day, report.period) == (11, 30, "construction")
    assert "typical_cases" in {c.code for c in report.contents}
    alliance = next(a for a in sh.annual_duties if a.code == "alliance_events")
    assert alliance.min_count == 2 and alliance.article == "四(二)"
    req = sh.transition("request_acceptance")
    assert "self_check_passed" in req.preconditions and "self_check_record" in req.materials
    assert sh.material("joint_builder_duties").required is False
    assert [s.code for s in sh.stages[:3]] == ["draft", "guidance", "pre_review"]
    evaluation = next(s for s in sh.supervision if s.code == "construction_evaluation")
    assert evaluation.outcomes == ["rectify", "revoke", "support"]
    assert len([f for f in sh.service_fields if f.parent == "emerging"]) == 9
    assert "public_notice" not in {s.code for s in sh.stages}


def test_pack_deadlines_drive_the_calculator(registry):
    cq = registry.get("chongqing", "2024")
    notice = cq.deadline("public_notice_period").compute(dt.date(2025, 9, 28), calendar=CC)
    assert notice.date == dt.date(2025, 10, 9)
    sh = registry.get("shanghai", "2023")
    major = sh.deadline("major_event_report").compute(dt.date(2025, 9, 30), calendar=CC)
    assert major.date == dt.date(2025, 10, 14)
    supplement = cq.deadline("supplement_period")
    with pytest.raises(ValueError, match="^count: deadline 'supplement_period' is set by"):
        supplement.compute(dt.date(2025, 1, 6), calendar=CC)
    assert supplement.compute(dt.date(2025, 1, 6), calendar=CC, count=15).date == dt.date(
        2025, 1, 21
    )


def test_a_fourth_jurisdiction_is_just_a_file(tmp_path):
    for f in PACKS_DIR.glob("*.toml"):
        shutil.copy(f, tmp_path)
    shutil.copy(FIX / "valid" / "testland-2025.toml", tmp_path)
    registry = load_packs(tmp_path)
    assert registry.codes() == ["chongqing", "hubei", "shanghai", "testland"]
    pack = registry.in_force("testland", dt.date(2025, 6, 1))
    due = pack.deadline("review_period").compute(dt.date(2025, 9, 30), calendar=CC)
    assert due.date == dt.date(2025, 11, 4)  # 20 working days across the National Day holiday


def test_no_name_says_a_word_twice(registry):
    """The annual report's deadline read 年度信息报送报送期限 wherever it was listed."""
    for pack in registry:
        for path, rule in _rules(pack):
            name = getattr(rule, "name_zh", "") or ""
            assert not re.search(r"(\w{2,})\1", name), (pack.key, path, name)
