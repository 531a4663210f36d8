"""Demo: an established center of each region with a history after establishment.

The demo's other cases are walked from 2025 (`walk.build_demo_cases`), so their centers are too
young to have reported on two years. Rather than backdating the rows those walks made (a
center's date changed by hand would contradict its decisions and its event log), each region gets
one more demo center of its own, walked through the engine from an earlier day so that it was
established in time; everything after is made by the real services as of the day it happened,
with the engine's clock moved (`walk.clock`): the duty schedules open the cases on their opening
days (`duties.open_due`, for this center and schedule only), the director fills in and submits,
the regulator returns and accepts, the district inspects; obligations, late marks, decisions,
their printed documents and the registry's status history are what the rules produce.

- **Chongqing** (渝北区): filed in 2021 under the 2022 measures and established on 1 March
  2022, so that its five-year review (解读三(四)) falls due on 1 March 2027: the schedule opens
  it 180 days before (2 September 2026) and `metrohub remind` sends its reminders 90, 30, 7 and
  1 days before (the first on 1 December 2026). Annual information reports for 2024 (returned
  with comments, corrected, accepted) and 2025 (accepted); the district bureau's yearly
  inspection of 2025 (art. 27) with findings, a rectification order, the center's report, the
  follow-up and closing, and the district's report on it to the municipal bureau; the annual
  tasks of 2025 issued, reported on and assessed, those of 2026 issued; the district's yearly
  inspection of 2026 opened on 1 January and not yet made. The 2022 and 2024 measures have no
  major-event duty: none.
- **Hubei** (洪山区): established in 2023 under the 2016 measures. Annual reports (art. 21) for
  2024 (accepted) and 2025 (returned, corrected, accepted); an unannounced inspection (art. 20)
  in 2025 with findings and rectification. No major-event duty and no periodic review in the
  Hubei measures: none.
- **Shanghai** (浦东新区): approved to build in 2023; Shanghai's yearly report (五(二): 筹建情况
  and typical cases) is a duty of a center under construction, so the center stays in
  construction through 2024 and 2025 and is accepted and established in 2026. Reports for 2024
  (returned, corrected, accepted) and 2025 (accepted), each with typical cases; a major event
  reported in writing after its 5 working days (五(二)), flagged late; an unannounced inspection
  by the district bureau (五(三)) with findings and rectification. No periodic review in the
  Shanghai measures: none.

A step whose day is still to come is left out (the demo built on an earlier day stops at that
day). Built only with the demo cases (`METROHUB_DEMO_CASES`), once: a center already there is
left as it is.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.conf import settings
from django.utils import timezone, translation

from metrohub.accounts.demo import ensure_user
from metrohub.accounts.models import Role
from metrohub.cases import services
from metrohub.cases.models import Case
from metrohub.cases.services import duties
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.rulepacks.services import registry

NAMES = {
    "chongqing": "【示例】重庆市汽车零部件产业计量测试中心",
    "hubei": "【示例】湖北省光电子信息产业计量测试中心",
    "shanghai": "【示例】上海市集成电路装备产业计量测试中心",
}
#: the center directors of the applicants' organisations (the people who report)
DIRECTORS = {
    "chongqing": ("cq_auto_director", "何伟", "cq-auto", "500107"),
    "hubei": ("hb_director", "周涛", "hb-optics", "420111"),
    "shanghai": ("sh_director", None, "sh-ic", "310114"),
}
#: the day each center's establishment case is filed
START = {
    "chongqing": dt.date(2021, 6, 1),
    "hubei": dt.date(2023, 3, 1),
    "shanghai": dt.date(2023, 6, 5),
}
REGULATORS = {"chongqing": "cq_regulator", "hubei": "hb_regulator", "shanghai": "sh_regulator"}
DISTRICT_REGULATORS = {"chongqing": "cq_district", "shanghai": "sh_district"}

FIGURES = {
    2024: {
        "capability_lines_total": 46,
        "capability_lines_added": 12,
        "verifications": 1860,
        "calibrations": 5240,
        "tests": 730,
        "research_projects": 4,
        "standards_published": 2,
        "equipment_developed": 3,
        "awards": 1,
        "national_collection_cases": 1,
        "alliance_activities": 2,
        "shared_bookings": 64,
        "shared_hours_used": 410,
        "shared_organisations": 17,
        "shared_fees": 52800,
    },
    2025: {
        "capability_lines_total": 58,
        "capability_lines_added": 12,
        "verifications": 2310,
        "calibrations": 6480,
        "tests": 915,
        "research_projects": 6,
        "standards_published": 3,
        "equipment_developed": 2,
        "awards": 2,
        "national_collection_cases": 1,
        "alliance_activities": 3,
        "shared_bookings": 88,
        "shared_hours_used": 575,
        "shared_organisations": 23,
        "shared_fees": 71400,
    },
}
TYPICAL_CASE = {
    "title": "刻蚀设备腔室压力在线校准",
    "industry": "集成电路装备",
    "problem": "刻蚀设备腔室真空计示值漂移，停机送检影响产线连续生产。",
    "method": "研制便携式真空比对装置，在产线现场开展在线校准并建立校准周期模型。",
    "result": "形成在线校准规范1项，覆盖企业12台刻蚀设备。",
    "benefit": "每年减少停机约300小时，良品率提高0.8个百分点（示例）。",
}
RETURN_COMMENTS = (
    "服务数据未区分检定、校准和检测，请按类别分别填报，并补充下一年度工作计划的进度安排。"
)


def build(world: dict) -> None:
    if not getattr(settings, "METROHUB_DEMO_CASES", True):
        return
    for username, name, org, division in DIRECTORS.values():
        if name is not None and org in world["organisations"]:
            world["users"][username] = ensure_user(
                world, username, name, Role.CENTER_DIRECTOR, org, division
            )
    # the records are written as a Chinese-speaking user writes them (the findings' labels)
    with translation.override("zh-hans"), services.quiet():
        for code, story in (
            ("chongqing", chongqing),
            ("hubei", hubei),
            ("shanghai", shanghai),
        ):
            if code not in registry().codes() or code not in _walkers(world):
                continue
            if Case.objects.filter(kind=Case.ESTABLISHMENT, center_name=NAMES[code]).exists():
                continue
            history = History(world, code)
            with clock(START[code]) as history.clk, contextlib.suppress(Stop):
                story(history)
    # the demo's centers established through the procedure: the later builders give them what every established
    # center has (standards, authorized staff, certificates)
    for base in Case.objects.filter(
        kind=Case.ESTABLISHMENT, center__status="established"
    ).select_related("center"):
        world.setdefault("centers", {})[base.center.code] = base.center
    from metrohub.cases.demo import issue_documents

    issue_documents()


def _walkers(world) -> set[str]:
    from metrohub.cases.walk import APPLICANTS

    return {
        code
        for code, username in APPLICANTS.items()
        if username in world["users"] and DIRECTORS[code][0] in world["users"]
    }


class Stop(Exception):
    """The next step's day is still to come."""


