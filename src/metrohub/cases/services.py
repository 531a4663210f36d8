"""The procedure engine: cases move only through `take_transition`, driven by their rule pack.

One generic function realises "one function per state transition": the pack says, for each
transition, who may take it (roles), from where (`from`), what must be there (materials,
preconditions), what the actor records (records), what happens (effects) and which obligations it
opens and closes. Each precondition, record and effect code of the pack's vocabulary is one small
handler in the registries below (`PRECONDITIONS`, `RECORDS`, `EFFECTS`), so a pack using a code
the engine does not know is caught by a test, and adding a jurisdiction stays a data file.

Errors: PermissionDenied (403) for a role that may not act; Conflict (409) for a state that
forbids it, with the reason; ValidationError (422) for missing materials (every one) and bad
records; Http404 for a case outside the actor's scope or an unknown transition.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role, User
from metrohub.accounts.roles import assignments, holds
from metrohub.cases import application
from metrohub.cases.models import (
    Case,
    CaseNote,
    Decision,
    IdempotencyKey,
    Material,
    Objection,
    Obligation,
    ScoreRecord,
)
from metrohub.cases.uploads import ALLOWED, EXTENSIONS, sniff
from metrohub.core.api import Conflict
from metrohub.eventlog.services import append_event, canonical_json
from metrohub.legaltime.services import store_deadline
from metrohub.organisations.models import Jurisdiction, Organisation
from metrohub.rulepacks.services import registry

_NOTIFY = ContextVar("metrohub_cases_notify", default=True)


@contextlib.contextmanager
def quiet():
    """No e-mail from the transitions taken inside (the demo builder)."""
    token = _NOTIFY.set(False)
    try:
        yield
    finally:
        _NOTIFY.reset(token)


def today() -> dt.date:
    """Today in Asia/Shanghai (settings.TIME_ZONE). Tests replace this clock."""
    return timezone.localdate()


EVENT_LABELS = {
    "case.filed": gettext_lazy("application filed"),
    "material.uploaded": gettext_lazy("material uploaded"),
    "objection.filed": gettext_lazy("objection filed"),
    "objection.answered": gettext_lazy("objection answered"),
    "self_check.recorded": gettext_lazy("self-check recorded"),
    "supervisor.reported": gettext_lazy("supervisor's report filed"),
    "obligation.overdue": gettext_lazy("obligation overdue"),
    "obligation.waived": gettext_lazy("obligation waived"),
}

AUTHORITY_ROLES = (Role.PROGRAMME_REGULATOR, Role.DISTRICT_REGULATOR, Role.COMPETENT_AUTHORITY)

# --------------------------------------------------------------------------------------- scope


def _covers(outer: Jurisdiction, inner: Jurisdiction | None) -> bool:
    return inner is not None and outer.pk in _ancestor_ids(inner)


def _ancestor_ids(j: Jurisdiction | None) -> set[int]:
    return {x.pk for x in j.ancestors_and_self()} if j is not None else set()


def _acts_for(a, case: Case, jur: set[int], dist: set[int]) -> bool:
    """Whether role assignment `a` acts for the case (jur/dist: ancestor ids of its
    jurisdiction and district)."""
    if a.role == Role.PROGRAMME_REGULATOR:
        return a.jurisdiction_id in jur
    if a.role == Role.DISTRICT_REGULATOR:
        return a.jurisdiction_id in dist
    if a.role == Role.COMPETENT_AUTHORITY:
        return a.jurisdiction_id in jur or a.jurisdiction_id in dist
    if a.role in (Role.APPLICANT, Role.CENTER_DIRECTOR):
        return a.organisation_id is not None and a.organisation_id == case.applicant_id
    return False


def case_roles(user, case: Case) -> set[str]:
    """The pack roles `user` holds for this case: the regulator of its jurisdiction, the district
    regulator of its district, the competent authority over either, staff of its applicant."""
    jur, dist = _ancestor_ids(case.jurisdiction), _ancestor_ids(case.district)
    return {a.role for a in assignments(user) if _acts_for(a, case, jur, dist)}


def cases_for(user) -> QuerySet[Case]:
    """The cases a person may see; everything else is 404."""
    base = Case.objects.select_related("applicant", "jurisdiction", "district", "center")
    if holds(user, Role.PLATFORM_ADMIN):
        return base
    condition = Q(pk__in=[])
    for a in assignments(user):
        if a.role in (Role.PROGRAMME_REGULATOR, Role.COMPETENT_AUTHORITY):
            ids = a.jurisdiction.descendant_ids()
            condition |= Q(jurisdiction_id__in=ids) | Q(district_id__in=ids)
        elif a.role == Role.DISTRICT_REGULATOR:
            condition |= Q(district_id__in=a.jurisdiction.descendant_ids())
        elif a.role in (Role.APPLICANT, Role.CENTER_DIRECTOR) and a.organisation_id:
            condition |= Q(applicant_id=a.organisation_id) | Q(co_builders__id=a.organisation_id)
    ids = Case.objects.filter(condition).values("pk")
    return base.filter(pk__in=ids)


def get_case(user, pk) -> Case:
    try:
        return cases_for(user).get(pk=int(pk))
    except (Case.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def public_notices() -> QuerySet[Case]:
    """Cases whose public notice is running (the public portal)."""
    return Case.objects.select_related("applicant", "jurisdiction").filter(
        accepting_objections=True, notice_published_on__isnull=False
    )


def users_for(case: Case, roles) -> list[User]:
    """Active people holding one of `roles` for this case."""
    from metrohub.accounts.models import RoleAssignment

    jur, dist = _ancestor_ids(case.jurisdiction), _ancestor_ids(case.district)
    found: dict[int, User] = {}
    rows = RoleAssignment.objects.filter(role__in=set(roles), user__is_active=True).select_related(
        "user"
    )
    for a in rows:
        if _acts_for(a, case, jur, dist):
            found.setdefault(a.user_id, a.user)
    return [found[k] for k in sorted(found)]


# ---------------------------------------------------------------------------------- pack views


def pack_for(code: str, on: dt.date):
    try:
        return registry().in_force(code, on)
    except KeyError:
        raise ValidationError(
            {"rulepack": [_("There is no rule pack '%(code)s'.") % {"code": code}]}
        ) from None
    except LookupError as exc:
        raise ValidationError({"rulepack": [str(exc)]}) from None


def available_transitions(user, case: Case) -> list:
    roles = case_roles(user, case)
    return [t for t in case.pack.transitions_from(case.state) if roles & set(t.roles)]


def editable_stages(pack) -> set[str]:
    """Where the applicant still edits the form: the initial stage and every stage the applicant
    leaves by (re)submitting the application form."""
    stages = {pack.initial_stage().code}
    for t in pack.transitions:
        if "applicant" in t.roles and "application_form" in t.materials:
            stages.update(t.from_)
    return stages


def is_editable(user, case: Case) -> bool:
    return case.state in editable_stages(case.pack) and Role.APPLICANT in case_roles(user, case)


def current_materials(case: Case) -> dict[str, Material]:
    out: dict[str, Material] = {}
    for m in case.materials.order_by("code", "-version"):
        out.setdefault(m.code, m)
    return out


def rectification_rounds_used(case: Case, pack) -> int:
    sc = pack.acceptance_scoring
    if sc is None or not sc.rectification_deadline:
        return 0
    return case.obligations.filter(code=sc.rectification_deadline).count()


# ----------------------------------------------------------------------------- the transition


@dataclass
class Problem:
    status: int  # 422: the request lacks something; 409: the case's state forbids it
    field: str
    message: str


@dataclass
class Ctx:
    case: Case
    pack: object
    transition: object
    actor: User
    role: str
    payload: dict
    on: dt.date
    records: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # what effects add to the event's payload


# Payload keys that are not records but steer the engine.
EXTRA_KEYS = {"deadline_count", "conditions_met", "center_code", "comment"}


def _require(value, message):
    if value in (None, "", [], {}):
        raise ValueError(message)
    return value


def _text(value, *, limit=5000):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("Write some text."))
    if len(value) > limit:
        raise ValueError(_("At most %(n)d characters.") % {"n": limit})
    return value.strip()


def _lines(value, *, limit=200):
    """A list of texts (or one text, one item per line)."""
    if isinstance(value, str):
        value = [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, list) or not value:
        raise ValueError(_("Give at least one item."))
    if len(value) > limit:
        raise ValueError(_("At most %(n)d items.") % {"n": limit})
    return [_text(item, limit=2000) for item in value]


def _date(value):
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(_("Give a date as YYYY-MM-DD."))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("Give a date as YYYY-MM-DD.")) from None


_DOC_NUMBER = re.compile(r"^\S{1,30}〔(\d{4})〕(\d{1,5})号$")


def normalise_document_number(value: str) -> str:
    """`渝市监发[2025]12号`, `渝市监发（2025）12号` … → `渝市监发〔2025〕12号`."""
    text = re.sub(r"\s+", "", value or "")
    text = re.sub(r"[\[［(（【〔](\d{4})[\]］)）】〕]", r"〔\1〕", text)
    return text


def _document_number(ctx, value):
    if not isinstance(value, str):
        raise ValueError(_("Give the document number, e.g. 渝市监发〔2025〕12号."))
    number = normalise_document_number(value)
    if not _DOC_NUMBER.match(number):
        raise ValueError(
            _("“%(value)s” is not a document number like 渝市监发〔2025〕12号.") % {"value": value}
        )
    return number


def _document_date(ctx, value):
    day = _date(value)
    if day > today():
        raise ValueError(_("A document date cannot be in the future."))
    return day.isoformat()


def _score(ctx, value):
    sc = ctx.pack.acceptance_scoring
    places = sc.method.rounding_places if sc else 1
    maximum = Decimal(sc.max_score) if sc else Decimal(100)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(_("Give the score as a number."))
    try:
        score = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("Give the score as a number.")) from None
    if not score.is_finite() or score < 0 or score > maximum:
        raise ValueError(_("The score lies between 0 and %(max)s.") % {"max": maximum})
    if -score.as_tuple().exponent > places:
        raise ValueError(_("At most %(n)d decimal places.") % {"n": places})
    return str(score.quantize(Decimal(1).scaleb(-places)))


CONCLUSIONS = ("recommend", "not_recommend", "pass", "fail")


def _conclusion(ctx, value):
    if value not in CONCLUSIONS:
        raise ValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(CONCLUSIONS)})
    return value


def _supervisor(ctx, value):
    """The district bureau's supervisor: a district regulator of the case's district (by user
    name), or a name and organisation for someone not on the platform."""
    if isinstance(value, str):
        value = {"username": value} if value.strip() else {}
    if not isinstance(value, dict) or not value:
        raise ValueError(_("Name the supervisor the district bureau sends."))
    username = value.get("username")
    if username:
        user = User.objects.filter(username=str(username)[:150]).first()
        if user is None or Role.DISTRICT_REGULATOR not in case_roles(user, ctx.case):
            raise ValueError(
                _("%(name)s is not a district regulator of this case's district.")
                % {"name": username}
            )
        org = next(
            (a.organisation for a in assignments(user) if a.role == Role.DISTRICT_REGULATOR),
            None,
        )
        return {"username": user.username, "name": str(user), "organisation": str(org or "")}
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(_("Name the supervisor the district bureau sends."))
    organisation = value.get("organisation", "")
    return {"username": "", "name": name.strip()[:100], "organisation": str(organisation)[:200]}


def _grounds(ctx, value):
    codes = {g.code for g in ctx.pack.revocation_grounds}
    items = value if isinstance(value, list) else [value]
    if not items or any(not isinstance(i, str) or i not in codes for i in items):
        raise ValueError(
            _("Choose among the pack's grounds: %(codes)s.") % {"codes": ", ".join(sorted(codes))}
        )
    return items


def _objection_answers(ctx, value):
    if value in (None, ""):
        value = []
    if not isinstance(value, list):
        raise ValueError(_("Give a list of {objection, answer}."))
    ids = set(ctx.case.objections.values_list("pk", flat=True))
    out = []
    for item in value:
        if not isinstance(item, dict) or item.get("objection") not in ids:
            raise ValueError(_("Each answer names an objection of this case."))
        out.append({"objection": item["objection"], "answer": _text(item.get("answer"))})
    return out


RECORDS: dict[str, Callable] = {
    "reasons": lambda ctx, v: _text(v),
    "defects": lambda ctx, v: _lines(v),
    "opinions": lambda ctx, v: _text(v),
    "conclusion": _conclusion,
    "document_number": _document_number,
    "document_date": _document_date,
    "score": _score,
    "supervisor": _supervisor,
    "panel": lambda ctx, v: _lines(v, limit=50),
    "evaluation_result": lambda ctx, v: _text(v),
    "grounds": _grounds,
    "letter": lambda ctx, v: _text(v, limit=2000),
    "guidance_record": lambda ctx, v: _text(v),
    "objection_answers": _objection_answers,
    "hearing_record": lambda ctx, v: _text(v),
}
# Records that may be empty (an answer list when nobody objected).
OPTIONAL_RECORDS = {"objection_answers"}


def _validate_records(ctx) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unknown = set(ctx.payload) - set(ctx.transition.records) - EXTRA_KEYS
    for key in sorted(unknown):
        errors[key] = [_("“%(key)s” is not recorded by this transition.") % {"key": key}]
    for code in ctx.transition.records:
        value = ctx.payload.get(code)
        if value in (None, "", [], {}) and code not in OPTIONAL_RECORDS:
            errors[code] = [_("Required by this transition.")]
            continue
        try:
            ctx.records[code] = RECORDS[code](ctx, value)
        except ValueError as exc:
            errors[code] = [str(exc)]
    if "comment" in ctx.payload:
        try:
            ctx.extra["comment"] = _text(ctx.payload["comment"])
        except ValueError as exc:
            errors["comment"] = [str(exc)]
    for deadline in ctx.pack.deadlines_opened_by(ctx.transition.name):
        if deadline.count is not None:
            continue
        count = ctx.payload.get("deadline_count")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 3650:
            errors["deadline_count"] = [
                _("Set the period for “%(name)s” (%(unit)s, 1 to 3650).")
                % {"name": deadline.name_zh, "unit": deadline.unit}
            ]
        else:
            ctx.extra.setdefault("deadline_counts", {})[deadline.code] = count
    return errors


# The conclusion and the score a transition acts on: the concluded expert panel's (metrohub.panels)
# when the case has one; otherwise what the regulator records from a panel held on paper.


def expert_conclusion(ctx) -> str:
    from metrohub.panels.services import panel_conclusion

    return panel_conclusion(ctx.case) or ctx.records.get("conclusion") or ctx.case.conclusion


def acceptance_score(ctx) -> Decimal | None:
    from metrohub.panels.services import panel_score

    found = panel_score(ctx.case)
    if found is not None:
        return found
    score = ctx.records.get("score")
    return Decimal(score) if score is not None else None


# ------------------------------------------------------------------------------ preconditions


def _materials_present(ctx) -> list[Problem]:
    present = current_materials(ctx.case)
    problems = []
    for code in ctx.transition.materials:
        material = ctx.pack.material(code)
        if material.required and code not in present:
            problems.append(
                Problem(
                    422,
                    f"materials.{code}",
                    _("Missing material: %(name)s") % {"name": material.name_zh},
                )
            )
    if "application_form" in ctx.transition.materials:
        needs_table = any(m.code == "industry_needs_table" for m in ctx.pack.materials)
        problems += [
            Problem(422, gap.field, gap.message)
            for gap in application.gaps(ctx.case, needs_table=needs_table)
        ]
    return problems


def _endorsement_given(ctx) -> list[Problem]:
    names = [t.name for t in ctx.pack.transitions if "letter" in t.records]
    if _taken(ctx.case, names):
        return []
    return [
        Problem(409, "endorsement", _("The competent authority has not endorsed the application."))
    ]


def _taken(case, names) -> bool:
    from metrohub.eventlog.models import Event

    return Event.objects.filter(
        subject=case.subject, action__in=[f"transition.{n}" for n in names]
    ).exists()


def _experts_recommend(ctx):
    if expert_conclusion(ctx) in ("recommend", "pass"):
        return []
    return [Problem(409, "conclusion", _("The experts have not recommended the application."))]


def _experts_do_not_recommend(ctx):
    if expert_conclusion(ctx) in ("not_recommend", "fail"):
        return []
    return [Problem(409, "conclusion", _("The experts' conclusion is not a refusal to recommend."))]


def _notice_elapsed(ctx):
    problems = []
    for code in ctx.transition.closes:
        if ctx.pack.deadline(code).kind != "minimum":
            continue
        for ob in ctx.case.obligations.filter(code=code, state__in=["open", "overdue"]):
            if ctx.on < ob.deadline.due:
                problems.append(
                    Problem(
                        409,
                        "effective_date",
                        _(
                            "The %(name)s runs at least until %(due)s; it may close on or after that day."
                        )
                        % {
                            "name": ctx.pack.deadline(code).name_zh,
                            "due": ob.deadline.due.isoformat(),
                        },
                    )
                )
    return problems


def _objections_answered(ctx):
    answered_now = {a["objection"] for a in ctx.records.get("objection_answers") or []}
    open_ones = ctx.case.objections.filter(answer="").exclude(pk__in=answered_now)
    return [
        Problem(
            409,
            f"objections.{o.pk}",
            _("Objection #%(id)d by %(name)s has no answer.") % {"id": o.pk, "name": o.name},
        )
        for o in open_ones
    ]


def _self_check_passed(ctx):
    check = ctx.case.self_check or {}
    if check.get("passed"):
        return []
    return [
        Problem(
            409,
            "self_check",
            _("Record a passed self-check against the on-site acceptance checklist first."),
        )
    ]


def _preconditions_met(ctx):
    wanted = [c for c in ctx.pack.conditions if c.applies_to == "acceptance"]
    given = ctx.payload.get("conditions_met") or []
    if not isinstance(given, list):
        given = []
    ctx.extra["conditions_met"] = [c.code for c in wanted if c.code in given]
    return [
        Problem(
            422,
            f"conditions_met.{c.code}",
            _("Confirm the condition: %(text)s (%(article)s)")
            % {"text": c.text_zh, "article": c.article},
        )
        for c in wanted
        if c.code not in given
    ]


def _score_problem(ctx, want_pass: bool):
    sc = ctx.pack.acceptance_scoring
    score = acceptance_score(ctx)
    if sc is None or score is None:
        return [Problem(422, "score", _("Record the panel's score."))]
    given = ctx.records.get("score")
    if given is not None and Decimal(given) != score:
        return [
            Problem(
                409,
                "score",
                _("The expert panel's score is %(score)s; record that score.") % {"score": score},
            )
        ]
    if sc.passes(score) == want_pass:
        return []
    if want_pass:
        message = _("A score of %(score)s is below the pass mark of %(pass)s.")
    else:
        message = _("A score of %(score)s reaches the pass mark of %(pass)s.")
    return [Problem(409, "score", message % {"score": score, "pass": sc.pass_score})]


def _rounds_left(ctx):
    sc = ctx.pack.acceptance_scoring
    if sc and rectification_rounds_used(ctx.case, ctx.pack) < sc.rectification_rounds:
        return []
    return [Problem(409, "rectification", _("No rectification round is left."))]


def _rounds_exhausted(ctx):
    sc = ctx.pack.acceptance_scoring
    if sc and rectification_rounds_used(ctx.case, ctx.pack) >= sc.rectification_rounds:
        return []
    return [Problem(409, "rectification", _("A rectification round is still available."))]


def _review_cycle_due(ctx):
    review = ctx.pack.periodic_review
    last = (
        ctx.case.decisions.filter(kind__in=["establishment", "confirmation"])
        .exclude(document_date=None)
        .order_by("-document_date")
        .first()
    )
    if review is None or last is None:
        return [Problem(409, "review", _("The case has no establishment to review."))]
    due = last.document_date + relativedelta(years=review.cycle_years)
    if ctx.on >= due:
        return []
    return [
        Problem(
            409, "review", _("The periodic review is due on %(due)s.") % {"due": due.isoformat()}
        )
    ]


def _revocation_ground_found(ctx):
    if ctx.records.get("grounds"):
        return []
    return [Problem(422, "grounds", _("Name the ground for revocation."))]


PRECONDITIONS: dict[str, Callable] = {
    "required_materials_present": _materials_present,
    "endorsement_given": _endorsement_given,
    "experts_recommend": _experts_recommend,
    "experts_do_not_recommend": _experts_do_not_recommend,
    "notice_period_elapsed": _notice_elapsed,
    "objections_answered": _objections_answered,
    "self_check_passed": _self_check_passed,
    "preconditions_met": _preconditions_met,
    "score_at_least_pass": lambda ctx: _score_problem(ctx, True),
    "score_below_pass": lambda ctx: _score_problem(ctx, False),
    "rectification_rounds_left": _rounds_left,
    "rectification_rounds_exhausted": _rounds_exhausted,
    "review_cycle_due": _review_cycle_due,
    "revocation_ground_found": _revocation_ground_found,
}


# ------------------------------------------------------------------------------------ effects

DECISION_BY_STAGE = {
    "construction": Decision.Kind.APPROVAL_TO_BUILD,
    "established": Decision.Kind.ESTABLISHMENT,
    "rejected": Decision.Kind.REFUSAL,
    "failed": Decision.Kind.FAILURE,
    "rectification": Decision.Kind.RECTIFICATION,
    "revoked": Decision.Kind.REVOCATION,
}


def _decision_kind(ctx) -> str:
    t = ctx.transition
    if t.to == "established" and "established" in t.from_:
        return Decision.Kind.CONFIRMATION
    return DECISION_BY_STAGE.get(t.to, Decision.Kind.OTHER)


def _make_decision(ctx, kind=None):
    reasons = ctx.records.get("reasons") or "\n".join(ctx.records.get("defects") or [])
    decision = Decision.objects.create(
        case=ctx.case,
        kind=kind or _decision_kind(ctx),
        transition=ctx.transition.name,
        document_number=ctx.records.get("document_number", ""),
        document_date=ctx.records.get("document_date"),
        reasons=reasons,
        article=ctx.transition.article,
        decided_by=ctx.actor,
    )
    ctx.extra.setdefault("decisions", []).append(decision.pk)
    return decision


def _issue_document(ctx):
    _make_decision(ctx)


def _issue_task_book(ctx):
    _make_decision(ctx, Decision.Kind.TASK_BOOK)


def _publish_notice(ctx):
    ctx.case.notice_published_on = ctx.on


def _accept_objections(ctx):
    ctx.case.accepting_objections = True


CENTER_PREFIX = {"500000": "CQ", "420000": "HB", "310000": "SH"}


def _publish_registry(ctx):
    """The established center appears in the public registry (created, or updated if the case
    already has one)."""
    from metrohub.centers.models import Center, validate_center_code
    from metrohub.centers.services import register_center

    case, form = ctx.case, ctx.case.form_data or {}
    established_on = (
        dt.date.fromisoformat(ctx.records["document_date"])
        if ctx.records.get("document_date")
        else ctx.on
    )
    if case.center_id:
        center = case.center
        center.status = Center.Status.ESTABLISHED
        center.established_on = established_on
        center.save(update_fields=["status", "established_on"])
    else:
        prefix = CENTER_PREFIX.get(ctx.pack.pack.jurisdiction, ctx.pack.code[:2].upper())
        code = str(ctx.payload.get("center_code") or f"{prefix}-C{case.pk:04d}").strip().upper()
        try:
            validate_center_code(code)
        except ValidationError:
            raise ValidationError(
                {
                    "center_code": [
                        _(
                            "A center code is 2 to 32 capital letters, digits and hyphens, such as CQ-AUTO."
                        )
                    ]
                }
            ) from None
        if Center.objects.filter(code=code).exists():
            raise ValidationError(
                {"center_code": [_("The center code %(code)s is taken.") % {"code": code}]}
            )
        level = ctx.pack.pack.level if ctx.pack.pack.level in Center.Level.values else "municipal"
        center = register_center(
            actor=None,
            code=code,
            name=case.center_name,
            name_en=case.center_name_en,
            host=case.applicant,
            jurisdiction=case.jurisdiction,
            level=level,
            status=Center.Status.ESTABLISHED,
            industry_domain=application.industry_name(case.industry_domain)[:200],
            director_name=str(form.get("director_name", ""))[:100],
            contact_email=form.get("contact_email", "")
            if "@" in str(form.get("contact_email", ""))
            else "",
            contact_phone=str(form.get("contact_phone", ""))[:40],
            established_on=established_on,
        )
        case.center = center
    ctx.extra["center"] = center.code


def _publish_capabilities(ctx):
    # The committed capabilities live in the catalogue, published there by the regulator; the
    # event records that the establishment decision makes them public (Hubei art. 15).
    ctx.extra["capabilities_published"] = True


def _notify_district(ctx):
    ctx.extra["notify_district"] = True


def _record_score(ctx):
    score = acceptance_score(ctx)
    sc = ctx.pack.acceptance_scoring
    rounds = ctx.case.scores.count()
    ScoreRecord.objects.create(
        case=ctx.case,
        round=rounds + 1,
        score=score,
        passed=bool(sc and sc.passes(score)),
        transition=ctx.transition.name,
        recorded_by=ctx.actor,
    )


def _unpublish_registry(ctx):
    from metrohub.centers.models import Center

    if ctx.case.center_id:
        Center.objects.filter(pk=ctx.case.center_id).update(status=Center.Status.REVOKED)


EFFECTS: dict[str, Callable] = {
    "issue_document": _issue_document,
    "issue_task_book": _issue_task_book,
    "publish_notice": _publish_notice,
    "accept_objections": _accept_objections,
    "publish_registry": _publish_registry,
    "publish_capabilities": _publish_capabilities,
    "notify_district_regulator": _notify_district,
    "record_score": _record_score,
    "unpublish_registry": _unpublish_registry,
}


# -------------------------------------------------------------------------------- idempotency


def _digest(value) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def _replayed(actor, key: str | None, scope: str, digest: str):
    """The stored result of an earlier request with this key, or None. The same key with a
    different request is a conflict."""
    if not key:
        return None
    found = IdempotencyKey.objects.filter(user=actor, key=key).first()
    if found is None:
        return None
    if found.scope != scope or found.digest != digest:
        raise Conflict(_("This Idempotency-Key was used for a different request."))
    return found.result


def _remember(actor, key, scope, digest, result):
    if key:
        IdempotencyKey.objects.create(
            user=actor, key=key, scope=scope, digest=digest, result=result
        )


def _idempotent(actor, key, scope, digest, work, replay):
    """Run `work()` once per key; a concurrent twin loses the unique race and replays."""
    stored = _replayed(actor, key, scope, digest)
    if stored is not None:
        return replay(stored)
    try:
        with transaction.atomic():
            result, remembered = work()
            _remember(actor, key, scope, digest, remembered)
            return result
    except IntegrityError:
        stored = _replayed(actor, key, scope, digest)
        if stored is None:
            raise
        return replay(stored)


# ------------------------------------------------------------------------------ transitions


def _effective(ctx_roles: set[str], effective_date, case: Case) -> tuple[dt.date, bool]:
    now = today()
    if effective_date in (None, ""):
        return now, False
    if not isinstance(effective_date, dt.date):
        try:
            effective_date = _date(effective_date)
        except ValueError as exc:
            raise ValidationError({"effective_date": [str(exc)]}) from None
    if not ctx_roles & set(AUTHORITY_ROLES):
        raise ValidationError(
            {"effective_date": [_("Only an authority records an act done earlier on paper.")]}
        )
    if effective_date > now:
        raise ValidationError({"effective_date": [_("An act cannot take effect in the future.")]})
    if effective_date < case.filed_on:
        raise ValidationError(
            {
                "effective_date": [
                    _("An act cannot take effect before the case was filed (%(day)s).")
                    % {"day": case.filed_on.isoformat()}
                ]
            }
        )
    return effective_date, True


def take_transition(
    *, case: Case, name: str, actor, payload=None, effective_date=None, idempotency_key=None
) -> Case:
    """Take transition `name` of the case's rule pack. See the module docstring."""
    payload = {} if payload is None else payload
    if not isinstance(payload, dict):
        raise ValidationError({"payload": [_("The payload must be an object.")]})
    scope = f"case:{case.pk}:transition:{name}"
    digest = _digest({"payload": payload, "effective_date": str(effective_date or "")})

    def replay(_stored):
        return Case.objects.get(pk=case.pk)

    def work():
        done = _take(case, name, actor, payload, effective_date)
        return done, {"case": done.pk, "state": done.state}

    return _idempotent(actor, idempotency_key, scope, digest, work, replay)


