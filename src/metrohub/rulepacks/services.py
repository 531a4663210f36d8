"""The rule packs in force: the shipped files plus the versions regulators made on the platform
(texts a seed does not give, entered with their source), loaded once per process and reloaded when
a version is added; their readable form; the texts still waiting."""

import threading
import time

from django.db import DatabaseError

from metrohub.rulepacks.loader import Registry, load_packs
from metrohub.rulepacks.schema import RulePack, cross_reference_errors

PENDING_ZH = "（条文待补录）"
PENDING_EN = "(text to be entered)"
#: How often a process looks for versions another process added (seconds).
RECHECK_SECONDS = 30.0

_lock = threading.Lock()
_state: dict = {"registry": None, "stamp": None, "checked": 0.0, "files": None}

UNIT_WORDS = {
    "zh": {"days": "日", "working_days": "个工作日", "months": "个月", "years": "年"},
    "en": {"days": "days", "working_days": "working days", "months": "months", "years": "years"},
}


def _stamp():
    from metrohub.rulepacks.models import PackRevision

    try:
        return tuple(PackRevision.objects.order_by("-pk").values_list("pk", flat=True)[:1]), (
            PackRevision.objects.count()
        )
    except (DatabaseError, RuntimeError):  # no table yet, or no database (check command, tests)
        return None


def _revisions() -> list[RulePack]:
    from metrohub.rulepacks.models import PackRevision

    try:
        rows = list(PackRevision.objects.order_by("pk").values_list("data", flat=True))
    except (DatabaseError, RuntimeError):
        return []
    return [RulePack.model_validate(data) for data in rows]


def registry() -> Registry:
    """The shipped packs and the platform's versions, cached; rebuilt when a version is added
    (at once in this process, within RECHECK_SECONDS in others)."""
    now = time.monotonic()
    state = _state
    if state["registry"] is not None and now - state["checked"] < RECHECK_SECONDS:
        return state["registry"]
    with _lock:
        stamp = _stamp()
        if state["registry"] is None or stamp != state["stamp"]:
            if state["files"] is None:
                state["files"] = list(load_packs())
            state["registry"] = Registry([*state["files"], *_revisions()])
            state["stamp"] = stamp
        state["checked"] = now
        return state["registry"]


def reload() -> None:
    """Forget the cached registry (a version was added, or a test rolled one back)."""
    _state["registry"], _state["checked"] = None, 0.0


def find_pack(ref: str) -> RulePack:
    """`chongqing` (the latest version), `chongqing@2022` or `chongqing-2022`; KeyError if none."""
    reg = registry()
    if "@" in ref:
        code, version = ref.split("@", 1)
        return reg.get(code, version)
    if ref in reg.codes():
        return reg.latest(ref)
    code, _sep, version = ref.rpartition("-")
    if code in reg.codes():
        return reg.get(code, version)
    raise KeyError(ref)


def _name(item, lang: str) -> str:
    return (
        getattr(item, f"name_{lang}", None)
        or getattr(item, f"text_{lang}", "")
        or getattr(item, "code", "")
    )


def _deadline_text(deadline, lang: str) -> str:
    words = UNIT_WORDS[lang]
    if deadline.count is None:
        # The seed names the limit without its length: say so rather than print "?日".
        return "期限待补录" if lang == "zh" else "length to be entered"
    count = deadline.count
    if lang == "zh":
        text = f"{'不少于' if deadline.kind == 'minimum' else ''}{count}{words[deadline.unit]}"
        return text + ("（一般）" if deadline.indicative else "")
    text = f"{'at least ' if deadline.kind == 'minimum' else ''}{count} {words[deadline.unit]}"
    return text + (" (as a rule)" if deadline.indicative else "")


def _words():
    """The labels of the packs' own vocabulary (sections and enumerated values), translated."""
    from django.utils.translation import gettext_lazy as _

    return {
        "transition": _("Step"),
        "deadline": _("Time limit"),
        "material": _("Material"),
        "threshold": _("Threshold"),
        "annual_duty": _("Annual duty"),
        "event_report": _("Report of a major event"),
        "supervision": _("Supervision"),
        "periodic_review": _("Periodic review"),
        "revocation": _("Ground for revocation"),
        "at_least": _("at least"),
        "at_most": _("at most"),
        "above": _("above"),
        "below": _("below"),
        "exactly": _("exactly"),
        "construction": _("during construction"),
        "established": _("once established"),
        "construction_and_established": _("during construction and once established"),
        "written": _("in writing"),
        "filing": _("for the record"),
        "application": _("by application"),
        "unannounced": _("unannounced checks"),
        "yearly": _("every year"),
        "ongoing": _("ongoing"),
        "before_construction_ends": _("before construction ends"),
    }