class History:
    """One center's story, told in order of its days with the engine's clock."""

    def __init__(self, world: dict, code: str):
        self.world, self.code = world, code
        self.today = timezone.localdate()
        self.director = world["users"][DIRECTORS[code][0]]
        self.regulator = world["users"][REGULATORS[code]]
        self.district = world["users"].get(DISTRICT_REGULATORS.get(code, ""))
        self.base: Case | None = None
        self.path: list = []  # the transitions from filing to establishment
        self.clk = None

    def on(self, day: dt.date) -> None:
        if day > self.today:
            raise Stop
        if day < self.clk.day:
            raise RuntimeError(f"{self.code}: {day} comes before {self.clk.day}")
        self.clk.set(day)

    def take(self, case: Case, name: str, actor, day: dt.date, **payload) -> Case:
        self.on(day)
        return services.take_transition(case=case, name=name, actor=actor, payload=payload)

    # ------------------------------------------------------------------ establishment

    def establish(self, *, until: str = "established", on: dt.date | None = None) -> Case:
        """File today and walk to stage `until`, its last step taken on `on`."""
        case = new_case(self.world, self.code, name=NAMES[self.code])
        self.path = path_to(case.pack, "established")
        return self.walk_on(case, until, on=on)

    def walk_on(self, case: Case, until: str, *, on: dt.date | None = None) -> Case:
        """Walk on from the case's stage to stage `until` along the path to establishment."""
        start = next(i for i, t in enumerate(self.path) if case.state in t.from_)
        end = next(i for i, t in enumerate(self.path) if i >= start and t.to == until)
        steps = self.path[start : end + 1]
        case = walk(case, steps[:-1], self.clk, serial=10 + start)
        if on is not None:
            self.on(on)
        self.base = walk(case, steps[-1:], self.clk, serial=10 + end)
        return self.base

    # ---------------------------------------------------------------------- duties

    def open_duty(self, schedule: str, day: dt.date) -> Case:
        self.on(day)
        (case,) = duties.open_due(on=day, center=self.base.center, schedule=schedule)
        return case

    def annual_report(self, year: int, opens: dt.date, *, returned: bool) -> Case:
        """Opened by the schedule, filled in within the month, submitted; returned with comments
        and corrected, or accepted at once."""
        from metrohub.annualreports.services import needs_typical_cases, save_report

        case = self.open_duty("annual_report", opens)
        typical = [TYPICAL_CASE] if needs_typical_cases(case) else []
        summary = (
            f"{year}年，中心围绕产业计量需求完善计量标准，开展检定、校准和检测服务，"
            "承担科研项目并参与标准制定（示例）。"
        )
        plan = f"{year + 1}年计划新建计量标准3项，新增服务能力10项，开展产业计量服务进园区活动（示例）。"
        figures = dict(FIGURES[year])
        if returned:
            # the first draft gives the services in one figure; the regulator asks for them apart
            figures.update(
                verifications=0,
                tests=0,
                calibrations=sum(
                    FIGURES[year][k] for k in ("verifications", "calibrations", "tests")
                ),
            )
        self.on(opens + dt.timedelta(days=10))
        save_report(
            actor=self.director,
            case=case,
            summary=summary,
            plan=plan,
            figures=figures,
            typical_cases=typical,
        )
        case = self.take(case, "submit_report", self.director, opens + dt.timedelta(days=15))
        if returned:
            case = self.take(
                case,
                "return_report",
                self.regulator,
                opens + dt.timedelta(days=20),
                reasons=RETURN_COMMENTS,
                deadline_count=15,  # days to resubmit
            )
            self.on(opens + dt.timedelta(days=24))
            save_report(
                actor=self.director,
                case=case,
                summary=summary,
                plan=plan + "一季度完成建标，二季度开展能力验证，下半年开展服务推广（示例）。",
                figures=FIGURES[year],
                typical_cases=typical,
            )
            case = self.take(case, "submit_report", self.director, opens + dt.timedelta(days=26))
        # accepted within the month the report is due in
        accepted = opens + dt.timedelta(days=29 if returned else 25)
        return self.take(case, "accept_report", self.regulator, accepted)

    def inspection(self, case: Case | None, inspector, day: dt.date, findings: dict) -> Case:
        """Inspected on `day` (an unannounced inspection opened that day when `case` is None):
        every checklist item recorded, findings on some; rectification ordered within 30 days,
        reported by the center, followed up and closed."""
        from metrohub.inspections.services import checklist_items, order_rectification

        if case is None:
            self.on(day)
            case = services.open_case(
                actor=inspector, kind="inspection", center=self.base.center.code
            )
        results = [
            {
                "item": item.code,
                "result": "finding" if item.code in findings else "conforming",
                "note": findings.get(item.code, ""),
            }
            for item in checklist_items(case)
        ]
        case = self.take(case, "record_findings", inspector, day, checklist=results)
        self.on(day + dt.timedelta(days=3))
        case = order_rectification(
            actor=inspector,
            case=case,
            reasons="针对检查发现的问题限期整改，整改完成后报送整改报告。",
            rectify_by=day + dt.timedelta(days=33),
        )
        case = self.take(case, "report_rectification", self.director, day + dt.timedelta(days=28))
        return self.take(case, "close_inspection", inspector, day + dt.timedelta(days=40))


