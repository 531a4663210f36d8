"""Service guides (办事指南) generated from the rule packs, and the questions regulators maintain.

A guide has the elements of the government service portals, in their order (see
`ELEMENTS`). Each element is built from the rule pack the procedure engine applies, so the guide is
always true to the rules; what the pack does not give is said to be missing, never guessed. Every
item carries the article it rests on and an anchor into the guide's own list of the articles
cited (with the source's words where the pack quotes them).

Packs are read through `metrohub.rulepacks.services` (read only) and by attribute with defaults,
so a pack with stages, fields or sections this module does not know still renders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments, holds
from metrohub.eventlog.services import append_event
from metrohub.guides import flow as flow_module
from metrohub.guides.models import GuideQuestion, ProgrammeGuide
from metrohub.organisations.models import Organisation
from metrohub.rulepacks.services import find_pack, registry

# The elements of a guide, in the order the portals show them (docs: service-guide design).
ELEMENTS = (
    "overview",
    "authorities",
    "legal_basis",
    "applicants",
    "materials",
    "steps",
    "special_steps",
    "time_limits",
    "fees",
    "results",
    "place",
    "visits",
    "contact",
    "questions",
)
# Stages that are "special steps" (特殊环节) of government services whatever the pack says.
SPECIAL_STAGES = {"expert_review", "public_notice", "hearing", "onsite_acceptance"}
SPECIAL_EFFECTS = {"publish_notice", "notify_district_regulator"}
DOCUMENT_EFFECTS = {"issue_document", "issue_task_book"}
LEVEL_ZH = {"municipal": "市级", "provincial": "省级", "national": "国家"}
UNIT_ZH = {"days": "日", "working_days": "个工作日", "months": "个月", "years": "年"}
UNIT_EN = {"days": "days", "working_days": "working days", "months": "months", "years": "years"}
MAX_QUESTIONS = 50


def not_given() -> str:
    """For an item the source names without its text (text_given = false)."""
    return _("(text to be entered)")


def not_set() -> str:
    return _("Not set by the source")


# ------------------------------------------------------------------------------------- packs


def programmes() -> list:
    """The pack in force today for every programme (example packs left out), by code."""
    today = timezone.localdate()
    packs = []
    for code in registry().codes():
        pack = _in_force(code, today)
        if not getattr(pack.pack, "example", False):
            packs.append(pack)
    return packs


def _in_force(code: str, on: dt.date):
    try:
        return registry().in_force(code, on)
    except LookupError:
        return registry().latest(code)


def guide_pack(ref: str):
    """`chongqing` (the version in force today), `chongqing-2022` or `chongqing@2022`; KeyError
    when there is no such pack."""
    ref = (ref or "").strip()[:90]
    if ref in registry().codes():
        return _in_force(ref, timezone.localdate())
    return find_pack(ref)


def settings_for(code: str) -> ProgrammeGuide:
    """The maintained data of a programme (unsaved defaults when none is recorded)."""
    return ProgrammeGuide.objects.filter(programme=code).first() or ProgrammeGuide(programme=code)


# ------------------------------------------------------------------------------------ building


@dataclass
class Citations:
    """The articles a guide cites, in order of first use; each gets an anchor."""

    quotes: dict[str, list[str]] = field(default_factory=dict)
    used_by: dict[str, list[str]] = field(default_factory=dict)

    def cite(self, article: str | None, *, quote: str | None = None, element: str = "") -> dict:
        article = (article or "").strip()
        if not article:
            return {"article": "", "anchor": ""}
        quotes = self.quotes.setdefault(article, [])
        if quote and quote not in quotes:
            quotes.append(quote)
        users = self.used_by.setdefault(article, [])
        if element and element not in users:
            users.append(element)
        return {"article": article, "anchor": self.anchor(article)}

    def anchor(self, article: str) -> str:
        return f"art-{list(self.quotes).index(article) + 1}"

    def listing(self) -> list[dict]:
        return [
            {"article": a, "anchor": self.anchor(a), "quotes": q, "elements": self.used_by[a]}
            for a, q in self.quotes.items()
        ]


class _Reader:
    """The pack in one language, read by attribute with defaults."""

    def __init__(self, pack, lang: str):
        self.pack = pack
        self.lang = "en" if lang.startswith("en") else "zh"
        self.stages = {s.code: s for s in pack.stages}
        self.roles = {r.code: r for r in getattr(pack, "roles", [])}
        self.deadlines = {d.code: d for d in getattr(pack, "deadlines", [])}
        self.materials = {m.code: m for m in getattr(pack, "materials", [])}
        self.enumerations = {e.code: e for e in getattr(pack, "enumerations", [])}
        self._seen: dict[str, int] = {}

    def group(self, item) -> str:
        """For an item of a counted list (an enumeration): the list's name and the item's place,
        e.g. 现场审查应当提交的资料 · 第3项 — so items whose text is missing can be told apart."""
        code = getattr(item, "enumeration", None)
        if not code or code not in self.enumerations:
            return ""
        key = f"{code}:{getattr(item, 'code', id(item))}"
        if key not in self._seen:
            self._seen[key] = sum(1 for k in self._seen if k.startswith(f"{code}:")) + 1
        return _("%(list)s · item %(n)d") % {
            "list": self.text(self.enumerations[code]),
            "n": self._seen[key],
        }

    def material_names(self, codes) -> list[str]:
        """Materials a step needs; those whose text is missing are counted by their list."""
        names, missing = [], {}
        for code in codes:
            m = self.materials.get(code)
            if m is None:
                continue
            if getattr(m, "text_given", True):
                names.append(self.text(m))
            else:
                group = self.enumerations.get(getattr(m, "enumeration", None) or "")
                label = self.text(group) if group else _("other materials")
                missing[label] = missing.get(label, 0) + 1
        for label, n in missing.items():
            names.append(_("%(list)s (%(n)d items, text to be entered)") % {"list": label, "n": n})
        return names

    def text(self, item, attr: str = "name") -> str:
        if not getattr(item, "text_given", True):
            return not_given()
        return (
            getattr(item, f"{attr}_{self.lang}", None)
            or getattr(item, f"{attr}_zh", None)
            or getattr(item, f"text_{self.lang}", None)
            or getattr(item, "text_zh", None)
            or ""
        )

    def meta(self, attr: str) -> str:
        meta = self.pack.pack
        return getattr(meta, f"{attr}_{self.lang}", None) or getattr(meta, f"{attr}_zh", "") or ""

    def stage(self, code: str) -> str:
        stage = self.stages.get(code)
        return self.text(stage) if stage else code

    def role(self, code: str | None) -> str:
        if not code:
            return ""
        role = self.roles.get(code)
        return self.text(role) if role else code

    def deadline_text(self, d) -> str:
        count = getattr(d, "count", None)
        unit = getattr(d, "unit", "days")
        low = getattr(d, "count_min", None)
        minimum = getattr(d, "kind", "maximum") == "minimum"
        if count is None:
            return _("set by %(role)s") % {"role": self.role(getattr(d, "set_by", None))}
        if self.lang == "zh":
            amount = f"{low}–{count}" if low else f"{count}"
            text = f"{'不少于' if minimum else ''}{amount}{UNIT_ZH.get(unit, unit)}"
            return text + ("（一般）" if getattr(d, "indicative", False) else "")
        amount = f"{low}–{count}" if low else f"{count}"
        text = f"{'at least ' if minimum else ''}{amount} {UNIT_EN.get(unit, unit)}"
        return text + (" (as a rule)" if getattr(d, "indicative", False) else "")


def build_guide(pack, *, lang: str = "zh-hans", settings: ProgrammeGuide | None = None) -> dict:
    """Every element of the guide of `pack`, as plain data (the page, the PDF and the API)."""
    read = _Reader(pack, lang)
    cites = Citations()
    settings = settings or settings_for(pack.code)
    regulator = _regulator_organisation(pack)
    flow = flow_module.layout(pack, read.lang)
    guide = {
        "ref": f"{pack.code}-{pack.version}",
        "code": pack.code,
        "version": pack.version,
        "title": read.meta("title"),
        "jurisdiction": read.meta("jurisdiction_name"),
    }
    guide["overview"] = _overview(read, settings)
    guide["authorities"] = _authorities(read, cites)
    guide["applicants"] = _applicants(read, cites)
    guide["materials"] = _materials(read, cites)
    guide["steps"] = _steps(read, cites, flow.main_path)
    guide["special_steps"] = _special_steps(read, cites)
    guide["time_limits"] = _time_limits(read, cites)
    guide["fees"] = _fees(read, cites)
    guide["results"] = _results(read, cites, flow.main_path)
    guide["place"] = _place(read, settings, regulator)
    guide["visits"] = _visits(read, settings)
    guide["contact"] = _contact(settings, regulator)
    guide["questions"] = [
        {"question": q.question, "answer": q.answer}
        for q in GuideQuestion.objects.filter(programme=pack.code)[:MAX_QUESTIONS]
    ]
    guide["legal_basis"] = _legal_basis(read, cites)
    guide["flow"] = flow
    return guide


def _overview(read: _Reader, settings: ProgrammeGuide) -> dict:
    meta = read.pack.pack
    level = getattr(meta, "level", "")
    if settings.item_name:
        name = settings.item_name
    elif read.lang == "zh":
        name = f"{read.meta('jurisdiction_name')}{LEVEL_ZH.get(level, '')}产业计量测试中心筹建申请"
    else:
        name = _(
            "Application to build a %(level)s industrial metrology test center (%(where)s)"
        ) % {
            "level": {"municipal": _("municipal"), "provincial": _("provincial")}.get(
                level, _("national")
            ),
            "where": read.meta("jurisdiction_name"),
        }
    return {
        "name": name,
        "code": settings.item_code or _("Not yet assigned"),
        "type": str(ProgrammeGuide.ItemType(settings.item_type).label),
        "pack": f"{read.pack.code}-{read.pack.version}",
    }


def _authorities(read: _Reader, cites: Citations) -> dict:
    regulator = read.roles.get("programme_regulator")
    issuer = read.meta("issuer")
    out = {
        "competent": {"text": issuer, **cites.cite(None)},
        "implementing": {"text": not_set(), **cites.cite(None)},
        "endorsing": None,
    }
    if regulator is not None:
        cite = cites.cite(regulator.article, quote=regulator.quote, element=_("authorities"))
        out["competent"] = {"text": issuer, **cite}
        out["implementing"] = {"text": read.text(regulator), **cite}
    authority = read.roles.get("competent_authority")
    if authority is not None:
        out["endorsing"] = {
            "text": read.text(authority),
            **cites.cite(authority.article, quote=authority.quote, element=_("authorities")),
        }
    return out


def _condition(read: _Reader, cites: Citations, item, element: str) -> dict:
    return {
        "text": read.text(item, "text"),
        "given": bool(getattr(item, "text_given", True)),
        "group": read.group(item),
        **cites.cite(item.article, quote=getattr(item, "quote", None), element=element),
    }


def _applicants(read: _Reader, cites: Citations) -> dict:
    element = _("who may apply")
    applicant = read.roles.get("applicant")
    who = None
    if applicant is not None:
        who = {
            "text": read.text(applicant),
            "quote": getattr(applicant, "quote", None) or "",
            **cites.cite(applicant.article, quote=applicant.quote, element=element),
        }
    groups: dict[str, list[dict]] = {"applicant": [], "acceptance": [], "other": []}
    for item in getattr(read.pack, "conditions", []):
        kind = getattr(item, "applies_to", "applicant")
        groups.setdefault(kind, []).append(_condition(read, cites, item, element))
    return {
        "who": who,
        "conditions": groups.get("applicant", []),
        "acceptance_conditions": groups.get("acceptance", []),
        "other_conditions": [c for k, v in groups.items() if k not in ("applicant", "acceptance")
                             for c in v],
    }  # fmt: skip


def _attr_text(item, attr: str) -> str:
    """A material's form, original/copy or count, where a pack gives it."""
    value = getattr(item, attr, None)
    if value is None or value == "":
        return not_set()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _materials(read: _Reader, cites: Citations) -> list[dict]:
    element = pgettext("service guide", "materials")
    out = []
    for m in getattr(read.pack, "materials", []):
        out.append(
            {
                "name": read.text(m),
                "given": bool(getattr(m, "text_given", True)),
                "group": read.group(m),
                "form": _attr_text(m, "form"),
                "original": _attr_text(m, "original"),
                "copies": _attr_text(m, "copies"),
                "required": bool(getattr(m, "required", True)),
                "stage": read.stage(getattr(m, "stage", "")),
                "submitted_by": read.role(getattr(m, "submitted_by", "applicant")),
                "template": getattr(m, "template", None) or "",
                **cites.cite(m.article, quote=getattr(m, "quote", None), element=element),
            }
        )
    return out


