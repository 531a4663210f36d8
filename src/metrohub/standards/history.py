"""A record's event log as people read it: each action under its label, never its code."""

from django.utils.translation import gettext_lazy as _

from metrohub.eventlog.services import history

LABELS = {
    "standard.created": _("standard registered"),
    "standard.updated": _("standard changed"),
    "standard.instrument_added": _("standard instrument added"),
    "standard.certificate_recorded": _("instrument certificate recorded"),
    "authorization.granted": _("authorization granted"),
    "authorization.revoked": _("authorization revoked"),
}


def rows(subject: str, labels: dict | None = None) -> list[dict]:
    labels = {**LABELS, **(labels or {})}
    return [
        {"event": event, "label": labels.get(event.action, event.action)}
        for event in history(subject).select_related("actor")
    ]