def _take(case, name, actor, payload, effective_date) -> Case:
    pack = case.pack
    try:
        t = pack.transition(name)
    except KeyError:
        raise Http404(f"no transition {name}") from None
    roles = case_roles(actor, case)
    acting = [r for r in t.roles if r in roles]
    if not acting:
        raise PermissionDenied(
            _("“%(name)s” is taken by: %(roles)s.")
            % {"name": t.name_zh, "roles": "、".join(pack.role(r).name_zh for r in t.roles)}
        )
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.state not in t.from_:
        raise Conflict(
            _("“%(name)s” cannot be taken at the stage “%(stage)s”; it starts from: %(from)s.")
            % {
                "name": t.name_zh,
                "stage": pack.stage(case.state).name_zh,
                "from": "、".join(pack.stage(s).name_zh for s in t.from_),
            }
        )
    on, on_paper = _effective(roles, effective_date, case)
    ctx = Ctx(
        case=case, pack=pack, transition=t, actor=actor, role=acting[0], payload=payload, on=on
    )
    errors = _validate_records(ctx)
    if errors:
        raise ValidationError(errors)
    checks = list(t.preconditions)
    if t.materials and "required_materials_present" not in checks:
        checks.insert(0, "required_materials_present")
    problems = [p for code in checks for p in PRECONDITIONS[code](ctx)]
    invalid = [p for p in problems if p.status == 422]
    if invalid:
        out: dict[str, list[str]] = {}
        for p in invalid:
            out.setdefault(p.field, []).append(p.message)
        raise ValidationError(out)
    if problems:
        raise Conflict(" ".join(p.message for p in problems))

    previous = case.state
    case.state = t.to
    if "conclusion" in ctx.records:
        case.conclusion = ctx.records["conclusion"]
    if "supervisor" in ctx.records:
        case.supervisor = ctx.records["supervisor"]
    if "accept_objections" not in t.effects:
        case.accepting_objections = False
    for answer in ctx.records.get("objection_answers") or []:
        Objection.objects.filter(pk=answer["objection"], case=case).update(
            answer=answer["answer"], answered_by=actor, answered_at=timezone.now()
        )
    for code in t.effects:
        EFFECTS[code](ctx)
    if "issue_document" not in t.effects and t.to in DECISION_BY_STAGE and t.to != previous:
        _make_decision(ctx)
    closed = _close_obligations(case, t.closes, on)
    opened = [_open_obligation(ctx, d) for d in pack.deadlines_opened_by(t.name)]
    if pack.stage(t.to).terminal:
        closed += _waive_live(
            case, _("The procedure ended: %(stage)s.") % {"stage": pack.stage(t.to).name_zh}
        )
    case.save()
    event = append_event(
        subject=case.subject,
        action=f"transition.{t.name}",
        actor=actor,
        article=t.article,
        effective_date=on,
        payload={
            "transition": t.name,
            "from": previous,
            "to": t.to,
            "rulepack": case.rulepack_key,
            "role": ctx.role,
            "records": ctx.records,
            "recorded_on_paper": on_paper,
            "opened": [
                {
                    "code": o.code,
                    "due": o.deadline.due.isoformat(),
                    "provisional": o.deadline.provisional,
                }
                for o in opened
            ],
            "closed": closed,
            **ctx.extra,
        },
    )
    _notify(case, event, t, actor, district=ctx.extra.get("notify_district", False))
    return case


