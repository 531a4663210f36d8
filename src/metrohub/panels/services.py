"""Panels, rubrics and score sheets: one function per transition, each appending to the case's
event log in the same transaction.

Errors follow the engine: PermissionDenied (403), Conflict (409, with the reason),
ValidationError (422, every problem at once), Http404 for what is outside the actor's reach.
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from metrohub.accounts.models import Role, User
from metrohub.accounts.roles import holds
from metrohub.cases import services as cases
from metrohub.cases.models import Case
from metrohub.cases.services import clock
from metrohub.core import bounds
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event
from metrohub.experts import draw as drawing
from metrohub.experts.models import ExpertProfile
from metrohub.experts.services import candidates as registry_candidates
from metrohub.experts.services import province_code
from metrohub.panels.models import Panel, PanelMember, PanelResult, Rubric, ScoreSheet
from metrohub.scoring import sheets as scoring

ACCEPTANCE = (Panel.Purpose.ONSITE_ACCEPTANCE, Panel.Purpose.RECTIFICATION)
RECOMMENDATIONS = ("recommend", "not_recommend")
SHEET_MESSAGES = {
    "missing": gettext_noop("Give a score for this item."),
    "not_a_number": gettext_noop("“%(value)s” is not a number."),
    "out_of_range": gettext_noop("The score lies between 0 and %(max)s."),
    "not_a_half_step": gettext_noop("Score in steps of 0.5 (%(value)s is not)."),
    "reason_required": gettext_noop("A deduction on this item needs a written reason."),
    "unknown_item": gettext_noop("This item is not in the rubric."),
}


def _today() -> dt.date:
    return clock.today()


# ------------------------------------------------------------------------------------ rubrics


def rubric_for(pack_code: str) -> Rubric:
    """The latest rubric version of a pack; version 1 is copied from the pack's example."""
    found = Rubric.objects.filter(pack_code=pack_code).order_by("-version").first()
    if found is not None:
        return found
    from metrohub.rulepacks.services import registry

    pack = registry().latest(pack_code)
    sc = pack.acceptance_scoring
    if sc is None or sc.example_rubric is None:
        raise Conflict(_("The rule pack has no acceptance rubric."))
    example = sc.example_rubric
    try:
        with transaction.atomic():
            return Rubric.objects.create(
                pack_code=pack_code,
                version=1,
                example=True,
                note=example.note,
                areas=[area.model_dump() for area in example.areas],
            )
    except IntegrityError:
        return Rubric.objects.get(pack_code=pack_code, version=1)


def _check_areas(areas, max_score) -> list:
    from metrohub.rulepacks.schema import RubricArea

    errors: dict[str, list[str]] = {}
    if not isinstance(areas, list) or not areas:
        raise ValidationError({"areas": [_("Give at least one area.")]})
    clean = []
    for i, area in enumerate(areas):
        try:
            clean.append(RubricArea.model_validate(area).model_dump())
        except Exception as exc:  # pydantic's ValidationError, item by item
            errors[f"areas.{i}"] = [str(exc).splitlines()[0]]
    if errors:
        raise ValidationError(errors)
    for i, area in enumerate(clean):
        items = sum(Decimal(str(it["max_points"])) for it in area["items"])
        if items != Decimal(str(area["max_points"])):
            errors[f"areas.{i}"] = [
                _("The items sum to %(items)s, the area to %(area)s.")
                % {"items": items, "area": area["max_points"]}
            ]
    total = sum(Decimal(str(a["max_points"])) for a in clean)
    if total != Decimal(str(max_score)):
        errors["areas"] = [
            _("The areas sum to %(total)s; the pack's maximum is %(max)s.")
            % {"total": total, "max": max_score}
        ]
    if errors:
        raise ValidationError(errors)
    return clean