def _labeller(pack: RulePack, lang: str):
    """code → its name in the pack (roles, stages, transitions, reports) or vocabulary."""
    names = {}
    for section in ("roles", "stages", "event_reports", "deadlines"):
        for item in getattr(pack, section):
            names[item.code] = _name(item, lang)
    for t in pack.transitions:
        names[t.name] = _name(t, lang)
    words = _words()

    def label(code: str | None) -> str:
        if not code:
            return ""
        return str(names.get(code) or words.get(code) or code)

    return label


def readable_rows(pack: RulePack, lang: str) -> list[dict]:
    """One row per rule — section, rule, detail, deadline, article — for the public table, in
    the reader's words: every code of the pack shown by its name."""
    lang = "en" if lang.startswith("en") else "zh"
    label = _labeller(pack, lang)
    deadlines = {d.code: d for d in pack.deadlines}
    rows = []

    def row(section, rule, *, detail="", roles=(), deadline="", article=""):
        rows.append(
            {
                "section": label(section),
                "rule": rule,
                "detail": detail,
                "roles": "、".join(label(r) for r in roles if r),
                "deadline": deadline,
                "article": article,
            }
        )

    for t in pack.transitions:
        opened = [deadlines[c] for c in t.opens if c in deadlines]
        row(
            "transition",
            _name(t, lang),
            detail=f"{' / '.join(label(s) for s in t.from_)} → {label(t.to)}",
            roles=t.roles,
            deadline="; ".join(_deadline_text(d, lang) for d in opened),
            article=t.article,
        )
    for d in pack.deadlines:
        row(
            "deadline",
            _name(d, lang),
            detail=label(d.anchor),
            roles=[d.responsible],
            deadline=_deadline_text(d, lang),
            article=d.article,
        )
    for m in pack.materials:
        row("material", shown_text(m, lang), detail=label(m.stage), article=m.article)
    for th in pack.thresholds:
        detail = f"{label(th.comparison)} {th.value} {th.unit}"
        row("threshold", _name(th, lang), detail=detail, article=th.article)
    for duty in pack.annual_duties:
        due = ""
        if duty.due_month:
            due = (
                f"{duty.due_month}月{duty.due_day}日"
                if lang == "zh"
                else f"{duty.due_month}-{duty.due_day}"
            )
        row(
            "annual_duty",
            _name(duty, lang),
            detail=label(duty.period),
            roles=[duty.role],
            deadline=due,
            article=duty.article,
        )
    for report in pack.event_reports:
        limit = deadlines.get(report.deadline)
        row(
            "event_report",
            _name(report, lang),
            detail=label(report.form),
            roles=[report.role],
            deadline=_deadline_text(limit, lang) if limit else "",
            article=report.article,
        )
    for sup in pack.supervision:
        row(
            "supervision",
            _name(sup, lang),
            detail=label(sup.frequency),
            roles=[sup.role],
            article=sup.article,
        )
    if pack.periodic_review:
        review = pack.periodic_review
        row(
            "periodic_review",
            "复核" if lang == "zh" else "periodic review",
            roles=[review.role],
            deadline=f"{review.cycle_years}{'年' if lang == 'zh' else ' years'}",
            article=review.article,
        )
    for ground in pack.revocation_grounds:
        row("revocation", shown_text(ground, lang), article=ground.article)
    return rows


# --------------------------------------------------------------- texts the seed does not give

#: The sections whose items may lack their text, and the field holding it.
TEXT_SECTIONS = {"conditions": "text", "materials": "name", "revocation_grounds": "text"}


def shown_text(item, lang: str = "zh") -> str:
    """An item's text, or "（条文待补录）" while the seed's text waits to be entered."""
    if not getattr(item, "text_given", True):
        return PENDING_EN if lang.startswith("en") else PENDING_ZH
    field = "name" if hasattr(item, "name_zh") else "text"
    return getattr(item, f"{field}_{'en' if lang.startswith('en') else 'zh'}")


def pending_items(pack: RulePack) -> list[dict]:
    """Every item whose text the seed does not give: what the regulator may fill in."""
    out = []
    for section in TEXT_SECTIONS:
        for item in getattr(pack, section):
            if not item.text_given:
                out.append(
                    {
                        "section": section,
                        "code": item.code,
                        "label": getattr(item, f"{TEXT_SECTIONS[section]}_zh"),
                        "article": item.article,
                        "enumeration": item.enumeration or "",
                    }
                )
    return out


def _next_version(pack: RulePack, taken: set[str]) -> str:
    n = 1
    while f"{pack.version}.{n}" in taken:
        n += 1
    return f"{pack.version}.{n}"