def _open_obligation(ctx, deadline) -> Obligation:
    count = deadline.count or ctx.extra["deadline_counts"][deadline.code]
    stored = store_deadline(
        start=ctx.on,
        count=count,
        unit=deadline.unit,
        rule=f"{ctx.pack.key}:{deadline.code}",
        article=deadline.article,
        extend_holiday=deadline.extend_holiday,
        next_working_day=deadline.next_working_day,
        include_start=deadline.include_start,
    )
    return Obligation.objects.create(
        case=ctx.case,
        code=deadline.code,
        deadline=stored,
        kind=deadline.kind,
        indicative=deadline.indicative,
        article=deadline.article,
        responsible_role=deadline.responsible or "",
        opened_by=ctx.transition.name,
    )


def _close_obligations(case, codes, on) -> list[str]:
    closed = []
    for ob in case.obligations.filter(code__in=codes, state__in=["open", "overdue"]):
        ob.state, ob.closed_at, ob.closed_on = Obligation.State.MET, timezone.now(), on
        ob.save(update_fields=["state", "closed_at", "closed_on"])
        closed.append(ob.code)
    return closed


def _waive_live(case, reason) -> list[str]:
    closed = []
    for ob in case.obligations.filter(state__in=["open", "overdue"]):
        ob.state, ob.closed_at, ob.waived_reason = Obligation.State.WAIVED, timezone.now(), reason
        ob.save(update_fields=["state", "closed_at", "waived_reason"])
        closed.append(ob.code)
    return closed