def _transition(read: _Reader, cites: Citations, t, element: str) -> dict:
    opened = [read.deadlines[c] for c in getattr(t, "opens", []) if c in read.deadlines]
    return {
        "name": read.text(t),
        "to": read.stage(t.to),
        "roles": [read.role(r) for r in getattr(t, "roles", [])],
        "materials": read.material_names(getattr(t, "materials", [])),
        "deadlines": [f"{read.text(d)}：{read.deadline_text(d)}" for d in opened],
        "optional": bool(getattr(t, "optional", False)),
        **cites.cite(t.article, quote=getattr(t, "quote", None), element=element),
    }


def _steps(read: _Reader, cites: Citations, path: list[str]) -> list[dict]:
    element = _("steps")
    steps = []
    for number, code in enumerate(path, start=1):
        stage = read.stages[code]
        leaving = [t for t in read.pack.transitions if code in flow_module._sources(t)]
        nxt = path[number] if number < len(path) else None
        onward = [t for t in leaving if nxt is not None and t.to == nxt]
        steps.append(
            {
                "number": number,
                "stage": read.text(stage),
                **cites.cite(stage.article, quote=getattr(stage, "quote", None), element=element),
                "actions": [_transition(read, cites, t, element) for t in onward],
                "branches": [
                    _transition(read, cites, t, element) for t in leaving if t not in onward
                ],
            }
        )
    return steps


