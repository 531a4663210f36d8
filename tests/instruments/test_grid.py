"""URL × role grid for every instrument page and endpoint, on the demo world: industry_user's
register (sh-ic), the filling station of cq_station in 渝北区 and its public page."""

import pytest

from metrohub.instruments import services
from metrohub.instruments.models import Instrument, Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(world):
    mine = Instrument.objects.filter(owner=world["organisations"]["sh-ic"]).order_by("pk").first()
    station = Site.objects.get(owner=world["organisations"]["cq-fuel"])
    feed = services.feed_of(world["organisations"]["sh-ic"])
    return mine, station, feed


def test_instrument_pages_grid(check_grid, demo):
    mine, station, feed = demo
    # The platform administrator passes every role check but keeps no register: 404.
    keepers = {"anonymous": 302, "industry": 200, "applicant": 200, "admin": 404}
    supervisors = {"anonymous": 302, "district": 200, "regulator": 200, "admin": 200}
    check_grid(
        [
            ("GET", "/instruments/", keepers, 403),
            ("GET", "/instruments/new/", keepers, 403),
            ("GET", "/instruments/import/", keepers, 403),
            ("GET", "/instruments/template.xlsx", {**keepers, "admin": 200}, 403),
            ("GET", "/instruments/sites/", keepers, 403),
            ("GET", f"/instruments/{mine.pk}/", {**keepers, "applicant": 404}, 403),
            ("POST", f"/instruments/{mine.pk}/certificate/", {**keepers, "industry": 302, "applicant": 404}, 403),
            ("POST", f"/instruments/{mine.pk}/file/", {**keepers, "industry": 302, "applicant": 404}, 403),
            ("GET", f"/instruments/sites/{station.pk}/poster/", {**keepers, "industry": 404, "applicant": 404}, 403),
            ("GET", f"/instruments/sites/{station.pk}/qr.png", {**keepers, "industry": 404, "applicant": 404}, 403),
            ("GET", "/instruments/district/", supervisors, 403),
            ("GET", "/instruments/district/export.xlsx", supervisors, 403),
            ("GET", "/instruments/customers/", {"anonymous": 302, "staff": 200, "director": 200, "admin": 200}, 403),
            ("GET", f"/instruments/calendar/{feed.token}.ics", {}, 200),
            ("GET", "/instruments/calendar/" + "0" * 43 + ".ics", {}, 404),
            ("GET", f"/public/sites/{station.token}", {}, 200),
            ("GET", "/public/sites/" + "0" * 43, {}, 404),
        ]
    )  # fmt: skip


def test_instrument_api_grid(check_grid, demo):
    check_grid(
        [
            ("GET", "/api/v1/instruments?due_before=2030-01-01",
             {"anonymous": 401, "industry": 200, "applicant": 200, "admin": 404}, 403),
            ("POST", "/api/v1/instruments", {"anonymous": 401}, 400),
        ]
    )  # fmt: skip
