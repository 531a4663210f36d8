"""An incident's timeline as people read it: each action under its label, never its code."""

from django.utils.translation import gettext_lazy as _

from metrohub.standards.history import rows as standard_rows

LABELS = {
    "incident.recorded": _("finding recorded, affected certificates computed"),
    "incident.customer_notified": _("customer notified"),
    "incident.assessed": _("certificate assessed"),
    "incident.acknowledged": _("customer acknowledged"),
    "incident.closed": _("incident closed"),
}


def rows(subject: str) -> list[dict]:
    return standard_rows(subject, LABELS)