def _special_steps(read: _Reader, cites: Citations) -> list[dict]:
    element = _("special steps")
    entering: dict[str, list] = {}
    for t in read.pack.transitions:
        entering.setdefault(t.to, []).append(t)
    out = []
    for stage in read.pack.stages:
        into = [
            t for t in entering.get(stage.code, []) if stage.code not in flow_module._sources(t)
        ]
        special = stage.code in SPECIAL_STAGES or any(
            set(getattr(t, "effects", [])) & SPECIAL_EFFECTS for t in into
        )
        if not special:
            continue
        times = [
            f"{read.text(read.deadlines[c])}：{read.deadline_text(read.deadlines[c])}"
            for t in into
            for c in getattr(t, "opens", [])
            if c in read.deadlines
        ]
        counted = getattr(stage, "counted_in_time_limit", None)
        out.append(
            {
                "name": read.text(stage),
                "time": "；".join(dict.fromkeys(times)) or not_set(),
                "counted": not_set() if counted is None else (_("yes") if counted else _("no")),
                **cites.cite(stage.article, quote=getattr(stage, "quote", None), element=element),
            }
        )
    return out


def _time_limits(read: _Reader, cites: Citations) -> dict:
    element = _("time limits")
    transitions = {t.name: t for t in read.pack.transitions}
    rows = []
    for d in getattr(read.pack, "deadlines", []):
        anchor = getattr(d, "anchor", "")
        runs_from = transitions.get(anchor)
        rows.append(
            {
                "name": read.text(d),
                "limit": read.deadline_text(d),
                "runs_from": read.text(runs_from) if runs_from is not None else "",
                "responsible": read.role(getattr(d, "responsible", None)),
                "indicative": bool(getattr(d, "indicative", False)),
                **cites.cite(d.article, quote=getattr(d, "quote", None), element=element),
            }
        )
    statutory = getattr(read.pack, "statutory_time_limit", None)
    return {
        "statutory": str(statutory) if statutory else not_set(),
        "promised": not_set(),
        "deadlines": rows,
    }


