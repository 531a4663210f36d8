"""Names people read instead of codes: stages and deadlines from the packs, dates as written."""

from __future__ import annotations

from django.utils.translation import get_language


def english() -> bool:
    return (get_language() or "").startswith("en")


def local(item) -> str:
    """A pack item's Chinese or English name."""
    if item is None:
        return ""
    return (item.name_en if english() else item.name_zh) or ""


def _pack(code: str, version: str):
    from metrohub.rulepacks.services import registry

    try:
        return registry().get(code, version)
    except KeyError:
        return None


def stage(code: str, version: str, state: str) -> str:
    """The stage's name in the case's pack; a stage a pack no longer knows is named plainly."""
    pack = _pack(code, version)
    try:
        return local(pack.stage(state)) if pack else _unknown()
    except KeyError:
        return _unknown()


def deadline(code: str, version: str, obligation_code: str) -> str:
    pack = _pack(code, version)
    try:
        return local(pack.deadline(obligation_code)) if pack else _unknown()
    except KeyError:
        return _unknown()


def _unknown() -> str:
    from django.utils.translation import gettext as _

    return _("other")


def date(day) -> str:
    """2025年10月14日 (or 14 October 2025)."""
    if not day:
        return ""
    if english():
        return f"{day.day} {day:%B} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def month(day) -> str:
    return f"{day:%B} {day.year}" if english() else f"{day.year}年{day.month}月"
