"""Chinese full-text search over capability lines, the same answers on both databases.

Both backends answer the same question: does the folded search text contain every query term as a
substring? SQLite asks an FTS5 table with the trigram tokenizer (terms of three characters or
more); PostgreSQL asks LIKE, which its pg_trgm GIN index serves for terms of three characters or
more. A term of one or two Chinese characters (`中心`) is asked of the text's grams
(`catalogue.grams`: an FTS5 table of them on SQLite, a GIN index on PostgreSQL) unless it is so
common that LIKE, reading the lines in order, meets the cap sooner (`common_grams`); other short
terms are a LIKE. Ranking is a portable expression, so the order is the same too.

Ranking: lines whose measurand is the first term, then those whose measurand starts with it, then
those whose measurand contains it (each tier CNAS-accredited lines first, then by measurand, then
by id), then all other matches, CNAS-accredited first, then by id.

At national scale (a million lines) a one-word query can match a hundred thousand lines, and
counting or sorting them all costs hundreds of milliseconds. `search_page` therefore looks at no
more than SEARCH_CAP matching lines for the count and the facets (the count is exact up to the
cap, then "more than SEARCH_CAP", `count_exact` false), and finds the page's lines by walking
indexes in rank order, tier by tier, so the first pages are the exact best lines at any size.
See docs/catalogue.md.
"""

import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from metrohub.catalogue.documents import query_code_prefix
from metrohub.catalogue.grams import is_gram
from metrohub.catalogue.lines import fold
from metrohub.catalogue.models import Area, CapabilityLine, ServiceKind, SynonymGroup
from metrohub.catalogue.search_index import GRAMS_TABLE, GRAMS_VOCAB
from metrohub.centers.models import Center
from metrohub.organisations.models import Jurisdiction

FTS_TABLE = "catalogue_line_fts"
MAX_TERMS = 8
# At most this many matching lines are counted, faceted and paged through.
SEARCH_CAP = 2_000


# ----------------------------------------------------------------------- synonyms and variants

SYNONYMS_CACHE = "catalogue:synonyms"
# Other processes see an administrator's change within this many seconds.
SYNONYMS_TTL = 60
MAX_ALTERNATIVES = 12


def synonym_groups() -> list[tuple[str, list[str]]]:
    """(kind, variants) of every synonym group, longest variants first, from a short cache."""
    groups = cache.get(SYNONYMS_CACHE)
    if groups is None:
        groups = [
            (group.kind, sorted(group.variant_list(), key=len, reverse=True))
            for group in SynonymGroup.objects.all()
        ]
        cache.set(SYNONYMS_CACHE, groups, SYNONYMS_TTL)
    return groups


@receiver([post_save, post_delete], sender=SynonymGroup)
def _forget_synonyms(**kwargs) -> None:
    cache.delete(SYNONYMS_CACHE)


def unit_spellings(unit: str) -> list[str]:
    """The other spellings of a unit from the synonym table (exact, with case): 兆帕 → MPa."""
    unit = unicodedata.normalize("NFKC", (unit or "").strip())
    for kind, variants in synonym_groups():
        if kind == SynonymGroup.Kind.UNIT and unit in variants:
            return [v for v in variants if v != unit]
    return []


class Term(list):
    """A query term's alternatives (folded strings). `units` holds a unit's spellings as lines
    store them when the whole term is a unit (`Nm`, `兆帕`): the term then also matches lines in
    that unit, since a line's unit is not part of its search text."""

    units: tuple[str, ...] = ()


def alternatives(raw: str) -> list[str]:
    """A query term and its variants, folded: the term itself first. A name variant contained in
    the term is replaced by each of its group's (case-insensitively); a unit spelling only where
    the case matches, so that `Nm` (newton metre) does not turn `nm` (nanometre) into torque."""
    raw = unicodedata.normalize("NFKC", raw)
    folded = fold(raw)
    found = [folded]
    for kind, variants in synonym_groups():
        for variant in variants:
            if kind == SynonymGroup.Kind.UNIT:
                hit = variant in raw
                found += [fold(raw.replace(variant, other)) for other in variants] if hit else []
            else:
                hit = fold(variant) in folded
                key = fold(variant)
                found += [folded.replace(key, fold(other)) for other in variants] if hit else []
            if hit:
                break  # the longest variant the term contains stands for its group
    return list(dict.fromkeys(t for t in found if t))[:MAX_ALTERNATIVES]


