import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import translation

from metrohub.core.dates import chinese_date, chinese_month, legal_date


def test_a_date_is_written_as_documents_write_it_whatever_it_comes_as():
    assert chinese_date(dt.date(2025, 3, 10)) == "2025年3月10日"
    assert chinese_date("2025-03-10") == "2025年3月10日"  # from an event's payload
    assert chinese_date(None) == "" and chinese_date("") == ""
    assert chinese_date("not a date") == "not a date"


def test_a_moment_is_shown_on_the_day_it_falls_in_beijing(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    # 16:30 UTC on 9 March is half past midnight on 10 March in Beijing
    moment = dt.datetime(2025, 3, 9, 16, 30, tzinfo=ZoneInfo("UTC"))
    assert chinese_date(moment) == "2025年3月10日"


def test_pages_read_in_english_get_english_dates_and_documents_stay_chinese():
    day = dt.date(2025, 10, 14)
    with translation.override("en"):
        assert legal_date(day) == "14 October 2025"
        assert chinese_month(day) == "October 2025"
        assert chinese_date(day) == "2025年10月14日"
    with translation.override("zh-hans"):
        assert legal_date(day) == "2025年10月14日"
        assert chinese_month(day) == "2025年10月"


def test_an_english_page_s_dates_read_as_the_documents_english():
    """Templates' DATE_FORMAT printed "Oct. 1, 2026" beside legal_date's "1 October 2026"."""
    from django.template import Context, Template

    moment = dt.datetime(2025, 10, 14, 9, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
    template = Template('{{ d|date:"DATE_FORMAT" }} · {{ m|date:"DATETIME_FORMAT" }}')
    with translation.override("en"):
        assert template.render(Context({"d": moment.date(), "m": moment})) == (
            "14 October 2025 · 14 October 2025 09:05"
        )
    with translation.override("zh-hans"):
        assert template.render(Context({"d": moment.date(), "m": moment})) == (
            "2025年10月14日 · 2025年10月14日 09:05"
        )
