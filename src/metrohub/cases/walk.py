"""Walking a case through its pack: the shortest path to any stage, with sample payloads.

Used by the demo (cases in every stage of every pack) and by tests that check the engine can take
every transition the packs declare. Everything goes through `services.take_transition`; only the
clock is moved, so that periods such as the public notice can elapse.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections import deque

from django.core.files.base import ContentFile

from metrohub.accounts.models import RoleAssignment
from metrohub.cases import services
from metrohub.cases.models import Case, Material
from metrohub.cases.services import clock as clock_module
from metrohub.eventlog.services import append_event
from metrohub.rulepacks.services import registry

SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOC_PREFIX = {"chongqing": "渝市监发", "hubei": "鄂市监量", "shanghai": "沪市监计量"}

FORM = {
    "summary": "依托单位在本产业领域具备较强的计量测试能力和服务基础（示例）。",
    "director_name": "示例主任",
    "director_title": "正高级工程师",
    "contact_email": "center@demo.metrohub.localhost",
    "contact_phone": "023-60000000",
    "team": [{"name": "示例主任", "title": "正高级工程师", "duty": "中心主任"}],
    "equipment": [{"name": "示例计量标准装置", "model": "DEMO-1", "quantity": 1}],
    "capabilities": [{"name": "产业专用参数校准", "target": "2027年形成能力"}],
    "targets": "筹建期内建成产业专用计量标准3项，形成服务能力50项（示例）。",
    "industry_needs": [{"need": "关键参数在线测量", "parameter": "压力", "priority": "高"}],
    "builder_duties": [],
}


@contextlib.contextmanager
def clock(start: dt.date):
    """Replace the engine's today(); `tick(days)` moves it, `set(day)` jumps."""
    state = {"day": start}
    original = clock_module.today
    clock_module.today = lambda: state["day"]

    class Clock:
        def tick(self, days=1):
            state["day"] += dt.timedelta(days=days)

        def set(self, day):
            state["day"] = max(state["day"], day)

        @property
        def day(self):
            return state["day"]

    try:
        yield Clock()
    finally:
        clock_module.today = original


def path_to(pack, target: str) -> list | None:
    """The shortest list of transitions from the initial stage to `target` that the engine can
    take: rectification rounds are counted, the periodic review (years away) is never due."""
    sc = pack.acceptance_scoring
    rounds = sc.rectification_rounds if sc else 0
    start = (pack.initial_stage().code, 0)
    seen = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        stage, used = node
        if stage == target:
            out = []
            while seen[node] is not None:
                node, t = seen[node]
                out.append(t)
            return out[::-1]
        for t in pack.transitions_from(stage):
            if t.to == stage or "review_cycle_due" in t.preconditions:
                continue
            if "rectification_rounds_left" in t.preconditions and used >= rounds:
                continue
            if "rectification_rounds_exhausted" in t.preconditions and used < rounds:
                continue
            if "grounds" in t.records and not any(g.text_given for g in pack.revocation_grounds):
                continue  # no ground can be cited until its text is entered
            opened = sc is not None and sc.rectification_deadline in t.opens
            nxt = (t.to, used + 1 if opened else used)
            if nxt not in seen:
                seen[nxt] = (node, t)
                queue.append(nxt)
    return None


def _conclusion(t, following) -> str:
    negative = (
        t.to in ("rejected", "failed")
        or {"experts_do_not_recommend", "score_below_pass"} & set(t.preconditions)
        or (following is not None and "experts_do_not_recommend" in following.preconditions)
    )
    if t.to in ("public_notice", "decision", "rejected") or "recommend" in t.name:
        return "not_recommend" if negative else "recommend"
    return "fail" if negative else "pass"


# records that are free text: the demo writes 示例<the record's label>：<the step>
TEXT_RECORDS = (
    "reasons",
    "opinions",
    "evaluation_result",
    "guidance_record",
    "hearing_record",
    "problem",
    "answer",
)


