"""Demo: the people each region's procedure needs, and cases in every stage of every pack.

Each case is walked from its initial stage through the engine itself (`take_transition`), so the
demo shows exactly what the rules produce: obligations, decisions, events, established centers.
"""

from django.conf import settings

from metrohub.accounts.demo import DEMO_PASSWORD
from metrohub.accounts.models import Role, RoleAssignment, User

# (username, display name, role, organisation key, jurisdiction code)
USERS = [
    ("hb_applicant", "杨帆", Role.APPLICANT, "hb-optics", "420111"),
    ("hb_authority", "马丽", Role.COMPETENT_AUTHORITY, "hb-eit", "420000"),
    ("hb_district", "胡斌", Role.DISTRICT_REGULATOR, "hb-hongshan-amr", "420111"),
    ("sh_applicant", "徐航", Role.APPLICANT, "sh-ic", "310114"),
    ("sh_cobuilder", "沈悦", Role.APPLICANT, "sh-bio", "310112"),
    ("sh_authority", "顾超", Role.COMPETENT_AUTHORITY, "sh-eit", "310000"),
    ("sh_district", "陆佳", Role.DISTRICT_REGULATOR, "sh-pudong-amr", "310115"),
    ("sh_director", "钱程", Role.CENTER_DIRECTOR, "sh-ic", "310114"),
]


def build_users(world: dict) -> None:
    users = world.setdefault("users", {})
    for username, name, role, org_key, division in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"display_name": name, "email": f"{username}@demo.metrohub.localhost"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            organisation=world["organisations"][org_key],
            jurisdiction=world["jurisdictions"][division],
        )
        users[username] = user


def build(world: dict) -> None:
    build_users(world)
    if not getattr(settings, "METROHUB_DEMO_CASES", True):
        return
    from metrohub.cases.walk import build_demo_cases

    build_demo_cases(world)
    build_task_book()
    issue_documents()


def build_task_book() -> None:
    """A task book on the Hubei demo case under construction: goals, targets, people, a plan, a
    visit, and milestones of which one is late (past its date, not done) as of today."""
    import datetime as dt

    from django.utils import timezone

    from metrohub.cases.models import Case, Milestone, SupervisionVisit, TaskBook

    case = (
        Case.objects.filter(
            rulepack_code="hubei", state="construction", center_name__startswith="【示例】"
        )
        .order_by("pk")
        .first()
    )
    if case is None or TaskBook.objects.filter(case=case).exists():
        return
    approval = case.decisions.filter(kind="approval_to_build").first()
    start = approval.document_date if approval and approval.document_date else case.filed_on
    today = timezone.localdate()
    book = TaskBook.objects.create(
        case=case,
        goals="建成激光功率、光谱辐射等产业专用计量标准，形成覆盖光电子产业链的计量测试服务能力（示例）。",
        funding="依托单位自筹与省级专项资金",
        funding_amount=1200,
        responsible=[
            {"name": "杨帆", "role": "中心主任", "duty": "全面负责筹建工作"},
            {"name": "李明", "role": "技术负责人", "duty": "计量标准建设与能力验证"},
        ],
        capability_targets=[{"area": "optical", "count": 30}, {"area": "thermal", "count": 8}],
        detailed_plan="第一阶段（6个月）：建标与人员培训；第二阶段（12个月）：能力建设与验证；"
        "第三阶段（6个月）：总结与验收准备（示例）。",
        plan_submitted_on=start + dt.timedelta(days=20),
        state=TaskBook.State.ISSUED,
        issued_on=start,
    )
    Milestone.objects.bulk_create(
        [
            Milestone(
                task_book=book,
                title="完成激光功率计量标准建标",
                due=start + dt.timedelta(days=90),
                done_on=start + dt.timedelta(days=85),
            ),
            # late: past its date and not done
            Milestone(
                task_book=book,
                title="形成30项光学计量测试服务能力",
                due=min(start + dt.timedelta(days=180), today - dt.timedelta(days=30)),
            ),
            Milestone(
                task_book=book,
                title="提交验收申请",
                due=max(start + dt.timedelta(days=730), today + dt.timedelta(days=180)),
            ),
        ]
    )
    regulator = User.objects.filter(username="hb_regulator").first()
    if regulator is not None:
        SupervisionVisit.objects.create(
            case=case,
            visited_on=start + dt.timedelta(days=120),
            team=["王强（组长）", "蒋涛"],
            findings="计量标准建设按计划推进；服务能力建设进度滞后，需加快（示例）。",
            recorded_by=regulator,
        )


def issue_documents() -> None:
    """Every decision of the demo cases printed as its document (stored once)."""
    from metrohub.cases.models import Decision
    from metrohub.cases.services.documents import issue_decision_document

    for decision in Decision.objects.filter(
        case__center_name__startswith="【示例】", document_sha256=""
    ).select_related("case"):
        issue_decision_document(decision)
