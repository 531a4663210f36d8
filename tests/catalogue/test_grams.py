"""The one- and two-character grams indexed for short Chinese terms (a GIN index on PostgreSQL, an
FTS5 table on SQLite): what a text yields, which terms they answer, that the index is asked for a
rare term and not for a common one, that SQLite's table follows the lines, and that a search
through them finds exactly what a plain LIKE finds, on both databases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrohub.catalogue import search as search_module
from metrohub.catalogue.grams import is_gram, search_grams
from metrohub.catalogue.lines import fold
from metrohub.catalogue.models import CapabilityLine
from metrohub.catalogue.search import Filters, like_scan, query_groups, search, search_page


def test_grams_are_the_characters_and_pairs_of_each_non_ascii_run():
    # Latin words, numbers and white space end a run: "级" and "—" stand alone, no "表0" or "级j"
    grams = search_grams("压力表 0.05级 jjg 52—2013")
    assert grams.split() == sorted({"压", "力", "表", "压力", "力表", "级", "—"})
    assert search_grams("") == ""
    assert search_grams("jjg 52 mpa") == ""


@pytest.mark.parametrize(
    ("term", "expected"),
    [("温", True), ("温度", True), ("温度计", False), ("5级", False), ("mm", False), ("", False)],
)
def test_only_terms_of_one_or_two_non_ascii_characters_are_answered_by_grams(term, expected):
    assert is_gram(term) is expected


def test_a_line_saved_alone_keeps_its_grams_in_step_with_its_text(world):
    center = world["centers"]["CQ-AUTO"]
    line = _line(center, "高温 度量", key="alone")
    assert set(line.search_grams.split()) == {"高", "温", "度", "量", "高温", "度量"}
    line.search_text = "中心频率"
    line.save(update_fields=["search_text"])
    line.refresh_from_db()
    assert set(line.search_grams.split()) == {"中", "心", "频", "率", "中心", "心频", "频率"}


def _line(center, text: str, *, key: str) -> CapabilityLine:
    return CapabilityLine.objects.create(
        center=center,
        natural_key=f"grams-{key}",
        kind="calibration",
        area="thermal",
        measurand=text.split()[0],
        status=CapabilityLine.Status.PUBLISHED,
        content_hash="0",
        region_code="500000",
        search_text=fold(text),
        measurand_key=fold(text.split()[0]),
    )


# One, two and three characters, two short terms, a term that no line holds, and terms mixing
# Chinese with Latin letters and digits.
QUERIES = [
    "温",
    "压力",
    "温度",
    "电能",
    "中心",
    "温度 上海",
    "温度计",
    "温度 mpa",
    "0.05级",
    "x温度y",
]


@pytest.fixture
def crafted(world):
    """Lines whose texts put the characters of a short term apart or against Latin letters, so a
    gram that spanned a space or a letter would be caught."""
    center = world["centers"]["CQ-AUTO"]
    texts = ["高温 度量", "x温度y 电 能", "中心频率 温度", "压 力表", "0.05级 温"]
    return [_line(center, text, key=str(i)) for i, text in enumerate(texts)]


@pytest.mark.parametrize("q", QUERIES)
def test_short_terms_find_what_a_plain_like_finds(crafted, q):
    assert all(len(group) == 1 for group in query_groups(q)), "a term with synonyms: not plain"
    expected = list(like_scan(q).values_list("pk", flat=True))
    assert list(search(Filters(q=q)).values_list("pk", flat=True)) == expected
    page = search_page(Filters(q=q), page=1, page_size=500, with_facets=False)
    assert page.count == len(expected) and [line.pk for line in page.lines] == expected


def test_crafted_lines_are_found_only_where_the_characters_are_adjacent(crafted):
    found = set(search(Filters(q="温度")).values_list("pk", flat=True))
    assert [line.pk in found for line in crafted] == [False, True, True, False, False]
    found = set(search(Filters(q="电能")).values_list("pk", flat=True))
    assert not found & {line.pk for line in crafted}


@pytest.mark.parametrize("q", ["中心", "温度 上海", "电能"])
def test_short_terms_are_answered_by_the_grams_index_not_a_scan(crafted, q):
    """pg_trgm cannot serve a term shorter than three characters, so at a million lines `中心`
    read every line. Every query that matches these rare terms must use the grams index."""
    if connection.vendor != "postgresql":
        pytest.skip("plans are read on PostgreSQL")
    # enough lines without the terms that reading them all costs more than asking an index
    _filler(crafted[0].center)
    with CaptureQueriesContext(connection) as queries:
        search_page(Filters(q=q), page=1, page_size=20, with_facets=False)
    matching = [
        query["sql"]
        for query in queries
        if "catalogue_capabilityline" in query["sql"] and "LIKE" in query["sql"]
    ]
    assert matching
    with connection.cursor() as cursor:
        # as after autovacuum: the new lines moved from the index's pending list into the index,
        # and statistics that tell the planner how rare the terms are
        cursor.execute("SELECT gin_clean_pending_list('catalogue_line_grams')")
        cursor.execute("ANALYZE catalogue_capabilityline")
        for sql in matching:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Seq Scan on catalogue_capabilityline" not in plan, plan
            assert "Bitmap Index Scan on catalogue_line_grams" in plan, plan


def _filler(center, count: int = 5000) -> None:
    """`count` lines about pressure: `压力` in every one of them, `中心` and `温度` in none."""
    filler = fold("压力 数字压力计 校准 力学")
    CapabilityLine.objects.bulk_create(
        CapabilityLine(
            center=center,
            natural_key=f"filler-{i}",
            kind="calibration",
            area="mechanical",
            measurand="压力",
            status=CapabilityLine.Status.PUBLISHED,
            content_hash="0",
            region_code="500000",
            search_text=filler,
            search_grams=search_grams(filler),
            measurand_key="压力",
        )
        for i in range(count)
    )


def _line_queries(q: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        search_page(Filters(q=q), page=1, page_size=20, with_facets=False)
    return [
        query["sql"]
        for query in queries
        if "catalogue_capabilityline" in query["sql"] and "LIKE" in query["sql"]
    ]


def test_a_common_short_term_is_read_in_order_and_a_rare_one_through_the_grams(crafted):
    """A gram in most lines (`压力` here, ~16 % of a national catalogue) is found sooner by
    reading the lines in order until the cap than by the grams index, which hands over every
    match first: after ANALYZE its search asks LIKE alone, while a rare term beside it (`中心`)
    still asks the grams index; both find what a plain LIKE finds."""
    if connection.vendor != "postgresql":
        pytest.skip("the grams index and its statistics are PostgreSQL's")
    _filler(crafted[0].center)
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('catalogue_line_grams')")
        cursor.execute("ANALYZE catalogue_capabilityline")
    search_module.forget_gram_stats()
    try:
        shares, lines = search_module.gram_stats()
        assert lines > 5000 and shares["压力"] > 0.9 and shares.get("中心", 0) < 0.01
        assert search_module.common_grams(["压力", "中心", "温度"]) == {"压力"}
        search_module.forget_gram_stats()
        with CaptureQueriesContext(connection) as queries:
            assert search_module.common_grams([]) == set()
        assert not queries.captured_queries  # a query without short terms reads no statistics
        for sql in _line_queries("压力"):
            assert "string_to_array" not in sql, sql
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "catalogue_line_grams" not in plan, plan
        mixed = _line_queries("压力 中心")
        assert mixed and all(sql.count("string_to_array") == 1 for sql in mixed), mixed
        for q in ["压力", "压力 中心", "中心", "温度 上海"]:
            expected = list(like_scan(q).values_list("pk", flat=True))
            assert list(search(Filters(q=q)).values_list("pk", flat=True)) == expected
            page = search_page(Filters(q=q), page=1, page_size=20, with_facets=False)
            assert [line.pk for line in page.lines] == expected[:20]
            assert page.count == min(len(expected), search_module.SEARCH_CAP)
    finally:
        search_module.forget_gram_stats()  # the next test's statistics are its own


# ----------------------------------------------------------------------- SQLite's table of grams

GRAMS_TABLE = "catalogue_line_grams_fts"


def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table of grams is SQLite's (PostgreSQL: a GIN index, above)")


def _holding(gram: str) -> set[int]:
    """The lines the FTS5 table of grams says hold the gram."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {GRAMS_TABLE} WHERE {GRAMS_TABLE} MATCH %s",
            ['"' + gram.replace('"', '""') + '"'],
        )
        return {row[0] for row in cursor.fetchall()}