# ------------------------------------------------------------------------------ the stories


def chongqing(h: History) -> None:
    h.establish(on=dt.date(2022, 3, 1))
    h.annual_report(2024, dt.date(2024, 12, 1), returned=True)
    inspection = h.open_duty("inspection_due", dt.date(2025, 1, 1))
    tasks = issue_tasks(h, h.open_duty("annual_tasks", dt.date(2025, 1, 1)), 2025)
    h.inspection(
        inspection,
        h.district,
        dt.date(2025, 6, 10),
        {
            "main_tasks": "计量标准建设任务台账不完整，两项任务进度滞后。",
            "conditions_kept": "技术负责人变更后未及时更新人员名单。",
        },
    )
    tasks = report_tasks(h, tasks, dt.date(2025, 11, 25))
    h.annual_report(2025, dt.date(2025, 12, 1), returned=False)
    h.open_duty("inspection_due", dt.date(2026, 1, 1))
    next_tasks = h.open_duty("annual_tasks", dt.date(2026, 1, 1))
    report = open_district_report(h, 2025, dt.date(2026, 1, 1))
    assess_tasks(h, tasks, dt.date(2026, 1, 8))
    submit_district_report(h, report, dt.date(2026, 1, 15))
    issue_tasks(h, next_tasks, 2026)
    h.open_duty("five_year_review", dt.date(2026, 9, 2))