def _fees(read: _Reader, cites: Citations) -> dict:
    fees = getattr(read.pack, "fees", None)
    if fees:
        text = getattr(fees, f"text_{read.lang}", None) or str(fees)
        return {"text": text, **cites.cite(getattr(fees, "article", None), element=_("fees"))}
    return {"text": _("No fee"), "basis": _("The rules set no fee."), **cites.cite(None)}


def _results(read: _Reader, cites: Citations, path: list[str]) -> list[dict]:
    element = pgettext("service guide", "result")
    on_path = set(zip(path, path[1:], strict=False))
    out = []
    for t in read.pack.transitions:
        effects = set(getattr(t, "effects", []))
        if not effects & DOCUMENT_EFFECTS:
            continue
        if not any((s, t.to) in on_path for s in flow_module._sources(t)):
            continue
        kinds = []
        if "issue_task_book" in effects:
            kinds.append(_("construction task book"))
        if "issue_document" in effects:
            kinds.append(_("approval document"))
        out.append(
            {
                "name": read.text(t),
                "documents": kinds,
                "sample": _("No sample is given by the source"),
                **cites.cite(t.article, quote=getattr(t, "quote", None), element=element),
            }
        )
    return out


def _regulator_organisation(pack) -> Organisation | None:
    return (
        Organisation.objects.filter(
            kind=Organisation.Kind.REGULATOR, jurisdiction__code=pack.pack.jurisdiction
        )
        .order_by("pk")
        .first()
    )


