"""One search box across the public registry, the capability catalogue, public notices and
service guides. Each kind is asked through its own search: capabilities through the catalogue's
indexed search (FTS5 on SQLite, pg_trgm and the grams index on PostgreSQL), never a scan; centers
and notices are short lists filtered in the database; guides are the few rule packs, read in
memory.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from metrohub.cases.services import public_notices
from metrohub.catalogue.search import Filters, search_page
from metrohub.centers.scope import public_centers
from metrohub.guides.services import search_guides

MAX_QUERY = 200
MAX_TERMS = 8
PER_GROUP = 10


def clean_query(q: str | None) -> str:
    """The query as searched: NUL and lone surrogates dropped, at most 200 characters."""
    text = "".join(ch for ch in (q or "") if ch != "\x00" and not 0xD800 <= ord(ch) <= 0xDFFF)
    return " ".join(text.split())[:MAX_QUERY]


def _terms(q: str) -> list[str]:
    return q.split()[:MAX_TERMS]


def _centers(q: str) -> dict:
    queryset = public_centers()
    for term in _terms(q):
        queryset = queryset.filter(
            Q(name__icontains=term)
            | Q(name_en__icontains=term)
            | Q(code__iexact=term)
            | Q(industry_domain__icontains=term)
            | Q(host__name__icontains=term)
            | Q(jurisdiction__name__icontains=term)
        )
    rows = list(queryset.order_by("code")[: PER_GROUP + 1])
    return {
        "kind": "centers",
        "label": _("Centers"),
        "count": len(rows[:PER_GROUP]),
        "more": len(rows) > PER_GROUP,
        "more_url": reverse("centers:list") + "?" + urlencode({"q": q}),
        "results": [
            {
                "title": c.name,
                "subtitle": f"{c.get_status_display()} · {c.jurisdiction.name} · {c.industry_domain}",
                "url": reverse("centers:detail", args=[c.code]),
            }
            for c in rows[:PER_GROUP]
        ],
    }


def _capabilities(q: str) -> dict:
    page = search_page(Filters(q=q), page=1, page_size=PER_GROUP, with_facets=False)
    return {
        "kind": "capabilities",
        "label": _("Capabilities"),
        "count": page.count,
        "more": page.count > len(page.lines) or not page.count_exact,
        "more_url": reverse("catalogue:search") + "?" + urlencode({"q": q}),
        "results": [
            {
                "title": f"{line.measurand} · {line.instrument}".strip(" ·"),
                "subtitle": f"{line.center.name} · {line.get_kind_display()} · {line.range_text}",
                "url": reverse("catalogue:line", args=[line.pk]),
            }
            for line in page.lines
        ],
        "count_exact": page.count_exact,
    }


def _notices(q: str) -> dict:
    queryset = public_notices()
    for term in _terms(q):
        queryset = queryset.filter(
            Q(center_name__icontains=term)
            | Q(center_name_en__icontains=term)
            | Q(applicant__name__icontains=term)
            | Q(industry_domain__icontains=term)
            | Q(jurisdiction__name__icontains=term)
        )
    rows = list(queryset.order_by("-notice_published_on", "pk")[: PER_GROUP + 1])
    return {
        "kind": "notices",
        "label": _("Public notices"),
        "count": len(rows[:PER_GROUP]),
        "more": len(rows) > PER_GROUP,
        "more_url": reverse("cases:notices"),
        "results": [
            {
                "title": case.center_name,
                "subtitle": f"{case.applicant.name} · {case.jurisdiction.name}",
                "url": reverse("cases:notice", args=[case.pk]),
            }
            for case in rows[:PER_GROUP]
        ],
    }


def _guides(q: str, lang: str) -> dict:
    found = search_guides(q, lang=lang)
    return {
        "kind": "guides",
        "label": _("Service guides"),
        "count": len(found),
        "more": False,
        "more_url": reverse("guides:list"),
        "results": [
            {
                "title": g["name"],
                "subtitle": g["title"],
                "url": reverse("guides:detail", args=[g["code"]]),
            }
            for g in found
        ],
    }


def site_search(q: str | None, *, lang: str = "zh-hans") -> dict:
    """Every kind's first results for the query; no query, no groups."""
    q = clean_query(q)
    if not q:
        return {"q": "", "groups": []}
    groups = [_centers(q), _capabilities(q), _notices(q), _guides(q, lang)]
    for group in groups:
        group.setdefault("count_exact", True)
    return {"q": q, "groups": groups}