def _notify(case, event, t, actor, *, district=False):
    """E-mail the next actors (and the applicant, when someone else acted)."""
    if not _NOTIFY.get():
        return
    pack = case.pack
    roles = {r for nxt in pack.transitions_from(case.state) for r in nxt.roles}
    if actor is None or Role.APPLICANT not in case_roles(actor, case):
        roles.add(Role.APPLICANT)
    if district:
        roles.add(Role.DISTRICT_REGULATOR)
    recipients = [u.pk for u in users_for(case, roles) if u.email and u != actor]
    if recipients:
        from metrohub.cases.tasks import send_case_mail

        send_case_mail.enqueue(case.pk, event.pk, recipients)


# ------------------------------------------------------------------------- filing and drafts


def _org(pk) -> Organisation:
    try:
        return Organisation.objects.get(pk=int(pk))
    except (Organisation.DoesNotExist, ValueError, TypeError, OverflowError):
        raise ValidationError(
            {"co_builders": [_("Unknown organisation %(id)s.") % {"id": pk}]}
        ) from None


def _check_fields(*, jurisdiction, industry_domain, district, applicant, co_builders):
    errors = {}
    if industry_domain and industry_domain not in application.industry_codes():
        errors["industry_domain"] = [_("Choose an industry from the list.")]
    if applicant.pk in {o.pk for o in co_builders}:
        errors["co_builders"] = [_("The lead builder is not its own co-builder.")]
    if district is not None and not _covers(jurisdiction, district):
        errors["district"] = [_("The district must lie in %(name)s.") % {"name": jurisdiction.name}]
    if errors:
        raise ValidationError(errors)