def sample_payload(case, t, following, day: dt.date, serial: int) -> dict:
    pack = case.pack
    payload: dict = {}
    for code in t.records:
        if code in TEXT_RECORDS:
            payload[code] = f"示例{_record_label(code)}：{t.name_zh}"
        elif code == "letter":
            payload[code] = "关于同意申请筹建产业计量测试中心的函（示例）"
        elif code == "defects":
            payload[code] = ["示例：材料需补充说明"]
        elif code == "panel":
            payload[code] = ["专家甲", "专家乙", "专家丙"]
        elif code == "conclusion":
            payload[code] = _conclusion(t, following)
        elif code == "document_number":
            # one number per case and step (the register refuses a number used twice), within the
            # five digits a number has: the case's id is taken modulo 1000, so numbers repeat only
            # between cases a thousand ids apart (a PostgreSQL sequence is not rolled back with
            # the rows of a test, and ids grow past 1000 in a test run)
            number = (case.pk % 1000) * 100 + serial % 100
            payload[code] = f"{DOC_PREFIX.get(pack.code, '示例发')}〔{day.year}〕{number}号"
        elif code == "document_date":
            payload[code] = day.isoformat()
        elif code == "score":
            sc = pack.acceptance_scoring
            passing = "score_at_least_pass" in t.preconditions
            payload[code] = str(sc.pass_score if passing else sc.pass_score - 0.5)
        elif code == "supervisor":
            district = services.users_for(case, ["district_regulator"])
            payload[code] = (
                {"username": district[0].username} if district else {"name": "示例监督员"}
            )
        elif code == "grounds":
            payload[code] = [next(g.code for g in pack.revocation_grounds if g.text_given)]
        elif code == "objection_answers":
            payload[code] = []
        elif code == "findings":
            payload[code] = ["示例：检查发现一"]
        elif code == "visit_date":
            payload[code] = day.isoformat()
        elif code == "place":
            payload[code] = "中心实验室（示例）"
    defects = services.open_defects(case)
    if defects and "applicant" in t.roles and not pack.stage(t.to).terminal:
        payload["defect_answers"] = [f"已按要求补正：{item}" for item in defects["items"]]
    if any(d.count is None for d in pack.deadlines_opened_by(t.name)):
        payload["deadline_count"] = 30
    if "preconditions_met" in t.preconditions:
        payload["conditions_met"] = [
            c.code for c in pack.conditions if c.applies_to == "acceptance" and c.text_given
        ]
    return payload


def actor_for(case, role: str):
    users = services.users_for(case, [role])
    return users[0] if users else None


def add_material(case, code, actor, *, content=SAMPLE_PDF):
    """A sample material (demo): one stored file shared by every demo row, the event as usual."""
    version = case.materials.filter(code=code).count() + 1
    sha = hashlib.sha256(content).hexdigest()
    material = Material(
        case=case,
        code=code,
        version=version,
        filename=f"{code}.pdf",
        sha256=sha,
        size=len(content),
        content_type="application/pdf",
        uploaded_by=actor,
    )
    shared = "cases/demo/sample.pdf"
    if not material.file.storage.exists(shared):
        material.file.storage.save(shared, ContentFile(content))
    material.file.name = shared
    material.save()
    append_event(
        subject=case.subject,
        action="material.uploaded",
        actor=actor,
        article=case.pack.material(code).article,
        payload={
            "code": code,
            "version": version,
            "sha256": sha,
            "size": len(content),
            "content_type": "application/pdf",
            "filename": material.filename,
        },
    )
    return material


