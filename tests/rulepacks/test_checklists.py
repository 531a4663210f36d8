"""The inspection checklists of the packs: Hubei art. 20's four focus items, Shanghai 五(三)'s six,
Chongqing's platform choice; every item cites its article; `rulepacks check` refuses a kind that
records findings without a checklist, a checklist nobody records against, a duplicate item."""

import pytest
from pydantic import ValidationError

from metrohub.rulepacks.loader import load_packs
from metrohub.rulepacks.schema import DutySchedule, cross_reference_errors


@pytest.fixture(scope="module")
def registry():
    return load_packs()


def names(registry, code, version):
    return [c.name_zh for c in registry.get(code, version).procedure("inspection").checklist]


def test_hubei_checks_the_four_focus_items_of_article_20(registry):
    assert names(registry, "hubei", "2016") == [
        "中心的运行情况",
        "为产业发展开展计量技术服务的情况",
        "取得的计量科技创新成果",
        "中心的后续发展能力",
    ]
    items = registry.get("hubei", "2016").procedure("inspection").checklist
    assert {c.article for c in items} == {"第二十条"}


def test_shanghai_checks_the_six_items_of_5_3(registry):
    assert names(registry, "shanghai", "2023") == [
        "中心运行情况",
        "能力提升情况",
        "融入产业情况",
        "服务产业成效",
        "重点科研项目执行情况",
        "后续能力建设规划落实情况",
    ]
    items = registry.get("shanghai", "2023").procedure("inspection").checklist
    assert {c.article for c in items} == {"五(三)"}


def test_chongqing_checklist_is_a_documented_choice(registry):
    for version in ("2022", "2024"):
        items = registry.get("chongqing", version).procedure("inspection").checklist
        assert all(c.note and "platform choice" in c.note for c in items)
    # the 2024 revision of art. 27 adds the year's tasks, and so their completion is checked
    assert "年度建设任务完成情况" in names(registry, "chongqing", "2024")
    assert "年度建设任务完成情况" not in names(registry, "chongqing", "2022")


def _with_checklist(registry, checklist=None, records=("findings",)):
    pack = registry.get("hubei", "2016")
    i = next(i for i, p in enumerate(pack.procedures) if p.code == "inspection")
    p = pack.procedures[i]
    transitions = [
        t.model_copy(update={"records": list(records)}) if t.name == "record_findings" else t
        for t in p.transitions
    ]
    changed = p.model_copy(
        update={
            "transitions": transitions,
            "checklist": p.checklist if checklist is None else checklist,
        }
    )
    procedures = [*pack.procedures[:i], changed, *pack.procedures[i + 1 :]]
    return pack.model_copy(update={"procedures": procedures}), i


def test_the_check_refuses_a_broken_checklist(registry):
    pack, i = _with_checklist(registry)
    assert cross_reference_errors(pack) == []
    empty, i = _with_checklist(registry, checklist=[])
    assert (
        f"procedures[{i}].checklist",
        "an inspection declares the items it checks",
    ) in cross_reference_errors(empty)
    unused, i = _with_checklist(registry, records=())
    assert (
        f"procedures[{i}].checklist",
        "no transition of this kind records findings against the checklist",
    ) in cross_reference_errors(unused)
    items = registry.get("hubei", "2016").procedure("inspection").checklist
    twice, i = _with_checklist(registry, checklist=[*items, items[0]])
    assert (
        f"procedures[{i}].checklist[4].code",
        "duplicate checklist item 'operation'",
    ) in cross_reference_errors(twice)


def test_the_district_report_schedule_opens_no_case():
    fields = {
        "code": "district_inspection_report",
        "name_zh": "区县局年度监督检查情况报告",
        "name_en": "report",
        "rule": "yearly_report_per_district",
        "responsible": "district_regulator",
        "article": "第二十七条",
        "due_month": 1,
        "due_day": 31,
    }
    assert DutySchedule(**fields, opens_case=False).due_day == 31
    with pytest.raises(ValidationError, match="opens_case"):
        DutySchedule(**fields, opens_case=True, procedure="inspection")
    with pytest.raises(ValidationError, match="due_month"):
        DutySchedule(**{**fields, "due_month": None}, opens_case=False)


def test_a_supervision_teams_findings_need_no_checklist(registry):
    # Hubei art. 13: the team's guidance and findings are free text, not checked item by item
    pack = registry.get("hubei", "2016")
    assert any("findings" in t.records for t in pack.procedure("supervision").transitions)
    assert pack.procedure("supervision").checklist == []
    assert cross_reference_errors(pack) == []
