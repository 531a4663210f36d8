import pytest

from metrohub.catalogue.documents import (
    DocumentCodeError,
    parse_document_code,
    query_code_prefix,
    split_document_codes,
)


@pytest.mark.parametrize(
    "typed",
    ["JJG 52—2013", "JJG52-2013", "jjg 52-2013", "JJG 52–2013", " JJG 52 － 2013 ", "JJG52—2013"],
)
def test_every_spelling_is_one_code(typed):
    assert parse_document_code(typed) == "JJG 52—2013"


def test_local_code_keeps_its_region():
    assert parse_document_code("JJG(渝) 12-2020") == "JJG(渝) 12—2020"
    assert parse_document_code("jjg（渝）12—2020") == "JJG(渝) 12—2020"


def test_dotted_numbers_and_gb():
    assert parse_document_code("JJF1059.1-2012") == "JJF 1059.1—2012"
    assert parse_document_code("gb/t 16857.2-2017") == "GB/T 16857.2—2017"


@pytest.mark.parametrize("bad", ["JJG 52", "ABC 1-2000", "JJG-2013", ""])
def test_refused(bad):
    with pytest.raises(DocumentCodeError):
        parse_document_code(bad)


def test_split_and_query_prefix():
    assert split_document_codes("JJG 52—2013；JJF 1098-2003、JJG 229-2010") == [
        "JJG 52—2013",
        "JJF 1098-2003",
        "JJG 229-2010",
    ]
    assert query_code_prefix("JJG 52") == "JJG 52—"
    assert query_code_prefix("jjg52-2013") == "JJG 52—2013"
    assert query_code_prefix("压力表") is None
