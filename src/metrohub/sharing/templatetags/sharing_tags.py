"""Template helpers of open sharing: local times, and the boxes other apps' pages include."""

from django import template
from django.utils.translation import get_language

from metrohub.sharing.models import Resource
from metrohub.sharing.scope import public_resources
from metrohub.sharing.services import local

register = template.Library()


@register.filter
def local_time(moment):
    """09:30, in the platform's time zone."""
    return f"{local(moment):%H:%M}" if moment else ""


@register.filter
def local_datetime(moment):
    """2026年6月3日 09:30 (or 3 June 2026 09:30), in the platform's time zone."""
    if not moment:
        return ""
    m = local(moment)
    if (get_language() or "").startswith("en"):
        return f"{m.day} {m:%B} {m.year} {m:%H:%M}"
    return f"{m.year}年{m.month}月{m.day}日 {m:%H:%M}"


@register.filter
def slot(booking):
    """The booking's time, day once: 2026年6月3日 09:00–11:00."""
    from metrohub.sharing.services import slot_text

    return slot_text(booking.starts_at, booking.ends_at)


@register.inclusion_tag("sharing/_resources_box.html", takes_context=True)
def center_resources(context, center, limit=10):
    resources = list(
        public_resources()
        .filter(center=center, status=Resource.Status.OPEN)
        .order_by("name")[: limit + 1]
    )
    return {"center": center, "resources": resources[:limit], "more": len(resources) > limit}


@register.inclusion_tag("sharing/_line_resources.html", takes_context=True)
def line_resources(context, line):
    resources = list(
        public_resources()
        .filter(capability_lines=line, status=Resource.Status.OPEN)
        .order_by("name")[:20]
    )
    return {"line": line, "resources": resources}