def _place(read: _Reader, settings: ProgrammeGuide, regulator) -> dict:
    address = settings.office_address or (regulator.address if regulator else "")
    return {
        "office": regulator.name if regulator else not_set(),
        "address": address or _("Not recorded yet"),
        "hours": settings.office_hours or _("Not recorded yet"),
        "online": _("Online on this platform"),
    }


def _visits(read: _Reader, settings: ProgrammeGuide) -> dict:
    onsite = "onsite_acceptance" in read.stages
    return {
        "count": settings.visits,
        "note": _("The on-site review takes place at the applicant's premises.") if onsite else "",
    }


def _contact(settings: ProgrammeGuide, regulator) -> dict:
    phone = settings.enquiry_phone or (regulator.contact_phone if regulator else "")
    return {
        "phone": phone or _("Not recorded yet"),
        "email": (regulator.contact_email if regulator else "") or "",
        "complaints": settings.complaint_channel or _("Not recorded yet"),
    }


def _legal_basis(read: _Reader, cites: Citations) -> dict:
    meta = read.pack.pack
    effective = getattr(meta, "effective_date", None)
    return {
        "document": read.meta("title"),
        "number": getattr(meta, "document_number", None) or not_set(),
        "issuer": read.meta("issuer"),
        "issued": getattr(meta, "issued", None),
        "effective": effective,
        "articles": cites.listing(),
    }


# ------------------------------------------------------------------------------- the API form


def guide_json(guide: dict) -> dict:
    """The guide as JSON: dates as ISO text, the flow as nodes and edges."""
    out = {k: v for k, v in guide.items() if k != "flow"}
    basis = dict(out["legal_basis"])
    for key in ("issued", "effective"):
        basis[key] = basis[key].isoformat() if basis[key] else None
    out["legal_basis"] = basis
    flow = guide["flow"]
    out["flow"] = {
        "main_path": [n.name for code in flow.main_path for n in flow.nodes if n.code == code],
        "nodes": [{"name": n.name, "kind": n.kind, "article": n.article} for n in flow.nodes],
        "edges": [
            {
                "from": next(n.name for n in flow.nodes if n.code == e.source),
                "to": next(n.name for n in flow.nodes if n.code == e.target),
                "name": e.name,
                "article": e.article,
            }
            for e in flow.edges
        ],
    }
    return out


def summaries(*, lang: str = "zh-hans") -> list[dict]:
    """One line per programme (the pack in force today), for the list page and the API."""
    settings = {g.programme: g for g in ProgrammeGuide.objects.all()}
    out = []
    for pack in programmes():
        read = _Reader(pack, lang)
        item = _overview(read, settings.get(pack.code) or ProgrammeGuide(programme=pack.code))
        meta = pack.pack
        out.append(
            {
                "code": pack.code,
                "version": pack.version,
                "name": item["name"],
                "type": item["type"],
                "jurisdiction": read.meta("jurisdiction_name"),
                "title": read.meta("title"),
                "issuer": read.meta("issuer"),
                "effective": getattr(meta, "effective_date", None),
                "stages": len(pack.stages),
                "materials": len(getattr(pack, "materials", [])),
            }
        )
    return out


