"""Service guides generated from the rule packs: every element, exact, from the shipped packs;
what the source does not give said so; the questions regulators maintain."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from metrohub.eventlog.models import Event
from metrohub.guides import services
from metrohub.guides.models import GuideQuestion, ProgrammeGuide


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


def _guide(ref: str) -> dict:
    return services.build_guide(services.guide_pack(ref), lang="zh-hans")


def test_chongqing_steps_follow_the_main_path(db, zh):
    guide = _guide("chongqing")
    assert guide["ref"] == "chongqing-2024"
    assert [s["stage"] for s in guide["steps"]] == [
        "申报书填写",
        "主管部门或区县政府同意并发函",
        "形式审查",
        "专家审查",
        "公示",
        "批准筹建决定",
        "筹建",
        "验收申请审查",
        "现场审查（考核）",
        "已批准成立",
    ]
    formal = guide["steps"][2]
    assert [a["name"] for a in formal["actions"]] == ["形式审查通过，组织专家审查"]
    assert [(b["name"], b["to"], b["optional"]) for b in formal["branches"]] == [
        ("形式审查：要求补正", "补正材料", True),
        ("形式审查不通过", "未予批准", False),
        ("撤回申请", "撤回申请", False),
    ]
    assert guide["steps"][4]["actions"][0]["article"] == "第十一条"


def test_chongqing_elements(db, zh):
    guide = _guide("chongqing")
    assert guide["overview"] == {
        "name": "重庆市市级产业计量测试中心筹建申请",
        "code": "尚未赋码",
        "type": "其他行政权力",
        "pack": "chongqing-2024",
    }
    assert guide["authorities"]["competent"]["text"] == "重庆市市场监督管理局"
    assert guide["authorities"]["implementing"]["text"] == "重庆市市场监督管理局（市市场监管局）"
    assert guide["authorities"]["implementing"]["article"] == "第三条"
    assert guide["authorities"]["endorsing"]["text"] == "市级主管部门或所在地区县人民政府"
    conditions = guide["applicants"]["conditions"]
    assert len(conditions) == 9
    assert conditions[0]["text"].startswith("建设主体为计量技术机构")
    # The eight conditions art. 8 names without their text.
    assert [c["text"] for c in conditions[1:]] == ["（条文待补录）"] * 8
    assert {c["article"] for c in conditions[1:]} == {"第八条"}
    assert len(guide["applicants"]["acceptance_conditions"]) == 3
    materials = guide["materials"]
    assert [m["name"] for m in materials] == ["《重庆市市级产业计量测试中心申报书》"] + [
        "（条文待补录）"
    ] * 10
    assert materials[0]["stage"] == "申报书填写"
    assert materials[0]["form"] == materials[0]["copies"] == "原文未规定"
    assert [(s["name"], s["time"], s["counted"]) for s in guide["special_steps"]] == [
        ("专家审查", "原文未规定", "原文未规定"),
        ("公示", "公示期：不少于7日", "原文未规定"),
        ("现场审查（考核）", "原文未规定", "原文未规定"),
    ]
    assert guide["time_limits"]["statutory"] == "原文未规定"
    assert [(d["name"], d["limit"], d["article"]) for d in guide["time_limits"]["deadlines"]] == [
        ("补正期限", "由重庆市市场监督管理局（市市场监管局）确定", "第十一条"),
        ("公示期", "不少于7日", "第十一条"),
        ("筹建期限", "2年", "解读三(三)"),
        ("整改期限", "3个月", "解读三(三)"),
    ]
    assert guide["fees"]["text"] == "不收费"
    assert [(r["name"], r["documents"]) for r in guide["results"]] == [
        ("批准筹建", ["批准文件"]),
        ("考核合格，发文批准成立", ["批准文件"]),
    ]
    assert guide["visits"] == {"count": 0, "note": "现场审查在申请单位进行"}
    assert guide["legal_basis"]["number"] == "原文未规定"
    assert guide["legal_basis"]["effective"].isoformat() == "2024-05-06"


def test_every_item_links_to_a_listed_article(db, zh):
    guide = _guide("shanghai")
    anchors = {a["anchor"]: a["article"] for a in guide["legal_basis"]["articles"]}
    items = (
        guide["materials"]
        + guide["applicants"]["conditions"]
        + guide["special_steps"]
        + guide["time_limits"]["deadlines"]
        + guide["results"]
        + guide["steps"]
        + [a for s in guide["steps"] for a in s["actions"] + s["branches"]]
    )
    assert items and all(anchors[item["anchor"]] == item["article"] for item in items)
    assert len(anchors) == len(set(anchors.values()))
    first = guide["legal_basis"]["articles"][0]
    assert first["anchor"] == "art-1" and first["quotes"]


def test_shanghai_main_path_avoids_rectification(db, zh):
    steps = [s["stage"] for s in _guide("shanghai")["steps"]]
    assert "限期整改" not in steps
    assert steps[-4:] == [
        "验收材料初步审查",
        "现场验收",
        "根据现场验收意见修订验收材料",
        "发文批准成立",
    ]
    limits = {d["name"]: d["limit"] for d in _guide("shanghai")["time_limits"]["deadlines"]}
    assert limits["筹建时间"] == "2–3年（一般）"
    assert limits["重大事项书面告知期限"] == "5个工作日"


def test_the_version_in_force_and_an_older_one(db, zh):
    old = _guide("chongqing-2022")
    assert old["ref"] == "chongqing-2022"
    special = {s["name"]: s["time"] for s in old["special_steps"]}
    assert special["公示"] == "公示期：不少于1个月"
    assert "听证会" in special
    with pytest.raises(KeyError):
        services.guide_pack("atlantis")


def test_maintained_data_and_questions_appear(db, zh):
    ProgrammeGuide.objects.create(
        programme="hubei",
        item_name="湖北省产业计量测试中心筹建",
        item_code="11420000MB0000000X4000",
        item_type="public_service",
        office_address="武汉市示例路1号",
        office_hours="工作日 9:00—17:00",
        enquiry_phone="027-0000 0000",
        complaint_channel="12315",
    )
    GuideQuestion.objects.create(programme="hubei", question="问一", answer="答一", position=2)
    GuideQuestion.objects.create(programme="hubei", question="问零", answer="答零", position=1)
    GuideQuestion.objects.create(programme="shanghai", question="别处", answer="不显示")
    guide = _guide("hubei")
    assert guide["overview"]["name"] == "湖北省产业计量测试中心筹建"
    assert guide["overview"]["type"] == "公共服务"
    assert guide["place"]["address"] == "武汉市示例路1号"
    assert guide["contact"]["phone"] == "027-0000 0000"
    assert guide["contact"]["complaints"] == "12315"
    assert guide["questions"] == [
        {"question": "问零", "answer": "答零"},
        {"question": "问一", "answer": "答一"},
    ]


def test_a_pack_with_unknown_stages_and_fields_still_renders(db, zh):
    """Read by attribute: a stage code this module does not know, and material and stage fields
    a later schema may add, are shown rather than breaking the guide."""
    stage = lambda code, name, **kw: SimpleNamespace(  # noqa: E731
        code=code, name_zh=name, name_en=name, article="第一条", quote=None, **kw
    )
    pack = SimpleNamespace(
        code="testland",
        version="2030",
        pack=SimpleNamespace(
            code="testland", jurisdiction="990000", jurisdiction_name_zh="示例省", level="provincial",
            title_zh="示例办法", issuer_zh="示例局", document_number="示〔2030〕1号",
            effective_date=None, issued=None,
        ),
        roles=[SimpleNamespace(code="programme_regulator", name_zh="示例局", article="第二条",
                               quote=None)],
        stages=[
            stage("draft", "申请", initial=True),
            stage("clarification", "澄清说明", counted_in_time_limit=False),
            stage("public_notice", "公示"),
            stage("established", "成立", steady=True),
        ],
        transitions=[
            SimpleNamespace(name="a", name_zh="提交", from_=["draft"], to="clarification",
                            roles=["programme_regulator"], article="第三条", optional=False),
            SimpleNamespace(name="b", name_zh="说明", from_=["clarification"], to="public_notice",
                            roles=["programme_regulator"], article="第四条", effects=["publish_notice"]),
            SimpleNamespace(name="c", name_zh="批准", from_=["public_notice"], to="established",
                            roles=["programme_regulator"], article="第五条", effects=["issue_document"]),
        ],
        materials=[SimpleNamespace(code="m", name_zh="申请表", stage="draft", article="第三条",
                                   form="电子", copies=2, original=True)],
    )  # fmt: skip
    guide = services.build_guide(pack, lang="zh-hans")
    assert [s["stage"] for s in guide["steps"]] == ["申请", "澄清说明", "公示", "成立"]
    assert [(s["name"], s["counted"]) for s in guide["special_steps"]] == [("公示", "原文未规定")]
    m = guide["materials"][0]
    assert (m["form"], m["copies"], m["original"]) == ("电子", "2", "是")
    assert guide["results"][0]["name"] == "批准"
    assert guide["flow"].rows == 4


# ------------------------------------------------------------------------------ questions


def test_the_regulator_maintains_questions(world):
    regulator = world["users"]["cq_regulator"]
    pack = services.guide_pack("chongqing")
    before = GuideQuestion.objects.filter(programme="chongqing").count()
    item = services.add_question(actor=regulator, pack=pack, question=" 新问题 ", answer="新解答")
    assert (item.question, item.position) == ("新问题", before + 1)
    services.update_question(actor=regulator, pack=pack, item=item, question="改", answer="改答")
    item.refresh_from_db()
    assert (item.question, item.answer) == ("改", "改答")
    services.delete_question(actor=regulator, pack=pack, item=item)
    assert GuideQuestion.objects.filter(programme="chongqing").count() == before
    assert list(
        Event.objects.filter(subject="guide:chongqing").values_list("action", flat=True)
    ) == ["guide.question_added", "guide.question_changed", "guide.question_deleted"]


def test_questions_refused_and_bounded(world):
    pack = services.guide_pack("chongqing")
    count = GuideQuestion.objects.count()
    for user in ("hb_regulator", "cq_district", "cq_applicant"):
        with pytest.raises(PermissionDenied):
            services.add_question(actor=world["users"][user], pack=pack, question="q", answer="a")
    regulator = world["users"]["cq_regulator"]
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        services.add_question(actor=regulator, pack=pack, question="问" * 201, answer="")
    assert caught.value.message_dict == {
        "question": ["问题超过200个字符。"],
        "answer": ["请填写解答。"],
    }
    with pytest.raises(ValidationError) as caught:
        services.add_question(actor=regulator, pack=pack, question="坏\ud800", answer="a")
    assert list(caught.value.message_dict) == ["question"]
    assert GuideQuestion.objects.count() == count
    assert services.may_edit(world["users"]["admin"], pack)
