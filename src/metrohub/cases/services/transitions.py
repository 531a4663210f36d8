"""Taking a transition: the only way a case changes state.

One generic function realises "one function per state transition": the pack says, for each
transition, who may take it (roles), from where (`from`), what must be there (materials,
preconditions), what the actor records (records), what happens (effects) and which obligations it
opens and closes. Each vocabulary code is one small handler (`records`, `preconditions`,
`effects`), so adding a jurisdiction stays a data file.

Errors: PermissionDenied (403) for a role that may not act; Conflict (409) for a state that
forbids it, with the reason; ValidationError (422) for missing materials (every one) and bad
records; Http404 for a case outside the actor's scope or an unknown transition.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.cases.models import Case, Objection
from metrohub.cases.services import clock, effects, obligations, preconditions, records
from metrohub.cases.services.context import GUARDS, RECORD_SOURCES, Ctx, Problem
from metrohub.cases.services.idempotency import digest, idempotent
from metrohub.cases.services.scope import AUTHORITY_ROLES, case_roles, users_for
from metrohub.core.dates import legal_date
from metrohub.core.errors import Conflict
from metrohub.eventlog.services import append_event


def effective(roles: set[str], effective_date, case: Case) -> tuple[dt.date, bool]:
    """The act's date: today, or an earlier day an authority records an act done on paper."""
    now = clock.today()
    if effective_date in (None, ""):
        return now, False
    if not isinstance(effective_date, dt.date):
        try:
            effective_date = records.date(effective_date)
        except ValueError as exc:
            raise ValidationError({"effective_date": [str(exc)]}) from None
    if not roles & set(AUTHORITY_ROLES):
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
                    % {"day": legal_date(case.filed_on)}
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
    request = digest({"payload": payload, "effective_date": str(effective_date or "")})

    def replay(_stored):
        return Case.objects.get(pk=case.pk)

    def work():
        done = _take(case, name, actor, payload, effective_date)
        return done, {"case": done.pk, "state": done.state}

    return idempotent(actor, idempotency_key, scope, request, work, replay)


def _refuse(problems: list[Problem]) -> None:
    invalid = [p for p in problems if p.status == 422]
    if invalid:
        out: dict[str, list[str]] = {}
        for p in invalid:
            out.setdefault(p.field, []).append(p.message)
        raise ValidationError(out)
    if problems:
        raise Conflict(" ".join(p.message for p in problems))


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
    on, on_paper = effective(roles, effective_date, case)
    ctx = Ctx(
        case=case,
        pack=pack,
        transition=t,
        actor=actor,
        role=acting[0],
        payload=payload,
        on=on,
        on_paper=on_paper,
        previous=case.state,
    )
    for source in RECORD_SOURCES:
        for key, value in source(ctx).items():
            if ctx.payload.get(key) in (None, "", [], {}):
                ctx.payload = {**ctx.payload, key: value}
    errors = records.validate(ctx)
    if errors:
        raise ValidationError(errors)
    _refuse(preconditions.check(ctx) + [p for g in GUARDS for p in g(ctx)])
    return _apply(ctx)


def _apply(ctx) -> Case:
    case, pack, t = ctx.case, ctx.pack, ctx.transition
    case.state = t.to
    if "conclusion" in ctx.records:
        case.conclusion = ctx.records["conclusion"]
    if "supervisor" in ctx.records:
        case.supervisor = ctx.records["supervisor"]
    if "accept_objections" not in t.effects:
        case.accepting_objections = False
    for answer in ctx.records.get("objection_answers") or []:
        Objection.objects.filter(pk=answer["objection"], case=case).update(
            answer=answer["answer"], answered_by=ctx.actor, answered_at=timezone.now()
        )
    effects.run(ctx)
    closed = obligations.close(case, t.closes, ctx.on)
    opened = [obligations.open_obligation(ctx, d) for d in pack.deadlines_opened_by(t.name)]
    if pack.stage(t.to).terminal:
        closed += obligations.waive_live(
            case, _("The procedure ended: %(stage)s.") % {"stage": pack.stage(t.to).name_zh}
        )
    for listener in effects.LISTENERS:
        listener(ctx)
    case.save()
    event = append_event(
        subject=case.subject,
        action=f"transition.{t.name}",
        actor=ctx.actor,
        article=t.article,
        effective_date=ctx.on,
        payload={
            "transition": t.name,
            "from": ctx.previous,
            "to": t.to,
            "rulepack": case.rulepack_key,
            "role": ctx.role,
            "records": ctx.records,
            "recorded_on_paper": ctx.on_paper,
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
    _notify(case, event, ctx.actor, district=ctx.extra.get("notify_district", False))
    return case


def _notify(case, event, actor, *, district=False):
    """E-mail the next actors (and the applicant, when someone else acted)."""
    if not clock.notifying():
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