def _district(code) -> Jurisdiction | None:
    if not code:
        return None
    found = Jurisdiction.objects.filter(code=str(code)).first()
    if found is None:
        raise ValidationError({"district": [_("Unknown division code %(code)s.") % {"code": code}]})
    return found


def create_case(
    *,
    actor,
    rulepack: str,
    center_name: str,
    kind: str = Case.Kind.CENTER_APPLICATION,
    center_name_en: str = "",
    industry_domain: str = "",
    applicant=None,
    co_builders=(),
    district=None,
    form=None,
    idempotency_key=None,
) -> Case:
    """An applicant files a new case under the pack version in force today."""
    orgs = [
        a.organisation for a in assignments(actor) if a.role == Role.APPLICANT and a.organisation
    ]
    if not orgs:
        raise PermissionDenied(_("Only applicant staff file applications."))
    request = {
        "rulepack": rulepack,
        "kind": kind,
        "center_name": center_name,
        "center_name_en": center_name_en,
        "industry_domain": industry_domain,
        "applicant": applicant,
        "co_builders": list(co_builders),
        "district": district,
        "form": form,
    }

    def work():
        case = _create(actor, orgs, **request)
        return case, {"case": case.pk}

    def replay(stored):
        return Case.objects.get(pk=stored["case"])

    return _idempotent(actor, idempotency_key, "cases:create", _digest(request), work, replay)


