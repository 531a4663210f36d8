"""The rule-pack format: pydantic v2 models for one jurisdiction's rules at one version.

Framework-free (no Django import). A pack is a TOML file in ``rulepacks/packs/`` named
``{code}-{version}.toml``; ``docs/rulepacks.md`` documents every key. This module checks the shape
of one pack (types, required keys, unknown keys, every rule citing its article) and the references
inside it (transitions → stages, roles, materials, deadlines; enumerations → their items; the
example rubric → the maximum score). ``loader.py`` adds the checks across packs.

Every *rule* model inherits :class:`Rule`: it carries ``article`` (required, non-blank: an article
such as "第十一条" or, for Shanghai's guideline, a section such as "三(四)2"), an optional
``quote`` of the source text and an optional ``note``. Where a source names a thing without giving
its content, the item says ``text_given = false`` and its text is "not given in the source".
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, deque
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "EFFECTS",
    "NOT_GIVEN_EN",
    "NOT_GIVEN_ZH",
    "PRECONDITIONS",
    "RECORDS",
    "ROLE_CODES",
    "STAGE_CODES",
    "RulePack",
    "cross_reference_errors",
]

ROLE_CODES: tuple[str, ...] = (
    "programme_regulator",
    "district_regulator",
    "competent_authority",
    "applicant",
    "center_director",
    "expert",
    "industry_user",
    "public",
    "platform_admin",
)

#: The common state codes. A pack uses the subset it needs.
STAGE_CODES: tuple[str, ...] = (
    "draft",
    "guidance",
    "pre_review",
    "endorsement",
    "formal_review",
    "supplement",
    "expert_review",
    "public_notice",
    "hearing",
    "decision",
    "construction",
    "acceptance_review",
    "acceptance_supplement",
    "onsite_acceptance",
    "rectification",
    "construction_rectification",
    "acceptance_revision",
    "established",
    "rejected",
    "failed",
    "withdrawn",
    "revoked",
    # the procedures after establishment (annual reports, inspections, reviews…)
    "open",
    "submitted",
    "returned",
    "accepted",
    "inspected",
    "follow_up",
    "assessed",
    "concluded",
    "closed",
    # revocation: the center notified of the grounds, and its statement in reply
    "notified",
    "responded",
    # a capability change announced; a supervision team sent during construction
    "announced",
    "dispatched",
    # annual tasks: issued to the center; the five-year review's expert panel
    "issued",
    "review_panel",
)

#: Conditions the procedure engine evaluates before it lets a transition happen.
PRECONDITIONS: dict[str, str] = {
    "required_materials_present": "every material the transition lists is uploaded",
    "endorsement_given": "the competent authority or district government has endorsed",
    "experts_recommend": "the expert panel's conclusion is 'recommend'",
    "experts_do_not_recommend": "the expert panel's conclusion is 'do not recommend'",
    "notice_period_elapsed": "the public-notice deadline (a minimum) has run out",
    "objections_answered": "every objection filed during the notice has an answer",
    "self_check_passed": "the applicant's self-check against the checklist is recorded as met",
    "preconditions_met": "the pack's acceptance preconditions (enumeration) are declared met",
    "score_at_least_pass": "the recorded acceptance score reaches the pass score",
    "score_below_pass": "the recorded acceptance score is below the pass score",
    "rectification_rounds_left": "fewer rectification rounds used than the pack allows",
    "rectification_rounds_exhausted": "all rectification rounds the pack allows are used",
    "review_cycle_due": "the periodic review cycle has run since establishment or last review",
    "revocation_ground_found": "at least one revocation ground is recorded",
}

#: What a transition makes happen besides the state change (the engine implements each).
EFFECTS: dict[str, str] = {
    "issue_document": "the regulator issues a numbered document (批复/发文)",
    "issue_task_book": "the construction task book (筹建任务书) is issued",
    "register_center": "the center enters the registry as in preparation (筹建), so it can prepare its committed capabilities",
    "publish_notice": "a public notice opens on the portal",
    "accept_objections": "the public may file objections while the stage lasts",
    "publish_registry": "the center appears in the public registry",
    "publish_capabilities": "the committed capabilities are published",
    "notify_district_regulator": "the district bureau is told (e.g. to send a supervisor)",
    "record_score": "the acceptance score is recorded",
    "unpublish_registry": "the center is marked revoked in the registry",
    "announce_capabilities": "the changed capabilities are announced: the catalogue's lines change, every version kept",
    "issue_confirmation": "a numbered document confirms the center after its review (发文确认)",
    "open_revocation": "a revocation case is opened about the case's center",
}

#: Fields a transition's payload must carry (the engine validates them).
RECORDS: dict[str, str] = {
    "reasons": "the reasons, in writing",
    "defects": "each defect to be supplemented",
    "opinions": "the experts' opinions",
    "conclusion": "the panel's conclusion",
    "document_number": "the number of the decision document",
    "document_date": "the date of the decision document",
    "score": "the total score",
    "supervisor": "the supervisor sent by the district bureau",
    "panel": "the panel members",
    "evaluation_result": "the result of an evaluation",
    "grounds": "the revocation grounds found",
    "letter": "the endorsing letter",
    "guidance_record": "the record of on-site guidance",
    "objection_answers": "the answer to each objection",
    "hearing_record": "the record of the hearing",
    "findings": "the findings of an inspection, item by item of the checklist",
    "visit_date": "the date of an on-site visit",
    "place": "where an on-site visit takes place",
    "problem": "the problem a center reports, in writing",
    "answer": "the authority's answer, in writing",
}

NOT_GIVEN_ZH = "原文未给出"
NOT_GIVEN_EN = "not given in the source"

_CODE = r"^[a-z][a-z0-9_]*$"
Code = Annotated[str, Field(pattern=_CODE, max_length=80)]
NonBlank = Annotated[str, Field(min_length=1)]
RoleCode = Literal[ROLE_CODES]  # type: ignore[valid-type]
StageCode = Literal[STAGE_CODES]  # type: ignore[valid-type]
Precondition = Literal[tuple(PRECONDITIONS)]  # type: ignore[valid-type]
Effect = Literal[tuple(EFFECTS)]  # type: ignore[valid-type]
Record = Literal[tuple(RECORDS)]  # type: ignore[valid-type]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Rule(_Model):
    """Base of every rule: it cites its article."""

    article: str
    quote: str | None = None
    note: str | None = None

    @field_validator("article")
    @classmethod
    def _article_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must name the article (or section) the rule rests on")
        return v.strip()


class GivenText(Rule):
    """A rule whose content may be missing from the source (``text_given = false``)."""

    text_given: bool = True
    enumeration: Code | None = None

    @model_validator(mode="after")
    def _not_given_says_so(self):
        if not self.text_given:
            for name in ("text_zh", "name_zh"):
                value = getattr(self, name, None)
                if value is not None and NOT_GIVEN_ZH not in value:
                    raise ValueError(
                        f"{name}: an item with text_given = false must say '{NOT_GIVEN_ZH}'"
                    )
            for name in ("text_en", "name_en"):
                value = getattr(self, name, None)
                if value is not None and NOT_GIVEN_EN not in value:
                    raise ValueError(
                        f"{name}: an item with text_given = false must say '{NOT_GIVEN_EN}'"
                    )
            if self.quote:
                raise ValueError("quote: an item whose text is not given cannot quote it")
        return self


# ------------------------------------------------------------------------------------ metadata


class PackMeta(_Model):
    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=40)]
    version: Annotated[str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z.-]*$", max_length=40)]
    jurisdiction: Annotated[str, Field(pattern=r"^\d{6}$")]
    jurisdiction_name_zh: NonBlank
    jurisdiction_name_en: NonBlank
    level: Literal["municipal", "provincial", "national"]
    title_zh: NonBlank
    title_en: NonBlank
    document_number: str | None = None
    document_number_note: str | None = None
    issuer_zh: NonBlank
    issuer_en: NonBlank
    issued: dt.date | None = None
    effective_date: dt.date | None = None
    effective_date_note: str | None = None
    source: NonBlank
    source_note: str | None = None
    supersedes: str | None = None
    example: bool = False

    @model_validator(mode="after")
    def _notes_when_missing(self):
        if self.document_number is None and not self.document_number_note:
            raise ValueError("document_number_note: required when document_number is not given")
        if self.effective_date is None and not self.effective_date_note:
            raise ValueError("effective_date_note: required when effective_date is not given")
        if self.supersedes is not None and not re.fullmatch(
            r"[a-z][a-z0-9-]*@[0-9A-Za-z][0-9A-Za-z.-]*", self.supersedes
        ):
            raise ValueError("supersedes: must be 'code@version'")
        return self


# -------------------------------------------------------------------------- procedure building


class Role(Rule):
    code: RoleCode
    name_zh: NonBlank
    name_en: NonBlank


class Stage(Rule):
    code: StageCode
    name_zh: NonBlank
    name_en: NonBlank
    initial: bool = False
    terminal: bool = False
    #: a case may rest here indefinitely (e.g. established) without being at an end
    steady: bool = False
    #: an expert panel decides at this stage — a review panel recommends, an acceptance panel
    #: assesses the built center (scored where the pack scores): a transition that records or
    #: checks the experts' conclusion needs the stage's concluded panel
    panel: Literal["review", "acceptance"] | None = None
    #: the pack permits recording the conclusion of a panel held on paper (members and reason
    #: recorded) instead of a panel drawn and scored on the platform
    paper_panel: bool = False

    @model_validator(mode="after")
    def _flags(self):
        if self.terminal and (self.steady or self.initial):
            raise ValueError("terminal: a terminal stage cannot be initial or steady")
        if self.paper_panel and self.panel is None:
            raise ValueError("paper_panel: only a stage where a panel decides (panel = ...)")
        if self.paper_panel and not self.note:
            raise ValueError("note: say why the pack permits a panel held on paper")
        return self


class Material(GivenText):
    code: Code
    name_zh: NonBlank
    name_en: NonBlank
    stage: StageCode
    required: bool = True
    submitted_by: RoleCode = "applicant"


class Transition(Rule):
    name: Code
    name_zh: NonBlank
    name_en: NonBlank
    from_: Annotated[list[StageCode], Field(alias="from", min_length=1)]
    to: StageCode
    roles: Annotated[list[RoleCode], Field(min_length=1)]
    materials: list[Code] = []
    opens: list[Code] = []
    closes: list[Code] = []
    preconditions: list[Precondition] = []
    effects: list[Effect] = []
    records: list[Record] = []
    optional: bool = False


class Deadline(GivenText):
    code: Code
    name_zh: NonBlank
    name_en: NonBlank
    unit: Literal["days", "working_days", "months", "years"]
    count: Annotated[int, Field(ge=1)] | None = None
    count_min: Annotated[int, Field(ge=1)] | None = None
    set_by: RoleCode | None = None
    kind: Literal["maximum", "minimum"] = "maximum"
    indicative: bool = False
    anchor: Code
    #: "schedule": the obligation a duty schedule opens with the case (its due date is the
    #: schedule's; count and unit say nothing then)
    anchor_kind: Literal["transition", "event", "schedule"] = "transition"
    extend_holiday: bool = False
    next_working_day: bool = False
    include_start: bool = False
    responsible: RoleCode | None = None
    #: days before the due date on which the responsible are reminded (default: 7 and 1)
    reminders: Annotated[list[Annotated[int, Field(ge=0, le=366)]], Field(max_length=10)] = []

    @model_validator(mode="after")
    def _consistent(self):
        if self.extend_holiday and self.next_working_day:
            raise ValueError(
                "next_working_day: extend_holiday and next_working_day exclude each other"
            )
        if self.count is None and self.set_by is None and self.anchor_kind != "schedule":
            raise ValueError("count: required unless set_by names the role that sets it")
        if self.count_min is not None and (self.count is None or self.count_min > self.count):
            raise ValueError("count_min: must not exceed count")
        return self

    def compute(self, start: dt.date, *, calendar, count: int | None = None):
        """Compute this deadline from ``start`` (the anchor's date) with the legal calculator.

        ``count`` is required when the pack leaves it to an actor (``set_by``)."""
        from metrohub.legaltime.calculator import compute

        n = count if count is not None else self.count
        if n is None:
            raise ValueError(f"count: deadline '{self.code}' is set by {self.set_by}; pass count")
        return compute(
            start,
            n,
            self.unit,
            calendar=calendar,
            extend_holiday=self.extend_holiday,
            next_working_day=self.next_working_day,
            include_start=self.include_start,
        )


class Enumeration(Rule):
    """A list the source counts ("八个条件") — its items carry ``enumeration = code``."""

    code: Code
    name_zh: NonBlank
    name_en: NonBlank
    count: Annotated[int, Field(ge=1)]


class Condition(GivenText):
    code: Code
    text_zh: NonBlank
    text_en: NonBlank
    applies_to: Literal["applicant", "acceptance", "other"] = "applicant"


class Threshold(Rule):
    code: Code
    name_zh: NonBlank
    name_en: NonBlank
    value: int | float
    unit: NonBlank
    comparison: Literal["at_least", "at_most", "above", "below", "exactly"]


class ScoringMethod(_Model):
    """How panel members' scores become one score. The sources do not say: a platform setting."""

    aggregation: Literal["mean", "median", "trimmed_mean"] = "mean"
    rounding_places: Annotated[int, Field(ge=0, le=3)] = 1
    rounding_mode: Literal["half_up", "half_even"] = "half_up"
    basis: Literal["platform_default"] = "platform_default"
    note: str | None = None


class RubricItem(_Model):
    code: Code
    name_zh: NonBlank
    name_en: NonBlank
    max_points: Annotated[int | float, Field(gt=0)]
    guidance_zh: str | None = None
    guidance_en: str | None = None
    #: a score below the maximum needs the expert's written reason
    reason_required: bool = False


class RubricArea(_Model):
    code: Code
    name_zh: NonBlank
    name_en: NonBlank
    max_points: Annotated[int | float, Field(gt=0)]
    items: Annotated[list[RubricItem], Field(min_length=1)]


class Rubric(_Model):
    example: bool
    note: NonBlank
    areas: Annotated[list[RubricArea], Field(min_length=1)]

    @field_validator("example")
    @classmethod
    def _must_be_example(cls, v: bool) -> bool:
        if not v:
            raise ValueError(
                "must be true: no source gives a rubric, so a pack's rubric is an example"
            )
        return v


class AcceptanceScoring(Rule):
    max_score: Annotated[int | float, Field(gt=0)]
    pass_score: Annotated[int | float, Field(gt=0)]
    pass_comparison: Literal["at_least", "above"] = "at_least"
    rectification_rounds: Annotated[int, Field(ge=0)] = 0
    rectification_deadline: Code | None = None
    #: conflicts of interest: an expert employed by the applicant within this many years is
    #: excluded from its panels. No source gives N: a platform default (basis platform_default).
    conflict_years: Annotated[int, Field(ge=0, le=20)] = 3
    method: ScoringMethod = ScoringMethod()
    example_rubric: Rubric | None = None

    @model_validator(mode="after")
    def _scores(self):
        if self.pass_score > self.max_score:
            raise ValueError("pass_score: must not exceed max_score")
        if self.rectification_rounds and not self.rectification_deadline:
            raise ValueError("rectification_deadline: required when rectification_rounds > 0")
        return self

    def passes(self, score: float) -> bool:
        return (
            score >= self.pass_score
            if self.pass_comparison == "at_least"
            else (score > self.pass_score)
        )


class ContentItem(_Model):
    code: Code
    name_zh: NonBlank
    name_en: NonBlank


class AnnualDuty(GivenText):
    code: Code
    name_zh: NonBlank
    name_en: NonBlank
    role: RoleCode
    to_role: RoleCode | None = None
    period: Literal["construction", "established", "construction_and_established"]
    due_month: Annotated[int, Field(ge=1, le=12)] | None = None
    due_day: Annotated[int, Field(ge=1, le=31)] | None = None
    due_note: str | None = None
    min_count: Annotated[int, Field(ge=1)] | None = None
    contents: list[ContentItem] = []

    @model_validator(mode="after")
    def _due(self):
        if (self.due_month is None) != (self.due_day is None):
            raise ValueError("due_day: give due_month and due_day together, or neither")
        if self.due_month is not None:
            try:
                dt.date(2024, self.due_month, self.due_day)  # 2024: allow 29 February
            except ValueError as exc:
                raise ValueError(f"due_day: {exc}") from exc
        elif not self.due_note:
            raise ValueError("due_note: say why there is no due date (e.g. the source gives none)")
        return self


class EventReport(Rule):
    code: Code
    name_zh: NonBlank
    name_en: NonBlank
    role: RoleCode
    to_role: RoleCode
    form: Literal["written", "filing", "application"]
    deadline: Code | None = None
    requires_acceptance: bool = False
    published: bool = False


class Supervision(Rule):
    code: Code
    name_zh: NonBlank
    name_en: NonBlank
    role: RoleCode
    frequency: Literal["unannounced", "yearly", "ongoing", "before_construction_ends"]
    reports_to: RoleCode | None = None
    focus: list[ContentItem] = []
    outcomes: list[Literal["rectify", "revoke", "support"]] = []


class PeriodicReview(Rule):
    cycle_years: Annotated[int, Field(ge=1)]
    role: RoleCode
    confirmed_by: Literal["document"] = "document"


class RevocationGround(GivenText):
    code: Code
    text_zh: NonBlank
    text_en: NonBlank


class PlanTarget(Rule):
    code: Code
    year: Annotated[int, Field(ge=1949, le=2100)]
    level: Literal["municipal", "provincial", "national"]
    count: Annotated[int, Field(ge=0)]
    what_zh: NonBlank
    what_en: NonBlank
    source_document: NonBlank


class ServiceField(Rule):
    """An industry field a center may serve (Shanghai 三(二)); ``parent`` nests sub-fields."""

    code: Code
    name_zh: NonBlank
    name_en: NonBlank
    parent: Code | None = None


class Figure(Rule):
    code: Code
    value: int | float
    unit_zh: NonBlank
    unit_en: NonBlank
    what_zh: NonBlank
    what_en: NonBlank


class Capabilities(Rule):
    """The center's committed capabilities (承诺的计量测试项目服务能力) in this programme."""

    #: establishment publishes them; establishing a center with none is refused
    published_at_establishment: bool = False
    change_article: str | None = None
    change_quote: str | None = None


class Reapplication(_Model):
    """Whether an organisation whose center was revoked may apply again, and when."""

    bar_years: Annotated[int, Field(ge=1, le=50)] | None = None
    article: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _cited(self):
        if self.bar_years is not None and not (self.article or "").strip():
            raise ValueError("article: a bar on re-applying must cite its article")
        if self.bar_years is None and not (self.note or "").strip():
            raise ValueError("note: say that (and why) the pack sets no bar")
        return self


# ------------------------------------------------------------- life after establishment

#: The establishment procedure is the pack's top-level stages and transitions; other kinds are
#: declared under [[procedures]].
ESTABLISHMENT = "establishment"

#: How a duty schedule falls due (docs/lifecycle.md describes each).
SCHEDULE_RULES: dict[str, str] = {
    "yearly_by_date": "every year by a fixed date",
    "yearly_per_district": "every year, for each center, by its district bureau",
    "years_after_event": "N years after an event (and every N years after)",
    "before_period_ends": "before a period (a deadline of the establishment) ends",
    "within_working_days_of_event": "within N working days of an event the center reports",
    "at_least_per_year": "at least N times a year",
    "yearly_report_per_district": "every year, by each district bureau, on the past year",
}


class ChecklistItem(Rule):
    """One item an inspection checks (Hubei art. 20's 重点检查, Shanghai 五(三)'s 重点关注): the
    inspector records a result and a note for each when recording the findings."""

    code: Code
    name_zh: NonBlank
    name_en: NonBlank


class ProcedureKind(Rule):
    """A procedure besides establishment, about a center (annual report, inspection, review…):
    its own stages, transitions, materials and deadlines, run by the same engine."""

    code: Annotated[str, Field(pattern=_CODE, max_length=32)]
    name_zh: NonBlank
    name_en: NonBlank
    #: who may open a case of this kind by hand (the schedules open the others)
    filed_by: list[RoleCode] = []
    #: the center statuses a case of this kind may concern
    center_status: list[Literal["preparing", "established"]] = ["established"]
    stages: Annotated[list[Stage], Field(min_length=1)]
    transitions: Annotated[list[Transition], Field(min_length=1)]
    materials: list[Material] = []
    deadlines: list[Deadline] = []
    #: what the inspector checks, item by item, when a transition records `findings`
    checklist: list[ChecklistItem] = []


class DutySchedule(Rule):
    """When the platform opens a case (or counts a duty) by itself; every one cites its article.

    A schedule that opens a case names its ``procedure`` kind and the ``deadline`` of that kind
    whose obligation the opened case carries; its due date is computed by the schedule's rule."""

    code: Code
    name_zh: NonBlank
    name_en: NonBlank
    rule: Literal[tuple(SCHEDULE_RULES)]  # type: ignore[valid-type]
    procedure: Annotated[str, Field(pattern=_CODE, max_length=32)] | None = None
    responsible: RoleCode
    applies_to: Literal["construction", "established", "construction_and_established"] = (
        "established"
    )
    due_month: Annotated[int, Field(ge=1, le=12)] | None = None
    due_day: Annotated[int, Field(ge=1, le=31)] | None = None
    years: Annotated[int, Field(ge=1, le=50)] | None = None
    event: Literal["established", "event_report"] | None = None
    event_report: Code | None = None
    period_deadline: Code | None = None
    count: Annotated[int, Field(ge=1)] | None = None
    min_count: Annotated[int, Field(ge=1)] | None = None
    #: how many days before its due date the platform opens the case (a platform choice: the
    #: seeds give none; docs/lifecycle.md)
    opens_days_before: Annotated[int, Field(ge=0, le=366)] = 30
    #: a due date on a rest day moves to the next working day
    next_working_day: bool = True
    #: the platform acts on it (opens cases); false: declared, counted elsewhere
    opens_case: bool = True

    @model_validator(mode="after")
    def _rule_fields(self):
        need = {
            "yearly_by_date": ("due_month", "due_day"),
            "yearly_per_district": ("due_month", "due_day"),
            "years_after_event": ("years", "event"),
            "before_period_ends": ("period_deadline",),
            "within_working_days_of_event": ("count", "event_report"),
            "at_least_per_year": ("min_count",),
            "yearly_report_per_district": ("due_month", "due_day"),
        }[self.rule]
        for name in need:
            if getattr(self, name) is None:
                raise ValueError(f"{name}: required by rule '{self.rule}'")
        if self.due_month is not None:
            try:
                dt.date(2023, self.due_month, self.due_day or 0)
            except ValueError as exc:
                raise ValueError(f"due_day: {exc}") from exc
        if self.opens_case and self.procedure is None:
            raise ValueError("procedure: a schedule that opens cases names the kind it opens")
        if self.rule in ("within_working_days_of_event", "at_least_per_year") and self.opens_case:
            raise ValueError(
                "opens_case: an event's report opens its own obligation and yearly counts are "
                "kept by the alliance's activities; set opens_case = false"
            )
        if self.rule == "yearly_report_per_district" and self.opens_case:
            raise ValueError(
                "opens_case: the district's yearly report is a report of its own, not a case "
                "about a center; set opens_case = false"
            )
        return self


# --------------------------------------------------------------------------------------- pack


class RulePack(_Model):
    pack: PackMeta
    roles: Annotated[list[Role], Field(min_length=1)]
    stages: Annotated[list[Stage], Field(min_length=1)]
    transitions: Annotated[list[Transition], Field(min_length=1)]
    materials: list[Material] = []
    deadlines: list[Deadline] = []
    enumerations: list[Enumeration] = []
    conditions: list[Condition] = []
    thresholds: list[Threshold] = []
    acceptance_scoring: AcceptanceScoring | None = None
    annual_duties: list[AnnualDuty] = []
    event_reports: list[EventReport] = []
    supervision: list[Supervision] = []
    periodic_review: PeriodicReview | None = None
    revocation_grounds: list[RevocationGround] = []
    plan_targets: list[PlanTarget] = []
    figures: list[Figure] = []
    service_fields: list[ServiceField] = []
    capabilities: Capabilities | None = None
    reapplication: Reapplication = Reapplication(note="No bar is set.")
    procedures: list[ProcedureKind] = []
    duty_schedules: list[DutySchedule] = []
    notes: list[str] = []

    # --- convenience for the engine -----------------------------------------------------------

    @property
    def code(self) -> str:
        return self.pack.code

    @property
    def version(self) -> str:
        return self.pack.version

    @property
    def key(self) -> str:
        return f"{self.pack.code}@{self.pack.version}"

    def stage(self, code: str) -> Stage:
        return _find(self.stages, "code", code, "stage")

    def initial_stage(self) -> Stage:
        return next(s for s in self.stages if s.initial)

    def transition(self, name: str) -> Transition:
        return _find(self.transitions, "name", name, "transition")

    def transitions_from(self, stage: str, role: str | None = None) -> list[Transition]:
        return [
            t for t in self.transitions if stage in t.from_ and (role is None or role in t.roles)
        ]

    def deadline(self, code: str) -> Deadline:
        return _find(self.deadlines, "code", code, "deadline")

    def material(self, code: str) -> Material:
        return _find(self.materials, "code", code, "material")

    def threshold(self, code: str) -> Threshold:
        return _find(self.thresholds, "code", code, "threshold")

    def role(self, code: str) -> Role:
        return _find(self.roles, "code", code, "role")

    def deadlines_opened_by(self, transition: str) -> list[Deadline]:
        return [self.deadline(c) for c in self.transition(transition).opens]

    def enumeration_items(self, code: str) -> list:
        out = []
        for group in (self.conditions, self.materials, self.revocation_grounds):
            out.extend(i for i in group if i.enumeration == code)
        return out

    def kinds(self) -> list[str]:
        return [ESTABLISHMENT, *(p.code for p in self.procedures)]

    def procedure(self, code: str) -> ProcedureKind:
        return _find(self.procedures, "code", code, "procedure")

    def kind_name(self, code: str) -> tuple[str, str]:
        if code == ESTABLISHMENT:
            return ("中心筹建与验收", "establishment of a center")
        p = self.procedure(code)
        return (p.name_zh, p.name_en)

    def for_kind(self, code: str) -> RulePack:
        """The pack as the engine sees it for a case of kind `code`: the kind's stages,
        transitions, materials and deadlines in place of the establishment's."""
        if code == ESTABLISHMENT:
            return self
        # keyed by identity and holding the pack, so an id is never reused while cached
        cache = _KIND_VIEWS.setdefault(id(self), (self, {}))[1]
        if code not in cache:
            p = self.procedure(code)
            cache[code] = self.model_copy(
                update={
                    "stages": p.stages,
                    "transitions": p.transitions,
                    "materials": p.materials,
                    "deadlines": p.deadlines,
                    # a kind whose panel scores as the acceptance's (the five-year review)
                    # keeps the pack's scoring; the others have none
                    "acceptance_scoring": (
                        self.acceptance_scoring
                        if any(s.panel == "acceptance" for s in p.stages)
                        else None
                    ),
                }
            )
        return cache[code]

    def schedule(self, code: str) -> DutySchedule:
        return _find(self.duty_schedules, "code", code, "duty schedule")

    def to_public_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


_KIND_VIEWS: dict[int, tuple[RulePack, dict[str, RulePack]]] = {}


def _find(items, attr, value, what):
    for item in items:
        if getattr(item, attr) == value:
            return item
    raise KeyError(f"no {what} '{value}'")


# ---------------------------------------------------------------------------- cross references


def cross_reference_errors(pack: RulePack) -> list[tuple[str, str]]:
    """The checks a schema cannot express: (key path, message) for each broken reference."""
    errors: list[tuple[str, str]] = []

    def err(key: str, msg: str) -> None:
        errors.append((key, msg))

    def unique(items, attr, section):
        counts = Counter(getattr(i, attr) for i in items)
        seen: set = set()
        for i, item in enumerate(items):
            v = getattr(item, attr)
            if counts[v] > 1 and v in seen:
                err(f"{section}[{i}].{attr}", f"duplicate {attr} '{v}'")
            seen.add(v)

    unique(pack.roles, "code", "roles")
    unique(pack.stages, "code", "stages")
    unique(pack.transitions, "name", "transitions")
    unique(pack.materials, "code", "materials")
    unique(pack.deadlines, "code", "deadlines")
    unique(pack.enumerations, "code", "enumerations")
    unique(pack.conditions, "code", "conditions")
    unique(pack.thresholds, "code", "thresholds")
    unique(pack.annual_duties, "code", "annual_duties")
    unique(pack.event_reports, "code", "event_reports")
    unique(pack.supervision, "code", "supervision")
    unique(pack.revocation_grounds, "code", "revocation_grounds")
    unique(pack.plan_targets, "code", "plan_targets")
    unique(pack.figures, "code", "figures")
    unique(pack.service_fields, "code", "service_fields")
    fields = {f.code for f in pack.service_fields}
    for i, f in enumerate(pack.service_fields):
        if f.parent is not None and f.parent not in fields:
            err(f"service_fields[{i}].parent", f"unknown service field '{f.parent}'")

    roles = {r.code for r in pack.roles}
    stages = {s.code for s in pack.stages}
    materials = {m.code: m for m in pack.materials}
    deadlines = {d.code: d for d in pack.deadlines}
    transitions = {t.name: t for t in pack.transitions}
    events = {e.code for e in pack.event_reports}

    def role_ref(key, code):
        if code is not None and code not in roles:
            err(key, f"unknown role '{code}' (declare it under [[roles]])")

    initial = [i for i, s in enumerate(pack.stages) if s.initial]
    if len(initial) != 1:
        err("stages", f"exactly one stage must be initial = true, found {len(initial)}")

    for i, m in enumerate(pack.materials):
        if m.stage not in stages:
            err(f"materials[{i}].stage", f"unknown stage '{m.stage}'")
        role_ref(f"materials[{i}].submitted_by", m.submitted_by)

    opened_by: dict[str, list[str]] = {}
    for i, t in enumerate(pack.transitions):
        k = f"transitions[{i}]"
        for j, s in enumerate(t.from_):
            if s not in stages:
                err(f"{k}.from[{j}]", f"unknown stage '{s}'")
            elif pack.stage(s).terminal:
                err(f"{k}.from[{j}]", f"stage '{s}' is terminal: no transition may leave it")
        if t.to not in stages:
            err(f"{k}.to", f"unknown stage '{t.to}'")
        for j, r in enumerate(t.roles):
            role_ref(f"{k}.roles[{j}]", r)
        for j, m in enumerate(t.materials):
            if m not in materials:
                err(f"{k}.materials[{j}]", f"unknown material '{m}'")
        for field in ("opens", "closes"):
            for j, d in enumerate(getattr(t, field)):
                if d not in deadlines:
                    err(f"{k}.{field}[{j}]", f"unknown deadline '{d}'")
        for d in t.opens:
            opened_by.setdefault(d, []).append(t.name)

    for i, d in enumerate(pack.deadlines):
        k = f"deadlines[{i}]"
        if d.anchor_kind == "transition":
            if d.anchor not in transitions:
                err(f"{k}.anchor", f"unknown transition '{d.anchor}'")
            elif d.code not in transitions[d.anchor].opens:
                err(f"{k}.anchor", f"transition '{d.anchor}' does not list '{d.code}' in opens")
        elif d.anchor_kind == "event" and d.anchor not in events:
            err(f"{k}.anchor", f"unknown event '{d.anchor}' (declare it under [[event_reports]])")
        role_ref(f"{k}.set_by", d.set_by)
        role_ref(f"{k}.responsible", d.responsible)
        for t in opened_by.get(d.code, []):
            if d.anchor_kind != "transition" or t != d.anchor:
                err(f"{k}.anchor", f"deadline is opened by '{t}' but anchored on '{d.anchor}'")

    enum_counts = Counter(
        item.enumeration
        for group in (pack.conditions, pack.materials, pack.revocation_grounds)
        for item in group
        if item.enumeration
    )
    enum_codes = {e.code for e in pack.enumerations}
    for i, e in enumerate(pack.enumerations):
        if enum_counts[e.code] != e.count:
            err(
                f"enumerations[{i}].count",
                f"'{e.code}' declares {e.count} items, the pack lists {enum_counts[e.code]}",
            )
    for section in ("conditions", "materials", "revocation_grounds"):
        for i, item in enumerate(getattr(pack, section)):
            if item.enumeration and item.enumeration not in enum_codes:
                err(f"{section}[{i}].enumeration", f"unknown enumeration '{item.enumeration}'")

    sc = pack.acceptance_scoring
    if sc is not None:
        if sc.rectification_deadline and sc.rectification_deadline not in deadlines:
            err(
                "acceptance_scoring.rectification_deadline",
                f"unknown deadline '{sc.rectification_deadline}'",
            )
        if sc.example_rubric is not None:
            total = 0
            for i, area in enumerate(sc.example_rubric.areas):
                s = sum(item.max_points for item in area.items)
                total += area.max_points
                if s != area.max_points:
                    err(
                        f"acceptance_scoring.example_rubric.areas[{i}].max_points",
                        f"area '{area.code}' is {area.max_points} but its items sum to {s}",
                    )
            if total != sc.max_score:
                err(
                    "acceptance_scoring.example_rubric.areas",
                    f"areas sum to {total}, max_score is {sc.max_score}",
                )

    for i, a in enumerate(pack.annual_duties):
        role_ref(f"annual_duties[{i}].role", a.role)
        role_ref(f"annual_duties[{i}].to_role", a.to_role)
    for i, e in enumerate(pack.event_reports):
        role_ref(f"event_reports[{i}].role", e.role)
        role_ref(f"event_reports[{i}].to_role", e.to_role)
        if e.deadline is not None and e.deadline not in deadlines:
            err(f"event_reports[{i}].deadline", f"unknown deadline '{e.deadline}'")
    for i, s in enumerate(pack.supervision):
        role_ref(f"supervision[{i}].role", s.role)
        role_ref(f"supervision[{i}].reports_to", s.reports_to)
    if pack.periodic_review is not None:
        role_ref("periodic_review.role", pack.periodic_review.role)

    _lifecycle_errors(pack, err)
    _graph_errors(pack, initial, err)
    return errors


def _lifecycle_errors(pack: RulePack, err) -> None:
    """The procedure kinds checked as packs of their own; the schedules' references."""
    codes = Counter(p.code for p in pack.procedures)
    for i, p in enumerate(pack.procedures):
        if p.code == ESTABLISHMENT or codes[p.code] > 1:
            err(f"procedures[{i}].code", f"duplicate procedure kind '{p.code}'")
        view = pack.model_copy(
            update={
                "stages": p.stages,
                "transitions": p.transitions,
                "materials": p.materials,
                "deadlines": p.deadlines,
                "procedures": [],
                "duty_schedules": [],
                "enumerations": [],
                "conditions": [],
                "revocation_grounds": [],
                "acceptance_scoring": None,
                "annual_duties": [],
                "event_reports": [],
                "supervision": [],
                "periodic_review": None,
                "plan_targets": [],
                "figures": [],
                "service_fields": [],
            }
        )
        for key, msg in cross_reference_errors(view):
            err(f"procedures[{i}].{key}", msg)
        for j, r in enumerate(p.filed_by):
            if r not in {x.code for x in pack.roles}:
                err(f"procedures[{i}].filed_by[{j}]", f"unknown role '{r}'")
        _checklist_errors(p, f"procedures[{i}]", err)
    kinds = {p.code: p for p in pack.procedures}
    events = {e.code for e in pack.event_reports}
    base_deadlines = {d.code for d in pack.deadlines}
    seen: set[str] = set()
    for i, s in enumerate(pack.duty_schedules):
        k = f"duty_schedules[{i}]"
        if s.code in seen:
            err(f"{k}.code", f"duplicate code '{s.code}'")
        seen.add(s.code)
        if s.procedure is not None and s.procedure not in kinds:
            err(f"{k}.procedure", f"unknown procedure kind '{s.procedure}'")
        if s.procedure in kinds and s.opens_case:
            anchored = {
                d.code: d.anchor
                for d in kinds[s.procedure].deadlines
                if d.anchor_kind == "schedule"
            }
            if anchored.get(s.code) != s.code:
                err(
                    f"{k}.code",
                    f"procedure '{s.procedure}' declares no deadline '{s.code}' anchored on this "
                    "schedule for the obligation it opens",
                )
        if s.event_report is not None and s.event_report not in events:
            err(f"{k}.event_report", f"unknown event report '{s.event_report}'")
        if s.period_deadline is not None and s.period_deadline not in base_deadlines:
            err(f"{k}.period_deadline", f"unknown deadline '{s.period_deadline}'")
        if s.responsible not in {r.code for r in pack.roles}:
            err(f"{k}.responsible", f"unknown role '{s.responsible}'")


def _checklist_errors(p: ProcedureKind, key: str, err) -> None:
    """An inspection checks a checklist (its findings are recorded item by item), and only a kind
    that records findings has one; other kinds' findings (a supervision team's) are free text."""
    records_findings = any("findings" in t.records for t in p.transitions)
    if records_findings and p.code == "inspection" and not p.checklist:
        err(f"{key}.checklist", "an inspection declares the items it checks")
    if p.checklist and not records_findings:
        err(f"{key}.checklist", "no transition of this kind records findings against the checklist")
    codes = Counter(c.code for c in p.checklist)
    seen: set[str] = set()
    for j, c in enumerate(p.checklist):
        if codes[c.code] > 1 and c.code in seen:
            err(f"{key}.checklist[{j}].code", f"duplicate checklist item '{c.code}'")
        seen.add(c.code)


def _graph_errors(pack: RulePack, initial: list[int], err) -> None:
    # every stage reachable from the initial one; every non-terminal stage has a way out
    if len(initial) == 1:
        start = pack.stages[initial[0]].code
        graph: dict[str, set[str]] = {}
        for t in pack.transitions:
            for s in t.from_:
                graph.setdefault(s, set()).add(t.to)
        seen = {start}
        queue = deque([start])
        while queue:
            for nxt in graph.get(queue.popleft(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        for i, s in enumerate(pack.stages):
            if s.code not in seen:
                err(f"stages[{i}]", f"stage '{s.code}' cannot be reached from '{start}'")
            if not s.terminal and not s.steady and s.code not in graph:
                err(
                    f"stages[{i}]",
                    f"stage '{s.code}' is neither terminal nor steady but no transition leaves it",
                )
