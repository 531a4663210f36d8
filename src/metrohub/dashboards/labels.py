"""Names people read instead of codes: stages and deadlines from the packs, dates as written."""

from __future__ import annotations

from django.utils.translation import get_language

from metrohub.core.dates import chinese_month, legal_date


def english() -> bool:
    return (get_language() or "").startswith("en")


def local(item) -> str:
    """A pack item's Chinese or English name."""
    if item is None:
        return ""
    return (item.name_en if english() else item.name_zh) or ""


def pack(code: str, version: str):
    """The pack version a case is bound to, or None when the registry no longer knows it."""
    from metrohub.rulepacks.services import registry

    try:
        return registry().get(code, version)
    except KeyError:
        return None


def _view(code: str, version: str, kind: str):
    """The pack as a case of `kind` reads it (its own stages and deadlines), or None."""
    found = pack(code, version)
    try:
        return (found, found.for_kind(kind)) if found else None
    except KeyError:
        return None


def stage(code: str, version: str, state: str, kind: str = "establishment") -> str:
    """The stage's name in the case's pack, for a case of another kind than the establishment
    prefixed by the kind (年度信息报送：已提交), since such stages share names across kinds;
    a stage a pack no longer knows is named plainly."""
    found = _view(code, version, kind)
    try:
        name = local(found[1].stage(state)) if found else None
    except KeyError:
        name = None
    if not name:
        return _unknown()
    if kind == "establishment":
        return name
    zh, en = found[0].kind_name(kind)
    return f"{en}: {name}" if english() else f"{zh}：{name}"


def deadline(code: str, version: str, obligation_code: str, kind: str = "establishment") -> str:
    found = _view(code, version, kind)
    try:
        return local(found[1].deadline(obligation_code)) if found else _unknown()
    except KeyError:
        return _unknown()


def _unknown() -> str:
    from django.utils.translation import gettext as _

    return _("other")


# A panel's dates and months, as every page writes them.
date = legal_date
month = chinese_month