def _in_step() -> None:
    """FTS5 compares the table of grams with every line's search_grams (an error if they differ)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {GRAMS_TABLE}({GRAMS_TABLE}, rank) VALUES ('integrity-check', 1)"
        )


def _line_count(gram: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT doc FROM catalogue_line_grams_vocab WHERE term = %s", [gram])
        row = cursor.fetchone()
    return row[0] if row else 0


def test_each_gram_is_one_token_of_the_grams_table_punctuation_included(world):
    """unicode61 would drop `·`, `、`, `—`, `±`, `°` and `《` as separators (so `·` found nothing
    and `牛·` found every `牛`): the table's ascii tokenizer keeps each gram whole."""
    _sqlite_only()
    center = world["centers"]["CQ-AUTO"]
    lines = [
        _line(center, text, key=f"punct-{i}")
        for i, text in enumerate(["扭矩 牛·米", "温度、湿度", "《计量法》 ±0.5℃", "牛 米 温度湿度"])
    ]
    grams = {g for line in lines for g in line.search_grams.split()}
    assert {"·", "牛·", "·米", "、", "《", "》", "±", "°", "度、"} <= grams
    for gram in sorted(grams):
        holders = {line.pk for line in lines if gram in line.search_grams.split()}
        assert _holding(gram) & {line.pk for line in lines} == holders, gram
        assert _line_count(gram) >= len(holders), gram
    _in_step()