def search_guides(q: str, *, lang: str = "zh-hans") -> list[dict]:
    """Guides whose title, item name, stages, materials or conditions contain every term."""
    terms = [t for t in (q or "").replace("\x00", "").lower().split() if t][:8]
    if not terms:
        return []
    settings = {g.programme: g for g in ProgrammeGuide.objects.all()}
    found = []
    for pack in programmes():
        read = _Reader(pack, lang)
        item = _overview(read, settings.get(pack.code) or ProgrammeGuide(programme=pack.code))
        texts = [item["name"], read.meta("title"), read.meta("jurisdiction_name")]
        texts += [read.text(s) for s in pack.stages]
        texts += [read.text(m) for m in getattr(pack, "materials", [])]
        texts += [read.text(c, "text") for c in getattr(pack, "conditions", [])]
        haystack = " ".join(texts).lower()
        if all(term in haystack for term in terms):
            found.append({"code": pack.code, "name": item["name"], "title": read.meta("title")})
    return found


# --------------------------------------------------------------------- the common questions


def may_edit(user, pack) -> bool:
    """Platform administrators; programme regulators of the pack's jurisdiction."""
    if holds(user, Role.PLATFORM_ADMIN):
        return True
    return any(
        a.role == Role.PROGRAMME_REGULATOR and a.jurisdiction.code == pack.pack.jurisdiction
        for a in assignments(user)
    )


def _check_editor(actor, pack) -> None:
    if not may_edit(actor, pack):
        raise PermissionDenied(_("Only the programme's regulator may edit its guide."))


def _clean(question: str, answer: str) -> tuple[str, str]:
    question, answer = (question or "").strip(), (answer or "").strip()
    errors = {}
    if not question:
        errors["question"] = [_("Write the question.")]
    elif len(question) > 200:
        errors["question"] = [_("The question is longer than 200 characters.")]
    if not answer:
        errors["answer"] = [_("Write the answer to the question.")]
    elif len(answer) > 2000:
        errors["answer"] = [_("The answer is longer than 2,000 characters.")]
    for name, text in (("question", question), ("answer", answer)):
        if any(0xD800 <= ord(ch) <= 0xDFFF or ch == "\x00" for ch in text):
            errors.setdefault(name, []).append(
                _("The text contains characters that cannot be stored.")
            )
    if errors:
        raise ValidationError(errors)
    return question, answer


def add_question(*, actor, pack, question: str, answer: str) -> GuideQuestion:
    _check_editor(actor, pack)
    question, answer = _clean(question, answer)
    with transaction.atomic():
        existing = GuideQuestion.objects.select_for_update().filter(programme=pack.code)
        if existing.count() >= MAX_QUESTIONS:
            raise ValidationError(
                {"question": [_("A guide holds at most %(n)d questions.") % {"n": MAX_QUESTIONS}]}
            )
        last = existing.order_by("-position").values_list("position", flat=True).first()
        item = GuideQuestion.objects.create(
            programme=pack.code, question=question, answer=answer, position=(last or 0) + 1
        )
        append_event(
            subject=f"guide:{pack.code}",
            action="guide.question_added",
            actor=actor,
            payload={"id": item.pk, "question": question},
        )
    return item


def update_question(*, actor, pack, item: GuideQuestion, question: str, answer: str):
    _check_editor(actor, pack)
    question, answer = _clean(question, answer)
    with transaction.atomic():
        item.question, item.answer = question, answer
        item.save(update_fields=["question", "answer", "updated_at"])
        append_event(
            subject=f"guide:{pack.code}",
            action="guide.question_changed",
            actor=actor,
            payload={"id": item.pk, "question": question},
        )
    return item


def delete_question(*, actor, pack, item: GuideQuestion) -> None:
    _check_editor(actor, pack)
    with transaction.atomic():
        payload = {"id": item.pk, "question": item.question}
        item.delete()
        append_event(
            subject=f"guide:{pack.code}",
            action="guide.question_deleted",
            actor=actor,
            payload=payload,
        )
