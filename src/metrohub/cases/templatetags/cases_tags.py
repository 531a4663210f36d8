from django import template
from django.utils.translation import get_language, gettext_lazy

from metrohub.core.dates import legal_date
from metrohub.eventlog.labels import action_label

register = template.Library()

#: Names of the events that are not transitions (transitions and reports are named by the pack).
EVENT_LABELS = {
    "case.filed": gettext_lazy("application filed"),
    "material.uploaded": gettext_lazy("material uploaded"),
    "objection.filed": gettext_lazy("objection filed"),
    "objection.answered": gettext_lazy("objection answered"),
    "self_check.recorded": gettext_lazy("self-check recorded"),
    "supervisor.reported": gettext_lazy("supervisor's report filed"),
    "obligation.overdue": gettext_lazy("obligation overdue"),
    "obligation.waived": gettext_lazy("obligation waived"),
    "case.opened": gettext_lazy("case opened"),
    "annual_report.saved": gettext_lazy("annual report saved"),
    "capability_change.item_added": gettext_lazy("line added to the change request"),
    "capability_change.item_removed": gettext_lazy("line taken out of the change request"),
}


register.filter("legal_date", legal_date)  # dates as the documents write them


@register.filter
def stage_name(code, pack):
    try:
        stage = pack.stage(code)
    except KeyError:
        return code
    return stage.name_en if (get_language() or "").startswith("en") else stage.name_zh


@register.filter
def zh_en(item):
    """An item's Chinese or English name, by the visitor's language."""
    en = (get_language() or "").startswith("en")
    return getattr(item, "name_en" if en else "name_zh", "") or getattr(item, "code", "")


@register.filter
def event_label(action, pack):
    if action.startswith("transition."):
        try:
            return zh_en(pack.transition(action.split(".", 1)[1]))
        except KeyError:
            return action
    if action.startswith("report."):
        code = action.split(".", 1)[1]
        report = next((e for e in pack.event_reports if e.code == code), None)
        return zh_en(report) if report else action
    if action in EVENT_LABELS:
        return EVENT_LABELS[action]
    return action_label(action)  # the platform's other events: panels, sheets, documents …


@register.filter
def role_name(code, pack):
    """A pack role's local name (never its code on a page)."""
    try:
        role = pack.role(code)
    except KeyError:
        return code
    return role.name_en if (get_language() or "").startswith("en") else role.name_zh


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template ("" when absent)."""
    if isinstance(mapping, dict):
        value = mapping.get(key, "")
        return "" if value is None else value
    return ""


@register.filter
def rows_errors(errors, prefix):
    """The messages of every error keyed under `prefix` (form.team.0.name under form.team.0)."""
    if not isinstance(errors, dict):
        return []
    return [
        m
        for key, messages in errors.items()
        if key == prefix or key.startswith(f"{prefix}.")
        for m in messages
    ]


@register.filter
def area_name(code):
    from metrohub.cases.services.taskbooks import AREA_CHOICES

    return next((str(label) for value, label in AREA_CHOICES if value == code), code)


@register.filter
def pack_title(pack):
    """A rule pack by its title, never its key."""
    meta = pack.pack
    return meta.title_en if (get_language() or "").startswith("en") else meta.title_zh


@register.filter
def next_due(case):
    """The earliest due date among the case's live obligations (a column of `with_due`, else read
    from the prefetched obligations), or None."""
    if hasattr(case, "next_due_on"):
        return case.next_due_on
    return min((o.due_on for o in case.obligations.all() if o.is_live), default=None)