def edit_rubric(*, actor, pack_code: str, areas, note: str = "") -> Rubric:
    """The programme regulator of the pack's jurisdiction replaces its rubric: a new version
    (sheets keep theirs). Another region's regulator is refused."""
    from metrohub.rulepacks.services import may_edit, registry

    try:
        pack = registry().latest(pack_code)
    except KeyError:
        raise Http404 from None
    if not may_edit(actor, pack):
        raise PermissionDenied(
            _("The programme regulator of the pack's jurisdiction edits its rubric.")
        )
    if len(note or "") > 2000:
        raise ValidationError({"note": [_("At most %(n)d characters.") % {"n": 2000}]})
    clean = _check_areas(areas, pack.acceptance_scoring.max_score)
    with transaction.atomic():
        current = rubric_for(pack_code)
        rubric = Rubric.objects.create(
            pack_code=pack_code,
            version=current.version + 1,
            example=False,
            note=(note or "").strip(),
            areas=clean,
            created_by=actor,
        )
        append_event(
            subject=f"rubric:{pack_code}",
            action="rubric.edited",
            actor=actor,
            article=pack.acceptance_scoring.article,
            payload={"version": rubric.version, "areas": clean},
        )
    return rubric


# ---------------------------------------------------------------------------------- visibility


def is_authority(user, case: Case) -> bool:
    return holds(user, Role.PLATFORM_ADMIN) or bool(
        cases.case_roles(user, case) & set(cases.AUTHORITY_ROLES)
    )


def panels_for(user) -> QuerySet[Panel]:
    """Panels a person may open: members, the supervisor, authorities over the case."""
    base = Panel.objects.select_related("case", "leader__user", "supervisor", "rubric")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    if holds(user, Role.PLATFORM_ADMIN):
        return base
    authority_cases = [
        c.pk
        for c in cases.cases_for(user)
        if cases.case_roles(user, c) & set(cases.AUTHORITY_ROLES)
    ]
    return base.filter(
        Q(case_id__in=authority_cases) | Q(members__expert__user=user) | Q(supervisor=user)
    ).distinct()


