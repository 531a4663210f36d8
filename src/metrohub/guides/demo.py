"""Demo guide data for the three programmes: office hours, contacts, and common questions whose
answers repeat what the rules say (with the article), never more. Contacts are fictitious."""

from metrohub.guides.models import GuideQuestion, ProgrammeGuide

HOURS = "工作日 9:00—12:00，14:00—17:00（法定节假日除外）"
COMPLAINTS = "全国12315平台（www.12315.cn）或拨打12315"

GUIDES = {
    "chongqing": {
        "item_name": "重庆市市级产业计量测试中心筹建申请",
        "enquiry_phone": "023-6000 0001（示例）",
        "questions": [
            (
                "申请筹建需要缴纳费用吗？",
                "不收费。管理办法未设定任何收费项目。",
            ),
            (
                "公示期有多长？",
                "对经专家审查同意推荐的项目进行公示，公示期不少于7天（第十一条）。",
            ),
            (
                "现场考核得分低于80分怎么办？",
                "考核得分低于80分的，限期3个月整改；整改后仍达不到80分的，考核不合格（见政策解读三(三)）。",
            ),
        ],
    },
    "hubei": {
        "item_name": "湖北省省级产业计量测试中心筹建申请",
        "enquiry_phone": "027-6000 0001（示例）",
        "questions": [
            (
                "筹建期限是多长？",
                "筹建工作一般应在24个月内完成（第十三条、第十四条）。",
            ),
        ],
    },
    "shanghai": {
        "item_name": "上海市产业计量测试中心筹建申请",
        "enquiry_phone": "021-6000 0001（示例）",
        "questions": [
            (
                "可以多家单位联合申报吗？",
                "可以。联合建设的，由主要承建单位提出申报申请，并明晰各主体建设工作任务、职责分工，"
                "建立协作机制（三(一)1）。",
            ),
        ],
    },
}


def build(world: dict) -> None:
    guides = world.setdefault("guides", {})
    for code, data in GUIDES.items():
        guides[code], _created = ProgrammeGuide.objects.update_or_create(
            programme=code,
            defaults={
                "item_name": data["item_name"],
                "office_hours": HOURS,
                "enquiry_phone": data["enquiry_phone"],
                "complaint_channel": COMPLAINTS,
                "visits": 0,
            },
        )
        for position, (question, answer) in enumerate(data["questions"], start=1):
            GuideQuestion.objects.update_or_create(
                programme=code,
                position=position,
                defaults={"question": question, "answer": answer},
            )