def _create(
    actor,
    orgs,
    *,
    rulepack,
    kind,
    center_name,
    center_name_en,
    industry_domain,
    applicant,
    co_builders,
    district,
    form,
):
    if kind not in Case.Kind.values:
        raise ValidationError({"kind": [_("Unknown kind of case.")]})
    if applicant in (None, ""):
        lead = orgs[0]
    else:
        lead = next((o for o in orgs if str(o.pk) == str(applicant)), None)
        if lead is None:
            raise PermissionDenied(_("You apply only for an organisation you work for."))
    filed = today()
    pack = pack_for(rulepack, filed)
    jurisdiction = Jurisdiction.objects.filter(code=pack.pack.jurisdiction).first()
    if jurisdiction is None:
        raise ValidationError({"rulepack": [_("The pack's jurisdiction is not registered.")]})
    if not _covers(jurisdiction, lead.jurisdiction):
        raise ValidationError(
            {
                "applicant": [
                    _("%(org)s is not registered in %(place)s.")
                    % {"org": lead.name, "place": jurisdiction.name}
                ]
            }
        )
    builders = [_org(pk) for pk in co_builders]
    district_j = _district(district)
    if district_j is None and lead.jurisdiction.level == Jurisdiction.Level.DISTRICT:
        district_j = lead.jurisdiction
    center_name = (center_name or "").strip()
    if not center_name:
        raise ValidationError({"center_name": [_("Give the center's name.")]})
    _check_fields(
        jurisdiction=jurisdiction,
        industry_domain=industry_domain,
        district=district_j,
        applicant=lead,
        co_builders=builders,
    )
    case = Case.objects.create(
        kind=kind,
        rulepack_code=pack.code,
        rulepack_version=pack.version,
        state=pack.initial_stage().code,
        filed_on=filed,
        applicant=lead,
        jurisdiction=jurisdiction,
        district=district_j,
        center_name=center_name[:200],
        center_name_en=(center_name_en or "")[:200],
        industry_domain=industry_domain or "",
        form_data=application.clean_form(form),
        created_by=actor,
    )
    case.co_builders.set(builders)
    append_event(
        subject=case.subject,
        action="case.filed",
        actor=actor,
        article=pack.initial_stage().article,
        effective_date=filed,
        payload={
            "rulepack": pack.key,
            "kind": kind,
            "applicant": lead.credit_code,
            "center_name": case.center_name,
        },
    )
    return case


def update_draft(*, actor, case: Case, **fields) -> Case:
    """Save the draft (autosave): only the applicant, only while the form is editable."""
    if Role.APPLICANT not in case_roles(actor, case):
        raise PermissionDenied(_("Only the applicant edits the application."))
    if case.state not in editable_stages(case.pack):
        raise Conflict(_("The application is no longer editable at this stage."))
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if "form" in fields:
            case.form_data = application.clean_form(fields["form"])
        if "center_name" in fields:
            name = (fields["center_name"] or "").strip()
            if not name:
                raise ValidationError({"center_name": [_("Give the center's name.")]})
            case.center_name = name[:200]
        if "center_name_en" in fields:
            case.center_name_en = (fields["center_name_en"] or "")[:200]
        builders = None
        if "co_builders" in fields:
            builders = [_org(pk) for pk in fields["co_builders"] or []]
        if "industry_domain" in fields:
            case.industry_domain = fields["industry_domain"] or ""
        _check_fields(
            jurisdiction=case.jurisdiction,
            industry_domain=case.industry_domain,
            district=case.district,
            applicant=case.applicant,
            co_builders=builders if builders is not None else list(case.co_builders.all()),
        )
        case.save()
        if builders is not None:
            case.co_builders.set(builders)
    return case


# ---------------------------------------------------------------------------------- materials