def get_panel(user, pk) -> Panel:
    try:
        return panels_for(user).get(pk=int(pk))
    except (Panel.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


def all_submitted(panel: Panel) -> bool:
    seated = [m for m in panel.members.all() if m.seated]
    return bool(seated) and all(
        hasattr(m, "sheet") and m.sheet.state == ScoreSheet.State.SUBMITTED for m in seated
    )


def get_sheet(user, pk) -> ScoreSheet:
    """Your own sheet; a colleague's or an authority's view only once every sheet is in
    (PermissionDenied before); anything else 404."""
    try:
        sheet = ScoreSheet.objects.select_related(
            "member__panel__case", "member__expert__user", "rubric"
        ).get(pk=int(pk))
    except (ScoreSheet.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if sheet.member.expert.user_id == getattr(user, "pk", None):
        return sheet
    panel = sheet.member.panel
    if not panels_for(user).filter(pk=panel.pk).exists():
        raise Http404
    if not all_submitted(panel):
        raise PermissionDenied(
            _("The panel's sheets are independent: they are shown when every sheet is submitted.")
        )
    return sheet


def my_member(user, panel: Panel) -> PanelMember | None:
    return next((m for m in panel.members.all() if m.expert.user_id == user.pk and m.seated), None)


def is_leader(user, panel: Panel) -> bool:
    return panel.leader.user_id == getattr(user, "pk", None)


# -------------------------------------------------------------------------------------- draw


def conflicts_for(case: Case) -> frozenset[int]:
    """The applicant (host) and every co-builder."""
    return frozenset({case.applicant_id, *case.co_builders.values_list("pk", flat=True)})


def _candidate_json(c: drawing.Candidate) -> dict:
    return {
        "id": c.id,
        "organisation_id": c.organisation_id,
        "region": c.region,
        "specialties": sorted(c.specialties),
        "available": c.available,
        "past_employers": [[o, e.isoformat() if e else None] for o, e in c.past_employers],
        "declared_conflicts": sorted(c.declared_conflicts),
    }


def _candidate(d: dict) -> drawing.Candidate:
    return drawing.Candidate(
        id=d["id"],
        organisation_id=d["organisation_id"],
        region=d["region"],
        specialties=frozenset(d["specialties"]),
        available=d["available"],
        past_employers=tuple(
            (o, dt.date.fromisoformat(e) if e else None) for o, e in d["past_employers"]
        ),
        declared_conflicts=frozenset(d["declared_conflicts"]),
    )


def _criteria(d: dict) -> drawing.Criteria:
    return drawing.Criteria(
        size=d["size"],
        region=d["region"],
        required_specialties=tuple(d.get("required_specialties", ())),
        min_outside_region=d.get("min_outside_region", 0),
        conflict_years=d.get("conflict_years", 3),
        leader_id=d.get("leader_id"),
    )


#: The stages where a panel of each purpose sits (drawn ahead of the on-site acceptance at the
#: acceptance review); a panel whose case leaves them is closed.
SITTING = {
    Panel.Purpose.EXPERT_REVIEW: ("expert_review",),
    # the five-year review's panel is drawn and scores as the acceptance's does
    Panel.Purpose.ONSITE_ACCEPTANCE: ("acceptance_review", "onsite_acceptance", "review_panel"),
    Panel.Purpose.RECTIFICATION: ("acceptance_review", "onsite_acceptance", "review_panel"),
}


def purpose_for(case: Case) -> tuple[str, int]:
    """Which panel the case's stage calls for, and its round."""
    if case.state in SITTING[Panel.Purpose.EXPERT_REVIEW]:
        return Panel.Purpose.EXPERT_REVIEW, 1
    if case.state in SITTING[Panel.Purpose.ONSITE_ACCEPTANCE]:
        n = case.scores.count() + 1
        return (Panel.Purpose.ONSITE_ACCEPTANCE if n == 1 else Panel.Purpose.RECTIFICATION), n
    raise Conflict(
        _("No panel is drawn at the stage “%(stage)s”.")
        % {"stage": case.pack.stage(case.state).name_zh}
    )


def _supervisor_user(case: Case) -> User | None:
    """The district bureau's supervisor named for the case (Chongqing); never scores."""
    username = (case.supervisor or {}).get("username")
    if username:
        return User.objects.filter(username=username).first()
    if any("supervisor" in t.records for t in case.pack.transitions):
        found = cases.users_for(case, [Role.DISTRICT_REGULATOR])
        return found[0] if found else None
    return None


def _int(value, field, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            {field: [_("Give a whole number from %(a)d to %(b)d.") % {"a": low, "b": high}]}
        )
    return value


def draw_panel(
    *,
    actor,
    case: Case,
    size: int,
    required_specialties=(),
    min_outside_region: int = 0,
    leader_id: int | None = None,
    seed: int | None = None,
) -> Panel:
    """Draw the panel the case's stage calls for (随机抽取), record seed, candidates, order and
    exclusions with reasons, attach the supervisor."""
    if Role.PROGRAMME_REGULATOR not in cases.case_roles(actor, case):
        raise PermissionDenied(_("The programme regulator draws expert panels."))
    purpose, round_ = purpose_for(case)
    size = _int(size, "size", 1, 25)
    min_outside_region = _int(min_outside_region, "min_outside_region", 0, 25)
    if seed is None:
        seed = secrets.randbelow(2**62)
    seed = _int(seed, "seed", 0, 2**62)
    if leader_id is not None:
        leader_id = _int(leader_id, "leader_id", 1, 2**31)
    if (
        not isinstance(required_specialties, (list, tuple))
        or len(required_specialties) > 20
        or not all(isinstance(s, str) and len(s) <= 64 for s in required_specialties)
    ):
        raise ValidationError({"required_specialties": [_("Give a list of specialty codes.")]})
    sc = case.pack.acceptance_scoring
    if purpose in ACCEPTANCE and (sc is None or sc.example_rubric is None):
        raise Conflict(
            _("This rule pack scores no on-site acceptance; record the result on paper.")
        )
    criteria = {
        "size": size,
        "region": province_code(case.jurisdiction),
        "required_specialties": sorted(set(required_specialties)),
        "min_outside_region": min_outside_region,
        "conflict_years": sc.conflict_years if sc else 3,
        "leader_id": leader_id,
    }
    pool = registry_candidates()
    conflicts = conflicts_for(case)
    on = _today()
    try:
        result = drawing.draw(pool, _criteria(criteria), conflicts=conflicts, on=on, seed=seed)
    except drawing.DrawInfeasible as exc:
        field, _sep, message = str(exc).partition(": ")
        raise ValidationError({field: [message]}) from None
    with transaction.atomic():
        Case.objects.select_for_update().get(pk=case.pk)
        if Panel.objects.filter(case=case, purpose=purpose, round=round_).exists():
            raise Conflict(_("This round's panel has already been drawn."))
        experts = {p.pk: p for p in ExpertProfile.objects.filter(pk__in=result.panel)}
        panel = Panel.objects.create(
            case=case,
            purpose=purpose,
            round=round_,
            criteria=criteria,
            seed=seed,
            conflicts=sorted(conflicts),
            drawn_on=on,
            candidates=[_candidate_json(c) for c in sorted(pool, key=lambda c: c.id)],
            order=list(result.order),
            exclusions=[
                {"expert": e.candidate_id, "reason": e.reason, "organisation": e.organisation_id}
                for e in result.excluded
            ],
            leader=experts[result.leader_id],
            supervisor=_supervisor_user(case),
            rubric=rubric_for(case.rulepack_code) if sc and sc.example_rubric else None,
            drawn_by=actor,
        )
        for position, expert_id in enumerate(result.panel, start=1):
            _seat(panel, experts[expert_id], position)
        append_event(
            subject=case.subject,
            action="panel.drawn",
            actor=actor,
            article=sc.article if sc else "",
            payload={
                "panel": panel.pk,
                "purpose": purpose,
                "round": round_,
                "seed": seed,
                "criteria": criteria,
                "members": list(result.panel),
                "leader": result.leader_id,
                "order": list(result.order),
                "excluded": panel.exclusions,
                "supervisor": panel.supervisor.username if panel.supervisor else None,
            },
        )
    return panel


def _seat(panel: Panel, expert: ExpertProfile, position: int) -> PanelMember:
    member = PanelMember.objects.create(panel=panel, expert=expert, position=position)
    ScoreSheet.objects.create(member=member, rubric=panel.rubric)
    return member


def replay(panel: Panel) -> drawing.DrawResult:
    """Draw again from the recorded candidates, criteria, conflicts, date and seed."""
    return drawing.draw(
        [_candidate(c) for c in panel.candidates],
        _criteria(panel.criteria),
        conflicts=frozenset(panel.conflicts),
        on=panel.drawn_on,
        seed=panel.seed,
    )


def initial_members(panel: Panel) -> tuple[int, ...]:
    """The experts of the original draw (replacements excluded), in drawn order."""
    return tuple(
        m.expert_id
        for m in panel.members.order_by("position", "pk")
        if not PanelMember.objects.filter(replaced_by=m).exists()
    )


def _open(panel: Panel):
    if panel.state != Panel.State.SCORING:
        raise Conflict(_("The panel has concluded; its sheets are final."))


def accept_invitation(*, actor, member: PanelMember) -> PanelMember:
    if member.expert.user_id != actor.pk:
        raise PermissionDenied(_("Only the invited expert answers the invitation."))
    _open(member.panel)
    if member.status != PanelMember.Status.INVITED:
        raise Conflict(_("The invitation has already been answered."))
    with transaction.atomic():
        member.status = PanelMember.Status.ACCEPTED
        member.save(update_fields=["status"])
        append_event(
            subject=member.panel.case.subject,
            action="panel.accepted",
            actor=actor,
            payload={"panel": member.panel_id, "expert": member.expert_id},
        )
    return member


def decline_and_replace(*, actor, member: PanelMember, reason: str, seed: int | None = None):
    """The expert (or the regulator for them) declines; a new draw fills the seat. Both records
    are kept: the declined member points to its replacement."""
    panel = member.panel
    case = panel.case
    if member.expert.user_id != actor.pk and Role.PROGRAMME_REGULATOR not in cases.case_roles(
        actor, case
    ):
        raise PermissionDenied(_("The expert or the programme regulator records a refusal."))
    reason = bounds.texts({"reason": (reason, 2000)})["reason"]
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for declining.")]})
    _open(panel)
    if member.status == PanelMember.Status.DECLINED:
        raise Conflict(_("This expert has already declined."))
    if hasattr(member, "sheet") and member.sheet.state == ScoreSheet.State.SUBMITTED:
        raise Conflict(_("A member who has submitted a sheet cannot decline."))
    seed = secrets.randbelow(2**62) if seed is None else seed
    with transaction.atomic():
        panel = Panel.objects.select_for_update().get(pk=panel.pk)
        members = list(panel.members.all())
        seated = [m for m in members if m.seated and m.pk != member.pk]
        criteria = dict(panel.criteria)
        covered = {s for m in seated for s in (m.expert.domains + m.expert.areas)}
        outside = sum(province_code(m.expert.region) != criteria["region"] for m in seated)
        replacement_criteria = {
            **criteria,
            "size": 1,
            "required_specialties": [
                s for s in criteria.get("required_specialties", []) if s not in covered
            ],
            "min_outside_region": max(0, criteria.get("min_outside_region", 0) - outside),
            "leader_id": None,
        }
        try:
            result = drawing.draw(
                registry_candidates(),
                _criteria(replacement_criteria),
                conflicts=frozenset(panel.conflicts),
                on=_today(),
                seed=seed,
                already_drawn=frozenset(m.expert_id for m in members),
            )
        except drawing.DrawInfeasible as exc:
            raise Conflict(_("No replacement can be drawn: %(why)s") % {"why": exc}) from None
        new_expert = ExpertProfile.objects.get(pk=result.panel[0])
        replacement = _seat(panel, new_expert, member.position)
        replacement.replacement_seed = seed
        replacement.save(update_fields=["replacement_seed"])
        member.status, member.decline_reason, member.replaced_by = (
            PanelMember.Status.DECLINED,
            reason,
            replacement,
        )
        member.save(update_fields=["status", "decline_reason", "replaced_by"])
        if panel.leader_id == member.expert_id:
            panel.leader = new_expert
            panel.save(update_fields=["leader"])
        append_event(
            subject=case.subject,
            action="panel.declined_and_replaced",
            actor=actor,
            payload={
                "panel": panel.pk,
                "declined": member.expert_id,
                "reason": reason,
                "replacement": new_expert.pk,
                "seed": seed,
                "criteria": replacement_criteria,
                "order": list(result.order),
                "excluded": [
                    {"expert": e.candidate_id, "reason": e.reason} for e in result.excluded
                ],
            },
        )
    return replacement


# ------------------------------------------------------------------------------------ sheets


def _items(sheet: ScoreSheet):
    return scoring.rubric_items(_RubricView(sheet.rubric.areas if sheet.rubric else []))


class _RubricView:
    """The stored rubric JSON with the attribute access `rubric_items` expects."""

    class _Obj:
        def __init__(self, d):
            self.__dict__.update(d)

    def __init__(self, areas):
        self.areas = [self._Obj({**a, "items": [self._Obj(i) for i in a["items"]]}) for a in areas]


def _sheet_errors(sheet, scores, reasons, *, complete: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for e in scoring.check_sheet(_items(sheet), scores, reasons):
        if e.code == "missing" and not complete:
            continue
        field = f"reasons.{e.item}" if e.code == "reason_required" else f"scores.{e.item}"
        errors.setdefault(field, []).append(_(SHEET_MESSAGES[e.code]) % e.params)
    return errors


def _own_draft(actor, sheet: ScoreSheet) -> None:
    if sheet.member.expert.user_id != actor.pk:
        raise PermissionDenied(_("Each expert fills their own sheet."))
    if not sheet.member.seated:
        raise Conflict(_("You declined this panel."))
    _open(sheet.member.panel)
    if sheet.state == ScoreSheet.State.SUBMITTED:
        raise Conflict(
            _(
                "The sheet was submitted on %(at)s and is locked; the panel leader may reopen it "
                "with a recorded reason."
            )
            % {"at": timezone.localtime(sheet.submitted_at).strftime("%Y-%m-%d %H:%M")}
        )


def save_sheet(
    *, actor, sheet: ScoreSheet, scores=None, reasons=None, opinion="", recommendation=""
) -> ScoreSheet:
    """Save a draft: every score given must be a number within its item's bounds in steps of
    0.5; missing items are allowed until submission."""
    scores = scores or {}
    reasons = reasons or {}
    if not isinstance(scores, dict) or not isinstance(reasons, dict):
        raise ValidationError({"scores": [_("Give the scores item by item.")]})
    if recommendation not in ("", *RECOMMENDATIONS):
        raise ValidationError({"recommendation": [_("Choose recommend or not_recommend.")]})
    if len(scores) > 500 or len(reasons) > 500:
        raise ValidationError({"scores": [_("Give the scores item by item.")]})
    opinion = bounds.texts({"opinion": (opinion, 10000)})["opinion"]
    bounds.texts({f"reasons.{k}"[:80]: (v, 2000) for k, v in reasons.items() if v is not None})
    with transaction.atomic():
        sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
        _own_draft(actor, sheet)
        clean_scores = {
            k: str(v).strip() for k, v in scores.items() if v is not None and str(v).strip() != ""
        }
        clean_reasons = {k: str(v).strip() for k, v in reasons.items() if v and str(v).strip()}
        errors = _sheet_errors(sheet, clean_scores, clean_reasons, complete=False)
        if errors:
            raise ValidationError(errors)
        sheet.scores = {
            k: str(Decimal(v).quantize(Decimal("0.1"))) for k, v in clean_scores.items()
        }
        sheet.reasons = clean_reasons
        sheet.opinion = opinion
        sheet.recommendation = recommendation
        sheet.save()
        append_event(
            subject=sheet.member.panel.case.subject,
            action="sheet.saved",
            actor=actor,
            payload={"sheet": sheet.pk, "panel": sheet.member.panel_id},
        )
    return sheet


def submit_sheet(*, actor, sheet: ScoreSheet) -> ScoreSheet:
    """Lock the sheet: every item scored, reasons where required, an overall opinion."""
    with transaction.atomic():
        sheet = (
            # of=self: the rubric may be absent (a LEFT JOIN PostgreSQL will not lock)
            ScoreSheet.objects.select_for_update(of=("self",))
            .select_related("member__panel__case", "member__expert", "rubric")
            .get(pk=sheet.pk)
        )
        _own_draft(actor, sheet)
        panel = sheet.member.panel
        errors: dict[str, list[str]] = {}
        if panel.purpose in ACCEPTANCE:
            errors = _sheet_errors(sheet, sheet.scores, sheet.reasons, complete=True)
        elif sheet.recommendation not in RECOMMENDATIONS:
            errors["recommendation"] = [_("Say whether you recommend the application.")]
        if not sheet.opinion.strip():
            errors["opinion"] = [_("Write the overall opinion.")]
        if errors:
            raise ValidationError(errors)
        if panel.purpose in ACCEPTANCE:
            sheet.total = scoring.sheet_total(_items(sheet), sheet.scores)
        sheet.state, sheet.submitted_at = ScoreSheet.State.SUBMITTED, timezone.now()
        sheet.save()
        member = sheet.member
        if member.status == PanelMember.Status.INVITED:
            member.status = PanelMember.Status.ACCEPTED
            member.save(update_fields=["status"])
        append_event(
            subject=panel.case.subject,
            action="sheet.submitted",
            actor=actor,
            payload={
                "sheet": sheet.pk,
                "panel": panel.pk,
                "rubric_version": sheet.rubric.version if sheet.rubric else None,
                "total": str(sheet.total) if sheet.total is not None else None,
                "recommendation": sheet.recommendation or None,
            },
        )
    return sheet


def reopen_sheet(*, actor, sheet: ScoreSheet, reason: str) -> ScoreSheet:
    """The panel leader reopens a submitted sheet for a correction, with a recorded reason."""
    panel = sheet.member.panel
    if not is_leader(actor, panel):
        raise PermissionDenied(_("Only the panel leader reopens a sheet."))
    reason = bounds.texts({"reason": (reason, 2000)})["reason"]
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for reopening.")]})
    with transaction.atomic():
        sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
        _open(Panel.objects.get(pk=panel.pk))
        if sheet.state != ScoreSheet.State.SUBMITTED:
            raise Conflict(_("Only a submitted sheet is reopened."))
        sheet.reopen_log = [
            *sheet.reopen_log,
            {"by": actor.username, "reason": reason, "at": timezone.now().isoformat()},
        ]
        sheet.state, sheet.submitted_at, sheet.total = ScoreSheet.State.DRAFT, None, None
        sheet.save()
        append_event(
            subject=panel.case.subject,
            action="sheet.reopened",
            actor=actor,
            payload={"sheet": sheet.pk, "panel": panel.pk, "reason": reason},
        )
    return sheet


# ------------------------------------------------------------------------------------ result


def compute_result(*, actor, panel: Panel) -> PanelResult:
    """The leader concludes once every sheet is submitted: the pack's method for the score,
    pass/fail and the items to rectify; or the recommendation with the panel's opinions."""
    if not is_leader(actor, panel):
        raise PermissionDenied(_("The panel leader submits the panel's result."))
    with transaction.atomic():
        panel = Panel.objects.select_for_update().get(pk=panel.pk)
        _open(panel)
        if not all_submitted(panel):
            raise Conflict(_("Not every member has submitted a sheet."))
        sheets = [m.sheet for m in panel.members.all() if m.seated]
        pack = panel.case.pack
        sc = pack.acceptance_scoring
        opinions = [
            {
                "expert": str(s.member.expert),
                "opinion": s.opinion,
                "recommendation": s.recommendation,
            }
            for s in sheets
        ]
        result = PanelResult(panel=panel, opinions=opinions)
        if panel.purpose in ACCEPTANCE:
            method = sc.method
            score = scoring.panel_score(
                [s.total for s in sheets],
                aggregation=method.aggregation,
                places=method.rounding_places,
                mode=method.rounding_mode,
            )
            result.score = score
            result.method = {
                "aggregation": method.aggregation,
                "rounding_places": method.rounding_places,
                "rounding_mode": method.rounding_mode,
                "pass_score": sc.pass_score,
                "pass_comparison": sc.pass_comparison,
                "totals": [str(s.total) for s in sheets],
            }
            result.passed = scoring.passes(
                score, pass_score=sc.pass_score, comparison=sc.pass_comparison
            )
            if not result.passed:
                result.items_to_rectify = _items_to_rectify(sheets)
        else:
            votes = [s.recommendation for s in sheets]
            result.recommendation = (
                "recommend" if votes.count("recommend") * 2 > len(votes) else "not_recommend"
            )
            result.method = {"rule": "majority", "votes": votes}
        result.save()
        panel.state = Panel.State.COMPLETED
        panel.save(update_fields=["state"])
        append_event(
            subject=panel.case.subject,
            action="panel.concluded",
            actor=actor,
            article=sc.article if sc else "",
            payload={
                "panel": panel.pk,
                "score": str(result.score) if result.score is not None else None,
                "passed": result.passed,
                "recommendation": result.recommendation or None,
                "items_to_rectify": result.items_to_rectify,
                "method": result.method,
            },
        )
    return result


def _items_to_rectify(sheets) -> list[dict]:
    """Items where the panel's mean falls short of the maximum, with the experts' reasons."""
    areas = sheets[0].rubric.areas
    out = []
    for area in areas:
        for item in area["items"]:
            got = [Decimal(s.scores[item["code"]]) for s in sheets if item["code"] in s.scores]
            if not got:
                continue
            mean = sum(got, Decimal(0)) / len(got)
            maximum = Decimal(str(item["max_points"]))
            if mean < maximum:
                out.append(
                    {
                        "code": item["code"],
                        "name_zh": item["name_zh"],
                        "mean": str(mean.quantize(Decimal("0.01"))),
                        "max_points": str(maximum),
                        "reasons": [
                            s.reasons[item["code"]] for s in sheets if s.reasons.get(item["code"])
                        ],
                    }
                )
    return out


def score_text(result: PanelResult, pack) -> str:
    places = pack.acceptance_scoring.method.rounding_places
    return str(Decimal(result.score).quantize(Decimal(1).scaleb(-places)))


# The scoring method as the report states it: the pack stores codes (mean, half_up …).
AGGREGATIONS = {
    "mean": gettext_noop("the mean of the members' totals"),
    "median": gettext_noop("the median of the members' totals"),
    "trimmed_mean": gettext_noop(
        "the mean of the members' totals without the highest and the lowest"
    ),
}
ROUNDINGS = {
    "half_up": gettext_noop("round half up"),
    "half_even": gettext_noop("round half to even"),
}


def method_text(method: dict) -> str:
    """How the panel score was computed, in the reader's language."""
    aggregation, rounding = method.get("aggregation", ""), method.get("rounding_mode", "")
    places = int(method.get("rounding_places") or 0)
    return ngettext(
        "%(aggregation)s, %(places)d decimal place (%(rounding)s)",
        "%(aggregation)s, %(places)d decimal places (%(rounding)s)",
        places,
    ) % {
        "aggregation": _(AGGREGATIONS[aggregation]) if aggregation in AGGREGATIONS else aggregation,
        "places": places,
        "rounding": _(ROUNDINGS[rounding]) if rounding in ROUNDINGS else rounding,
    }


def apply_result(*, actor, panel: Panel, document_number="", document_date="", reasons="") -> Case:
    """The regulator acts on the panel's result through the engine: a recommendation opens the
    public notice; a pass leads to establishment; below the pass mark the rectification order
    (or, with no round left, the failure) carries the items to rectify."""
    panel = Panel.objects.select_related("case").get(pk=panel.pk)
    case = panel.case
    if panel.state != Panel.State.COMPLETED:
        raise Conflict(_("The panel has no result to act on."))
    result = panel.result
    pack = case.pack
    opinions = "\n".join(f"{o['expert']}：{o['opinion']}" for o in result.opinions)
    if panel.purpose == Panel.Purpose.EXPERT_REVIEW:
        recommend = result.recommendation == "recommend"
        wanted = {"experts_recommend" if recommend else "experts_do_not_recommend"}
        payload = {
            "conclusion": result.recommendation,
            "opinions": opinions,
            "reasons": reasons or opinions,
        }
    else:
        score = score_text(result, pack)
        defects = [
            f"{i['name_zh']}（{i['mean']}/{i['max_points']}）" for i in result.items_to_rectify
        ] or [_("Below the pass mark.")]
        sc = pack.acceptance_scoring
        if result.passed:
            wanted = {"score_at_least_pass"}
        elif cases.rectification_rounds_used(case, pack) < sc.rectification_rounds:
            wanted = {"score_below_pass", "rectification_rounds_left"}
        else:
            wanted = {"score_below_pass", "rectification_rounds_exhausted"}
        payload = {
            "score": score,
            "conclusion": "pass" if result.passed else "fail",
            "opinions": opinions,
            "defects": defects,
            "reasons": reasons or "；".join(defects),
            "document_number": document_number,
            "document_date": document_date,
        }
    # The pack's transition out of the current stage whose preconditions match the result.
    transition = next(
        (
            t
            for t in pack.transitions_from(case.state)
            if wanted <= set(t.preconditions)
            and not (
                "rectification_rounds_left" in t.preconditions
                and "rectification_rounds_left" not in wanted
            )
        ),
        None,
    )
    if transition is None:
        raise Conflict(_("The rule pack has no transition for this result."))
    name = transition.name
    payload = {k: v for k, v in payload.items() if k in transition.records}
    with transaction.atomic():
        case = cases.take_transition(case=case, name=name, actor=actor, payload=payload)
        panel.state = Panel.State.APPLIED
        panel.save(update_fields=["state"])
    return case
