"""Chinese full-text search over capability lines, the same answers on both databases.

Both backends answer the same question: does the folded search text contain every query term as a
substring? SQLite asks an FTS5 table with the trigram tokenizer (terms of three characters or more)
and falls back to LIKE for one- and two-character terms; PostgreSQL asks LIKE, which its pg_trgm
GIN index serves. Ranking is a portable expression, so the order is the same too.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from metrohub.catalogue.documents import query_code_prefix
from metrohub.catalogue.lines import fold
from metrohub.catalogue.models import Area, CapabilityLine, ServiceKind
from metrohub.organisations.models import Jurisdiction

FTS_TABLE = "catalogue_line_fts"
MAX_TERMS = 8


def query_terms(q: str) -> list[str]:
    """`JJG 52` is one term (`jjg 52—`); otherwise whitespace separates terms."""
    text = (q or "").replace("\x00", "").strip()[:200]
    if not text:
        return []
    code = query_code_prefix(text)
    if code:
        return [fold(code)]
    return list(dict.fromkeys(fold(text).split()))[:MAX_TERMS]


def _fts_match(terms: list[str]) -> str:
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)


def text_filter(queryset: QuerySet, terms: list[str]) -> QuerySet:
    if not terms:
        return queryset
    if connection.vendor == "sqlite":
        long_terms = [t for t in terms if len(t) >= 3]
        if long_terms:
            queryset = queryset.filter(
                pk__in=RawSQL(  # noqa: S611  (constant SQL; the query is a bound parameter)
                    f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
                    [_fts_match(long_terms)],
                )
            )
        terms = [t for t in terms if len(t) < 3]
    for term in terms:
        queryset = queryset.filter(search_text__contains=term)
    return queryset


def ranked(queryset: QuerySet, terms: list[str]) -> QuerySet:
    if not terms:
        return queryset.order_by("center__code", "area", "measurand_key", "pk")
    first = terms[0]
    rank = Case(
        When(measurand_key=first, then=Value(0)),
        When(measurand_key__startswith=first, then=Value(1)),
        When(measurand_key__contains=first, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return queryset.annotate(rank=rank).order_by("rank", "-cnas", "measurand_key", "pk")


@dataclass
class Filters:
    q: str = ""
    area: str = ""
    kind: str = ""
    center: str = ""
    region: str = ""
    domain: str = ""


def base_queryset() -> QuerySet:
    return CapabilityLine.objects.filter(status=CapabilityLine.Status.PUBLISHED)


def search(filters: Filters, queryset: QuerySet | None = None) -> QuerySet:
    """Published lines matching the query and filters, best first."""
    queryset = base_queryset() if queryset is None else queryset
    terms = query_terms(filters.q)
    queryset = text_filter(queryset, terms)
    if filters.area:
        queryset = queryset.filter(area=filters.area)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.center:
        queryset = queryset.filter(center__code=filters.center.strip().upper())
    if filters.region:
        queryset = queryset.filter(region_code=filters.region.strip())
    if filters.domain:
        queryset = queryset.filter(industry_domain__contains=filters.domain.strip())
    return ranked(queryset.select_related("center"), terms)


def facets(queryset: QuerySet) -> dict[str, list[dict]]:
    """Counts per area, kind, region and center (the 20 largest) of a search's results."""
    plain = queryset.order_by()
    out: dict[str, list[dict]] = {}
    for key in ("area", "kind", "region_code"):
        rows = list(plain.values(key).annotate(count=Count("pk")).order_by("-count", key))
        labels = _labels(key, [row[key] for row in rows])
        out[key.removesuffix("_code")] = [
            {"value": row[key], "label": labels.get(row[key], row[key]), "count": row["count"]}
            for row in rows
        ]
    rows = (
        plain.values("center__code", "center__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "center__code")[:20]
    )
    out["center"] = [
        {"value": row["center__code"], "label": row["center__name"], "count": row["count"]}
        for row in rows
    ]
    return out


def _labels(key: str, values: list[str]) -> dict[str, str]:
    if key == "area":
        return {value: str(label) for value, label in Area.choices}
    if key == "kind":
        return {value: str(label) for value, label in ServiceKind.choices}
    return {j.code: str(j) for j in Jurisdiction.objects.filter(code__in=values)}


def like_scan(q: str) -> QuerySet:
    """The plain LIKE scan the benchmark compares against (no index can help it)."""
    queryset = base_queryset()
    for term in query_terms(q):
        queryset = queryset.filter(search_text__contains=term)
    return ranked(queryset, query_terms(q))