def upload_material(
    *, actor, case: Case, code: str, content: bytes, filename: str, idempotency_key=None
) -> Material:
    pack = case.pack
    try:
        material = pack.material(code)
    except KeyError:
        raise ValidationError(
            {"code": [_("“%(code)s” is not a material of this rule pack.") % {"code": code}]}
        ) from None
    roles = case_roles(actor, case)
    if material.submitted_by not in roles:
        raise PermissionDenied(
            _("This material is submitted by: %(role)s.")
            % {"role": pack.role(material.submitted_by).name_zh}
        )
    if pack.stage(case.state).terminal:
        raise Conflict(_("The procedure has ended; nothing more can be submitted."))
    limit = settings.METROHUB_MAX_UPLOAD_BYTES
    if len(content) > limit:
        raise ValidationError(
            {"file": [_("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1048576, 1)}]}
        )
    if not content:
        raise ValidationError({"file": [_("The file is empty.")]})
    kind = sniff(content)
    if kind not in ALLOWED:
        raise ValidationError(
            {
                "file": [
                    _("This kind of file is not accepted. Accepted: %(kinds)s.")
                    % {"kinds": "、".join(str(v) for v in ALLOWED.values())}
                ]
            }
        )
    sha = hashlib.sha256(content).hexdigest()
    scope = f"case:{case.pk}:material:{code}"

    def work():
        version = (case.materials.filter(code=code).aggregate(v=Max("version"))["v"] or 0) + 1
        stem = re.sub(r"[^\w.-]", "_", (filename or code).rsplit("/", 1)[-1])[:80] or code
        item = Material(
            case=case,
            code=code,
            version=version,
            filename=(filename or stem)[:255],
            sha256=sha,
            size=len(content),
            content_type=kind,
            uploaded_by=actor,
        )
        item.file.save(
            f"{case.pk}-{code}-v{version}.{EXTENSIONS[kind]}", ContentFile(content), save=False
        )
        item.save()
        append_event(
            subject=case.subject,
            action="material.uploaded",
            actor=actor,
            article=material.article,
            payload={
                "code": code,
                "version": version,
                "sha256": sha,
                "size": len(content),
                "content_type": kind,
                "filename": item.filename,
            },
        )
        return item, {"material": item.pk}

    def replay(stored):
        return Material.objects.get(pk=stored["material"])

    return _idempotent(actor, idempotency_key, scope, sha, work, replay)


# ----------------------------------------------------------------- notices and objections


def file_objection(
    *, case: Case, name: str, text: str, organisation="", email="", phone=""
) -> Objection:
    """Anyone may object while the notice runs; contact details are required."""
    if not (case.accepting_objections and case.notice_published_on):
        raise Conflict(_("This application is not under public notice."))
    errors = {}
    if not (name or "").strip():
        errors["name"] = [_("Give your name.")]
    if not (text or "").strip():
        errors["text"] = [_("Write your objection.")]
    if not (email or "").strip() and not (phone or "").strip():
        errors["email"] = [
            _("Give an e-mail address or a phone number so the regulator can answer.")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        objection = Objection(
            case=case,
            name=name.strip()[:100],
            organisation=(organisation or "").strip()[:200],
            email=(email or "").strip(),
            phone=(phone or "").strip()[:40],
            text=text.strip()[:10000],
        )
        objection.full_clean()
        objection.save()
        append_event(
            subject=case.subject,
            action="objection.filed",
            actor=None,
            article=case.pack.stage(case.state).article,
            payload={
                "objection": objection.pk,
                "text_sha256": hashlib.sha256(objection.text.encode()).hexdigest(),
            },
        )
        regulators = [u.pk for u in users_for(case, [Role.PROGRAMME_REGULATOR]) if u.email]
        if regulators:
            from metrohub.cases.tasks import send_objection_mail

            send_objection_mail.enqueue(objection.pk, regulators)
    return objection


def answer_objection(*, actor, objection: Objection, answer: str) -> Objection:
    case = objection.case
    if Role.PROGRAMME_REGULATOR not in case_roles(actor, case):
        raise PermissionDenied(_("The programme regulator answers objections."))
    text = (answer or "").strip()
    if not text:
        raise ValidationError({"answer": [_("Write the answer.")]})
    with transaction.atomic():
        objection.answer, objection.answered_by, objection.answered_at = (
            text[:10000],
            actor,
            timezone.now(),
        )
        objection.save(update_fields=["answer", "answered_by", "answered_at"])
        append_event(
            subject=case.subject,
            action="objection.answered",
            actor=actor,
            article=case.pack.stage(case.state).article,
            payload={
                "objection": objection.pk,
                "answer_sha256": hashlib.sha256(text.encode()).hexdigest(),
            },
        )
    return objection


def notice_closing(case: Case):
    """The notice's computed earliest closing date (its open minimum obligation)."""
    return (
        case.obligations.filter(kind="minimum", state__in=["open", "overdue"])
        .select_related("deadline")
        .first()
    )


# ------------------------------------------------------------- reports that change no state


def _stages_with(pack, precondition: str) -> set[str]:
    return {s for t in pack.transitions if precondition in t.preconditions for s in t.from_}


def record_self_check(*, actor, case: Case, items) -> Case:
    """The applicant's self-check against the on-site acceptance checklist (Shanghai 三(五)2)."""
    if Role.APPLICANT not in case_roles(actor, case):
        raise PermissionDenied(_("The applicant records the self-check."))
    if case.state not in _stages_with(case.pack, "self_check_passed"):
        raise Conflict(_("A self-check is recorded before requesting acceptance."))
    if not isinstance(items, list) or not items:
        raise ValidationError({"items": [_("Check at least one item of the checklist.")]})
    clean = []
    for i, item in enumerate(items[:500]):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("item"), str)
            or not item["item"].strip()
        ):
            raise ValidationError({f"items.{i}": [_("Name the checklist item.")]})
        clean.append(
            {
                "item": item["item"].strip()[:300],
                "met": bool(item.get("met")),
                "note": str(item.get("note", ""))[:1000],
            }
        )
    passed = all(i["met"] for i in clean)
    with transaction.atomic():
        case.self_check = {
            "items": clean,
            "passed": passed,
            "recorded_on": today().isoformat(),
            "by": actor.username,
        }
        case.save(update_fields=["self_check", "updated_at"])
        CaseNote.objects.create(
            case=case, kind=CaseNote.Kind.SELF_CHECK, data=case.self_check, author=actor
        )
        append_event(
            subject=case.subject,
            action="self_check.recorded",
            actor=actor,
            article=next(
                (
                    t.article
                    for t in case.pack.transitions
                    if "self_check_passed" in t.preconditions
                ),
                "",
            ),
            payload={
                "items": len(clean),
                "unmet": sum(not i["met"] for i in clean),
                "passed": passed,
            },
        )
    return case


def file_supervisor_report(*, actor, case: Case, text: str) -> CaseNote:
    """The district bureau's supervisor reports on the on-site acceptance (Chongqing art. 19)."""
    if Role.DISTRICT_REGULATOR not in case_roles(actor, case):
        raise PermissionDenied(_("The district bureau's supervisor files this report."))
    if not case.supervisor:
        raise Conflict(_("No supervisor has been named for this case's on-site acceptance."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the report.")]})
    article = next((t.article for t in case.pack.transitions if "supervisor" in t.records), "")
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case, kind=CaseNote.Kind.SUPERVISOR_REPORT, text=text[:10000], author=actor
        )
        append_event(
            subject=case.subject,
            action="supervisor.reported",
            actor=actor,
            article=article,
            payload={
                "note": note.pk,
                "stage": case.state,
                "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
            },
        )
    return note


def report_event(*, actor, case: Case, code: str, occurred_on, text: str) -> Obligation:
    """A reportable event (Shanghai: a major event, in writing within 5 working days): the
    obligation is computed from the day it occurred and met by this report."""
    pack = case.pack
    report = next((e for e in pack.event_reports if e.code == code), None)
    if report is None:
        raise Http404(f"no event report {code}")
    if report.role not in case_roles(actor, case):
        raise PermissionDenied(
            _("This report is made by: %(role)s.") % {"role": pack.role(report.role).name_zh}
        )
    if case.pack.stage(case.state).terminal or not _approved(case):
        raise Conflict(
            _("Events are reported by a center approved for construction or established.")
        )
    try:
        occurred = _date(occurred_on)
    except ValueError as exc:
        raise ValidationError({"occurred_on": [str(exc)]}) from None
    if occurred > today():
        raise ValidationError({"occurred_on": [_("An event cannot occur in the future.")]})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Describe the event.")]})
    with transaction.atomic():
        ob = None
        if report.deadline:
            d = pack.deadline(report.deadline)
            stored = store_deadline(
                start=occurred,
                count=d.count,
                unit=d.unit,
                rule=f"{pack.key}:{d.code}",
                article=d.article,
                extend_holiday=d.extend_holiday,
                next_working_day=d.next_working_day,
                include_start=d.include_start,
            )
            ob = Obligation.objects.create(
                case=case,
                code=d.code,
                deadline=stored,
                kind=d.kind,
                indicative=d.indicative,
                article=d.article,
                responsible_role=d.responsible or report.role,
                opened_by=f"event:{code}",
                state=Obligation.State.MET,
                closed_at=timezone.now(),
                closed_on=today(),
            )
        note = CaseNote.objects.create(
            case=case,
            kind=CaseNote.Kind.EVENT_REPORT,
            code=code,
            text=text[:10000],
            data={"occurred_on": occurred.isoformat()},
            author=actor,
        )
        append_event(
            subject=case.subject,
            action=f"report.{code}",
            actor=actor,
            article=report.article,
            effective_date=occurred,
            payload={
                "note": note.pk,
                "occurred_on": occurred.isoformat(),
                "due": ob.deadline.due.isoformat() if ob else None,
                "late": bool(ob and today() > ob.deadline.due),
            },
        )
    return ob


def _approved(case) -> bool:
    return case.decisions.filter(kind=Decision.Kind.APPROVAL_TO_BUILD).exists()


def waive_obligation(*, actor, obligation: Obligation, reason: str) -> Obligation:
    case = obligation.case
    if Role.PROGRAMME_REGULATOR not in case_roles(actor, case):
        raise PermissionDenied(_("The programme regulator waives obligations."))
    if not obligation.is_live:
        raise Conflict(_("The obligation is already closed."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for waiving.")]})
    with transaction.atomic():
        obligation.state, obligation.waived_reason, obligation.closed_at = (
            Obligation.State.WAIVED,
            reason[:2000],
            timezone.now(),
        )
        obligation.save(update_fields=["state", "waived_reason", "closed_at"])
        append_event(
            subject=case.subject,
            action="obligation.waived",
            actor=actor,
            article=obligation.article,
            payload={"obligation": obligation.pk, "code": obligation.code, "reason": reason[:2000]},
        )
    return obligation


# ---------------------------------------------------------------------------------- worklist


@dataclass
class WorkItem:
    case: Case
    transitions: list
    obligations: list
    due: dt.date | None
    overdue: bool


def worklist(user) -> list[WorkItem]:
    """What waits for me: cases where I can act, with the obligations I answer for."""
    items = []
    now = today()
    for case in cases_for(user).prefetch_related("obligations__deadline"):
        roles = case_roles(user, case)
        if not roles:
            continue
        transitions = available_transitions(user, case)
        mine = [o for o in case.obligations.all() if o.is_live and o.responsible_role in roles]
        supervising = (
            Role.DISTRICT_REGULATOR in roles
            and case.supervisor
            and not case.pack.stage(case.state).terminal
            and case.state in {t.to for t in case.pack.transitions if "supervisor" in t.records}
        )
        if not transitions and not mine and not supervising:
            continue
        due = min((o.deadline.due for o in mine), default=None)
        overdue = any(
            o.state == "overdue" or (o.kind == "maximum" and o.deadline.due < now) for o in mine
        )
        items.append(WorkItem(case, transitions, mine, due, overdue))
    items.sort(key=lambda i: (not i.overdue, i.due or dt.date.max, -i.case.pk))
    return items


# ------------------------------------------------------------------------------------ remind

REMINDER_DAYS = (7, 1)


@dataclass
class RemindResult:
    reminded: int = 0
    overdue: int = 0


def remind(*, on: dt.date | None = None, lead_days=REMINDER_DAYS) -> RemindResult:
    """Reminders ahead of due dates and overdue marks; running it twice does nothing twice."""
    from metrohub.cases.tasks import send_obligation_mail

    on = on or today()
    result = RemindResult()
    live = Obligation.objects.filter(state=Obligation.State.OPEN).select_related("deadline", "case")
    for ob in live:
        due = ob.deadline.due
        with transaction.atomic():
            if ob.kind == "maximum" and on > due:
                ob.state = Obligation.State.OVERDUE
                ob.save(update_fields=["state"])
                append_event(
                    subject=ob.case.subject,
                    action="obligation.overdue",
                    actor=None,
                    article=ob.article,
                    payload={"obligation": ob.pk, "code": ob.code, "due": due.isoformat()},
                )
                _mail_responsible(ob, "overdue", send_obligation_mail)
                result.overdue += 1
                continue
            left = (due - on).days
            pending = [n for n in lead_days if 0 <= left <= n and n not in ob.reminders_sent]
            if pending:
                ob.reminders_sent = sorted({*ob.reminders_sent, *pending})
                ob.save(update_fields=["reminders_sent"])
                _mail_responsible(ob, "reminder", send_obligation_mail)
                result.reminded += 1
    return result


def _mail_responsible(ob, kind, task):
    roles = [ob.responsible_role] if ob.responsible_role else [Role.PROGRAMME_REGULATOR]
    recipients = [u.pk for u in users_for(ob.case, roles) if u.email]
    if recipients:
        task.enqueue(ob.pk, kind, recipients)