def query_groups(q: str) -> list[list[str]]:
    """The query's terms, each with its alternatives: a line matches when, for every term, its
    search text contains one of the term's alternatives. A document code is one term, as is."""
    text = (q or "").replace("\x00", "").strip()[:200]
    if not text:
        return []
    code = query_code_prefix(text)
    if code:
        return [Term([fold(code)])]
    raws = list(dict.fromkeys(unicodedata.normalize("NFKC", text).split()))
    groups: list[list[str]] = []
    for raw in raws:
        term = Term(alternatives(raw))
        term.units = next(
            (
                tuple(variants)
                for kind, variants in synonym_groups()
                if kind == SynonymGroup.Kind.UNIT and raw in variants
            ),
            (),
        )
        if term and term not in groups:
            groups.append(term)
    return groups[:MAX_TERMS]


def query_terms(q: str) -> list[str]:
    """`JJG 52` is one term (`jjg 52—`); otherwise whitespace separates terms."""
    text = (q or "").replace("\x00", "").strip()[:200]
    if not text:
        return []
    code = query_code_prefix(text)
    if code:
        return [fold(code)]
    return list(dict.fromkeys(fold(text).split()))[:MAX_TERMS]


def _fts_match(groups: list[list[str]]) -> str:
    def quoted(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'

    return " AND ".join(
        "(" + " OR ".join(quoted(t) for t in alts) + ")" if len(alts) > 1 else quoted(alts[0])
        for alts in groups
    )


def _any(lookup: str, alts: list[str]) -> Q:
    condition = Q()
    for term in alts:
        condition |= Q(**{lookup: term})
    return condition


def _matching(table: str, groups: list) -> Q:
    """SQLite: lines that one of the FTS5 tables (trigrams or grams) finds for every group."""
    return Q(
        pk__in=RawSQL(  # noqa: S611  (constant SQL; the query is a bound parameter)
            f"SELECT rowid FROM {table} WHERE {table} MATCH %s",  # noqa: S608
            [_fts_match(groups)],
        )
    )


def _grams_include(terms: list[str]) -> Q:
    """Lines one of whose grams is one of the terms, as the grams index answers it: on PostgreSQL
    the expression of the catalogue_line_grams index, on SQLite the FTS5 table of grams (each gram
    one token, asked as a quoted string: its characters are never FTS5 syntax)."""
    if connection.vendor == "sqlite":
        return _matching(GRAMS_TABLE, [terms])
    from django.contrib.postgres.fields import ArrayField
    from django.contrib.postgres.lookups import Overlap

    grams = Func(
        F("search_grams"),
        template="string_to_array(%(expressions)s, ' ')",
        output_field=ArrayField(TextField()),
    )
    return Q(Overlap(grams, Value(terms, output_field=ArrayField(TextField()))))


# How often each gram occurs: (read at, share of lines per gram, lines). PostgreSQL's come from the
# statistics of its grams index (ANALYZE changes them); SQLite's are each gram's number of lines in
# the FTS5 table of grams, read when a term is first asked. Read again at most every
# GRAM_STATS_TTL seconds.
GRAM_STATS_TTL = 600
# SQLite reads the grams it is asked about: at most this many are kept between two readings.
GRAM_STATS_MAX = 4096
_gram_stats: tuple[float, dict[str, float], float] | None = None


def forget_gram_stats() -> None:
    """Read the grams' statistics again at the next search (after an ANALYZE)."""
    global _gram_stats
    _gram_stats = None


def gram_stats(terms: list[str] = ()) -> tuple[dict[str, float], float]:
    """(share of lines holding each gram, lines), kept per process for GRAM_STATS_TTL seconds.
    PostgreSQL: the most common grams as ANALYZE last sampled the grams index (empty before any
    ANALYZE). SQLite: at least the given terms, counted in the FTS5 table of grams."""
    global _gram_stats
    now = time.monotonic()
    if _gram_stats is None or now - _gram_stats[0] >= GRAM_STATS_TTL:
        _gram_stats = (now, *_read_gram_stats())
    shares, lines = _gram_stats[1], _gram_stats[2]
    missing = [t for t in dict.fromkeys(terms) if t not in shares]
    if missing and connection.vendor == "sqlite":
        if len(shares) + len(missing) > GRAM_STATS_MAX:  # bounded: start a new reading
            shares.clear()
        shares.update(_sqlite_gram_shares(missing, lines))
    return shares, lines


def _read_gram_stats() -> tuple[dict[str, float], float]:
    """(shares, lines) read afresh: the lines only on SQLite, whose shares are read per gram."""
    table = CapabilityLine._meta.db_table
    if connection.vendor == "sqlite":
        # The largest id, not count(*), which reads a whole index: lines are rarely deleted, and
        # too many lines only makes a term look rarer than it is.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608  (constant SQL)
            return {}, float(cursor.fetchone()[0] or 0)
    with connection.cursor() as cursor:
        # The element statistics of the index's expression; the last three frequencies are the
        # minimum, the maximum and the share of NULLs, not elements'.
        cursor.execute(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
            "FROM pg_class c LEFT JOIN pg_stats s ON s.tablename = %s AND s.schemaname = "
            "current_schema() WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace",
            ["catalogue_line_grams", table],
        )
        row = cursor.fetchone()
    elems, freqs, lines = row if row else (None, None, 0)
    shares = dict(zip(elems or [], freqs or [], strict=False))
    return shares, max(float(lines or 0), 0.0)


def _sqlite_gram_shares(terms: list[str], lines: float) -> dict[str, float]:
    """Each term's share of the lines, from the number of lines the FTS5 table of grams holds it in
    (its fts5vocab table looks each term up by the index, reading that term's list of lines)."""
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(terms))
        cursor.execute(
            f"SELECT term, doc FROM {GRAMS_VOCAB} WHERE term IN ({marks})",  # noqa: S608
            terms,
        )
        docs = dict(cursor.fetchall())
    return {t: (docs.get(t, 0) / lines if lines else 0.0) for t in terms}


