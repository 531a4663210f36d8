"""The public registry of centers: filters (region, industry, status, words), pages, revoked
centers apart, counts by province, and the sections of a center's public profile.

Regions are province-level divisions: every division code under a province shares its first two
digits (GB/T 2260), so a region filter and the counts by province are one indexed query each,
whatever the depth of the jurisdiction tree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from metrohub.centers.models import Center
from metrohub.centers.scope import public_centers
from metrohub.core.bounds import digits
from metrohub.organisations.models import Jurisdiction

MAX_QUERY = 100


@dataclass
class RegistryFilters:
    region: str = ""  # a province-level division code, e.g. 500000
    industry: str = ""
    status: str = ""
    q: str = ""

    def cleaned(self) -> RegistryFilters:
        def clean(value: str) -> str:
            value = "".join(ch for ch in str(value or "") if ch != "\x00")
            return " ".join(value.split())[:MAX_QUERY]

        return RegistryFilters(*(clean(v) for v in vars(self).values()))


def filtered(filters: RegistryFilters) -> QuerySet[Center]:
    """Every center matching the filters (revoked ones too), in code order."""
    f = filters.cleaned()
    queryset = public_centers()
    if digits(f.region[:2]):
        queryset = queryset.filter(jurisdiction__code__startswith=f.region[:2])
    if f.industry:
        queryset = queryset.filter(industry_domain=f.industry)
    if f.status in Center.Status.values:
        queryset = queryset.filter(status=f.status)
    return search(queryset, f.q).order_by("code")


def search(queryset: QuerySet[Center], text: str) -> QuerySet[Center]:
    """Centers matching every word (at most eight) by name, code, industry or host."""
    for term in text.split()[:8]:
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(name_en__icontains=term)
            | Q(code__iexact=term)
            | Q(industry_domain__icontains=term)
            | Q(host__name__icontains=term)
        )
    return queryset


def listed(filters: RegistryFilters) -> tuple[QuerySet[Center], QuerySet[Center]]:
    """(centers in the registry, revoked centers): the revoked are shown apart."""
    queryset = filtered(filters)
    revoked = Center.Status.REVOKED
    return queryset.exclude(status=revoked), queryset.filter(status=revoked)


def regions() -> list[Jurisdiction]:
    return list(Jurisdiction.objects.filter(level=Jurisdiction.Level.PROVINCE).order_by("code"))


def industries() -> list[str]:
    return list(
        Center.objects.exclude(industry_domain="")
        .order_by("industry_domain")
        .values_list("industry_domain", flat=True)
        .distinct()
    )


def by_province(queryset: QuerySet[Center] | None = None) -> list[dict]:
    """Centers per province (largest first), with the count by status, for the chart."""
    queryset = public_centers() if queryset is None else queryset
    rows = (
        queryset.order_by()
        .annotate(prefix=Substr("jurisdiction__code", 1, 2))
        .values("prefix", "status")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["prefix"], {})[row["status"]] = row["n"]
    names = {
        j.code[:2]: j for j in Jurisdiction.objects.filter(code__in=[p + "0000" for p in counts])
    }
    out = []
    for prefix, statuses in counts.items():
        province = names.get(prefix)
        out.append(
            {
                "code": prefix + "0000",
                "name": province.name if province else prefix + "0000",
                "name_en": province.name_en if province else "",
                "total": sum(statuses.values()),
                "statuses": statuses,
            }
        )
    out.sort(key=lambda p: (-p["total"], p["code"]))
    return out


# ------------------------------------------------------------------- the public profile


@dataclass(frozen=True)
class ProfileSection:
    """A section of a center's public profile. Features that hold something about a center (its
    alliance, its shared equipment, ...) register one; until then the placeholder is shown."""

    key: str
    title: Promise | str
    placeholder: Promise | str
    template: str = ""
    context: Callable[[Center], dict] | None = None


SECTIONS: dict[str, ProfileSection] = {}


def register_section(section: ProfileSection) -> None:
    """Add a section, or replace the one with the same key (e.g. a placeholder)."""
    SECTIONS[section.key] = section


register_section(
    ProfileSection(
        "alliance",
        _("Industrial metrology alliance"),
        _("The center has not published its alliance yet."),
    )
)
register_section(
    ProfileSection(
        "shared",
        _("Shared instruments and facilities"),
        _("The center has not published instruments or facilities for sharing yet."),
    )
)


def profile_sections(center: Center) -> list[dict]:
    return [
        {
            "key": s.key,
            "title": s.title,
            "placeholder": s.placeholder,
            "template": s.template,
            **(s.context(center) if s.context else {}),
        }
        for s in SECTIONS.values()
    ]


HISTORY_LABELS = {
    "center.registered": _("Entered in the registry"),
    "center.status_changed": _("Status changed"),
    "center.revoked": _("Status revoked"),
}


def history(center: Center) -> list[dict]:
    """The center's public record, oldest first, with labels (never the internal action)."""
    from metrohub.eventlog.services import history as events

    entries = [
        {
            # the day the decision took effect: one recorded later (from paper, or on loading
            # the registry) read as changed on the day it was typed in
            "at": event.effective_date or timezone.localdate(event.recorded_at),
            "label": _history_label(event),
            "article": event.article,
        }
        for event in events(f"center:{center.code}")
    ]
    # in the order the changes took effect (a stable sort: one day's keep their recorded order);
    # an entry in the registry recorded today read before changes of the year before
    return sorted(entries, key=lambda entry: entry["at"])


def _history_label(event) -> str:
    """What the event did, in words: a change of status names the status it led to."""
    status = (event.payload or {}).get("to")
    if event.action == "center.status_changed" and status in Center.Status.values:
        return _("Status changed to %(status)s") % {"status": Center.Status(status).label}
    return HISTORY_LABELS.get(event.action, _("Recorded change"))
