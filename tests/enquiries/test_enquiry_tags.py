"""The enquiry box of a center's public page: the median time to a first answer, or the empty
state for a center with no answered enquiry in the past year."""

import pytest

from metrohub.centers.models import Center
from metrohub.enquiries import services

from .test_services import send

pytestmark = pytest.mark.django_db


def box(client, center) -> str:
    page = client.get(f"/centers/{center.code}/").content.decode()
    start = page.index('<p data-testid="median-response">')
    return page[start : page.index("</p>", start) + 4]


@pytest.fixture
def quiet_center(world):
    """A Shanghai center of sh-simt that has had no enquiry."""
    return Center.objects.create(
        code="SH-ASK",
        name="上海市咨询测试产业计量测试中心",
        host=world["organisations"]["sh-simt"],
        jurisdiction=world["jurisdictions"]["310000"],
        level="municipal",
        status="established",
    )


def test_the_center_page_shows_the_median_time_to_a_first_answer(
    client_for, world, user_for, quiet_center, clock
):
    visitor = client_for("anonymous")
    empty = '<p data-testid="median-response">近一年尚无已答复的咨询。</p>'
    assert box(visitor, quiet_center) == empty
    industry, director = user_for("industry"), world["users"]["sh_simt_director"]
    send(industry, center=quiet_center)  # never answered: not counted
    assert box(visitor, quiet_center) == empty
    for hours in (1, 3, 10):
        enquiry = send(industry, center=quiet_center)
        clock.advance(hours=hours)
        services.reply(actor=director, enquiry=enquiry, text="已收到")
    assert box(visitor, quiet_center) == (
        '<p data-testid="median-response">近一年首次答复时间中位数：3小时0分钟</p>'
    )
    # a year and more later the answers have left the window
    clock.advance(days=366)
    assert box(visitor, quiet_center) == empty