def common_grams(terms: list[str]) -> set[str]:
    """The terms (grams) too common for the grams index to pay. A search reads at most SEARCH_CAP
    matches: read in order, LIKE meets them after about SEARCH_CAP / share lines, while the index
    hands over every match (share × lines) before the first is read. The index pays only while
    share² × lines < SEARCH_CAP: at a million lines, for a gram in fewer than ~4.5 % of the lines
    (`压力` is in ~16 %). Left to itself, the planner took the index for `压力` at 100,000 lines:
    it multiplies the selectivities of the LIKE and of the grams as if they were independent."""
    if not terms:  # no statistics to read
        return set()
    shares, lines = gram_stats(terms)
    return {t for t in terms if shares.get(t, 0.0) ** 2 * lines >= SEARCH_CAP}


def _contains(alts: list[str]) -> Q:
    """Lines whose search text contains one of the alternatives. An uncommon term of one or two
    Chinese characters is asked of the grams index (neither trigram index can serve it) and,
    beside it, of LIKE (so that where the planner still reads the lines in order, the cheap LIKE is
    checked first and the grams are split only for the lines it lets through); a common one
    (`common_grams`) of LIKE alone, read in order until the cap."""
    short = [t for t in alts if is_gram(t)]
    common = common_grams(short)
    rare = [t for t in short if t not in common]
    condition = _any("search_text__contains", [t for t in alts if t not in rare])
    if rare:
        condition |= _grams_include(rare) & _any("search_text__contains", rare)
    return condition


def _as_groups(terms) -> list[list[str]]:
    """Plain terms (a list of strings) or groups of alternatives (Terms), as groups."""
    return [Term([t]) if isinstance(t, str) else t for t in terms]