def test_the_grams_table_follows_a_lines_text_and_its_deletion(world):
    _sqlite_only()
    center = world["centers"]["CQ-AUTO"]
    line = _line(center, "蠕变 试验机", key="follows")
    other = _line(center, "蠕变 持久", key="follows-other")
    assert _holding("蠕变") == {line.pk, other.pk} and _line_count("蠕变") == 2
    line.search_text = fold("邮电 通信 仪表")
    line.save(update_fields=["search_text"])
    assert _holding("蠕变") == {other.pk} and _line_count("蠕变") == 1
    assert _holding("邮电") == {line.pk} and _holding("信仪") == set()
    assert [found.pk for found in search(Filters(q="邮电"))] == [line.pk]
    _in_step()
    line.delete()
    assert _holding("邮电") == set() and _line_count("邮电") == 0
    assert _holding("蠕变") == {other.pk}
    _in_step()
    CapabilityLine.objects.filter(pk=other.pk).update(
        search_text=fold("邮电"), search_grams=search_grams(fold("邮电"))
    )
    assert _holding("蠕变") == set() and _holding("邮电") == {other.pk}
    _in_step()


def test_lines_loaded_in_bulk_are_in_the_grams_table_once_the_load_ends(world):
    from metrohub.catalogue import search_index

    _sqlite_only()
    center = world["centers"]["CQ-AUTO"]
    try:
        with search_index.bulk_load(connection):
            loaded = _line(center, "邮电 计量", key="bulk")
            assert _holding("邮电") == set()  # the triggers are suspended
        assert _holding("邮电") == {loaded.pk}
        after = _line(center, "邮电 通信", key="after-bulk")  # and back
        assert _holding("邮电") == {loaded.pk, after.pk}
        _in_step()
    finally:
        _forget_sqlite_statistics()


def _forget_sqlite_statistics() -> None:
    """The plans of later tests are planned without statistics, as before: the connection keeps
    what ANALYZE read even when the test's transaction is rolled back."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM sqlite_stat1")
        cursor.execute("ANALYZE sqlite_schema")


def _sqlite_plans(sqls: list[str]) -> list[str]:
    plans = []
    with connection.cursor() as cursor:
        for sql in sqls:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plans.append("\n".join(row[3] for row in cursor.fetchall()))
    return plans


def test_sqlite_asks_the_grams_table_for_a_rare_short_term_and_reads_a_common_one_in_order(
    crafted,
):
    """On SQLite `中心` (rare) is a MATCH on the table of grams, from which SQLite drives the search
    once the lines have statistics, instead of a LIKE over every line; `压力` (in nearly every line
    here, as in 16 % of a national catalogue) stays a LIKE read in order until the cap, decided
    from the table's own count of lines per gram; both find what a plain LIKE finds."""
    _sqlite_only()
    _filler(crafted[0].center)
    search_module.forget_gram_stats()
    try:
        assert search_module.common_grams(["压力", "中心", "温度", "邮电"]) == {"压力"}
        shares, lines = search_module.gram_stats(["压力"])
        assert lines >= 5005 and shares["压力"] > 0.9 and shares["中心"] < 0.01
        with CaptureQueriesContext(connection) as queries:
            assert search_module.common_grams([]) == set()
        assert not queries.captured_queries  # a query without short terms reads no counts
        for sql in _line_queries("压力"):
            assert GRAMS_TABLE not in sql, sql
        for q in ["中心", "温度 上海", "电能"]:
            sqls = _line_queries(q)
            assert sqls and all(sql.count(f"{GRAMS_TABLE} MATCH") == 1 for sql in sqls), sqls
        mixed = _line_queries("压力 中心")
        assert mixed and all(sql.count(f"{GRAMS_TABLE} MATCH") == 1 for sql in mixed), mixed
        # the rare grams of a query in one MATCH, which FTS5 intersects itself
        with CaptureQueriesContext(connection) as queries:
            list(search(Filters(q="中心 电能")).values_list("pk", flat=True))
        assert '"中心" AND "电能"' in queries.captured_queries[-1]["sql"]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalogue_capabilityline")
        for plan in _sqlite_plans(_line_queries("中心") + _line_queries("温度 上海")):
            assert plan.startswith("SEARCH catalogue_capabilityline USING INTEGER PRIMARY"), plan
            assert f"SCAN {GRAMS_TABLE} VIRTUAL TABLE" in plan, plan
        for plan in _sqlite_plans(_line_queries("压力")):
            assert GRAMS_TABLE not in plan, plan
        for q in ["压力", "压力 中心", "中心", "温度 上海", "中心 电能", "温", "电能"]:
            expected = list(like_scan(q).values_list("pk", flat=True))
            assert list(search(Filters(q=q)).values_list("pk", flat=True)) == expected, q
            page = search_page(Filters(q=q), page=1, page_size=20, with_facets=False)
            assert [line.pk for line in page.lines] == expected[:20], q
            assert page.count == min(len(expected), search_module.SEARCH_CAP), q
    finally:
        search_module.forget_gram_stats()
        _forget_sqlite_statistics()
