"""What an actor records when taking a transition: one validator per code of the packs' `records`
vocabulary. Each takes the transition's context and the raw value and returns the clean value or
raises ValueError with a translated message (shown beside the field)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from metrohub.accounts.models import Role, User
from metrohub.accounts.roles import assignments
from metrohub.cases.services import clock
from metrohub.cases.services.scope import case_roles

# Payload keys that are not records but steer the engine.
EXTRA_KEYS = {
    "deadline_count",
    "conditions_met",
    "center_code",
    "comment",
    "defect_answers",
    "checklist",  # an inspection's results, item by item (metrohub.inspections)
}
# Records that may be empty (an answer list when nobody objected).
OPTIONAL_RECORDS = {"objection_answers"}


def text(value, *, limit=5000):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(_("Write some text."))
    if len(value) > limit:
        raise ValueError(_("At most %(n)d characters.") % {"n": limit})
    return value.strip()


def lines(value, *, limit=200):
    """A list of texts (or one text, one item per line)."""
    if isinstance(value, str):
        value = [line for line in value.splitlines() if line.strip()]
    if not isinstance(value, list) or not value:
        raise ValueError(_("Give at least one item."))
    if len(value) > limit:
        raise ValueError(_("At most %(n)d items.") % {"n": limit})
    return [text(item, limit=2000) for item in value]


def date(value):
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
    out = re.sub(r"\s+", "", value or "")
    return re.sub(r"[\[［(（【〔](\d{4})[\]］)）】〕]", r"〔\1〕", out)


def _document_number(ctx, value):
    if not isinstance(value, str):
        raise ValueError(_("Give the document number, e.g. 渝市监发〔2025〕12号."))
    number = normalise_document_number(value)
    if not _DOC_NUMBER.match(number):
        raise ValueError(
            _("“%(value)s” is not a document number like 渝市监发〔2025〕12号.")
            % {"value": value[:60]}
        )
    return number


def _document_date(ctx, value):
    day = date(value)
    if day > clock.today():
        raise ValueError(_("A document date cannot be in the future."))
    return day.isoformat()


def _score(ctx, value):
    sc = ctx.pack.acceptance_scoring
    places = sc.method.rounding_places if sc else 1
    maximum = Decimal(sc.max_score) if sc else Decimal(100)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(_("Give the score as a number."))
    if isinstance(value, str) and len(value) > 20:
        raise ValueError(_("Give the score as a number."))
    try:
        score = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(_("Give the score as a number.")) from None
    if not score.is_finite() or score < 0 or score > maximum:
        raise ValueError(_("The score lies between 0 and %(max)s.") % {"max": maximum})
    if -score.as_tuple().exponent > places:
        raise ValueError(_("At most %(n)d decimal places.") % {"n": places})
    return f"{score.quantize(Decimal(1).scaleb(-places)):f}"


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
                % {"name": str(username)[:150]}
            )
        org = next(
            (a.organisation for a in assignments(user) if a.role == Role.DISTRICT_REGULATOR),
            None,
        )
        return {"username": user.username, "name": str(user), "organisation": str(org or "")}
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(_("Name the supervisor the district bureau sends."))
    if len(name) > 100:
        raise ValueError(_("At most %(n)d characters.") % {"n": 100})
    organisation = value.get("organisation", "")
    if not isinstance(organisation, str) or len(organisation) > 200:
        raise ValueError(_("At most %(n)d characters.") % {"n": 200})
    return {"username": "", "name": name.strip(), "organisation": organisation.strip()}


def _grounds(ctx, value):
    # a ground whose text the seed does not give cannot be cited until it is entered
    codes = {g.code for g in ctx.pack.revocation_grounds if g.text_given}
    if not codes:
        raise ValueError(
            _("The pack's grounds wait for their text to be entered; none can be cited yet.")
        )
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
        out.append({"objection": item["objection"], "answer": text(item.get("answer"))})
    return out


RECORDS: dict[str, Callable] = {
    "reasons": lambda ctx, v: text(v),
    "defects": lambda ctx, v: lines(v),
    "opinions": lambda ctx, v: text(v),
    "conclusion": _conclusion,
    "document_number": _document_number,
    "document_date": _document_date,
    "score": _score,
    "supervisor": _supervisor,
    "panel": lambda ctx, v: lines(v, limit=50),
    "evaluation_result": lambda ctx, v: text(v),
    "grounds": _grounds,
    "letter": lambda ctx, v: text(v, limit=2000),
    "guidance_record": lambda ctx, v: text(v),
    "objection_answers": _objection_answers,
    "hearing_record": lambda ctx, v: text(v),
    "findings": lambda ctx, v: lines(v),
    "visit_date": lambda ctx, v: date(v).isoformat(),
    "place": lambda ctx, v: text(v, limit=200),
    "problem": lambda ctx, v: text(v, limit=10000),
    "answer": lambda ctx, v: text(v, limit=10000),
}


def validate(ctx) -> dict[str, list[str]]:
    """Every record of the transition checked at once: {field: [messages]}."""
    errors: dict[str, list[str]] = {}
    unknown = set(ctx.payload) - set(ctx.transition.records) - EXTRA_KEYS
    for key in sorted(unknown)[:20]:
        errors[str(key)[:64]] = [
            _("“%(key)s” is not recorded by this transition.") % {"key": str(key)[:64]}
        ]
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
            ctx.extra["comment"] = text(ctx.payload["comment"])
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