def text_filter(queryset: QuerySet, terms) -> QuerySet:
    """Lines whose search text contains, for every group, one of its alternatives."""
    groups = _as_groups(terms)
    if not groups:
        return queryset
    if connection.vendor == "sqlite":
        plain = [alts for alts in groups if not getattr(alts, "units", ())]
        # FTS5's trigram index answers alternatives of three characters or more, ...
        indexed = [alts for alts in plain if all(len(t) >= 3 for t in alts)]
        # ... and the table of grams those of one or two Chinese characters, unless one is common
        # (a LIKE read in order stops at the cap sooner), all such terms in one MATCH, which
        # FTS5 intersects itself (SQLite would drive from one IN list of several, any one).
        short = [alts for alts in plain if alts not in indexed and all(map(is_gram, alts))]
        common = common_grams([t for alts in short for t in alts])
        rare = [alts for alts in short if not common.intersection(alts)]
        for table, answered in ((FTS_TABLE, indexed), (GRAMS_TABLE, rare)):
            if answered:
                queryset = queryset.filter(_matching(table, answered))
        # The LIKE kept beside the grams: the same answer as without them, whatever they hold.
        for alts in rare:
            queryset = queryset.filter(_any("search_text__contains", alts))
        groups = [alts for alts in groups if alts not in indexed and alts not in rare]
    for alts in groups:
        condition = _contains(alts)
        if getattr(alts, "units", ()):
            condition |= Q(unit__in=alts.units)
        queryset = queryset.filter(condition)
    return queryset