def walk(case, transitions, clk, *, serial=1):
    """Take each transition with sample payloads, uploading what is missing first."""
    pack = case.pack
    for i, t in enumerate(transitions):
        following = transitions[i + 1] if i + 1 < len(transitions) else None
        present = services.current_materials(case)
        for code in t.materials:
            if code not in present:
                m = pack.material(code)
                add_material(case, code, actor_for(case, m.submitted_by))
        if "self_check_passed" in t.preconditions and not (case.self_check or {}).get("passed"):
            services.record_self_check(
                actor=actor_for(case, "applicant"),
                case=case,
                items=[{"item": "对照《现场验收核查表》逐项自查（示例）", "met": True}],
            )
        if "notice_period_elapsed" in t.preconditions:
            closing = services.notice_closing(case)
            if closing:
                clk.set(closing.deadline.due + dt.timedelta(days=1))
        actor = next(u for u in (actor_for(case, r) for r in t.roles) if u is not None)
        payload = sample_payload(case, t, following, clk.day, serial + i)
        for prepare in PREPARERS:
            payload = prepare(case, t, payload, clk)
        case = services.take_transition(case=case, name=t.name, actor=actor, payload=payload)
        clk.tick(9)
    return case


#: Functions f(case, transition, payload, clock) → payload that prepare what an app holds before a
#: walked transition (the panels draw and conclude the panel a stage needs). Registered by the
#: app that owns it, so this module imports none.
PREPARERS: list = []


def preparer(fn):
    if fn not in PREPARERS:
        PREPARERS.append(fn)
    return fn


DISTRICTS = {"chongqing": "500112", "hubei": "420111", "shanghai": "310115"}
APPLICANTS = {"chongqing": "cq_applicant", "hubei": "hb_applicant", "shanghai": "sh_applicant"}
CO_BUILDERS = {"shanghai": ["sh-bio"]}


def new_case(world, code: str, *, name: str, clk=None) -> Case:
    applicant = world["users"][APPLICANTS[code]]
    co = [world["organisations"][k] for k in CO_BUILDERS.get(code, [])]
    form = dict(
        FORM,
        builder_duties=[
            {
                "organisation": o.name,
                "staff": "派出5名技术人员",
                "funds": "投入300万元",
                "equipment": "共享设备",
                "projects": "联合承担科研项目",
                "ip": "成果共享",
            }
            for o in co
        ],
    )
    case = services.create_case(
        actor=applicant,
        rulepack=code,
        center_name=name,
        industry_domain="integrated_circuits" if code == "shanghai" else "high_end_equipment",
        district=DISTRICTS.get(code),
        co_builders=[o.pk for o in co],
        form=form,
    )
    for consent in case.consents.select_related("organisation"):
        staff = RoleAssignment.objects.filter(
            organisation=consent.organisation, role="applicant"
        ).first()
        if staff is not None:
            services.answer_invitation(actor=staff.user, consent=consent, consented=True)
    return case


def build_demo_cases(world: dict, start: dt.date = dt.date(2025, 3, 3)) -> list[Case]:
    """One case in every stage of the latest version of each pack."""
    if Case.objects.filter(center_name__startswith="【示例】").exists():
        return list(Case.objects.filter(center_name__startswith="【示例】"))
    built = []
    for code in ("chongqing", "hubei", "shanghai"):
        if code not in registry().codes() or APPLICANTS[code] not in world["users"]:
            continue
        pack = registry().latest(code)
        for n, stage in enumerate(pack.stages):
            transitions = path_to(pack, stage.code)
            if transitions is None:
                continue
            with services.quiet(), clock(start + dt.timedelta(days=3 * n)) as clk:
                case = new_case(
                    world,
                    code,
                    name=f"【示例】{pack.pack.jurisdiction_name_zh}{stage.name_zh}阶段产业计量测试中心",
                    clk=clk,
                )
                built.append(walk(case, transitions, clk, serial=10 + n * 20))
    return built


def _record_label(code: str) -> str:
    """The record's label as the form shows it, in Chinese (a demo text never shows a code)."""
    from django.utils import translation

    from metrohub.cases.forms import RECORD_LABELS

    with translation.override("zh-hans"):
        return str(RECORD_LABELS[code])
