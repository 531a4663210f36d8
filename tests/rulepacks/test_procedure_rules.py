"""What the packs say about the procedure's legal points: the Shanghai acceptance cannot be
skipped, panels decide where the seeds have experts decide, citations the seeds support, the
committed capabilities, and no bar on re-applying."""

from collections import deque

import pytest

from metrohub.rulepacks.loader import load_packs


@pytest.fixture(scope="module")
def registry():
    return load_packs()


def _paths_avoid(pack, target: str, needed: set[str]) -> bool:
    """Whether `target` can be reached from the initial stage without taking any transition in
    `needed` (a search over the stage graph)."""
    start = pack.initial_stage().code
    seen, queue = {start}, deque([start])
    while queue:
        stage = queue.popleft()
        if stage == target:
            return True
        for t in pack.transitions_from(stage):
            if t.name not in needed and t.to not in seen:
                seen.add(t.to)
                queue.append(t.to)
    return False


def test_shanghai_reaches_establishment_only_through_the_acceptance_request(registry):
    pack = registry.get("shanghai", "2023")
    request = pack.transition("request_acceptance")
    assert "self_check_passed" in request.preconditions
    assert {"acceptance_application", "construction_summary", "capability_plan"} <= set(
        request.materials
    )
    # no path to the acceptance stages or to establishment skips the request …
    for target in ("acceptance_review", "onsite_acceptance", "established"):
        assert not _paths_avoid(pack, target, {"request_acceptance"}), target
    # … nor the preliminary review of the acceptance materials (三(五)3)
    assert not _paths_avoid(pack, "established", {"schedule_onsite_acceptance"})


def test_shanghai_evaluation_and_failed_acceptance_are_separate_stages(registry):
    pack = registry.get("shanghai", "2023")
    evaluation = pack.transition("order_construction_rectification")
    failed = pack.transition("order_rectification")
    assert (evaluation.to, evaluation.article) == ("construction_rectification", "五(一)")
    assert (failed.to, failed.article) == ("rectification", "五(三)")
    assert {t.to for t in pack.transitions_from("construction_rectification")} == {
        "construction",
        "revoked",
    }
    assert {t.to for t in pack.transitions_from("rectification")} == {
        "onsite_acceptance",
        "revoked",
    }
    # every way out of construction closes the construction obligations
    for t in pack.transitions:
        leaves = set(t.from_) & {"construction", "construction_rectification"}
        if leaves and t.to not in ("construction", "construction_rectification"):
            assert "construction_period" in t.closes, t.name
            if "construction_rectification" in leaves:
                assert "construction_rectification_period" in t.closes, t.name


@pytest.mark.parametrize("key", ["chongqing@2022", "chongqing@2024", "hubei@2016", "shanghai@2023"])
def test_panels_decide_where_the_experts_do(registry, key):
    pack = registry.get(*key.split("@"))
    assert pack.stage("expert_review").panel == "review"
    assert pack.stage("expert_review").paper_panel is False
    onsite = pack.stage("onsite_acceptance")
    assert onsite.panel == "acceptance"
    # paper only where the seed gives no score to hold a platform panel to
    assert onsite.paper_panel is (pack.acceptance_scoring is None)


@pytest.mark.parametrize("version", ["2022", "2024"])
def test_chongqing_citations_follow_the_seed(registry, version):
    pack = registry.get("chongqing", version)
    assert pack.material("application_form").article == "第九条"
    assert pack.transition("submit_for_endorsement").article == "第九条"
    assert pack.transition("endorse_and_file").article == "解读三(二)"
    assert "without an article number" in pack.transition("endorse_and_file").note
    for name in ("request_supplement", "resubmit", "reject_formal_review", "pass_formal_review"):
        assert pack.transition(name).article == "解读三(三)", name
    for code in ("formal_review", "expert_review"):
        assert pack.stage(code).article == "解读三(三)"
    # 第十一条 is the notice's
    assert pack.transition("open_public_notice").article == "第十一条"
    assert pack.deadline("public_notice_period").article == "第十一条"
    assert pack.capabilities is None  # 000 says nothing on changing capabilities


def test_committed_capabilities(registry):
    hubei = registry.get("hubei", "2016")
    assert (hubei.capabilities.article, hubei.capabilities.change_article) == (
        "第十五条",
        "第十六条",
    )
    assert hubei.capabilities.published_at_establishment
    assert "publish_capabilities" in hubei.transition("establish").effects
    assert registry.get("shanghai", "2023").capabilities.change_article == "四(三)"
    for pack in registry:
        assert "register_center" in pack.transition("approve_construction").effects, pack.key


def test_no_seed_bars_reapplication(registry):
    for pack in registry:
        assert pack.reapplication.bar_years is None, pack.key
        assert "no bar" in pack.reapplication.note, pack.key