def _tier(first: list[str]) -> Case:
    return Case(
        When(_any("measurand_key", first), then=Value(0)),
        When(_any("measurand_key__startswith", first), then=Value(1)),
        When(_any("measurand_key__contains", first), then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def ranked(queryset: QuerySet, terms) -> QuerySet:
    groups = _as_groups(terms)
    if not groups:
        return queryset.order_by("center__code", "area", "measurand_key", "pk")
    first = groups[0]
    # Within the last tier the measurand does not order (so that tier can be walked by index).
    key = Case(
        When(_any("measurand_key__contains", first), then="measurand_key"),
        default=Value(""),
        output_field=CharField(),
    )
    return queryset.annotate(rank=_tier(first), rank_key=key).order_by(
        "rank", "-cnas", "rank_key", "pk"
    )


def tier_of(measurand_key: str, first) -> int:
    """The rank tier of a measurand for the first term (a string, or its alternatives)."""
    if not isinstance(first, str):
        return min(tier_of(measurand_key, term) for term in first)
    if measurand_key == first:
        return 0
    if measurand_key.startswith(first):
        return 1
    return 2 if first in measurand_key else 3


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


def matching(filters: Filters, queryset: QuerySet | None = None) -> QuerySet:
    """Published lines matching the query and filters, unordered."""
    queryset = base_queryset() if queryset is None else queryset
    queryset = text_filter(queryset, query_groups(filters.q))
    # PostgreSQL text cannot hold NUL; no stored value contains one.
    filters = Filters(**{k: str(v or "").replace("\x00", "") for k, v in vars(filters).items()})
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
    return queryset


def search(filters: Filters, queryset: QuerySet | None = None) -> QuerySet:
    """Published lines matching the query and filters, best first (all of them: for exports and
    the structured query; pages use `search_page`)."""
    return ranked(matching(filters, queryset).select_related("center"), query_groups(filters.q))


@dataclass
class SearchPage:
    count: int  # exact when count_exact, else the cap (there are more)
    count_exact: bool
    number: int
    pages: int
    lines: list
    facets: dict = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def search_page(
    filters: Filters, *, page: int = 1, page_size: int = 20, with_facets: bool = True
) -> SearchPage:
    """One page of a search, its count (exact up to SEARCH_CAP) and its facets (over the same
    lines the count covers). Pages go no further than the cap."""
    terms = query_groups(filters.q)
    matches = matching(filters)
    sample = list(
        matches.order_by().values_list("area", "kind", "region_code", "center_id")[: SEARCH_CAP + 1]
    )
    exact = len(sample) <= SEARCH_CAP
    sample = sample[:SEARCH_CAP]
    count = len(sample)
    pages = max(1, -(-count // page_size))
    number = min(max(1, page), pages)
    offset = (number - 1) * page_size
    if exact:
        ids = list(ranked(matches, terms).values_list("pk", flat=True)[offset : offset + page_size])
    elif not terms:
        ids = _browse(matches, min(offset + page_size, count))[offset:]
    else:
        ids = _walk(matches, terms[0], min(offset + page_size, count))[offset:]
    by_id = CapabilityLine.objects.select_related("center").in_bulk(ids)
    return SearchPage(
        count=count,
        count_exact=exact,
        number=number,
        pages=pages,
        lines=[by_id[pk] for pk in ids],
        facets=_facets_of(sample) if with_facets else {},
    )


def measurand_keys() -> list[str]:
    """The distinct measurands of published lines, by a skip scan of the (status, measurand_key)
    index: one index probe per measurand, not a scan of the lines."""
    table = CapabilityLine._meta.db_table
    sql = (
        f"WITH RECURSIVE k(v) AS (SELECT MIN(measurand_key) FROM {table} WHERE status = %s "  # noqa: S608
        f"UNION ALL SELECT (SELECT MIN(measurand_key) FROM {table} "
        "WHERE status = %s AND measurand_key > k.v) FROM k WHERE k.v IS NOT NULL) "
        "SELECT v FROM k WHERE v IS NOT NULL"
    )
    published = CapabilityLine.Status.PUBLISHED
    with connection.cursor() as cursor:
        cursor.execute(sql, [published, published])
        return sorted(row[0] for row in cursor.fetchall())


def _walk(matches: QuerySet, first: list[str], need: int) -> list[int]:
    """The ids of the best `need` matching lines in rank order, walking indexes: per measurand in
    tiers 0-2 (whose lines all contain the first term), then the rest of the matches by id."""
    tiers: dict[int, list[str]] = {0: [], 1: [], 2: []}
    for key in measurand_keys():
        tier = tier_of(key, first)
        if tier < 3:
            tiers[tier].append(key)
    ids: list[int] = []
    for tier in (0, 1, 2):
        for cnas in (True, False):
            for key in tiers[tier]:
                ids += (
                    matches.filter(measurand_key=key, cnas=cnas)
                    .order_by("pk")
                    .values_list("pk", flat=True)[: need - len(ids)]
                )
                if len(ids) >= need:
                    return ids
    rest = matches.exclude(_any("measurand_key__contains", first))
    for cnas in (True, False):
        ids += rest.filter(cnas=cnas).order_by("pk").values_list("pk", flat=True)[: need - len(ids)]
        if len(ids) >= need:
            break
    return ids


def _browse(matches: QuerySet, need: int) -> list[int]:
    """The ids of the first `need` lines in browsing order (center code, area, measurand, id),
    center by center along the (center, status, area, measurand, id) index: the landing page of a
    million-line catalogue reads a page of one center, not a sort of every line."""
    ids: list[int] = []
    for center_id in list(Center.objects.order_by("code").values_list("pk", flat=True)):
        ids += (
            matches.filter(center_id=center_id)
            .order_by("area", "measurand_key", "pk")
            .values_list("pk", flat=True)[: need - len(ids)]
        )
        if len(ids) >= need:
            break
    return ids


def _facets_of(rows: list[tuple]) -> dict[str, list[dict]]:
    """Facets from (area, kind, region, center id) tuples, counted in Python."""
    out: dict[str, list[dict]] = {}
    for index, key in enumerate(("area", "kind", "region_code")):
        counts = Counter(row[index] for row in rows)
        labels = _labels(key, list(counts))
        out[key.removesuffix("_code")] = [
            {"value": value, "label": labels.get(value, value), "count": n}
            for value, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
    counts = Counter(row[3] for row in rows)
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    centers = {c.pk: c for c in Center.objects.filter(pk__in=[pk for pk, _n in top])}
    top.sort(key=lambda item: (-item[1], centers[item[0]].code))
    out["center"] = [
        {"value": centers[pk].code, "label": centers[pk].name, "count": n} for pk, n in top[:20]
    ]
    return out


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
    """The plain LIKE scan the benchmark compares against (on PostgreSQL the benchmark runs it
    with index scans switched off, so it is a real sequential scan)."""
    queryset = base_queryset()
    for term in query_terms(q):
        queryset = queryset.filter(search_text__contains=term)
    return ranked(queryset, query_terms(q))