def hubei(h: History) -> None:
    h.establish()
    h.annual_report(2024, dt.date(2024, 12, 1), returned=False)
    h.inspection(
        None,
        h.regulator,
        dt.date(2025, 9, 16),
        {"services": "对园区企业的计量服务记录不完整，未建立服务回访制度。"},
    )
    h.annual_report(2025, dt.date(2025, 12, 1), returned=True)


def shanghai(h: History) -> None:
    base = h.establish(until="construction")
    h.annual_report(2024, dt.date(2024, 10, 31), returned=True)
    # the center's director changed on Monday 3 March 2025, reported in writing on Friday
    # 14 March: after the 5 working days 五(二) allows
    h.on(dt.date(2025, 3, 14))
    services.report_event(
        actor=h.director,
        case=base,
        code="major_event",
        occurred_on="2025-03-03",
        text="中心主任调整：原中心主任因工作调动离任，由依托单位副总工程师接任（示例）。",
    )
    h.inspection(
        None,
        h.district,
        dt.date(2025, 5, 20),
        {
            "research_projects": "重点科研项目经费使用台账未按季度更新。",
            "capability_plan": "后续能力建设规划中两项计量标准未明确完成时间。",
        },
    )
    h.annual_report(2025, dt.date(2025, 10, 31), returned=False)
    h.on(dt.date(2026, 1, 12))
    h.walk_on(Case.objects.get(pk=base.pk), "established")


TASK_ITEMS = [
    {
        "title": "新建产业专用计量标准",
        "target": "新建计量标准2项",
        "target_value": "2",
        "target_unit": "项",
        "weight": 40,
    },
    {
        "title": "开展产业计量服务",
        "target": "服务园区企业不少于50家",
        "target_value": "50",
        "target_unit": "家",
        "weight": 40,
    },
    {"title": "参与制定技术规范", "target": "参与制定地方计量技术规范1项", "weight": 20},
]


def issue_tasks(h: History, case: Case, year: int) -> Case:
    """The municipal bureau issues the year's tasks in January (art. 27), the completion report
    asked for by 20 December."""
    from metrohub.annualtasks import services as tasks

    h.on(dt.date(year, 1, 15))
    tasks.set_items(actor=h.regulator, case=case, items=TASK_ITEMS)
    issued = dt.date(year, 1, 20)
    count = (dt.date(year, 12, 20) - issued).days
    return h.take(case, "issue_tasks", h.regulator, issued, deadline_count=count)


def report_tasks(h: History, case: Case, day: dt.date) -> Case:
    """The center reports on each task, the second only partly completed."""
    from metrohub.annualtasks import services as tasks

    h.on(day)
    for item in case.task_items.order_by("position"):
        tasks.report_item(
            actor=h.director,
            case=case,
            item_id=item.pk,
            claimed="completed" if item.position != 2 else "partly",
            report=f"{item.title}：按计划推进，详见佐证材料（示例）。",
            achieved_value=item.target_value,
        )
    return h.take(case, "report_completion", h.director, day + dt.timedelta(days=3))


def assess_tasks(h: History, case: Case, day: dt.date) -> Case:
    """The bureau assesses each task and the whole, and records the result."""
    from metrohub.annualtasks import services as tasks

    h.on(day)
    for item in case.task_items.order_by("position"):
        full = item.position != 2
        tasks.assess_item(
            actor=h.regulator,
            case=case,
            item_id=item.pk,
            outcome="completed" if full else "partly",
            score=item.weight if full else item.weight - 8,
            comment="" if full else "服务企业数量达到目标的八成。",
        )
    tasks.save_assessment(actor=h.regulator, case=case, grade="pass", comment="完成年度任务。")
    return h.take(case, "assess_tasks", h.regulator, day + dt.timedelta(days=2))


def open_district_report(h: History, year: int, day: dt.date):
    """The district's report on its year's inspections, opened on 1 January (art. 27)."""
    from metrohub.inspections import services as inspections
    from metrohub.inspections.models import DistrictReport

    h.on(day)
    inspections.open_reports(on=day)
    return DistrictReport.objects.filter(district=h.base.district, year=year).first()


def submit_district_report(h: History, report, day: dt.date) -> None:
    from metrohub.inspections import services as inspections
    from metrohub.inspections.models import DistrictReport

    if report is None or report.state != DistrictReport.State.DRAFT:
        return
    h.on(day)
    inspections.save_summary(
        actor=h.district,
        report=report,
        summary=f"{report.year}年对辖区内市级产业计量测试中心开展年度监督检查，"
        "发现的问题已责令限期整改并复查办结（示例）。",
    )
    inspections.submit_report(actor=h.district, report=report)