def _field_errors(raw: dict, key: str, limits: dict[str, int]) -> dict[str, list[str]]:
    from django.utils.translation import gettext as _

    errors = {}
    for name, limit in limits.items():
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            errors[f"{key}.{name}"] = [_("Required.")]
        elif len(value) > limit:
            errors[f"{key}.{name}"] = [_("At most %(n)d characters.") % {"n": limit}]
    return errors


def fill_texts(*, actor, code: str, items: list[dict], effective_date, reason: str = ""):
    """Enter the text of items the seed does not give: a new version of the latest pack of
    `code`, checked by the same validator as a file, in force from `effective_date`, logged.
    Each item: {section, code, text_zh, text_en, source_document, source_article}."""
    import datetime as dt

    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import IntegrityError, transaction
    from django.utils.translation import gettext as _

    from metrohub.eventlog.services import append_event
    from metrohub.rulepacks.models import PackRevision

    try:
        base = registry().latest(code)
    except KeyError:
        from django.http import Http404

        raise Http404 from None
    if not may_edit(actor, base):
        raise PermissionDenied(
            _("The programme regulator of the pack's jurisdiction enters texts.")
        )
    if not isinstance(effective_date, dt.date):
        raise ValidationError({"effective_date": [_("Give a date as YYYY-MM-DD.")]})
    after = base.pack.effective_date
    if after is not None and effective_date <= after:
        raise ValidationError(
            {
                "effective_date": [
                    _("A new version takes effect after %(day)s, when the current one did.")
                    % {"day": after.isoformat()}
                ]
            }
        )
    if len(reason or "") > 2000:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": 2000}]})
    waiting = {(i["section"], i["code"]) for i in pending_items(base)}
    if not isinstance(items, list) or not items:
        raise ValidationError({"items": [_("Fill in at least one item.")]})
    errors: dict[str, list[str]] = {}
    data = base.model_dump(mode="json", by_alias=True, exclude_none=True)
    filled = []
    for i, raw in enumerate(items[:200]):
        key = f"items.{i}"
        if not isinstance(raw, dict) or (raw.get("section"), raw.get("code")) not in waiting:
            errors[key] = [_("Not an item whose text waits to be entered.")]
            continue
        problems = _field_errors(
            raw,
            key,
            {"text_zh": 2000, "text_en": 2000, "source_document": 200, "source_article": 60},
        )
        if problems:
            errors.update(problems)
            continue
        field = TEXT_SECTIONS[raw["section"]]
        entry = next(e for e in data[raw["section"]] if e["code"] == raw["code"])
        entry[f"{field}_zh"], entry[f"{field}_en"] = raw["text_zh"].strip(), raw["text_en"].strip()
        entry["text_given"] = True
        entry["quote"] = raw["text_zh"].strip()
        entry["note"] = (
            f"Text entered on the platform from {raw['source_document'].strip()} "
            f"{raw['source_article'].strip()}."
        )
        filled.append(
            {
                k: str(raw[k]).strip()
                for k in (
                    "section",
                    "code",
                    "text_zh",
                    "text_en",
                    "source_document",
                    "source_article",
                )
            }
        )
    if errors:
        raise ValidationError(errors)
    taken = {p.version for p in registry().versions(code)}
    version = _next_version(base, taken)
    data["pack"].update(
        version=version, supersedes=base.key, effective_date=effective_date.isoformat()
    )
    data["pack"].pop("effective_date_note", None)
    try:
        pack = RulePack.model_validate(data)
    except Exception as exc:  # pydantic: the same validator as a file
        raise ValidationError({"items": [str(exc).splitlines()[0]]}) from None
    problems = cross_reference_errors(pack)
    if problems:
        raise ValidationError({key or "items": [message] for key, message in problems})
    try:
        with transaction.atomic():
            PackRevision.objects.create(
                code=code,
                version=version,
                supersedes=base.key,
                effective_date=effective_date,
                data=data,
                filled=filled,
                reason=(reason or "").strip(),
                created_by=actor,
            )
            append_event(
                subject=f"rulepack:{code}",
                action="rulepack.texts_entered",
                actor=actor,
                effective_date=effective_date,
                payload={"version": version, "supersedes": base.key, "filled": filled},
            )
    except IntegrityError:
        from metrohub.core.errors import Conflict

        raise Conflict(
            _("Another version was made at the same time; reload and try again.")
        ) from None
    reload()
    return registry().get(code, version)


def may_edit(user, pack: RulePack) -> bool:
    """The programme regulator of the pack's jurisdiction (or a platform administrator)."""
    from metrohub.accounts.models import Role
    from metrohub.accounts.roles import assignments, holds

    if holds(user, Role.PLATFORM_ADMIN):
        return True
    return any(
        a.role == Role.PROGRAMME_REGULATOR and a.jurisdiction.code == pack.pack.jurisdiction
        for a in assignments(user)
    )
