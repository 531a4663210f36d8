import datetime as dt

from metrohub.core.management.commands.serve import SHANGHAI, seconds_until_next_run


def test_next_reminder_run_is_the_coming_one_oclock_in_beijing():
    assert seconds_until_next_run(dt.datetime(2025, 10, 1, 0, 30, tzinfo=SHANGHAI)) == 30 * 60
    assert seconds_until_next_run(dt.datetime(2025, 10, 1, 1, 0, tzinfo=SHANGHAI)) == 24 * 3600
    assert seconds_until_next_run(dt.datetime(2025, 10, 1, 23, 0, tzinfo=SHANGHAI)) == 2 * 3600
