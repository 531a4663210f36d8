"""The shipped rule packs, loaded once per process, and their readable form."""

from functools import cache

from metrohub.rulepacks.loader import Registry, load_packs
from metrohub.rulepacks.schema import RulePack

UNIT_WORDS = {
    "zh": {"days": "日", "working_days": "个工作日", "months": "个月", "years": "年"},
    "en": {"days": "days", "working_days": "working days", "months": "months", "years": "years"},
}


@cache
def registry() -> Registry:
    return load_packs()


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
    count = deadline.count if deadline.count is not None else "?"
    if lang == "zh":
        text = f"{'不少于' if deadline.kind == 'minimum' else ''}{count}{words[deadline.unit]}"
        return text + ("（一般）" if deadline.indicative else "")
    text = f"{'at least ' if deadline.kind == 'minimum' else ''}{count} {words[deadline.unit]}"
    return text + (" (as a rule)" if deadline.indicative else "")


def readable_rows(pack: RulePack, lang: str) -> list[dict]:
    """One row per rule — section, rule, detail, deadline, article — for the public table."""
    lang = "en" if lang.startswith("en") else "zh"
    stages = {s.code: _name(s, lang) for s in pack.stages}
    deadlines = {d.code: d for d in pack.deadlines}
    rows = []
    for t in pack.transitions:
        opened = [deadlines[c] for c in t.opens if c in deadlines]
        rows.append(
            {
                "section": "transition",
                "rule": _name(t, lang),
                "detail": f"{' / '.join(stages.get(s, s) for s in t.from_)} → {stages.get(t.to, t.to)}",
                "roles": ", ".join(t.roles),
                "deadline": "; ".join(_deadline_text(d, lang) for d in opened),
                "article": t.article,
            }
        )
    for d in pack.deadlines:
        rows.append(
            {
                "section": "deadline",
                "rule": _name(d, lang),
                "detail": d.anchor,
                "roles": d.responsible or "",
                "deadline": _deadline_text(d, lang),
                "article": d.article,
            }
        )
    for m in pack.materials:
        rows.append(
            {
                "section": "material",
                "rule": _name(m, lang),
                "detail": stages.get(m.stage, m.stage),
                "roles": "",
                "deadline": "",
                "article": m.article,
            }
        )
    for th in pack.thresholds:
        rows.append(
            {
                "section": "threshold",
                "rule": _name(th, lang),
                "detail": f"{th.comparison} {th.value} {th.unit}",
                "roles": "",
                "deadline": "",
                "article": th.article,
            }
        )
    for duty in pack.annual_duties:
        due = f"{duty.due_month}-{duty.due_day}" if duty.due_month else ""
        rows.append(
            {
                "section": "annual_duty",
                "rule": _name(duty, lang),
                "detail": duty.period,
                "roles": duty.role,
                "deadline": due,
                "article": duty.article,
            }
        )
    for report in pack.event_reports:
        rows.append(
            {
                "section": "event_report",
                "rule": _name(report, lang),
                "detail": report.form,
                "roles": report.role,
                "deadline": _deadline_text(deadlines[report.deadline], lang)
                if report.deadline in deadlines
                else "",
                "article": report.article,
            }
        )
    for sup in pack.supervision:
        rows.append(
            {
                "section": "supervision",
                "rule": _name(sup, lang),
                "detail": sup.frequency,
                "roles": sup.role,
                "deadline": "",
                "article": sup.article,
            }
        )
    if pack.periodic_review:
        review = pack.periodic_review
        rows.append(
            {
                "section": "periodic_review",
                "rule": "复核" if lang == "zh" else "periodic review",
                "detail": "",
                "roles": review.role,
                "deadline": f"{review.cycle_years}{'年' if lang == 'zh' else ' years'}",
                "article": review.article,
            }
        )
    for ground in pack.revocation_grounds:
        given = getattr(ground, "text_given", True)
        rows.append(
            {
                "section": "revocation",
                "rule": _name(ground, lang)
                if given
                else ("（原文未给出）" if lang == "zh" else "(not given in the source)"),
                "detail": "",
                "roles": "",
                "deadline": "",
                "article": ground.article,
            }
        )
    return rows
